#include "support/test_support.hpp"

#include <catch2/catch.hpp>

using namespace kenes;
using namespace kenes::test;

TEST_CASE("a UTC-given meeting 03:30Z-04:30Z is 08:30 local (+05 since 2024-03-01)", "[time]")
{
  EventSpec s;
  s.start = "20261204T033000Z";
  s.end = "20261204T043000Z";
  auto m = check_one(s);
  CHECK(almaty().iso(m.start) == "2026-12-04T08:30:00+05:00");
}
