#include "json_node.hpp"

#include <algorithm>

namespace kenes::config {

std::string ConfigProblem::to_string() const
{
  std::string out = file;
  if (!pointer.empty()) {
    out += ": " + pointer;
  }
  return out + ": " + message;
}

std::string type_name(const nlohmann::json& v)
{
  switch (v.type()) {
  case nlohmann::json::value_t::null:
    return "null";
  case nlohmann::json::value_t::object:
    return "an object";
  case nlohmann::json::value_t::array:
    return "an array";
  case nlohmann::json::value_t::string:
    return "a string";
  case nlohmann::json::value_t::boolean:
    return "a boolean";
  case nlohmann::json::value_t::number_integer:
  case nlohmann::json::value_t::number_unsigned:
    return "an integer";
  case nlohmann::json::value_t::number_float:
    return "a number";
  default:
    return "an unsupported value";
  }
}

std::string pointer_escape(std::string_view key)
{
  std::string out;
  for (char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

namespace {

std::size_t edit_distance(std::string_view a, std::string_view b)
{
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) {
    row[j] = j;
  }
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

} // namespace

std::optional<std::string> did_you_mean(std::string_view word, const std::vector<std::string>& candidates)
{
  std::optional<std::string> best;
  std::size_t best_d = std::max<std::size_t>(2, word.size() / 3) + 1;
  for (const std::string& c : candidates) {
    std::size_t d = edit_distance(word, c);
    if (d < best_d) {
      best_d = d;
      best = c;
    }
  }
  return best;
}

bool JsonNode::is_object() const
{
  if (!m_value) {
    return false;
  }
  if (!m_value->is_object()) {
    problem("expected an object, got " + type_name(*m_value));
    return false;
  }
  return true;
}

bool JsonNode::is_array() const
{
  if (!m_value) {
    return false;
  }
  if (!m_value->is_array()) {
    problem("expected an array, got " + type_name(*m_value));
    return false;
  }
  return true;
}

void JsonNode::allow_keys(std::initializer_list<std::string_view> allowed) const
{
  allow_keys(std::vector<std::string_view>(allowed));
}

void JsonNode::allow_keys(const std::vector<std::string_view>& allowed) const
{
  if (!m_value || !m_value->is_object()) {
    return;
  }
  std::vector<std::string> names(allowed.begin(), allowed.end());
  for (const auto& [key, v] : m_value->items()) {
    if (std::find(names.begin(), names.end(), key) != names.end()) {
      continue;
    }
    std::string message = "unknown key '" + key + "'";
    if (auto near = did_you_mean(key, names)) {
      message += "; did you mean '" + *near + "'?";
    }
    m_problems->add(*m_file, m_pointer + "/" + pointer_escape(key), message);
  }
}

JsonNode JsonNode::operator[](std::string_view key) const
{
  const nlohmann::json* child = nullptr;
  if (m_value && m_value->is_object()) {
    auto it = m_value->find(std::string(key));
    if (it != m_value->end()) {
      child = &*it;
    }
  }
  return JsonNode(child, m_pointer + "/" + pointer_escape(key), *m_file, *m_problems);
}

std::vector<JsonNode> JsonNode::items() const
{
  std::vector<JsonNode> out;
  if (!is_array()) {
    return out;
  }
  for (std::size_t i = 0; i < m_value->size(); ++i) {
    out.emplace_back(&(*m_value)[i], m_pointer + "/" + std::to_string(i), *m_file, *m_problems);
  }
  return out;
}

std::vector<std::pair<std::string, JsonNode>> JsonNode::members() const
{
  std::vector<std::pair<std::string, JsonNode>> out;
  if (!is_object()) {
    return out;
  }
  for (const auto& [key, v] : m_value->items()) {
    out.emplace_back(key, JsonNode(&v, m_pointer + "/" + pointer_escape(key), *m_file, *m_problems));
  }
  return out;
}

std::optional<std::string> JsonNode::string() const
{
  if (!m_value) {
    return std::nullopt;
  }
  if (!m_value->is_string()) {
    problem("expected a string, got " + type_name(*m_value));
    return std::nullopt;
  }
  return m_value->get<std::string>();
}

std::optional<std::int64_t> JsonNode::integer(std::int64_t min, std::int64_t max) const
{
  if (!m_value) {
    return std::nullopt;
  }
  std::string expected = "expected an integer from " + std::to_string(min) + " to " + std::to_string(max);
  if (!m_value->is_number_integer()) {
    problem(expected + ", got " + type_name(*m_value));
    return std::nullopt;
  }
  auto v = m_value->get<std::int64_t>();
  if (m_value->is_number_unsigned() && m_value->get<std::uint64_t>() > static_cast<std::uint64_t>(max)) {
    problem(expected + ", got " + m_value->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    return std::nullopt;
  }
  if (v < min || v > max) {
    problem(expected + ", got " + std::to_string(v));
    return std::nullopt;
  }
  return v;
}

std::optional<bool> JsonNode::boolean() const
{
  if (!m_value) {
    return std::nullopt;
  }
  if (!m_value->is_boolean()) {
    problem("expected true or false, got " + type_name(*m_value));
    return std::nullopt;
  }
  return m_value->get<bool>();
}

std::vector<std::string> JsonNode::strings() const
{
  std::vector<std::string> out;
  for (const JsonNode& item : items()) {
    if (auto s = item.string()) {
      out.push_back(*s);
    }
  }
  return out;
}

} // namespace kenes::config
