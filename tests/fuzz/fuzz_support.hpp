// What the fuzz targets share (tests/fuzz/, docs/decisions.md "Fuzzing"): the demo config and
// directory, the regime zone and a fixed "now", built once per process; and the split of an input
// into fields. Each target defines LLVMFuzzerTestOneInput; libFuzzer calls it (bench/fuzz.sh), and
// so does replay_main.cpp for every file of tests/fuzz/regressions/<target>/ in the normal suite.
#pragma once

#include "calendar/busy.hpp"
#include "calendar/checker.hpp"
#include "calendar/ical_reader.hpp"
#include "calendar/time.hpp"
#include "config/config.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace kenes::fuzz {

// config/demo/kenes.json with its directory, the zone, and now = 2026-11-24T09:00 Asia/Almaty.
struct Fixture
{
  Fixture();
  Fixture(const Fixture&) = delete; // busy holds references to config and zone
  config::Config config;
  calendar::RegimeZone zone;
  calendar::BusyCalendar busy;
  calendar::Instant now;
  calendar::ReadOptions read_options() const;
  calendar::CheckContext check_context() const;
};
const Fixture& fixture();

// The input cut at each NUL byte (a NUL cannot appear in the text fields we feed anyway).
std::vector<std::string> split_fields(std::string_view input, std::size_t at_most);

} // namespace kenes::fuzz
