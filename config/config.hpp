// The daemon's configuration (SPEC §11): loaded from one JSON file, validated, with defaults.
// The keys, their defaults and ranges are the tables of config_keys.cpp; a test holds the defaults
// written here to them.
#pragma once

#include "config/json_node.hpp"

#include "calendar/directory.hpp"
#include "calendar/finding.hpp"
#include "calendar/regime.hpp"

#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace kenes::config {

enum class SourceType { caldav, ical, dir };
enum class SourceRole { calendar, holidays };
enum class Transport { spool, smtp };
enum class Enforcement { hold, warn };
// What the first sync of a collection does with the meetings it finds (SPEC §5 "Rollout").
enum class Adopt { silent, digest, none };
enum class StartTls { required, optional, never };

struct SourceConfig
{
  std::string id;
  SourceType type = SourceType::dir;
  SourceRole role = SourceRole::calendar;
  std::string url;
  std::filesystem::path path;
  std::vector<std::string> collections;
  std::string username;
  std::filesystem::path password_file;
  std::filesystem::path token_file;
  int interval_seconds = 300;
  int max_connections = 4;
  int multiget_batch = 50;
  int timeout_seconds = 30;
  int relist_seconds = 3600; // caldav: a home is listed in full (names, component sets) this often
  // A sync that would remove more than this share of the source's stored meetings (or of one
  // collection's) at once is not applied (issue 23, item 5); 100: never held back.
  int max_removal_percent = 50;
};

struct SmtpConfig
{
  std::string url = "smtp://127.0.0.1:25";
  StartTls starttls = StartTls::optional;
  std::string username;
  std::filesystem::path password_file;
  int timeout_seconds = 30;
};

struct NoticesConfig
{
  Transport transport = Transport::spool;
  std::string from = "kenes@localhost";
  Enforcement enforcement = Enforcement::hold;
  calendar::Language language = calendar::Language::ru;
  std::filesystem::path spool_dir;
  SmtpConfig smtp;
  int retry_seconds = 60; // first retry of a temporary failure; doubles each time, up to 1 h
  int max_attempts = 12;  // then the message is parked as failed
  int concurrency = 4;    // messages handed to the transport at once
  // Where organizers read how to write a meeting kenes reads right (docs/organizers.md), named in
  // every organizer warning: a URL of the ministry's intranet, or the document's name by default.
  std::string guide_url = "docs/organizers.md";
  Adopt adopt = Adopt::silent;
  int digest_after = 3;             // more warnings than this to one organizer in a cycle: one digest
  std::vector<std::string> only_to; // addresses, @domains/domains or body ids; empty: everyone
  int max_per_minute = 120;         // SMTP messages a minute at most
};

struct AdminConfig
{
  std::string listen = "127.0.0.1:8080";
  std::filesystem::path users_file;
  std::filesystem::path tokens_file;
  calendar::Language language = calendar::Language::ru;
};

struct VksConfig
{
  std::string link_template;
  std::vector<std::string> hosts;
};

// Publishing each month's appendix to a WebDAV folder (SPEC §9): off while publish_url is empty.
struct ReportConfig
{
  std::string publish_url; // a folder: "appendix-YYYY-MM.<ext>" is appended
  std::string format = "xlsx";
  std::string username;
  std::filesystem::path password_file;
  std::filesystem::path token_file;
  int timeout_seconds = 60;
  int check_interval_seconds = 3600; // how often `kenesd run` looks whether a month is due
};

struct Config
{
  std::filesystem::path file;
  std::string timezone = "Asia/Almaty";
  std::filesystem::path state_dir;
  std::filesystem::path directory_file; // empty when inline
  std::shared_ptr<calendar::Directory> directory;
  calendar::Regime regime;
  std::vector<SourceConfig> sources;
  NoticesConfig notices;
  AdminConfig admin;
  VksConfig vks;
  ReportConfig report;
  // A digest of the config's text and its directory file's: a reload (SIGHUP) that changes it
  // checks every meeting again (a new representative, rank, window or holiday applies at once).
  std::string inputs_digest;
};

// Thrown when a config cannot be used; holds every problem found.
class ConfigError : public std::runtime_error
{
public:
  explicit ConfigError(std::vector<ConfigProblem> problems);
  const std::vector<ConfigProblem>& problems() const { return m_problems; }

private:
  std::vector<ConfigProblem> m_problems;
};

Config load_config(const std::filesystem::path& file);
// For tests and embedded configs: `text` as if read from `file` (relative paths resolve next to it).
Config parse_config(const std::string& text, const std::filesystem::path& file);

// Parses JSON text, reporting syntax errors with line and column.
std::optional<nlohmann::json> parse_json(const std::string& text, const std::string& file, Problems& problems);
bool read_text_file(const std::filesystem::path& file, std::string& out, std::string& error);

} // namespace kenes::config
