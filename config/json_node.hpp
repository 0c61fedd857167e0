// A read-only view of a JSON value that knows its JSON pointer and records problems
// ("/regime/lead_time_days: expected an integer from 0 to 365, got a string").
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kenes::config {

struct ConfigProblem
{
  std::string file;
  std::string pointer; // JSON pointer, "" for the whole document
  std::string message;

  std::string to_string() const;
};

class Problems
{
public:
  void add(std::string file, std::string pointer, std::string message)
  {
    m_list.push_back({std::move(file), std::move(pointer), std::move(message)});
  }
  bool empty() const { return m_list.empty(); }
  const std::vector<ConfigProblem>& list() const { return m_list; }

private:
  std::vector<ConfigProblem> m_list;
};

class JsonNode
{
public:
  JsonNode(const nlohmann::json* value, std::string pointer, const std::string& file, Problems& problems)
    : m_value(value)
    , m_pointer(std::move(pointer))
    , m_file(&file)
    , m_problems(&problems)
  {
  }

  bool present() const { return m_value != nullptr; }
  const nlohmann::json* value() const { return m_value; }
  const std::string& pointer() const { return m_pointer; }
  const std::string& file() const { return *m_file; }
  void problem(const std::string& message) const { m_problems->add(*m_file, m_pointer, message); }
  Problems& problems() const { return *m_problems; }

  // Type checks: false (and a problem) when present with another type.
  bool is_object() const;
  bool is_array() const;
  // Reports every key not in `allowed`, with a "did you mean" when one is close.
  void allow_keys(std::initializer_list<std::string_view> allowed) const;
  void allow_keys(const std::vector<std::string_view>& allowed) const;

  JsonNode operator[](std::string_view key) const;
  std::vector<JsonNode> items() const; // elements of an array (none when absent or not an array)
  std::vector<std::pair<std::string, JsonNode>> members() const;

  std::optional<std::string> string() const;
  std::optional<std::int64_t> integer(std::int64_t min, std::int64_t max) const;
  std::optional<bool> boolean() const;
  std::vector<std::string> strings() const; // an array of strings

  // The value if present and valid, else the default.
  std::string string_or(const std::string& fallback) const { return string().value_or(fallback); }
  std::int64_t integer_or(std::int64_t fallback, std::int64_t min, std::int64_t max) const
  {
    return integer(min, max).value_or(fallback);
  }

private:
  const nlohmann::json* m_value;
  std::string m_pointer;
  const std::string* m_file;
  Problems* m_problems;
};

std::string type_name(const nlohmann::json& v);
std::string pointer_escape(std::string_view key);
// The closest of `candidates` to `word`, if close enough to suggest.
std::optional<std::string> did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

} // namespace kenes::config
