#include "daemon/notices/notice_composer.hpp"
#include "calendar/ical_digest.hpp"

#include "calendar/itip.hpp"
#include "calendar/words.hpp"
#include "connectors/mail_message.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <sstream>
#include <tuple>

namespace kenes::daemon {

namespace cal = kenes::calendar;

namespace {

struct Words
{
  const char* invitation;
  const char* update;
  const char* cancelled;
  const char* warning;
  const char* when;
  const char* chair;
  const char* place;
  const char* link;
  const char* invite_body;
  const char* cancel_body;
  const char* warning_intro;
  const char* held;
  const char* not_held;
  const char* findings;
  const char* dropped;
  const char* suggestions;
  const char* no_suggestions;
  const char* guide;
  const char* signature;
  const char* digest;
  const char* digest_intro;
};

// Russian by default, Kazakh and English by config (SPEC §5).
const Words& words(cal::Language lang)
{
  static const Words ru{
      "Приглашение",
      "Изменение",
      "Отменено",
      "Замечания по совещанию",
      "Время",
      "Председатель",
      "Место",
      "Ссылка на ВКС",
      "Вы приглашены как представитель своего органа (приказ № 140-р: один компетентный "
      "представитель от органа).",
      "Совещание отменено или вы больше не приглашены на него.",
      "Совещание не соответствует регламенту проведения совещаний (распоряжение Премьер-Министра "
      "№ 140-р).",
      "Приглашения участникам не отправлены: они будут отправлены, когда время совещания будет "
      "исправлено.",
      "Приглашения участникам отправлены.",
      "Замечания",
      "Не приглашены",
      "Допустимое время",
      "Допустимого времени не найдено.",
      "Как записать совещание, чтобы kenes прочитал его верно (докладчик, замена, КСО, онлайн-участие)",
      "— kenes, контроль регламента совещаний",
      "Замечания по совещаниям",
      "Следующие совещания не соответствуют регламенту проведения совещаний (распоряжение "
      "Премьер-Министра № 140-р)."};
  static const Words kk{"Шақыру",
                        "Өзгеріс",
                        "Күші жойылды",
                        "Кеңес бойынша ескертулер",
                        "Уақыты",
                        "Төраға",
                        "Орны",
                        "БКБ сілтемесі",
                        "Сіз өз органыңыздың өкілі ретінде шақырылдыңыз (№ 140-ө өкім: органнан бір құзыретті "
                        "өкіл).",
                        "Кеңестің күші жойылды немесе сіз енді шақырылмайсыз.",
                        "Кеңес кеңестер өткізу регламентіне сәйкес келмейді (Премьер-Министрдің № 140-ө өкімі).",
                        "Қатысушыларға шақырулар жіберілмеді: кеңес уақыты түзетілгенде жіберіледі.",
                        "Қатысушыларға шақырулар жіберілді.",
                        "Ескертулер",
                        "Шақырылмағандар",
                        "Жарамды уақыт",
                        "Жарамды уақыт табылмады.",
                        "Кеңесті kenes дұрыс оқитындай қалай жазу керек (баяндамашы, ауыстыру, КМО, онлайн қатысу)",
                        "— kenes, кеңестер регламентін бақылау",
                        "Кеңестер бойынша ескертулер",
                        "Келесі кеңестер кеңестер өткізу регламентіне сәйкес келмейді (Премьер-Министрдің № 140-ө "
                        "өкімі)."};
  static const Words en{
      "Invitation",
      "Updated",
      "Cancelled",
      "Meeting regime findings",
      "When",
      "Chair",
      "Where",
      "Video conference",
      "You are invited as the representative of your body (order No. 140-r: one competent "
      "representative per body).",
      "The meeting was cancelled, or you are no longer invited to it.",
      "The meeting does not keep the meeting regime (the Prime Minister's order No. 140-r).",
      "The invitations were not sent: they will go out once the time of the meeting is fixed.",
      "The invitations were sent.",
      "Findings",
      "Not invited",
      "Valid times",
      "No valid time was found.",
      "How to write a meeting so that kenes reads it right (speaker, substitution, KSO, remote attendance)",
      "— kenes, meeting regime control",
      "Meeting regime findings",
      "The following meetings do not keep the meeting regime (the Prime Minister's order No. "
      "140-r)."};
  switch (lang) {
  case cal::Language::kk:
    return kk;
  case cal::Language::en:
    return en;
  case cal::Language::ru:
    break;
  }
  return ru;
}

std::string domain_of(const std::string& address)
{
  auto at = address.rfind('@');
  return at == std::string::npos ? "kenes.localhost" : address.substr(at + 1);
}

std::string replace_all(std::string s, const std::string& what, const std::string& with)
{
  for (std::size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + with.size())) {
    s.replace(at, what.size(), with);
  }
  return s;
}

std::string display_name(const cal::Directory& directory, const std::string& address)
{
  std::optional<cal::AddressMatch> match = directory.lookup(address);
  return match && match->official ? match->official->name : "";
}

// The iTIP calendar's options for notice `n`, for its one recipient: each VEVENT with its own
// version's chair and chosen representatives (SPEC §3 "Versions"), or for a CANCEL its version's
// chair and the recipient. A version with nothing chosen (a cancelled override, one beyond the
// horizon) takes the master's; so does the master's own VEVENT when nothing was chosen for it.
cal::ItipOptions itip_options(const NoticeContext& c, const cal::PlannedNotice& n, const std::string& link)
{
  const cal::CheckedMeeting& m = *c.meeting;
  const cal::Directory& directory = *c.config.directory;
  cal::ItipOptions itip;
  itip.method = n.kind == cal::NoticeKind::cancel ? cal::ItipMethod::cancel : cal::ItipMethod::request;
  itip.uid = m.uid;
  itip.sequence = n.sequence;
  itip.dtstamp = c.now;
  itip.only = n.only;
  itip.conference_url = link;
  itip.zone = &c.zone;
  const bool cancel = n.kind == cal::NoticeKind::cancel;
  auto attendees = [&](const std::string& chair_uri, const std::vector<cal::Invitation>& invitations) {
    const std::string chair = cal::normalize_address(chair_uri);
    std::vector<cal::ItipAttendee> out{{chair, display_name(directory, chair), true}};
    if (cancel) {
      out.push_back({n.recipient, display_name(directory, n.recipient), false});
      return out;
    }
    for (const cal::Invitation& inv : invitations) {
      if (inv.official) {
        out.push_back({inv.official->email, inv.official->name, false});
      }
    }
    return out;
  };
  const bool master_chosen = !m.versions.empty() && m.versions.front().has_occurrences;
  itip.attendees = master_chosen ? attendees(m.versions.front().chair, m.versions.front().invitations)
                                 : attendees(m.chair, cal::future_invitations(m));
  for (const cal::CheckedVersion& v : m.versions) {
    if (v.has_occurrences || cancel) {
      itip.versions.push_back({v.recurrence_id, attendees(v.chair.empty() ? m.chair : v.chair, v.invitations)});
    }
  }
  if (!cancel) {
    itip.recipient = n.recipient; // only the VEVENTs that list them
  }
  return itip;
}

// Which versions' lists name `recipient` (the fallback list last): with the sequence and `only`,
// what decides the calendar one recipient's REQUEST carries.
std::vector<bool> listed_in(const cal::ItipOptions& itip, const std::string& recipient)
{
  auto names = [&](const std::vector<cal::ItipAttendee>& list) {
    return std::any_of(list.begin(), list.end(), [&](const cal::ItipAttendee& a) {
      return cal::normalize_address(a.address) == cal::normalize_address(recipient);
    });
  };
  std::vector<bool> out;
  for (const cal::ItipVersion& v : itip.versions) {
    out.push_back(names(v.attendees));
  }
  out.push_back(names(itip.attendees));
  return out;
}

} // namespace

