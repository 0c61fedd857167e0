// The keys of the config file, one table per section (SPEC §11): name, type, default, range and a
// line of help. The loader takes from a section's table the keys it allows (so an unknown key is an
// error with a "did you mean"), and reads every scalar key by walking it: the default first, then
// the value with its type and range checked. Objects, arrays and unions (windows, sources, the
// representation table, …) are rows of their own and are read by hand in config.cpp.
// tests/config/test_config_keys.cpp holds kenes.schema.json (the source of the kenes.json(5) man
// page) and the defaults in config.hpp and calendar::Regime to these tables.
#pragma once

#include "config/config.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace kenes::config {

enum class KeyType {
  integer, // an int, from min to max
  string,
  path,    // a string; relative paths are read next to the config file
  choice,  // one of `choices`
  by_hand, // an object, an array or a union, read by hand in config.cpp ("$schema": ignored)
  secret,  // "password", "token": allowed only to be refused, secrets are never inline
};

// A key as the docs and the schema test see it.
struct KeyInfo
{
  std::string_view name;
  KeyType type = KeyType::by_hand;
  nlohmann::json fallback; // the default as the config would spell it; null when there is none
  std::int64_t min = 0;    // integer
  std::int64_t max = 0;
  std::vector<std::string_view> choices; // choice, in the order the schema lists them
  std::string_view help;                 // for this table's reader; the man page has the schema's description
};

template <typename S> struct Key
{
  KeyInfo info;
  // Sets the member to the default (when there is one), then to the value of `n` when it is present
  // and valid; a problem at `n` when it is not. Empty for by_hand and secret rows.
  std::function<void(S& out, const JsonNode& n, const std::filesystem::path& base)> read;
  // Whether a default-constructed S already holds the table's default (a path default is resolved
  // against the config's folder, so there the header holds an empty path).
  std::function<bool(const S&)> header_agrees;
};

template <typename S> struct KeyTable
{
  std::string_view pointer; // where the section is: "/notices/smtp", "/sources/*" for every source
  std::vector<Key<S>> keys; // in the order they are allowed (the order "did you mean" weighs them)

  // Unknown keys and inline secrets of the object `n` are problems.
  void check_names(const JsonNode& n) const;
  // Every scalar key of `n` (absent or not an object: the defaults) into `out`, in table order.
  void read_values(const JsonNode& n, S& out, const std::filesystem::path& base) const;
  void read(const JsonNode& n, S& out, const std::filesystem::path& base) const
  {
    check_names(n);
    read_values(n, out, base);
  }
};

const KeyTable<Config>& top_level_keys();
const KeyTable<SourceConfig>& source_keys();
const KeyTable<calendar::Regime>& regime_keys();
const KeyTable<NoticesConfig>& notices_keys();
const KeyTable<SmtpConfig>& smtp_keys();
const KeyTable<AdminConfig>& admin_keys();
const KeyTable<ReportConfig>& report_keys();
const KeyTable<VksConfig>& vks_keys();

struct KeySection
{
  std::string_view pointer;
  std::vector<KeyInfo> keys;
};
// Every table, for the docs and the schema test.
std::vector<KeySection> config_key_sections();
// The keys whose default in config.hpp (or calendar::Regime) is not the table's, as pointers
// ("/notices/retry_seconds"); empty when the headers agree.
std::vector<std::string> header_defaults_not_in_table();

// "secrets are never inline": `n` is the secret key `key` ("password").
void refuse_inline_secret(const JsonNode& n, std::string_view key);
// `p` as written in the config: relative to the config file's folder `base_dir`.
std::filesystem::path resolve_path(const std::filesystem::path& base_dir, const std::string& p);

template <typename S> void KeyTable<S>::check_names(const JsonNode& n) const
{
  std::vector<std::string_view> names;
  for (const Key<S>& k : keys) {
    names.push_back(k.info.name);
  }
  n.allow_keys(names);
  for (const Key<S>& k : keys) {
    if (k.info.type == KeyType::secret && n[k.info.name].present()) {
      refuse_inline_secret(n[k.info.name], k.info.name);
    }
  }
}

template <typename S> void KeyTable<S>::read_values(const JsonNode& n, S& out, const std::filesystem::path& base) const
{
  for (const Key<S>& k : keys) {
    if (k.read) {
      k.read(out, n[k.info.name], base);
    }
  }
}

} // namespace kenes::config
