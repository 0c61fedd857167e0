// Fuzz target (a): iCalendar text → read_icalendar → check_series for every series, with the
// demo directory and a fixed "now" (fuzz_support). Problems are values; nothing may throw.
#include "tests/fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  using namespace kenes;
  const fuzz::Fixture& f = fuzz::fixture();
  std::string_view text(reinterpret_cast<const char*>(data), size);
  calendar::ReadResult r = calendar::read_icalendar(text, "fuzz.ics", f.read_options());
  calendar::CheckContext ctx = f.check_context();
  for (const calendar::EventSeries& s : r.series) {
    if (auto m = calendar::check_series(s, ctx)) {
      (void)calendar::has_invalid_slot(*m);
      (void)calendar::future_invitations(*m);
    }
  }
  return 0;
}
