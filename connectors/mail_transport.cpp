#include "connectors/mail_transport.hpp"

#include "connectors/http_client.hpp"

#include <curl/curl.h>

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <utility>

namespace kenes::connectors {

namespace fs = std::filesystem;

namespace {

// The Message-ID as a file name: what is not a letter, digit, '.', '-' or '_' becomes '_'.
std::string file_name_of(const std::string& message_id)
{
  std::string out;
  for (char c : message_id) {
    bool keep =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
    out += keep ? c : '_';
  }
  return out.empty() ? "message" : out;
}

// What a spool learnt about this system, for every spool of the process after it (the checks
// make one a batch): once O_TMPFILE or the link through /proc failed, temporary names.
std::atomic<bool>& unnamed_files_work()
{
  static std::atomic<bool> works{true};
  return works;
}

class SpoolTransport final : public MailTransport
{
public:
  SpoolTransport(fs::path folder, SpoolFiles files)
    : m_folder(std::move(folder))
    , m_files(files)
  {
  }

  Delivery deliver(const Envelope& e) override { return deliver_all({e}).front(); }
  std::size_t batch_size() const override { return 512; }

  // Each message is written to a file without a name (O_TMPFILE; where the file system has none,
  // a hidden temporary name); one syncfs makes them all durable, then each is linked (or renamed)
  // to its name and the folder synced: a reader sees a whole message or none, and the same
  // Message-ID written twice is the same file.
  std::vector<Delivery> deliver_all(const std::vector<Envelope>& envelopes) override
  {
    std::vector<Delivery> out(envelopes.size());
    std::error_code ec;
    fs::create_directories(m_folder, ec);
    int dir = ::open(m_folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0) {
      const std::string reason = "spool " + m_folder.string() + ": " + std::strerror(errno);
      for (Delivery& d : out) {
        d = {Delivery::Outcome::temporary, reason};
      }
      return out;
    }
    std::vector<Written> written(envelopes.size());
    for (std::size_t i = 0; i < envelopes.size(); ++i) {
      out[i] = write_file(dir, file_name_of(envelopes[i].message_id), envelopes[i].message, written[i]);
    }
    if (::syncfs(dir) != 0) {
      const std::string reason = "spool " + m_folder.string() + ": " + std::strerror(errno);
      for (std::size_t i = 0; i < out.size(); ++i) {
        if (out[i].outcome == Delivery::Outcome::sent) {
          out[i] = {Delivery::Outcome::temporary, reason};
        }
        discard(written[i]);
      }
      ::close(dir);
      return out;
    }
    for (std::size_t i = 0; i < envelopes.size(); ++i) {
      if (out[i].outcome != Delivery::Outcome::sent) {
        continue;
      }
      const std::string name = file_name_of(envelopes[i].message_id) + ".eml";
      out[i] = publish(dir, written[i], name);
    }
    if (::fsync(dir) != 0) {
      const std::string reason = "spool " + m_folder.string() + ": " + std::strerror(errno);
      for (Delivery& d : out) {
        d = {Delivery::Outcome::temporary, reason}; // written again next time, under the same names
      }
    }
    ::close(dir);
    return out;
  }

private:
  // A message on disk but not yet under its name: an open file without a name, or a temporary one.
  struct Written
  {
    int fd = -1;
    fs::path temporary;
  };

  static std::string write_all(int fd, const std::string& message)
  {
    const char* p = message.data();
    std::size_t left = message.size();
    while (left > 0) {
      ssize_t n = ::write(fd, p, left);
      if (n < 0) {
        if (errno == EINTR) {
          continue;
        }
        return std::strerror(errno);
      }
      p += n;
      left -= static_cast<std::size_t>(n);
    }
    return "";
  }

  Delivery write_file(int dir, const std::string& stem, const std::string& message, Written& w) const
  {
    if (m_files == SpoolFiles::unnamed && unnamed_files_work()) {
      w.fd = ::openat(dir, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0640);
      if (w.fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL)) {
        unnamed_files_work() = false; // this file system has no O_TMPFILE: temporary names from now on
      }
    }
    if (w.fd < 0) {
      w.temporary = m_folder / ("." + stem + ".tmp");
      w.fd = ::open(w.temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
      if (w.fd < 0) {
        std::string reason = "spool " + w.temporary.string() + ": " + std::strerror(errno);
        w.temporary.clear();
        return {Delivery::Outcome::temporary, reason};
      }
    }
    std::string error = write_all(w.fd, message);
    // A named file is closed now; a file without a name stays open until it is linked.
    if (!w.temporary.empty() && ::close(std::exchange(w.fd, -1)) != 0 && error.empty()) {
      error = std::strerror(errno);
    }
    if (!error.empty()) {
      discard(w);
      return {Delivery::Outcome::temporary, "spool " + m_folder.string() + ": " + error};
    }
    return {Delivery::Outcome::sent, ""};
  }

  // Gives a written message its name. A file of that name is the same Message-ID written before
  // (a crash came between the write and the outbox's record): the message is there already.
  Delivery publish(int dir, Written& w, const std::string& name) const
  {
    const fs::path final_path = m_folder / name;
    if (w.fd >= 0) {
      const std::string self = "/proc/self/fd/" + std::to_string(w.fd);
      int rc = ::linkat(AT_FDCWD, self.c_str(), dir, name.c_str(), AT_SYMLINK_FOLLOW);
      int error = rc == 0 ? 0 : errno;
      discard(w);
      if (rc == 0 || error == EEXIST) {
        return {Delivery::Outcome::sent, "written to " + final_path.string()};
      }
      if (error == ENOENT) {
        unnamed_files_work() = false; // no /proc here: temporary names, from the retry on
      }
      return {Delivery::Outcome::temporary, "spool " + final_path.string() + ": " + std::strerror(error)};
    }
    std::error_code ec;
    fs::rename(w.temporary, final_path, ec);
    if (ec) {
      discard(w);
      return {Delivery::Outcome::temporary, "spool " + final_path.string() + ": " + ec.message()};
    }
    w.temporary.clear();
    return {Delivery::Outcome::sent, "written to " + final_path.string()};
  }

