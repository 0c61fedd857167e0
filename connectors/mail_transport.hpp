// Where notices go (SPEC §5): `spool` writes each message atomically as an .eml file into a
// folder; `smtp` hands it to a mail server through libcurl (smtp:// with STARTTLS required or
// optional, smtps://, AUTH, timeouts), keeping its connection for the next message. A transport
// object is used by one thread at a time; the sender gives each of its threads its own.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace kenes::connectors {

struct Envelope
{
  std::string sender;     // MAIL FROM
  std::string recipient;  // RCPT TO
  std::string message_id; // names the spool file
  std::string message;    // the bytes, CRLF line ends
};

struct Delivery
{
  enum class Outcome { sent, temporary, permanent };
  Outcome outcome = Outcome::sent;
  std::string reply; // what the server (or the file system) said, for the outbox and the log
};

class MailTransport
{
public:
  virtual ~MailTransport() = default;
  virtual Delivery deliver(const Envelope& envelope) = 0;
  // Several messages, one Delivery each in the same order. The sender records the outcomes of a
  // call together, so a crash before that record repeats the whole call (same Message-IDs): a
  // transport that talks to a server takes one message a call, the spool up to 512, all made
  // durable by one file-system sync instead of one fsync each.
  virtual std::vector<Delivery> deliver_all(const std::vector<Envelope>& envelopes);
  virtual std::size_t batch_size() const { return 1; }
};

// How the spool writes a message before it gets its name: in a file without a name (O_TMPFILE,
// linked through /proc), falling back by itself to a hidden temporary name where the file system
// or the system has neither; or always through the temporary name.
enum class SpoolFiles { unnamed, temporary_names };
// The name of the spool file of a Message-ID ("<stem>.eml"; what is not a letter, digit, '.', '-'
// or '_' becomes '_'): what the store's outbox and the spool folder are compared by.
std::string spool_file_name(const std::string& message_id);
std::unique_ptr<MailTransport> make_spool_transport(std::filesystem::path folder,
                                                    SpoolFiles files = SpoolFiles::unnamed);

enum class SmtpTls { required, optional, never };

struct SmtpOptions
{
  std::string url; // smtp://host:port or smtps://host:port
  SmtpTls starttls = SmtpTls::optional;
  std::string username;
  std::string password; // never logged
  std::chrono::milliseconds timeout{30000};
  std::string ca_file;
};

std::unique_ptr<MailTransport> make_smtp_transport(SmtpOptions options);

} // namespace kenes::connectors
