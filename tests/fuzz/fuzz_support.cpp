#include "tests/fuzz/fuzz_support.hpp"

#include <filesystem>

namespace kenes::fuzz {

Fixture::Fixture()
  : config(config::load_config(std::filesystem::path(KENES_SOURCE_DIR) / "config" / "demo" / "kenes.json"))
  , zone(config.timezone)
  , busy(config.regime, zone)
  , now(*calendar::parse_iso_instant("2026-11-24T09:00:00+05:00", zone))
{
}

const Fixture& fixture()
{
  static const Fixture f;
  return f;
}

calendar::ReadOptions Fixture::read_options() const
{
  return calendar::ReadOptions::around(zone, now, config.regime.horizon_past_days, config.regime.horizon_days);
}

calendar::CheckContext Fixture::check_context() const
{
  return calendar::CheckContext{*config.directory, config.regime, zone, busy, now, std::nullopt, nullptr};
}

std::vector<std::string> split_fields(std::string_view input, std::size_t at_most)
{
  std::vector<std::string> out;
  while (out.size() + 1 < at_most) {
    auto nul = input.find('\0');
    if (nul == std::string_view::npos) {
      break;
    }
    out.emplace_back(input.substr(0, nul));
    input.remove_prefix(nul + 1);
  }
  out.emplace_back(input);
  out.resize(at_most);
  return out;
}

} // namespace kenes::fuzz
