#include "config_keys.hpp"

#include <algorithm>
#include <optional>
#include <stdexcept>
#include <utility>

namespace kenes::config {

namespace {

namespace cal = kenes::calendar;
using Path = std::filesystem::path;

// Row makers: each returns a key that knows how to read and default its member.

template <typename S>
Key<S> integer(std::string_view name, int S::*member, int fallback, int min, int max, std::string_view help)
{
  Key<S> k;
  k.info = {name, KeyType::integer, fallback, min, max, {}, help};
  k.read = [=](S& out, const JsonNode& n, const Path&) {
    out.*member = static_cast<int>(n.integer_or(fallback, min, max));
  };
  k.header_agrees = [=](const S& s) { return s.*member == fallback; };
  return k;
}

// Without a default the member keeps its header value (empty) until the key is given.
template <typename S>
Key<S> string(std::string_view name, std::string S::*member, std::optional<std::string_view> fallback,
              std::string_view help)
{
  Key<S> k;
  k.info = {name, KeyType::string, fallback ? nlohmann::json(*fallback) : nlohmann::json(), 0, 0, {}, help};
  k.read = [=](S& out, const JsonNode& n, const Path&) {
    if (fallback) {
      out.*member = std::string(*fallback);
    }
    if (auto v = n.string()) {
      out.*member = *v;
    }
  };
  k.header_agrees = [=](const S& s) { return s.*member == fallback.value_or(""); };
  return k;
}

template <typename S>
Key<S> path(std::string_view name, Path S::*member, std::optional<std::string_view> fallback, std::string_view help)
{
  Key<S> k;
  k.info = {name, KeyType::path, fallback ? nlohmann::json(*fallback) : nlohmann::json(), 0, 0, {}, help};
  k.read = [=](S& out, const JsonNode& n, const Path& base) {
    if (fallback) {
      out.*member = resolve_path(base, std::string(*fallback));
    }
    if (auto v = n.string()) {
      out.*member = resolve_path(base, *v);
    }
  };
  k.header_agrees = [=](const S& s) { return (s.*member).empty(); };
  return k;
}

template <typename E> using Names = std::vector<std::pair<std::string_view, E>>;

template <typename E> E value_named(const Names<E>& names, std::string_view name)
{
  for (const auto& [n, v] : names) {
    if (n == name) {
      return v;
    }
  }
  throw std::logic_error("config key table: default '" + std::string(name) + "' is not one of its choices");
}

// An enum member: one of `names`. Without a default the member keeps its header value.
template <typename S, typename E>
Key<S> choice(std::string_view name, E S::*member, const Names<E>& names, std::optional<std::string_view> fallback,
              std::string_view help)
{
  Key<S> k;
  k.info = {name, KeyType::choice, fallback ? nlohmann::json(*fallback) : nlohmann::json(), 0, 0, {}, help};
  std::string expected;
  for (const auto& [n, v] : names) {
    k.info.choices.push_back(n);
    expected += (expected.empty() ? "" : ", ") + std::string(n);
  }
  std::optional<E> value = fallback ? std::optional<E>(value_named(names, *fallback)) : std::nullopt;
  k.read = [=](S& out, const JsonNode& n, const Path&) {
    if (value) {
      out.*member = *value;
    }
    auto s = n.string();
    if (!s) {
      return;
    }
    for (const auto& [word, v] : names) {
      if (word == *s) {
        out.*member = v;
        return;
      }
    }
    n.problem("unknown value '" + *s + "'; expected one of: " + expected);
  };
  k.header_agrees = [=](const S& s) { return !value || s.*member == *value; };
  return k;
}

// A string member that is one of `words` (report.format; its message is older than choice's).
template <typename S>
Key<S> string_choice(std::string_view name, std::string S::*member, std::vector<std::string_view> words,
                     std::string_view fallback, std::string_view help)
{
  Key<S> k;
  k.info = {name, KeyType::choice, fallback, 0, 0, words, help};
  std::string expected;
  for (std::string_view w : words) {
    expected += (expected.empty() ? "" : ", ") + std::string(w);
  }
  k.read = [=](S& out, const JsonNode& n, const Path&) {
    out.*member = std::string(fallback);
    if (auto s = n.string()) {
      if (std::find(words.begin(), words.end(), *s) != words.end()) {
        out.*member = *s;
      } else {
        n.problem("expected one of " + expected + ", got '" + *s + "'");
      }
    }
  };
  k.header_agrees = [=](const S& s) { return s.*member == fallback; };
  return k;
}

template <typename S> Key<S> by_hand(std::string_view name, std::string_view help)
{
  Key<S> k;
  k.info = {name, KeyType::by_hand, {}, 0, 0, {}, help};
  return k;
}

template <typename S> Key<S> secret(std::string_view name)
{
  Key<S> k;
  k.info = {name, KeyType::secret, {}, 0, 0, {}, "Refused: secrets are never inline (the *_file key takes a path)."};
  return k;
}

constexpr std::nullopt_t k_none = std::nullopt;

// The names of the enums' values, in the order the schema lists them.
const Names<SourceType> k_source_types{
    {"caldav", SourceType::caldav}, {"ical", SourceType::ical}, {"dir", SourceType::dir}};
const Names<SourceRole> k_source_roles{{"calendar", SourceRole::calendar}, {"holidays", SourceRole::holidays}};
const Names<Transport> k_transports{{"spool", Transport::spool}, {"smtp", Transport::smtp}};
const Names<Enforcement> k_enforcements{{"hold", Enforcement::hold}, {"warn", Enforcement::warn}};
const Names<Adopt> k_adopts{{"silent", Adopt::silent}, {"digest", Adopt::digest}, {"none", Adopt::none}};
const Names<StartTls> k_starttls{
    {"required", StartTls::required}, {"optional", StartTls::optional}, {"never", StartTls::never}};
const Names<cal::Language> k_languages{{"ru", cal::Language::ru}, {"kk", cal::Language::kk}, {"en", cal::Language::en}};

template <typename S> KeySection section_of(const KeyTable<S>& table)
{
  KeySection out{table.pointer, {}};
  for (const Key<S>& k : table.keys) {
    out.keys.push_back(k.info);
  }
  return out;
}

template <typename S> void check_header(const KeyTable<S>& table, std::vector<std::string>& out)
{
  const S fresh{};
  for (const Key<S>& k : table.keys) {
    if (k.header_agrees && !k.header_agrees(fresh)) {
      out.push_back(std::string(table.pointer) + "/" + std::string(k.info.name));
    }
  }
}

} // namespace

std::filesystem::path resolve_path(const std::filesystem::path& base_dir, const std::string& p)
{
  std::filesystem::path path(p);
  return path.is_absolute() ? path : (base_dir / path).lexically_normal();
}

void refuse_inline_secret(const JsonNode& n, std::string_view key)
{
  n.problem("secrets are never inline: use '" + std::string(key) +
            "_file' (a file path, or a name in $CREDENTIALS_DIRECTORY)");
}

const KeyTable<Config>& top_level_keys()
{
  using S = Config;
  static const KeyTable<S> table{
      .pointer = "",
      .keys =
          {
              string("timezone", &S::timezone, "Asia/Almaty",
                     "The regime's time zone (an Olson name from the system tz database)."),
              path("state_dir", &S::state_dir, "state", "Folder of the state store."),
              by_hand<S>("directory", "Path of the directory file, or the directory of bodies itself."),
              by_hand<S>("sources", "The calendars to read, one object each (/sources/*)."),
              by_hand<S>("regime", "The rules of the regime (/regime)."),
              by_hand<S>("notices", "How notices are written and sent (/notices)."),
              by_hand<S>("admin", "The admin page (/admin)."),
              by_hand<S>("vks", "Video conferences (/vks)."),
              by_hand<S>("report", "Publishing each month's appendix (/report)."),
              by_hand<S>("$schema", "Ignored: the schema's address, for editors."),
          },
  };
  return table;
}

const KeyTable<SourceConfig>& source_keys()
{
  using S = SourceConfig;
  static const KeyTable<S> table{
      .pointer = "/sources/*",
      .keys =
          {
              string("id", &S::id, k_none, "The source's name, unique among the sources (required)."),
              choice("type", &S::type, k_source_types, k_none, "caldav, ical or dir (required)."),
              string("url", &S::url, k_none, "caldav and ical: an http:// or https:// URL."),
              path("path", &S::path, k_none, "For type dir: a folder of .ics files."),
              by_hand<S>("collections", "caldav: calendar URLs read besides (or instead of) discovery from url."),
              string("username", &S::username, k_none, "HTTP user name."),
              path("password_file", &S::password_file, k_none,
                   "Basic auth password (a file path, or a name in $CREDENTIALS_DIRECTORY)."),
              path("token_file", &S::token_file, k_none,
                   "Bearer token (a file path, or a name in $CREDENTIALS_DIRECTORY)."),
              integer("interval_seconds", &S::interval_seconds, 300, 1, 7 * 86400, "Sync interval."),
              choice("role", &S::role, k_source_roles, "calendar", "calendar: meetings to check; holidays: days off."),
              integer("max_connections", &S::max_connections, 4, 1, 64, "Connections to this server at once."),
              integer("multiget_batch", &S::multiget_batch, 50, 1, 1000, "Hrefs per calendar-multiget REPORT."),
              integer("timeout_seconds", &S::timeout_seconds, 30, 1, 3600, "Per-request timeout."),
              integer("relist_seconds", &S::relist_seconds, 3600, 0, 7 * 86400,
                      "CalDAV: how often a calendar home is listed in full; 0: every time."),
              integer("max_removal_percent", &S::max_removal_percent, 50, 1, 100,
                      "A sync removing more than this share of the source's meetings at once is held back."),
              secret<S>("password"),
              secret<S>("token"),
          },
  };
  return table;
}

const KeyTable<cal::Regime>& regime_keys()
{
  using S = cal::Regime;
  static const KeyTable<S> table{
      .pointer = "/regime",
      .keys =
          {
              by_hand<S>("windows", "The government (09:00–17:00) and interagency (09:00–13:00) windows."),
              by_hand<S>("working_hours", "The working day (09:00–18:30)."),
              by_hand<S>("designated_days", "Weekdays of selector meetings, government and KSO sessions, interagency."),
              by_hand<S>("holidays", "Days off, YYYY-MM-DD."),
              by_hand<S>("transferred_working_days", "Weekend days that are working days, YYYY-MM-DD."),
              integer("lead_time_days", &S::lead_time_days, 7, 0, 365,
                      "planning.lead_time: days between creation and the meeting."),
              integer("materials_days", &S::materials_days, 3, 0, 365,
                      "materials.agenda: days before the meeting the agenda is due."),
              integer("max_duration_minutes", &S::max_duration_minutes, 90, 1, 1440, "duration.long."),
              integer("suggest_count", &S::suggest_count, 3, 0, 50, "Slots suggested for an invalid slot."),
              integer("slot_step_minutes", &S::slot_step_minutes, 15, 1, 240, "Step of the slot search."),
              integer("suggest_days", &S::suggest_days, 14, 1, 90, "Days searched for slots."),
              integer("horizon_days", &S::horizon_days, 90, 1, 3660, "Recurrences expanded this far ahead."),
              integer("horizon_past_days", &S::horizon_past_days, 400, 0, 3660, "…and this far back."),
              by_hand<S>("severity", "A severity per rule id: error, warning, notice or off."),
              by_hand<S>("busy_blocks", "Weekly blocks when the listed officials are busy."),
              by_hand<S>("representation", "Who may attend for whom, by the chair's rank."),
              by_hand<S>("lexicon", "Words that tell a meeting's kind and format."),
          },
  };
  return table;
}

const KeyTable<NoticesConfig>& notices_keys()
{
  using S = NoticesConfig;
  static const KeyTable<S> table{
      .pointer = "/notices",
      .keys =
          {
              choice("transport", &S::transport, k_transports, "spool",
                     "How messages leave: files in spool_dir, or SMTP."),
              string("from", &S::from, "kenes@localhost", "The From address."),
              choice("enforcement", &S::enforcement, k_enforcements, "hold",
                     "hold: invitations to an invalid slot wait until it is fixed; warn: they are sent anyway."),
              choice("language", &S::language, k_languages, "ru", "Language of the notices."),
              path("spool_dir", &S::spool_dir, "spool", "Folder of the spool transport."),
              by_hand<S>("smtp", "The SMTP server (/notices/smtp)."),
              integer("retry_seconds", &S::retry_seconds, 60, 1, 86400,
                      "First retry of a temporary delivery failure; doubles with each attempt, up to one hour."),
              integer("max_attempts", &S::max_attempts, 12, 1, 1000, "Attempts before a message is parked as failed."),
              integer("concurrency", &S::concurrency, 4, 1, 32, "Messages handed to the transport at once."),
              string("guide_url", &S::guide_url, "docs/organizers.md",
                     "Where organizers read docs/organizers.md; named in every organizer warning."),
              choice("adopt", &S::adopt, k_adopts, "silent",
                     "The meetings a collection's first sync finds: silent (recorded as notified), digest (one "
                     "message per organizer about the invalid ones) or none (notified as new)."),
              integer("digest_after", &S::digest_after, 3, 0, 1000,
                      "More warnings than this to one organizer in one cycle go as one digest."),
              by_hand<S>("only_to", "Addresses, domains or body ids notices may go to; others are suppressed."),
              integer("max_per_minute", &S::max_per_minute, 120, 1, 100000,
                      "SMTP messages a minute at most; a 4xx answer slows the sender further."),
          },
  };
  return table;
}

const KeyTable<SmtpConfig>& smtp_keys()
{
  using S = SmtpConfig;
  static const KeyTable<S> table{
      .pointer = "/notices/smtp",
      .keys =
          {
              string("url", &S::url, "smtp://127.0.0.1:25", "smtp:// or smtps://."),
              choice("starttls", &S::starttls, k_starttls, "optional", "STARTTLS on smtp://."),
              string("username", &S::username, k_none, "AUTH user name."),
              path("password_file", &S::password_file, k_none,
                   "AUTH password (a file path, or a name in $CREDENTIALS_DIRECTORY)."),
              integer("timeout_seconds", &S::timeout_seconds, 30, 1, 3600, "Per-message timeout."),
              secret<S>("password"),
          },
  };
  return table;
}

const KeyTable<AdminConfig>& admin_keys()
{
  using S = AdminConfig;
  static const KeyTable<S> table{
      .pointer = "/admin",
      .keys =
          {
              string("listen", &S::listen, "127.0.0.1:8080", "ADDRESS:PORT of the admin page."),
              path("users_file", &S::users_file, k_none, "Lines of user:crypt-hash."),
              path("tokens_file", &S::tokens_file, k_none, "Bearer tokens, one per line."),
              choice("language", &S::language, k_languages, "ru", "Language of the admin page."),
          },
  };
  return table;
}

const KeyTable<VksConfig>& vks_keys()
{
  using S = VksConfig;
  static const KeyTable<S> table{
      .pointer = "/vks",
      .keys =
          {
              string("link_template", &S::link_template, k_none, "Video-conference link; {uid} is replaced."),
              by_hand<S>("hosts", "Hosts whose links in LOCATION/URL/DESCRIPTION make a meeting a video conference."),
          },
  };
  return table;
}

const KeyTable<ReportConfig>& report_keys()
{
  using S = ReportConfig;
  static const KeyTable<S> table{
      .pointer = "/report",
      .keys =
          {
              string("publish_url", &S::publish_url, k_none, "A WebDAV folder; appendix-YYYY-MM.<ext> is PUT there."),
              string_choice("format", &S::format, {"html", "csv", "json", "xlsx"}, "xlsx", "Format of the appendix."),
              string("username", &S::username, k_none, "Basic auth user name."),
              path("password_file", &S::password_file, k_none,
                   "Basic auth password (a file path, or a name in $CREDENTIALS_DIRECTORY)."),
              path("token_file", &S::token_file, k_none,
                   "Bearer token (a file path, or a name in $CREDENTIALS_DIRECTORY)."),
              integer("timeout_seconds", &S::timeout_seconds, 60, 1, 3600, "Per-request timeout."),
              integer("check_interval_seconds", &S::check_interval_seconds, 3600, 1, 86400,
                      "How often kenesd run looks whether a month is due."),
              secret<S>("password"),
              secret<S>("token"),
          },
  };
  return table;
}

std::vector<KeySection> config_key_sections()
{
  return {section_of(top_level_keys()), section_of(source_keys()), section_of(regime_keys()),
          section_of(notices_keys()),   section_of(smtp_keys()),   section_of(admin_keys()),
          section_of(vks_keys()),       section_of(report_keys())};
}

std::vector<std::string> header_defaults_not_in_table()
{
  std::vector<std::string> out;
  check_header(top_level_keys(), out);
  check_header(source_keys(), out);
  check_header(regime_keys(), out);
  check_header(notices_keys(), out);
  check_header(smtp_keys(), out);
  check_header(admin_keys(), out);
  check_header(vks_keys(), out);
  check_header(report_keys(), out);
  return out;
}

} // namespace kenes::config