  static void discard(Written& w)
  {
    if (w.fd >= 0) {
      ::close(w.fd);
      w.fd = -1;
    }
    if (!w.temporary.empty()) {
      std::error_code ec;
      fs::remove(w.temporary, ec);
      w.temporary.clear();
    }
  }

  fs::path m_folder;
  SpoolFiles m_files;
};

struct Upload
{
  const std::string* data;
  std::size_t offset = 0;
};

std::size_t read_upload(char* buffer, std::size_t size, std::size_t count, void* user)
{
  auto* u = static_cast<Upload*>(user);
  std::size_t n = std::min(size * count, u->data->size() - u->offset);
  std::memcpy(buffer, u->data->data() + u->offset, n);
  u->offset += n;
  return n;
}

class SmtpTransport final : public MailTransport
{
public:
  explicit SmtpTransport(SmtpOptions o)
    : m_options(std::move(o))
    , m_easy(curl_easy_init())
  {
  }
  ~SmtpTransport() override
  {
    if (m_easy) {
      curl_easy_cleanup(m_easy);
    }
  }

  Delivery deliver(const Envelope& e) override
  {
    if (!m_easy) {
      return {Delivery::Outcome::temporary, "curl_easy_init failed"};
    }
    // The same easy handle for every message: libcurl keeps the SMTP connection open between them.
    curl_easy_reset(m_easy);
    Upload upload{&e.message};
    std::string from = "<" + e.sender + ">";
    curl_slist* rcpt = curl_slist_append(nullptr, ("<" + e.recipient + ">").c_str());
    char error[CURL_ERROR_SIZE] = {0};
    curl_easy_setopt(m_easy, CURLOPT_URL, m_options.url.c_str());
    curl_easy_setopt(m_easy, CURLOPT_MAIL_FROM, from.c_str());
    curl_easy_setopt(m_easy, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(m_easy, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(m_easy, CURLOPT_READFUNCTION, read_upload);
    curl_easy_setopt(m_easy, CURLOPT_READDATA, &upload);
    curl_easy_setopt(m_easy, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(e.message.size()));
    curl_easy_setopt(m_easy, CURLOPT_ERRORBUFFER, error);
    curl_easy_setopt(m_easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(m_easy, CURLOPT_TIMEOUT_MS, static_cast<long>(m_options.timeout.count()));
    curl_easy_setopt(m_easy, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(std::min<long>(10000, m_options.timeout.count())));
    long use_ssl = m_options.starttls == SmtpTls::required   ? CURLUSESSL_ALL
                   : m_options.starttls == SmtpTls::optional ? CURLUSESSL_TRY
                                                             : CURLUSESSL_NONE;
    curl_easy_setopt(m_easy, CURLOPT_USE_SSL, use_ssl);
    if (!m_options.ca_file.empty()) {
      curl_easy_setopt(m_easy, CURLOPT_CAINFO, m_options.ca_file.c_str());
    }
    if (!m_options.username.empty()) {
      curl_easy_setopt(m_easy, CURLOPT_USERNAME, m_options.username.c_str());
      curl_easy_setopt(m_easy, CURLOPT_PASSWORD, m_options.password.c_str());
    }
    CURLcode rc = curl_easy_perform(m_easy);
    long code = 0;
    curl_easy_getinfo(m_easy, CURLINFO_RESPONSE_CODE, &code);
    curl_slist_free_all(rcpt);
    if (rc == CURLE_OK) {
      return {Delivery::Outcome::sent, "SMTP " + std::to_string(code)};
    }
    std::string reason = "SMTP " + redact_url(m_options.url) + (code ? " " + std::to_string(code) : std::string()) +
                         ": " + (error[0] ? error : curl_easy_strerror(rc));
    // 5xx is the server's final word; 4xx, timeouts and connection trouble may pass.
    bool permanent = code >= 500 && code <= 599;
    if (rc == CURLE_LOGIN_DENIED || rc == CURLE_USE_SSL_FAILED || rc == CURLE_UNSUPPORTED_PROTOCOL ||
        rc == CURLE_URL_MALFORMAT) {
      permanent = code < 400 || code >= 500;
    }
    return {permanent ? Delivery::Outcome::permanent : Delivery::Outcome::temporary, reason};
  }

private:
  SmtpOptions m_options;
  CURL* m_easy;
};

} // namespace

std::vector<Delivery> MailTransport::deliver_all(const std::vector<Envelope>& envelopes)
{
  std::vector<Delivery> out;
  out.reserve(envelopes.size());
  for (const Envelope& e : envelopes) {
    out.push_back(deliver(e));
  }
  return out;
}

std::string spool_file_name(const std::string& message_id)
{
  return file_name_of(message_id) + ".eml";
}

std::unique_ptr<MailTransport> make_spool_transport(fs::path folder, SpoolFiles files)
{
  return std::make_unique<SpoolTransport>(std::move(folder), files);
}

std::unique_ptr<MailTransport> make_smtp_transport(SmtpOptions options)
{
  return std::make_unique<SmtpTransport>(std::move(options));
}

} // namespace kenes::connectors
