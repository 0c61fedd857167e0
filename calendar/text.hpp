// Small text helpers: case folding for lexicon matching, trimming.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace kenes::calendar {

std::string ascii_lower(std::string_view s);
std::string_view trim(std::string_view s);
// "a, b, c": the words of a list of topics or competence tags, for messages.
std::string comma_joined(const std::vector<std::string>& words);
// Unicode lower case of UTF-8 text (glibc's towlower_l in C.UTF-8), for Cyrillic and Kazakh
// keywords. Invalid UTF-8 bytes are kept as they are.
std::string utf8_lower(std::string_view s);
// Whether `s` is well-formed UTF-8 (Unicode 15, table 3-7: no overlong forms, no surrogates,
// nothing above U+10FFFF), what nlohmann::json writes without throwing.
bool valid_utf8(std::string_view s);
// `s` with each ill-formed sequence replaced by U+FFFD (the maximal subparts of Unicode 15 §3.9,
// as nlohmann::json's error_handler_t::replace writes them).
std::string repair_utf8(std::string_view s);

} // namespace kenes::calendar
