// The appendix form of order 140-r (SPEC §9) on the fixture month of tests/support/appendix/.
#include "support/test_support.hpp"

#include "calendar/appendix.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

using namespace kenes;
using namespace kenes::test;
using calendar::AppendixColumn;
using calendar::AppendixCounts;

namespace {

std::vector<calendar::AppendixInput> fixture_inputs()
{
  const config::Config& cfg = demo_config();
  calendar::BusyCalendar busy(cfg.regime, almaty());
  calendar::CheckContext ctx{*cfg.directory, cfg.regime, almaty(), busy, at("2027-01-15T09:00"), std::nullopt};
  calendar::ReadOptions opt;
  opt.zone = &almaty();
  opt.horizon_start = at("2027-01-01T00:00");
  opt.horizon_end = at("2027-04-01T00:00");
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(source_dir() / "tests/support/appendix")) {
    if (e.path().extension() == ".ics") {
      files.push_back(e.path());
    }
  }
  std::sort(files.begin(), files.end());
  std::vector<calendar::AppendixInput> out;
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    calendar::ReadResult read = calendar::read_icalendar(text.str(), f.filename().string(), opt);
    REQUIRE(read.problems.empty());
    for (calendar::EventSeries& s : read.series) {
      if (auto m = calendar::check_series(s, ctx)) {
        out.push_back({std::move(s), std::move(*m), 0, {}});
      }
    }
  }
  return out;
}

AppendixCounts counts(std::initializer_list<std::pair<AppendixColumn, int>> values)
{
  AppendixCounts c;
  for (auto [column, n] : values) {
    c[column] = n;
  }
  return c;
}

std::string describe(const AppendixCounts& c)
{
  std::string out;
  for (std::size_t i = 0; i < c.values.size(); ++i) {
    if (c.values[i]) {
      out += std::string(calendar::json_key(static_cast<AppendixColumn>(i))) + "=" + std::to_string(c.values[i]) + " ";
    }
  }
  return out;
}

} // namespace

TEST_CASE("appendix: rows by body kind, body, chair rank and start, counts by rank column and selector (SPEC §9)",
          "[appendix]")
{
  const std::vector<calendar::AppendixInput> inputs = fixture_inputs();
  const calendar::AppendixReport r = calendar::build_appendix(inputs, *demo_config().directory, almaty(), 2027, 2);
  CHECK(r.from == at("2027-02-01T00:00"));
  CHECK(r.to == at("2027-03-01T00:00"));

  using C = AppendixColumn;
  // body id, chair e-mail, uid, local start, counts
  struct Expected
  {
    std::string body, chair, uid, start;
    AppendixCounts counts;
  };
  const std::vector<Expected> expected{
      // The economy representative declined.
      {"minfin", "minister7@minfin.gov.kz", "app-declined", "2027-02-05T11:00",
       counts({{C::vice_ministers, 1}, {C::deputy_akims, 1}})},
      // Hybrid: only the REMOTE deputy akim by selector.
      {"minfin", "minister7@minfin.gov.kz", "app-hybrid", "2027-02-19T09:00",
       counts({{C::vice_ministers, 1}, {C::deputy_akims, 1}, {C::deputy_akims_selector, 1}})},
      // The weekly series: 22 and 29 Jan are another month, 12 Feb is cancelled; the minfin
      // director is of the chair's own body.
      {"minfin", "vice.minister8@minfin.gov.kz", "app-series", "2027-02-05T10:00",
       counts({{C::vice_ministers, 1}, {C::heads_of_departments, 1}})},
      {"minfin", "vice.minister8@minfin.gov.kz", "app-series", "2027-02-19T10:00",
       counts({{C::vice_ministers, 1}, {C::heads_of_departments, 1}})},
      {"economy", "minister15@economy.gov.kz", "app-selector", "2027-02-12T10:00",
       counts({{C::vice_ministers, 1},
               {C::vice_ministers_selector, 1},
               {C::deputy_akims, 1},
               {C::deputy_akims_selector, 1}})},
      // A local chair; video; the Astana department head is of the chair's own body.
      {"astana", "akim48@astana.gov.kz", "app-akim", "2027-02-26T10:00",
       counts({{C::vice_ministers, 1}, {C::vice_ministers_selector, 1}, {C::akims, 1}, {C::akims_selector, 1}})},
  };
  std::vector<Expected> got;
  for (const auto& b : r.bodies) {
    for (const auto& o : b.officials) {
      for (const auto& row : o.meetings) {
        got.push_back({b.body->id, o.official->email, row.uid, almaty().iso(row.start).substr(0, 16), row.counts});
      }
    }
  }
  REQUIRE(got.size() == expected.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    INFO("row " << i);
    CHECK(got[i].body == expected[i].body);
    CHECK(got[i].chair == expected[i].chair);
    CHECK(got[i].uid == expected[i].uid);
    CHECK(got[i].start == expected[i].start);
    CHECK(describe(got[i].counts) == describe(expected[i].counts));
  }

  REQUIRE(r.bodies.size() == 3);
  CHECK(describe(r.bodies[0].total) == describe(counts({{C::vice_ministers, 4},
                                                        {C::deputy_akims, 2},
                                                        {C::deputy_akims_selector, 1},
                                                        {C::heads_of_departments, 2}})));
  CHECK(describe(r.bodies[1].total) == describe(expected[4].counts));
  CHECK(describe(r.bodies[2].total) == describe(expected[5].counts));
  CHECK(describe(r.total) == describe(counts({{C::vice_ministers, 6},
                                              {C::vice_ministers_selector, 2},
                                              {C::akims, 1},
                                              {C::akims_selector, 1},
                                              {C::deputy_akims, 3},
                                              {C::deputy_akims_selector, 2},
                                              {C::heads_of_departments, 2}})));
  CHECK(r.bodies[0].officials[0].meetings[1].end - r.bodies[0].officials[0].meetings[1].start == 90 * 60);
}

TEST_CASE("appendix: another month, or nothing to report, gives empty bodies and zero totals", "[appendix]")
{
  const std::vector<calendar::AppendixInput> inputs = fixture_inputs();
  const calendar::AppendixReport jan = calendar::build_appendix(inputs, *demo_config().directory, almaty(), 2027, 1);
  // January: the two first occurrences of the series.
  REQUIRE(jan.bodies.size() == 1);
  CHECK(jan.bodies[0].officials[0].meetings.size() == 2);
  CHECK(jan.total[AppendixColumn::vice_ministers] == 2);
  const calendar::AppendixReport april = calendar::build_appendix(inputs, *demo_config().directory, almaty(), 2027, 4);
  CHECK(april.bodies.empty());
  CHECK(describe(april.total).empty());
  CHECK_THROWS_AS(calendar::build_appendix(inputs, *demo_config().directory, almaty(), 2027, 13),
                  std::invalid_argument);
}

TEST_CASE("appendix: the thirteen columns in the form's order, with their JSON keys and rank columns", "[appendix]")
{
  CHECK(calendar::json_key(AppendixColumn::ministers) == "ministers");
  CHECK(calendar::json_key(AppendixColumn::heads_of_departments) == "heads_of_departments");
  CHECK(calendar::form_header(AppendixColumn::deputy_akims) == "заместители акима");
  CHECK(calendar::rank_column(calendar::Rank::first_deputy_akim) == AppendixColumn::deputy_akims);
  CHECK(calendar::selector_column(calendar::Rank::deputy_akim) == AppendixColumn::deputy_akims_selector);
  CHECK_FALSE(calendar::rank_column(calendar::Rank::deputy_prime_minister));
  CHECK_FALSE(calendar::selector_column(calendar::Rank::director));
}
