// The spool transport and the composed message, without a daemon: what lands in the folder, under
// which name, and what a second delivery of the same Message-ID does.
#include "connectors/mail_message.hpp"
#include "connectors/mail_transport.hpp"
#include "support/test_support.hpp"

#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

using namespace kenes;
using kenes::test::names_in;
using kenes::test::slurp;
using kenes::test::TempDir;
namespace fs = std::filesystem;

namespace {

connectors::Envelope envelope(const std::string& id, const std::string& bytes)
{
  return {"kenes@gov.kz", "rep@mf.gov.kz", id, bytes};
}

// An invitation to one representative, with a small calendar.
connectors::MailMessage invitation()
{
  connectors::MailMessage m;
  m.from = "kenes@gov.kz";
  m.to = "rep@mf.gov.kz";
  m.to_name = "Тулегенов Т.";
  m.subject = "Приглашение: совещание";
  m.message_id = "0123abcd@gov.kz";
  m.date = 1795000000;
  m.text = "Совещание\n";
  m.calendar = "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n";
  m.method = "REQUEST";
  return m;
}

} // namespace

TEST_CASE("spool: each message is one .eml under its Message-ID with its exact bytes, nothing else is left, the "
          "same Message-ID again is the same one file (files without a name, and hidden temporary names)",
          "[notices][spool]")
{
  const auto files = GENERATE(connectors::SpoolFiles::unnamed, connectors::SpoolFiles::temporary_names);
  INFO("temporary names: " << (files == connectors::SpoolFiles::temporary_names));
  TempDir dir;
  const fs::path folder = dir.path() / "spool";
  auto spool = connectors::make_spool_transport(folder, files);
  std::vector<connectors::Envelope> batch = {envelope("a1@gov.kz", "first\r\n"),
                                             envelope("b/2@gov.kz", std::string(200000, 'x') + "\r\n"),
                                             envelope("c3@gov.kz", "")};
  std::vector<connectors::Delivery> out = spool->deliver_all(batch);
  REQUIRE(out.size() == 3);
  for (const connectors::Delivery& d : out) {
    CHECK(d.outcome == connectors::Delivery::Outcome::sent);
    CHECK_THAT(d.reply, Catch::StartsWith("written to " + folder.string()));
  }
  CHECK(names_in(folder) == std::set<std::string>{"a1_gov.kz.eml", "b_2_gov.kz.eml", "c3_gov.kz.eml"});
  CHECK(slurp(folder / "a1_gov.kz.eml") == "first\r\n");
  CHECK(slurp(folder / "b_2_gov.kz.eml") == batch[1].message);
  CHECK(slurp(folder / "c3_gov.kz.eml").empty());
  struct stat st
  {
  };
  REQUIRE(::stat((folder / "a1_gov.kz.eml").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0640);

  // A crash between the write and the outbox's record repeats the delivery: one file, and sent.
  connectors::Delivery again = spool->deliver(envelope("a1@gov.kz", "first\r\n"));
  CHECK(again.outcome == connectors::Delivery::Outcome::sent);
  CHECK(names_in(folder).size() == 3);
  CHECK(slurp(folder / "a1_gov.kz.eml") == "first\r\n");
}

TEST_CASE("spool: a folder that cannot be written is a temporary failure naming it, for every message",
          "[notices][spool]")
{
  TempDir dir;
  const fs::path blocker = dir.write("not-a-folder", "x"); // a file where the folder should be
  auto spool = connectors::make_spool_transport(blocker / "spool");
  std::vector<connectors::Delivery> out =
      spool->deliver_all({envelope("a@gov.kz", "m\r\n"), envelope("b@gov.kz", "n\r\n")});
  REQUIRE(out.size() == 2);
  for (const connectors::Delivery& d : out) {
    CHECK(d.outcome == connectors::Delivery::Outcome::temporary);
    CHECK_THAT(d.reply, Catch::Contains(blocker.string()));
  }
}

TEST_CASE("mail: an invitation is the same bytes each time it is composed, and its boundaries occur only as "
          "boundaries",
          "[notices]")
{
  connectors::MailMessage m = invitation();
  const std::string bytes = connectors::compose_mail(m);
  CHECK(connectors::compose_mail(m) == bytes);
  m.message_id = "other@gov.kz";
  const std::string other = connectors::compose_mail(m);
  CHECK(other != bytes);

  // Two multiparts, each boundary once in its header and as the delimiter lines of its parts.
  const std::string marker = "boundary=\"";
  std::vector<std::string> boundaries;
  for (auto at = bytes.find(marker); at != std::string::npos; at = bytes.find(marker, at + 1)) {
    auto start = at + marker.size();
    boundaries.push_back(bytes.substr(start, bytes.find('"', start) - start));
  }
  REQUIRE(boundaries.size() == 2);
  CHECK(boundaries[0] != boundaries[1]);
  auto count = [&](const std::string& what) {
    int n = 0;
    for (auto at = bytes.find(what); at != std::string::npos; at = bytes.find(what, at + 1)) {
      ++n;
    }
    return n;
  };
  CHECK(count("\r\n--" + boundaries[0] + "\r\n") == 2); // mixed: the alternative and invite.ics
  CHECK(count("\r\n--" + boundaries[0] + "--\r\n") == 1);
  CHECK(count("\r\n--" + boundaries[1] + "\r\n") == 2); // alternative: text and calendar
  CHECK(count("\r\n--" + boundaries[1] + "--\r\n") == 1);
}

TEST_CASE("mail: a message is its head and its body, one body serves the heads of several recipients", "[notices]")
{
  connectors::MailMessage m = invitation();
  const std::string head = connectors::compose_head(m);
  const std::string body = connectors::compose_body(m, m.message_id);
  CHECK(head + body == connectors::compose_mail(m));
  CHECK(head.find("Content-Type") == std::string::npos);
  CHECK(head.size() >= 19);
  CHECK(head.substr(head.size() - 19) == "MIME-Version: 1.0\r\n");
  CHECK(body.rfind("Content-Type: multipart/mixed", 0) == 0);

  connectors::MailMessage second = m;
  second.to = "other@edu.gov.kz";
  second.to_name = "Абишев Д.";
  second.message_id = "4567ef@gov.kz";
  const std::string head2 = connectors::compose_head(second);
  CHECK(head2.find("other@edu.gov.kz") != std::string::npos);
  CHECK(head2.find("rep@mf.gov.kz") == std::string::npos);
  CHECK(head2.find("4567ef@gov.kz") != std::string::npos);
  // The body holds no header of the message: nothing in it names a recipient.
  CHECK(body.find("rep@mf.gov.kz") == std::string::npos);
  CHECK(body.find("0123abcd@gov.kz") == std::string::npos);
}

TEST_CASE("mail: a head's fields follow each message's own values, also for a sender and recipient seen before",
          "[notices]")
{
  connectors::MailMessage m = invitation();
  m.to_name = "Абишев Д.";
  m.reply_to = "chair@mf.gov.kz";
  const std::string first = connectors::compose_head(m);
  CHECK(first.find("To: =?UTF-8?b?") != std::string::npos); // a Cyrillic name is RFC 2047-encoded
  CHECK(first.find("Абишев") == std::string::npos);

  connectors::MailMessage renamed = m;
  renamed.to_name = "Abishev D.";
  renamed.date = m.date + 3600;
  const std::string second = connectors::compose_head(renamed);
  CHECK(second.find("To: \"Abishev D.\" <" + m.to + ">\r\n") != std::string::npos);
  CHECK(second != first);
  CHECK(connectors::compose_head(m) == first); // and back: nothing of the second kept

  // The fields in order, one line each, and no raw control character from a value.
  connectors::MailMessage odd = m;
  odd.subject = "line\r\nBcc: x@evil.kz";
  const std::string head = connectors::compose_head(odd);
  CHECK(head.find("\r\nBcc:") == std::string::npos);
  std::vector<std::string> names;
  for (std::size_t at = 0; at < head.size();) {
    const std::size_t end = head.find("\r\n", at);
    REQUIRE(end != std::string::npos);
    if (head[at] != ' ' && head[at] != '\t') {
      names.push_back(head.substr(at, head.find(':', at) - at));
    }
    at = end + 2;
  }
  CHECK(names == std::vector<std::string>{"Date", "From", "Reply-To", "Subject", "To", "Message-Id", "MIME-Version"});
}
