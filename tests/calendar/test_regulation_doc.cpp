// docs/regulation.md accounts for every provision of order 140-r: the rule ids it names are
// exactly the rule ids of calendar/finding.cpp, each line naming a rule gives its default
// severity, and the config keys it names exist in config/kenes.schema.json.
#include "support/test_support.hpp"

#include "calendar/finding.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

using namespace kenes;

namespace {

const std::set<std::string> k_file_endings{"json", "md", "ics", "cpp", "hpp", "py", "sh", "csv", "xlsx", "html", "eml"};

struct DocNames
{
  std::map<std::string, std::vector<std::string>> rules; // rule id -> the lines naming it
  std::set<std::string> config_keys;                     // "regime.busy_blocks"
};

// Every `a.b` in backquotes (two lower-case words): a file name when `b` is a file ending, a
// config key when `a` is a section of the config, else a rule id.
DocNames names_in(const std::string& text, const nlohmann::json& schema)
{
  DocNames out;
  const nlohmann::json& sections = schema.at("properties");
  static const std::regex dotted("`([a-z_]+)\\.([a-z_]+)`");
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    for (std::sregex_iterator it(line.begin(), line.end(), dotted), end; it != end; ++it) {
      std::string a = (*it)[1], b = (*it)[2];
      if (k_file_endings.count(b)) {
        continue;
      }
      if (sections.contains(a)) {
        out.config_keys.insert(a + "." + b);
      } else {
        out.rules[a + "." + b].push_back(line);
      }
    }
  }
  return out;
}

DocNames regulation_doc()
{
  std::string doc = test::slurp(test::source_dir() / "docs/regulation.md");
  REQUIRE_FALSE(doc.empty());
  std::ifstream schema_file(test::source_dir() / "config/kenes.schema.json");
  return names_in(doc, nlohmann::json::parse(schema_file));
}

} // namespace

TEST_CASE("regulation doc: names every rule id of the code and no other, each with its default severity",
          "[regulation][docs]")
{
  DocNames doc = regulation_doc();
  std::set<std::string> code;
  for (const calendar::RuleInfo& r : calendar::all_rules()) {
    code.insert(std::string(r.name));
  }
  for (const std::string& id : code) {
    INFO("rule id of calendar/finding.cpp that docs/regulation.md does not name: " << id);
    CHECK(doc.rules.count(id) == 1);
  }
  for (const auto& [id, lines] : doc.rules) {
    INFO("docs/regulation.md names a rule id that does not exist: " << id);
    CHECK(code.count(id) == 1);
  }
  // Where a table row names a rule, it says the rule's default severity.
  for (const calendar::RuleInfo& r : calendar::all_rules()) {
    std::string severity(calendar::to_string(r.default_severity));
    for (const std::string& line : doc.rules[std::string(r.name)]) {
      if (line.rfind("|", 0) == 0) {
        INFO("a row naming " << r.name << " without its severity '" << severity << "': " << line);
        CHECK(line.find(severity) != std::string::npos);
      }
    }
  }
}

TEST_CASE("regulation doc: the config keys it names are keys of config/kenes.schema.json", "[regulation][docs]")
{
  DocNames doc = regulation_doc();
  std::ifstream schema_file(test::source_dir() / "config/kenes.schema.json");
  nlohmann::json schema = nlohmann::json::parse(schema_file);
  CHECK_FALSE(doc.config_keys.empty());
  for (const std::string& key : doc.config_keys) {
    std::string section = key.substr(0, key.find('.'));
    std::string name = key.substr(key.find('.') + 1);
    INFO("docs/regulation.md names a config key the schema does not have: " << key);
    CHECK(schema["properties"][section]["properties"].contains(name));
  }
}