std::string message_id_for(const std::string& key, const std::string& from)
{
  // Two independent FNV-1a digests of the idempotency key: the same key, the same Message-ID.
  return cal::fnv_digest(key) + cal::fnv_digest(key, 1099511628211ull * 31) + "@" + domain_of(from);
}

std::string conference_link(const config::Config& config, const cal::CheckedMeeting& m)
{
  if (config.vks.link_template.empty() || m.format == cal::Format::in_person) {
    return "";
  }
  return replace_all(config.vks.link_template, "{uid}", m.uid);
}

std::vector<OutboxMessage> compose_notices(const NoticeContext& c, const cal::NoticePlan& plan)
{
  const Words& w = words(c.language);
  const cal::CheckedMeeting& m = *c.meeting;
  const std::string chair = cal::normalize_address(m.chair);
  const std::string link = conference_link(c.config, m);
  std::vector<OutboxMessage> out;
  // A REQUEST's body (text, calendar and their MIME entity) by sequence, `only` and the versions
  // whose lists name its recipient: the same for every representative invited to the same
  // versions, so composed once; each message adds only its head.
  std::map<std::tuple<int, std::vector<std::string>, std::vector<bool>>, std::optional<std::string>> requests;
  auto queue = [&](const cal::PlannedNotice& n, const std::string& message_id, std::string bytes) {
    OutboxMessage message;
    message.key = n.key;
    message.message_id = message_id;
    message.kind = std::string(cal::to_string(n.kind));
    message.recipient = n.recipient;
    message.sender = c.config.notices.from;
    message.message = std::move(bytes);
    out.push_back(std::move(message));
  };
  for (const cal::PlannedNotice& n : plan.notices) {
    connectors::MailMessage mail;
    mail.from = c.config.notices.from;
    mail.from_name = "kenes";
    mail.to = n.recipient;
    mail.to_name = display_name(*c.config.directory, n.recipient);
    mail.reply_to = c.organizer.empty() ? chair : c.organizer;
    mail.date = c.now;
    mail.message_id = message_id_for(n.key, c.config.notices.from);
    std::ostringstream text;
    if (n.kind == cal::NoticeKind::warning) {
      mail.reply_to.clear();
      mail.subject = std::string(w.warning) + ": " + m.summary;
      // The next occurrence that has not ended (the series' first when none is ahead).
      cal::Instant when_start = m.start;
      cal::Instant when_end = m.end;
      for (const cal::CheckedOccurrence& o : m.occurrence_list) {
        if (!o.past) {
          when_start = o.start;
          when_end = o.end;
          break;
        }
      }
      // What a digest repeats of this warning: everything between the intro and the guide.
      text << m.summary << "\n"
           << w.when << ": " << c.zone.text(when_start) << " – " << c.zone.text(when_end) << "\n\n"
           << w.findings << ":\n";
      for (const cal::Finding& f : m.findings) {
        // An occurrence already over is history: the organizer is not warned about it (SPEC §3).
        if (f.severity == cal::Severity::notice || !cal::decides(m, f)) {
          continue;
        }
        // The rule by its name and the decree in words: an organizer reads no ids (issue 25).
        text << "- " << cal::rule_title(f.rule, c.language) << " (" << cal::rule_reference(f.rule, c.language) << "), "
             << c.zone.text(f.occurrence) << ": " << cal::render_message(f, c.language, *c.config.directory) << "\n";
      }
      // Who was not invited, of each version with an occurrence ahead; an override's named by it.
      std::string dropped_lines;
      for (const cal::CheckedVersion& v : m.versions) {
        if (!v.has_future) {
          continue;
        }
        for (const cal::Dropped& d : v.dropped) {
          dropped_lines += "- " + (v.recurrence_id ? c.zone.text(*v.recurrence_id) + ": " : std::string()) +
                           cal::explain_dropped(d, *c.config.directory, v.invitations, c.language) + "\n";
        }
      }
      if (!dropped_lines.empty()) {
        text << "\n" << w.dropped << ":\n" << dropped_lines;
      }
      text << "\n" << w.suggestions << ":\n";
      if (m.suggested_slots.empty()) {
        text << w.no_suggestions << "\n";
      }
      for (const cal::Slot& s : m.suggested_slots) {
        text << "- " << c.zone.text(s.start) << " – " << c.zone.text(s.end) << "\n";
      }
      text << "\n" << (plan.held ? w.held : w.not_held) << "\n";
      const std::string part = text.str();
      mail.text = std::string(w.warning_intro) + "\n\n" + part + "\n" + w.guide + ": " + c.config.notices.guide_url +
                  "\n\n" + w.signature + "\n";
      queue(n, mail.message_id, connectors::compose_mail(mail));
      out.back().text = part;
      continue;
    }
    const char* what = n.kind == cal::NoticeKind::cancel ? w.cancelled : (n.sequence > 0 ? w.update : w.invitation);
    mail.subject = std::string(what) + ": " + m.summary;
    // Every representative's REQUEST of one sequence and the same VEVENTs has the same body:
    // composed once, with the boundaries of the first. A CANCEL names its one recipient.
    const cal::ItipOptions itip = itip_options(c, n, link);
    std::optional<std::string>* shared_body = nullptr;
    if (n.kind == cal::NoticeKind::request) {
      auto [at, fresh] = requests.try_emplace({n.sequence, n.only, listed_in(itip, n.recipient)});
      shared_body = &at->second;
      if (!fresh) {
        if (at->second) {
          queue(n, mail.message_id, connectors::compose_head(mail) + *at->second);
        }
        continue;
      }
    }
    std::optional<std::string> calendar = c.event.build(itip);
    if (!calendar) {
      continue;
    }
    // The series' first start, or for one invited to overrides only, the first of theirs ahead.
    cal::Instant when_start = m.start;
    cal::Instant when_end = m.end;
    if (n.occurrence != 0) { // the CANCEL of occurrences names the first of them
      when_end = n.occurrence + (m.end - m.start);
      when_start = n.occurrence;
    }
    auto invited_to = [&](const cal::CheckedVersion& v) {
      return std::any_of(v.invitations.begin(), v.invitations.end(), [&](const cal::Invitation& i) {
        return i.official && cal::normalize_address(i.official->email) == cal::normalize_address(n.recipient);
      });
    };
    if (n.kind == cal::NoticeKind::request && !m.versions.empty() && m.versions.front().has_occurrences &&
        !invited_to(m.versions.front())) {
      for (const cal::CheckedOccurrence& o : m.occurrence_list) {
        if (!o.past && o.version < m.versions.size() && invited_to(m.versions[o.version])) {
          when_start = o.start;
          when_end = o.end;
          break;
        }
      }
    }
    text << m.summary << "\n"
         << w.when << ": " << c.zone.text(when_start) << " – " << c.zone.text(when_end) << "\n"
         << w.chair << ": "
         << (display_name(*c.config.directory, chair).empty() ? chair : display_name(*c.config.directory, chair))
         << "\n";
    if (!c.location.empty()) {
      text << w.place << ": " << connectors::header_safe(c.location) << "\n";
    }
    if (!link.empty()) {
      text << w.link << ": " << link << "\n";
    }
    text << "\n"
         << (n.kind == cal::NoticeKind::cancel ? w.cancel_body : w.invite_body) << "\n\n"
         << w.signature << "\n";
    mail.text = text.str();
    mail.calendar = std::move(*calendar);
    mail.method = n.kind == cal::NoticeKind::cancel ? "CANCEL" : "REQUEST";
    std::string body = connectors::compose_body(mail, mail.message_id);
    if (shared_body) {
      *shared_body = body;
    }
    queue(n, mail.message_id, connectors::compose_head(mail) + body);
  }
  return out;
}

