#include "config.hpp"

#include "config_keys.hpp"
#include "directory_loader.hpp"

#include "calendar/ical_digest.hpp"
#include "calendar/text.hpp"
#include "calendar/time.hpp"

#include <fstream>
#include <set>
#include <sstream>

namespace kenes::config {

namespace cal = kenes::calendar;

namespace {

std::optional<cal::RegimeWindow> read_window(const JsonNode& n)
{
  if (!n.present()) {
    return std::nullopt;
  }
  std::optional<int> start, end;
  if (n.value()->is_array() && n.value()->size() == 2) {
    auto items = n.items();
    if (auto s = items[0].string())
      start = cal::parse_hh_mm(*s);
    if (auto s = items[1].string())
      end = cal::parse_hh_mm(*s);
  } else if (n.is_object()) {
    n.allow_keys({"start", "end"});
    if (auto s = n["start"].string())
      start = cal::parse_hh_mm(*s);
    if (auto s = n["end"].string())
      end = cal::parse_hh_mm(*s);
  } else {
    return std::nullopt;
  }
  if (!start || !end || *end <= *start) {
    n.problem("expected {\"start\": \"HH:MM\", \"end\": \"HH:MM\"} with start before end");
    return std::nullopt;
  }
  return cal::RegimeWindow{*start, *end};
}

std::vector<std::chrono::weekday> read_weekdays(const JsonNode& n)
{
  std::vector<JsonNode> items;
  if (n.present() && n.value()->is_string()) {
    items.push_back(n);
  } else {
    items = n.items();
  }
  std::vector<std::chrono::weekday> out;
  for (const JsonNode& item : items) {
    if (auto s = item.string()) {
      if (auto w = cal::parse_weekday(cal::ascii_lower(*s))) {
        out.push_back(*w);
      } else {
        item.problem("expected a weekday name (monday … sunday), got '" + *s + "'");
      }
    }
  }
  return out;
}

std::set<cal::Days> read_dates(const JsonNode& n)
{
  std::set<cal::Days> out;
  for (const JsonNode& item : n.items()) {
    if (auto s = item.string()) {
      if (auto d = cal::parse_iso_date(*s)) {
        out.insert(*d);
      } else {
        item.problem("expected a date YYYY-MM-DD, got '" + *s + "'");
      }
    }
  }
  return out;
}

std::vector<cal::Rank> read_ranks(const JsonNode& n, bool* any)
{
  std::vector<cal::Rank> out;
  if (any) {
    *any = false;
  }
  if (n.present() && n.value()->is_string() && n.value()->get<std::string>() == "*") {
    if (any) {
      *any = true;
    }
    return out;
  }
  for (const JsonNode& item : n.items()) {
    if (auto s = item.string()) {
      if (*s == "*" && any) {
        *any = true;
      } else if (auto r = cal::parse_rank(*s)) {
        out.push_back(*r);
      } else {
        item.problem("unknown rank '" + *s + "'");
      }
    }
  }
  return out;
}

void read_windows(const JsonNode& regime, cal::Regime& r)
{
  JsonNode windows = regime["windows"];
  if (windows.is_object()) {
    windows.allow_keys({"government", "interagency"});
    if (auto w = read_window(windows["government"]))
      r.government_window = *w;
    if (auto w = read_window(windows["interagency"]))
      r.interagency_window = *w;
  }
  if (auto w = read_window(regime["working_hours"]))
    r.working_hours = *w;
}

void read_designated_days(const JsonNode& days, cal::Regime& r)
{
  if (!days.is_object()) {
    return;
  }
  days.allow_keys({"selector", "government_session", "kso_session", "interagency"});
  if (days["selector"].present())
    r.selector_days = read_weekdays(days["selector"]);
  if (days["government_session"].present())
    r.government_session_days = read_weekdays(days["government_session"]);
  if (days["kso_session"].present())
    r.kso_session_days = read_weekdays(days["kso_session"]);
  if (days["interagency"].present())
    r.interagency_days = read_weekdays(days["interagency"]);
}

void read_severity(const JsonNode& n, cal::Regime& r)
{
  std::vector<std::string> rule_names;
  for (const auto& info : cal::all_rules()) {
    rule_names.emplace_back(info.name);
  }
  for (auto& [rule, v] : n.members()) {
    auto id = cal::parse_rule_id(rule);
    if (!id) {
      std::string msg = "unknown rule id '" + rule + "'";
      if (auto near = did_you_mean(rule, rule_names)) {
        msg += "; did you mean '" + *near + "'?";
      }
      v.problem(msg);
      continue;
    }
    if (auto s = v.string()) {
      if (auto sev = cal::parse_severity(*s)) {
        r.severity[static_cast<std::size_t>(*id)] = *sev;
      } else {
        v.problem("expected one of: error, warning, notice, off; got '" + *s + "'");
      }
    }
  }
}

std::vector<cal::BusyBlock> read_busy_blocks(const JsonNode& n)
{
  std::vector<cal::BusyBlock> out;
  for (const JsonNode& b : n.items()) {
    if (!b.is_object()) {
      continue;
    }
    b.allow_keys({"label", "weekdays", "start", "end", "ranks", "bodies", "officials"});
    cal::BusyBlock block;
    block.label = b["label"].string_or("");
    block.weekdays = read_weekdays(b["weekdays"]);
    auto s = b["start"].string();
    auto e = b["end"].string();
    int sp = -1, ep = -1;
    if (s)
      sp = cal::parse_hh_mm(*s).value_or(-1);
    if (e)
      ep = cal::parse_hh_mm(*e).value_or(-1);
    if (sp < 0 || ep <= sp) {
      b.problem("expected \"start\" and \"end\" as HH:MM with start before end");
    } else {
      block.window = {sp, ep};
    }
    block.ranks = read_ranks(b["ranks"], nullptr);
    block.bodies = b["bodies"].strings();
    for (const std::string& o : b["officials"].strings()) {
      block.officials.push_back(cal::ascii_lower(o));
    }
    out.push_back(std::move(block));
  }
  return out;
}

std::vector<cal::RepresentationRow> read_representation(const JsonNode& n)
{
  std::vector<cal::RepresentationRow> out;
  for (const JsonNode& row : n.items()) {
    if (!row.is_object()) {
      continue;
    }
    row.allow_keys({"chair", "speaker", "central", "local"});
    cal::RepresentationRow rr;
    rr.chair = read_ranks(row["chair"], nullptr);
    if (rr.chair.empty()) {
      row["chair"].problem("expected a non-empty array of chair ranks");
    }
    rr.speaker = row["speaker"].boolean();
    rr.central = read_ranks(row["central"], &rr.any_central);
    rr.local = read_ranks(row["local"], &rr.any_local);
    if (!row["central"].present())
      rr.any_central = true;
    if (!row["local"].present())
      rr.any_local = true;
    out.push_back(std::move(rr));
  }
  return out;
}

// The lexicon's words for each of `all` (a kind or a format), lower-cased; one not given keeps its words.
template <typename T>
void read_words(const JsonNode& n, std::initializer_list<T> all,
                std::vector<std::pair<T, std::vector<std::string>>>& list)
{
  if (!n.is_object()) {
    return;
  }
  std::vector<std::string_view> names;
  for (T v : all) {
    names.push_back(cal::to_string(v));
  }
  n.allow_keys(names);
  std::vector<std::pair<T, std::vector<std::string>>> out;
  for (T v : all) {
    JsonNode words = n[cal::to_string(v)];
    if (words.present()) {
      std::vector<std::string> lower;
      for (const std::string& w : words.strings())
        lower.push_back(cal::utf8_lower(w));
      out.emplace_back(v, std::move(lower));
    } else {
      for (auto& [dv, dw] : list) {
        if (dv == v)
          out.emplace_back(v, dw);
      }
    }
  }
  list = std::move(out);
}

void read_regime(const JsonNode& n, cal::Regime& r)
{
  if (!n.present() || !n.is_object()) {
    return;
  }
  const KeyTable<cal::Regime>& keys = regime_keys();
  keys.check_names(n);
  read_windows(n, r);
  read_designated_days(n["designated_days"], r);
  r.holidays = read_dates(n["holidays"]);
  r.transferred_working_days = read_dates(n["transferred_working_days"]);
  keys.read_values(n, r, {}); // lead times, slot search, horizon
  read_severity(n["severity"], r);
  if (n["busy_blocks"].present()) {
    r.busy_blocks = read_busy_blocks(n["busy_blocks"]);
  }
  if (n["representation"].present()) {
    r.representation = read_representation(n["representation"]);
  }
  JsonNode lex = n["lexicon"];
  if (lex.is_object()) {
    lex.allow_keys({"kind", "format"});
    read_words(lex["kind"],
               {cal::Kind::government_session, cal::Kind::kso_session, cal::Kind::selector, cal::Kind::operative},
               r.lexicon.kind);
    read_words(lex["format"], {cal::Format::video, cal::Format::selector}, r.lexicon.format);
  }
}

void read_sources(const JsonNode& n, const std::filesystem::path& base, std::vector<SourceConfig>& out)
{
  std::set<std::string> ids;
  for (const JsonNode& s : n.items()) {
    if (!s.is_object()) {
      continue;
    }
    SourceConfig src;
    source_keys().read(s, src, base);
    if (src.id.empty()) {
      s.problem("missing key 'id'");
    } else if (!ids.insert(src.id).second) {
      s["id"].problem("duplicate source id '" + src.id + "'");
    }
    if (!s["type"].present()) {
      s.problem("missing key 'type' (caldav, ical or dir)");
    }
    if (src.type != SourceType::dir) {
      if (src.url.empty() && s["collections"].strings().empty()) {
        s.problem("missing key 'url'");
      } else if (!src.url.empty() && src.url.rfind("http://", 0) != 0 && src.url.rfind("https://", 0) != 0) {
        s["url"].problem("expected an http:// or https:// URL");
      }
    }
    if (src.type == SourceType::dir && !(s["path"].present() && s["path"].value()->is_string())) {
      s.problem("missing key 'path' (a folder of .ics files)");
    }
    src.collections = s["collections"].strings();
    out.push_back(std::move(src));
  }
}

void read_notices(const JsonNode& n, const std::filesystem::path& base, NoticesConfig& out)
{
  const bool object = n.is_object();
  notices_keys().read(n, out, base); // the spool folder is there when notices are not
  if (!object) {
    return;
  }
  for (const std::string& a : n["only_to"].strings()) {
    out.only_to.push_back(cal::ascii_lower(a));
  }
  JsonNode smtp = n["smtp"];
  if (smtp.is_object()) {
    smtp_keys().read(smtp, out.smtp, base);
    if (out.smtp.url.rfind("smtp://", 0) != 0 && out.smtp.url.rfind("smtps://", 0) != 0) {
      smtp["url"].problem("expected an smtp:// or smtps:// URL");
    }
  }
  if (out.transport == Transport::smtp && !smtp.present()) {
    n.problem("transport 'smtp' needs an 'smtp' object with a 'url'");
  }
}

void read_admin(const JsonNode& n, const std::filesystem::path& base, AdminConfig& out)
{
  if (!n.is_object()) {
    return;
  }
  admin_keys().read(n, out, base);
  if (out.listen.rfind(':') == std::string::npos) {
    n["listen"].problem("expected ADDRESS:PORT, e.g. 127.0.0.1:8080");
  }
}

void read_report(const JsonNode& n, const std::filesystem::path& base, ReportConfig& out)
{
  if (!n.is_object()) {
    return;
  }
  report_keys().read(n, out, base);
  if (n["publish_url"].present() && out.publish_url.rfind("http://", 0) != 0 &&
      out.publish_url.rfind("https://", 0) != 0) {
    n["publish_url"].problem("expected an http:// or https:// URL");
  }
  if (!out.password_file.empty() && !out.token_file.empty()) {
    n.problem("set either 'password_file' or 'token_file', not both");
  }
}

std::string host_of(const std::string& url)
{
  auto scheme = url.find("://");
  if (scheme == std::string::npos) {
    return {};
  }
  auto start = scheme + 3;
  auto end = url.find_first_of("/:?#{", start);
  return cal::ascii_lower(url.substr(start, end == std::string::npos ? std::string::npos : end - start));
}

} // namespace

ConfigError::ConfigError(std::vector<ConfigProblem> problems)
  : std::runtime_error(problems.empty() ? "invalid config" : problems.front().to_string())
  , m_problems(std::move(problems))
{
}

bool read_text_file(const std::filesystem::path& file, std::string& out, std::string& error)
{
  std::error_code ec;
  if (std::filesystem::is_directory(file, ec)) {
    error = "is a directory";
    return false;
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    error = std::filesystem::exists(file, ec) ? "cannot be read (permission denied?)" : "no such file";
    return false;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  out = ss.str();
  return true;
}

std::optional<nlohmann::json> parse_json(const std::string& text, const std::string& file, Problems& problems)
{
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    // A syntax error, or a number too large for a double (out_of_range.406: "1E400"), found by
    // the config fuzzer (tests/fuzz/regressions/config/).
    std::string what = e.what();
    // "[json.exception.parse_error.101] parse error at line 3, column 5: ..." -> keep the readable part.
    auto pos = what.find("] ");
    problems.add(file, "", "invalid JSON: " + (pos == std::string::npos ? what : what.substr(pos + 2)));
    return std::nullopt;
  }
}

Config parse_config(const std::string& text, const std::filesystem::path& file)
{
  Config cfg;
  cfg.file = file;
  const std::filesystem::path base = file.parent_path();
  const std::string fname = file.string();
  Problems problems;
  auto doc = parse_json(text, fname, problems);
  if (!doc) {
    throw ConfigError(problems.list());
  }
  JsonNode root(&*doc, "", fname, problems);
  if (!root.is_object()) {
    throw ConfigError(problems.list());
  }
  top_level_keys().read(root, cfg, base); // the time zone and the state folder
  try {
    cal::RegimeZone probe(cfg.timezone);
  } catch (const std::exception& e) {
    root["timezone"].problem(e.what());
  }

  // The directory: inline, or a file whose own problems name that file.
  JsonNode dir = root["directory"];
  std::optional<nlohmann::json> dir_doc;
  std::string dir_name;
  std::string dir_text;
  if (!dir.present()) {
    root.problem("missing key 'directory' (a path to the directory of bodies, or the directory itself)");
  } else if (dir.value()->is_string()) {
    cfg.directory_file = resolve_path(base, dir.value()->get<std::string>());
    dir_name = cfg.directory_file.string();
    std::string error;
    if (!read_text_file(cfg.directory_file, dir_text, error)) {
      dir.problem("directory file '" + dir_name + "': " + error);
    } else {
      dir_doc = parse_json(dir_text, dir_name, problems);
    }
  } else if (!dir.value()->is_object()) {
    dir.problem("expected a path or an object, got " + type_name(*dir.value()));
  }
  if (dir_doc) {
    cfg.directory = read_directory(JsonNode(&*dir_doc, "", dir_name, problems));
  } else if (dir.present() && dir.value()->is_object()) {
    cfg.directory = read_directory(dir);
  } else {
    cfg.directory = std::make_shared<cal::Directory>();
  }

  read_regime(root["regime"], cfg.regime);
  read_sources(root["sources"], base, cfg.sources);
  read_notices(root["notices"], base, cfg.notices);
  read_admin(root["admin"], base, cfg.admin);
  read_report(root["report"], base, cfg.report);
  JsonNode vks = root["vks"];
  if (vks.is_object()) {
    vks_keys().read(vks, cfg.vks, base);
    for (const std::string& h : vks["hosts"].strings()) {
      cfg.vks.hosts.push_back(cal::ascii_lower(h));
    }
  }
  cfg.regime.video_hosts = cfg.vks.hosts;
  if (std::string h = host_of(cfg.vks.link_template); !h.empty()) {
    cfg.regime.video_hosts.push_back(h);
  }
  if (!problems.empty()) {
    throw ConfigError(problems.list());
  }
  cfg.inputs_digest = cal::fnv_digest(text + '\n' + dir_text);
  return cfg;
}

Config load_config(const std::filesystem::path& file)
{
  std::string text, error;
  if (!read_text_file(file, text, error)) {
    throw ConfigError({{file.string(), "", error}});
  }
  return parse_config(text, file);
}

} // namespace kenes::config
