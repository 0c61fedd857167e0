// The tables of config keys against config/kenes.schema.json (the source of the kenes.json(5) man
// page) and against the defaults in config.hpp and calendar::Regime, so that none can drift.
#include "support/test_support.hpp"

#include "config/config_keys.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <iterator>
#include <set>

using namespace kenes;
using config::KeyInfo;
using config::KeySection;
using config::KeyType;
using nlohmann::json;

namespace {

json read_schema()
{
  std::string text, error;
  REQUIRE(config::read_text_file(test::source_dir() / "config/kenes.schema.json", text, error));
  return json::parse(text);
}

// Where a section's object is described: "/sources/*" -> /properties/sources/items.
std::string schema_pointer(std::string_view section)
{
  std::string out;
  std::size_t at = 1;
  while (at <= section.size()) {
    std::size_t end = std::min(section.find('/', at), section.size());
    std::string_view part = section.substr(at, end - at);
    out += part == "*" ? "/items" : "/properties/" + std::string(part);
    at = end + 1;
  }
  return out;
}

// The schema pointer of every schema that carries a "default", anywhere in `node`.
void collect_defaults(const json& node, const std::string& pointer, std::set<std::string>& out)
{
  if (node.is_object()) {
    if (node.contains("default")) {
      out.insert(pointer);
    }
    for (const auto& [key, v] : node.items()) {
      if (key != "default" && key != "enum" && key != "const") {
        collect_defaults(v, pointer + "/" + config::pointer_escape(key), out);
      }
    }
  } else if (node.is_array()) {
    for (std::size_t i = 0; i < node.size(); ++i) {
      collect_defaults(node[i], pointer + "/" + std::to_string(i), out);
    }
  }
}

// What `a` has and `b` has not.
std::vector<std::string> only_in(const std::set<std::string>& a, const std::set<std::string>& b)
{
  std::vector<std::string> out;
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

} // namespace

TEST_CASE("config keys: kenes.schema.json has each section's keys with the table's type, default, range and choices",
          "[config][schema]")
{
  const json schema = read_schema();
  for (const KeySection& section : config::config_key_sections()) {
    INFO("section '" << section.pointer << "'");
    const json::json_pointer at(schema_pointer(section.pointer));
    REQUIRE(schema.contains(at));
    const json& properties = schema[at]["properties"];
    REQUIRE(properties.is_object());

    // The keys the loader allows are the schema's properties; secrets are allowed only to be refused.
    std::set<std::string> in_schema, in_table;
    for (const auto& [name, p] : properties.items()) {
      in_schema.insert(name);
    }
    for (const KeyInfo& k : section.keys) {
      if (k.type != KeyType::secret) {
        in_table.insert(std::string(k.name));
      }
    }
    CHECK(only_in(in_schema, in_table) == std::vector<std::string>{});
    CHECK(only_in(in_table, in_schema) == std::vector<std::string>{});

    for (const KeyInfo& k : section.keys) {
      const std::string name(k.name);
      if (k.type == KeyType::secret || !properties.contains(name)) {
        continue;
      }
      INFO("key '" << name << "'");
      const json& p = properties[name];
      CHECK(p.value("default", json()) == k.fallback);
      switch (k.type) {
      case KeyType::integer:
        CHECK(p.value("type", "") == "integer");
        CHECK(p.value("minimum", json()) == k.min);
        CHECK(p.value("maximum", json()) == k.max);
        break;
      case KeyType::string:
      case KeyType::path:
        CHECK(p.value("type", "") == "string");
        CHECK_FALSE(p.contains("enum"));
        break;
      case KeyType::choice: {
        CHECK(p.value("type", "") == "string");
        json choices = json::array();
        for (std::string_view c : k.choices) {
          choices.push_back(c);
        }
        CHECK(p.value("enum", json()) == choices);
        break;
      }
      case KeyType::by_hand:
      case KeyType::secret:
        break;
      }
    }
  }
}

TEST_CASE("config keys: every default in kenes.schema.json is a table key's default", "[config][schema]")
{
  std::set<std::string> in_schema, in_table;
  collect_defaults(read_schema(), "", in_schema);
  for (const KeySection& section : config::config_key_sections()) {
    for (const KeyInfo& k : section.keys) {
      if (!k.fallback.is_null()) {
        in_table.insert(schema_pointer(section.pointer) + "/properties/" + std::string(k.name));
      }
    }
  }
  CHECK(only_in(in_schema, in_table) == std::vector<std::string>{});
  CHECK(only_in(in_table, in_schema) == std::vector<std::string>{});
}

TEST_CASE("config keys: the defaults in config.hpp and calendar::Regime are the table's", "[config]")
{
  CHECK(config::header_defaults_not_in_table() == std::vector<std::string>{});
}

TEST_CASE("config keys: a section names each key once, and a choice's default is one of its choices", "[config]")
{
  for (const KeySection& section : config::config_key_sections()) {
    std::set<std::string_view> names;
    for (const KeyInfo& k : section.keys) {
      INFO(section.pointer << "/" << k.name);
      CHECK(names.insert(k.name).second);
      if (k.type == KeyType::choice && !k.fallback.is_null()) {
        CHECK(std::find(k.choices.begin(), k.choices.end(), k.fallback.get<std::string>()) != k.choices.end());
      }
    }
  }
}