OutboxMessage compose_digest(const config::Config& config, const std::string& recipient,
                             const std::vector<std::string>& keys, const std::vector<std::string>& parts,
                             calendar::Instant now)
{
  const Words& w = words(config.notices.language);
  std::string all;
  for (const std::string& k : keys) {
    all += k + "\n";
  }
  OutboxMessage out;
  out.key = "digest/" + recipient + "/" + cal::fnv_digest(all);
  out.message_id = message_id_for(out.key, config.notices.from);
  out.kind = "digest";
  out.recipient = recipient;
  out.sender = config.notices.from;
  connectors::MailMessage mail;
  mail.from = config.notices.from;
  mail.from_name = "kenes";
  mail.to = recipient;
  mail.to_name = display_name(*config.directory, recipient);
  mail.date = now;
  mail.message_id = out.message_id;
  mail.subject = std::string(w.digest) + " (" + std::to_string(parts.size()) + ")";
  std::string text = std::string(w.digest_intro) + "\n";
  for (std::size_t i = 0; i < parts.size(); ++i) {
    text += "\n" + std::to_string(i + 1) + ". " + parts[i];
  }
  text += "\n" + std::string(w.guide) + ": " + config.notices.guide_url + "\n\n" + w.signature + "\n";
  mail.text = std::move(text);
  out.message = connectors::compose_mail(mail);
  return out;
}

} // namespace kenes::daemon
