// The appendix report from the state store (SPEC §9): `kenesd sync --once` on the fixture month
// of tests/support/appendix/, then render_appendix in every format and `kenesd report`.
#include "support/series_fixture.hpp"
#include "support/test_support.hpp"

#include "daemon/report/report_command.hpp"
#include "daemon/store/state_store.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

using namespace kenes;
using namespace kenes::test;
using json = nlohmann::ordered_json; // the key order is part of the contract

namespace {

const std::vector<std::string> k_keys{"ministers",
                                      "ministers_selector",
                                      "vice_ministers",
                                      "vice_ministers_selector",
                                      "committee_chairs",
                                      "deputy_committee_chairs",
                                      "directors",
                                      "akims",
                                      "akims_selector",
                                      "deputy_akims",
                                      "deputy_akims_selector",
                                      "heads_of_staff",
                                      "heads_of_departments"};

// A store synced once from the fixture folder, shared by the tests of this file.
struct Synced
{
  TempDir dir;
  std::filesystem::path config_file;
  config::Config config;
  ProcessResult sync;

  Synced()
  {
    std::filesystem::copy_file(demo_dir() / "directory.json", dir.path() / "directory.json");
    std::filesystem::create_directories(dir.path() / "spool");
    const std::string fixture = (source_dir() / "tests/support/appendix").string();
    // A wide horizon: the fixture month stays inside it whenever the test runs.
    config_file = dir.write("kenes.json", R"({"timezone": "Asia/Almaty", "directory": "directory.json",
        "state_dir": "state", "sources": [{"id": "fixture", "type": "dir", "path": ")" +
                                              fixture + R"("}],
        "regime": {"horizon_days": 3660, "horizon_past_days": 3660},
        "notices": {"transport": "spool", "spool_dir": "spool"}})");
    sync = run_process({kenesd_binary(), "--config", config_file.string(), "sync", "--once"});
    config = config::load_config(config_file);
  }

  daemon::AppendixOutput render(const std::string& format, const std::string& month = "2027-02") const
  {
    auto store = daemon::StateStore::open(config.state_dir);
    return daemon::render_appendix(*store, config, month, format, at("2027-01-15T09:00"));
  }

  ProcessResult kenesd(std::vector<std::string> args) const
  {
    args.insert(args.begin(), {kenesd_binary(), "--config", config_file.string()});
    return run_process(args);
  }
};

const Synced& synced()
{
  static const Synced s;
  return s;
}

std::vector<int> counts_of(const json& counts)
{
  std::vector<int> out;
  for (const std::string& k : k_keys) {
    out.push_back(counts.at(k).get<int>());
  }
  return out;
}

// The rows of the form as the JSON gives them, in the order of the CSV: each meeting, each body
// total, the grand total.
std::vector<std::vector<int>> json_rows(const json& doc)
{
  std::vector<std::vector<int>> rows;
  for (const json& b : doc.at("bodies")) {
    for (const json& o : b.at("officials")) {
      for (const json& m : o.at("meetings")) {
        rows.push_back(counts_of(m.at("counts")));
      }
    }
    rows.push_back(counts_of(b.at("total")));
  }
  rows.push_back(counts_of(doc.at("total")));
  return rows;
}

json read_with_python(const std::string& kind, const std::string& bytes)
{
  TempDir dir;
  auto file = dir.write("report." + kind, bytes);
  ProcessResult r = run_process(
      {"/usr/bin/python3", (source_dir() / "tests/support/read_appendix.py").string(), kind, file.string()});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return json::parse(r.out);
}

std::vector<std::vector<int>> python_rows(const json& read)
{
  std::vector<std::vector<int>> rows;
  for (const json& r : read.at("rows")) {
    rows.push_back(r.at("counts").get<std::vector<int>>());
  }
  return rows;
}

} // namespace

TEST_CASE("report: the JSON has exactly the keys of SPEC §9 and the fixture month's counts", "[report]")
{
  const Synced& s = synced();
  INFO(s.sync.err);
  REQUIRE(s.sync.exit_code == 0);
  const daemon::AppendixOutput out = s.render("json");
  CHECK(out.content_type == "application/json");
  CHECK(out.filename == "kenes-appendix-2027-02.json");
  const json doc = json::parse(out.body);
  auto keys = [](const json& o) {
    std::vector<std::string> k;
    for (auto it = o.begin(); it != o.end(); ++it) {
      k.push_back(it.key());
    }
    return k;
  };
  CHECK(keys(doc) == std::vector<std::string>{"month", "bodies", "total"});
  CHECK(doc.at("month") == "2027-02");
  CHECK(keys(doc.at("total")) == k_keys);
  REQUIRE(doc.at("bodies").size() == 3);
  const json& minfin = doc.at("bodies").at(0);
  CHECK(keys(minfin) == std::vector<std::string>{"id", "kind", "name", "officials", "total"});
  CHECK(minfin.at("id") == "minfin");
  CHECK(minfin.at("kind") == "central");
  CHECK(minfin.at("name") == "Министерство финансов");
  CHECK(doc.at("bodies").at(1).at("id") == "economy");
  CHECK(doc.at("bodies").at(2).at("id") == "astana");
  CHECK(doc.at("bodies").at(2).at("kind") == "local");
  const json& minister = minfin.at("officials").at(0);
  CHECK(keys(minister) == std::vector<std::string>{"email", "name", "rank", "meetings"});
  CHECK(minister.at("email") == "minister7@minfin.gov.kz");
  CHECK(minister.at("rank") == "minister");
  const json& hybrid = minister.at("meetings").at(1);
  CHECK(keys(hybrid) ==
        std::vector<std::string>{"uid", "occurrence", "summary", "date", "time", "duration_minutes", "counts"});
  CHECK(hybrid.at("uid") == "app-hybrid");
  CHECK(hybrid.at("occurrence") == "2027-02-19T09:00:00+05:00");
  CHECK(hybrid.at("summary") == "Совещание <здравоохранение> & финансы");
  CHECK(hybrid.at("date") == "2027-02-19");
  CHECK(hybrid.at("time") == "09:00");
  CHECK(hybrid.at("duration_minutes") == 90);
  CHECK(keys(hybrid.at("counts")) == k_keys);
  CHECK(counts_of(hybrid.at("counts")) == std::vector<int>{0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0});
  CHECK(counts_of(minfin.at("total")) == std::vector<int>{0, 0, 4, 0, 0, 0, 0, 0, 0, 2, 1, 0, 2});
  CHECK(counts_of(doc.at("total")) == std::vector<int>{0, 0, 6, 2, 0, 0, 0, 1, 1, 3, 2, 0, 2});
}

TEST_CASE("report: the CSV read by Python's csv module gives the JSON's numbers, with BOM and Russian headers",
          "[report]")
{
  const Synced& s = synced();
  REQUIRE(s.sync.exit_code == 0);
  const json doc = json::parse(s.render("json").body);
  const daemon::AppendixOutput out = s.render("csv");
  CHECK(out.content_type == "text/csv; charset=utf-8");
  const json read = read_with_python("csv", out.body);
  CHECK(read.at("bom") == true);
  CHECK(read.at("header").at(0) == "Должностное лицо");
  CHECK(read.at("header").at(4) == "Продолжительность");
  CHECK(read.at("header").at(5) == "министры");
  CHECK(read.at("header").at(6) == "в том числе в режиме селектора");
  CHECK(read.at("header").at(17) == "начальники управлений (акиматы)");
  CHECK(python_rows(read) == json_rows(doc));
  const json& rows = read.at("rows");
  REQUIRE(rows.size() == 10);
  CHECK(rows.at(0).at("first") == "Министр, Баймуханов М.Е.");
  CHECK(rows.at(2).at("summary") == "Еженедельное совещание по бюджету, \"план\"");
  CHECK(rows.at(2).at("date") == "05.02.2027");
  CHECK(rows.at(2).at("time") == "10:00");
  CHECK(rows.at(2).at("duration") == "60");
  CHECK(rows.at(4).at("first") == "Всего");
  CHECK(rows.at(4).at("summary") == "Министерство финансов");
  // A value that a spreadsheet would take for a formula stays text.
  CHECK(rows.at(7).at("summary") == "'=Совещание акима по экономике");
  CHECK(rows.at(9).at("first") == "ИТОГО");
}

TEST_CASE("report: the XLSX opened with openpyxl gives the JSON's numbers under the form's headers", "[report]")
{
  const Synced& s = synced();
  REQUIRE(s.sync.exit_code == 0);
  const json doc = json::parse(s.render("json").body);
  const daemon::AppendixOutput out = s.render("xlsx");
  CHECK(out.content_type == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  CHECK(out.filename == "kenes-appendix-2027-02.xlsx");
  REQUIRE(out.body.rfind("PK", 0) == 0);
  const json read = read_with_python("xlsx", out.body);
  CHECK(python_rows(read) == json_rows(doc));
  CHECK(read.at("header").at(5) == "министры");
  CHECK(read.at("sub_header").at(1) == "в том числе в режиме селектора");
  CHECK_THAT(read.at("title").get<std::string>(), Catch::Contains("«28» февраля 2027 года"));
  const json& rows = read.at("rows");
  REQUIRE(rows.size() == 10);
  CHECK(rows.at(1).at("summary") == "Совещание <здравоохранение> & финансы");
  CHECK(rows.at(1).at("duration") == "90");
  CHECK(rows.at(7).at("summary") == "=Совещание акима по экономике"); // a string cell, not a formula
  CHECK(rows.at(9).at("first") == "ИТОГО");
}

TEST_CASE("report: the HTML is a printable page like the form, every calendar value escaped", "[report]")
{
  const Synced& s = synced();
  REQUIRE(s.sync.exit_code == 0);
  const daemon::AppendixOutput out = s.render("html");
  CHECK(out.content_type == "text/html; charset=utf-8");
  const std::string& h = out.body;
  CHECK_THAT(h, Catch::StartsWith("<!DOCTYPE html>"));
  CHECK_THAT(h, Catch::Contains("@page { size: A4 landscape"));
  CHECK_THAT(h, Catch::Contains("Совещание &lt;здравоохранение&gt; &amp; финансы"));
  CHECK_THAT(h, !Catch::Contains("<здравоохранение>"));
  CHECK_THAT(h, !Catch::Contains("<script"));
  CHECK_THAT(h, Catch::Contains("<th colspan=\"2\">министры</th>"));
  CHECK_THAT(h, Catch::Contains("<th>в том числе в режиме селектора</th>"));
  CHECK_THAT(h, Catch::Contains("Центральные государственные органы"));
  CHECK_THAT(h, Catch::Contains("Местные исполнительные органы"));
  CHECK_THAT(h, Catch::Contains("<td colspan=\"5\">Всего</td>"));
  CHECK_THAT(h, Catch::Contains("<td colspan=\"5\">ИТОГО</td>"));
  CHECK_THAT(h, Catch::Contains("&quot;план&quot;"));
}

TEST_CASE("report: a bad month or format is std::invalid_argument with a readable message", "[report]")
{
  const Synced& s = synced();
  CHECK_THROWS_WITH(s.render("json", "2027-13"), Catch::Contains("2027-13"));
  CHECK_THROWS_WITH(s.render("json", "2027-2"), Catch::Contains("YYYY-MM"));
  CHECK_THROWS_WITH(s.render("pdf"), Catch::Contains("pdf") && Catch::Contains("xlsx"));
  CHECK(json::parse(s.render("json", "2027-04").body).at("bodies").empty());
}

TEST_CASE("kenesd report: the form from the store on stdout or into --out, bad usage exits 2", "[report][process]")
{
  const Synced& s = synced();
  REQUIRE(s.sync.exit_code == 0);
  ProcessResult json_out = s.kenesd({"report", "--month", "2027-02", "--format", "json"});
  INFO(json_out.err);
  CHECK(json_out.exit_code == 0);
  CHECK(json::parse(json_out.out) == json::parse(s.render("json").body));

  ProcessResult html = s.kenesd({"report", "--month=2027-02"});
  CHECK(html.exit_code == 0);
  CHECK_THAT(html.out, Catch::StartsWith("<!DOCTYPE html>"));

  const auto file = s.dir.path() / "out.xlsx";
  ProcessResult xlsx = s.kenesd({"report", "--month", "2027-02", "--format", "xlsx", "--out", file.string()});
  CHECK(xlsx.exit_code == 0);
  CHECK(xlsx.out.empty());
  std::ifstream in(file, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  CHECK(python_rows(read_with_python("xlsx", bytes.str())) == json_rows(json::parse(s.render("json").body)));

  ProcessResult bad_month = s.kenesd({"report", "--month", "Feb"});
  CHECK(bad_month.exit_code == 2);
  CHECK_THAT(bad_month.err, Catch::Contains("Feb") && Catch::Contains("YYYY-MM"));
  ProcessResult bad_format = s.kenesd({"report", "--month", "2027-02", "--format", "pdf"});
  CHECK(bad_format.exit_code == 2);
  CHECK_THAT(bad_format.err, Catch::Contains("pdf"));
  ProcessResult no_month = s.kenesd({"report"});
  CHECK(no_month.exit_code == 2);
}

TEST_CASE("report: each occurrence counts its own version's representatives as invited, minus who declined it "
          "with its own version's kind and format (SPEC §9 Counted per occurrence, §3 Versions)",
          "[report][series]")
{
  // tests/support/appendix-series/README.md: three series of March 2027 with overrides that add and
  // remove a body, a declined occurrence, a cancelled one, a hybrid meeting with «Онлайн:», and
  // overrides that change the format and make one occurrence internal.
  TempDir dir;
  std::filesystem::copy_file(demo_dir() / "directory.json", dir.path() / "directory.json");
  std::filesystem::create_directories(dir.path() / "spool"); // kenesd never makes a spool_dir
  const std::string fixture = (source_dir() / "tests/support/appendix-series").string();
  const auto config_file = dir.write("kenes.json", R"({"timezone": "Asia/Almaty", "directory": "directory.json",
      "state_dir": "state", "sources": [{"id": "fixture", "type": "dir", "path": ")" +
                                                       fixture + R"("}],
      "notices": {"transport": "spool", "spool_dir": "spool"}})");
  const std::string now = "2027-03-10T12:00:00+05:00";
  ProcessResult sync = run_process({kenesd_binary(), "--config", config_file.string(), "sync", "--once", "--now", now});
  INFO(sync.err);
  REQUIRE(sync.exit_code == 0);
  ProcessResult report = run_process({kenesd_binary(), "--config", config_file.string(), "report", "--month", "2027-03",
                                      "--format", "json", "--now", now});
  INFO(report.err);
  REQUIRE(report.exit_code == 0);
  const json doc = json::parse(report.out);
  REQUIRE(doc.at("bodies").size() == 2);
  const json& minfin = doc.at("bodies").at(0);
  CHECK(minfin.at("id") == "minfin");
  REQUIRE(minfin.at("officials").size() == 2);
  auto rows = [](const json& official) {
    std::vector<std::pair<std::string, std::vector<int>>> out;
    for (const json& m : official.at("meetings")) {
      out.emplace_back(m.at("occurrence").get<std::string>(), counts_of(m.at("counts")));
    }
    return out;
  };
  using Rows = std::vector<std::pair<std::string, std::vector<int>>>;
  const json& minister = minfin.at("officials").at(0);
  CHECK(minister.at("email") == "minister7@minfin.gov.kz");
  // Hybrid, the vice-minister of health named on «Онлайн:»: by selector; 03-12 cancelled.
  CHECK(rows(minister) == Rows{{"2027-03-05T11:30:00+05:00", {0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0}},
                               {"2027-03-19T11:30:00+05:00", {0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0}}});
  const json& vice = minfin.at("officials").at(1);
  CHECK(vice.at("email") == "vice.minister8@minfin.gov.kz");
  // Video: the vice-ministers by selector; a head of an akimat department has no selector column.
  CHECK(rows(vice) == Rows{{"2027-03-05T10:00:00+05:00", {0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1}},
                           {"2027-03-12T10:00:00+05:00", {0, 0, 2, 2, 0, 0, 0, 0, 0, 0, 0, 0, 1}},
                           {"2027-03-19T10:00:00+05:00", {0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0}},
                           {"2027-03-26T10:00:00+05:00", {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}}});
  CHECK(counts_of(minfin.at("total")) == std::vector<int>{0, 0, 6, 6, 0, 0, 0, 0, 0, 0, 0, 0, 3});
  // Each occurrence with its own version's kind and format (SPEC §3 "Versions"): in person but the
  // 03-17 override by VKS (both vice-ministers by selector there alone); the 03-24 override is
  // internal, so no row.
  const json& economy = doc.at("bodies").at(1);
  CHECK(economy.at("id") == "economy");
  REQUIRE(economy.at("officials").size() == 1);
  const json& economist = economy.at("officials").at(0);
  CHECK(economist.at("email") == "vice.minister16@economy.gov.kz");
  CHECK(rows(economist) == Rows{{"2027-03-03T10:00:00+05:00", {0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}},
                                {"2027-03-10T10:00:00+05:00", {0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}},
                                {"2027-03-17T10:00:00+05:00", {0, 0, 2, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0}},
                                {"2027-03-31T10:00:00+05:00", {0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}}});
  CHECK(counts_of(economy.at("total")) == std::vector<int>{0, 0, 8, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0});
  CHECK(counts_of(doc.at("total")) == std::vector<int>{0, 0, 14, 8, 0, 0, 0, 0, 0, 0, 0, 0, 3});
}

TEST_CASE("report: a past override counts the representative invited to it, also after their invitation to the "
          "series ahead was cancelled (SPEC §9 as invited, §5)",
          "[report][series]")
{
  // Weekly from 2026-09-04; week 14 (12-11) moved to 11:00. First the education ministry's
  // vice-minister is invited to all of it; after 12-11 the series' attendee becomes the health
  // ministry's: the education one gets the CANCEL of the series, but was invited to 12-11.
  WeeklySeries series;
  series.uid = "report-series";
  series.first = "20260904T050000Z";
  series.attendees = {"mailto:vice.minister24@edu.gov.kz"};
  series.moved = {{14, 1, {"mailto:vice.minister24@edu.gov.kz"}}};
  TempDir dir;
  std::filesystem::copy_file(demo_dir() / "directory.json", dir.path() / "directory.json");
  std::filesystem::create_directories(dir.path() / "spool");
  dir.write("cal/series.ics", weekly_series_ics(series));
  const auto config_file = dir.write("kenes.json", R"({"timezone": "Asia/Almaty", "directory": "directory.json",
      "state_dir": "state", "sources": [{"id": "s", "type": "dir", "path": "cal"}],
      "notices": {"transport": "spool", "spool_dir": "spool", "adopt": "none"}})");
  auto kenesd = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {kenesd_binary(), "--config", config_file.string()});
    ProcessResult r = run_process(args);
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    return r;
  };
  kenesd({"sync", "--once", "--now", "2026-12-07T12:00:00+05:00"});
  series.attendees = {"mailto:vice.minister29@health.gov.kz"};
  dir.write("cal/series.ics", weekly_series_ics(series));
  CHECK_THAT(kenesd({"sync", "--once", "--now", "2026-12-21T12:00:00+05:00"}).out,
             Catch::Contains(" notices_sent=2 ")); // the health ministry's REQUEST, the education one's CANCEL
  const json doc = json::parse(
      kenesd({"report", "--month", "2026-12", "--format", "json", "--now", "2026-12-21T12:00:00+05:00"}).out);
  bool found = false;
  for (const json& body : doc.at("bodies")) {
    for (const json& official : body.at("officials")) {
      for (const json& m : official.at("meetings")) {
        if (m.at("occurrence") == "2026-12-11T11:00:00+05:00") {
          found = true;
          CHECK(m.at("counts").at("vice_ministers") == 1);
        }
      }
    }
  }
  CHECK(found);
}

TEST_CASE("report: a month with now in it counts a series version's occurrences that took place with whom it invited "
          "once, those ahead with whom it invites now (SPEC §9 as invited)",
          "[report][series]")
{
  // Weekly on Fridays from 2026-09-04 10:00. The education ministry's vice-minister is invited
  // (12-02), replaced by the health ministry's (12-09: CANCEL and REQUEST), then named again
  // with 12-25 moved to 20:00 (12-14): an invalid slot, so the invitations are held and the
  // education one's stays cancelled while the check chooses them. On 12-14 the master has
  // December occurrences on both sides of now: 12-04 and 12-11 took place, 12-18 is ahead.
  WeeklySeries series;
  series.uid = "straddling-series";
  series.first = "20260904T050000Z";
  series.attendees = {"mailto:vice.minister24@edu.gov.kz"};
  TempDir dir;
  std::filesystem::copy_file(demo_dir() / "directory.json", dir.path() / "directory.json");
  std::filesystem::create_directories(dir.path() / "spool");
  dir.write("cal/series.ics", weekly_series_ics(series));
  const auto config_file = dir.write("kenes.json", R"({"timezone": "Asia/Almaty", "directory": "directory.json",
      "state_dir": "state", "sources": [{"id": "s", "type": "dir", "path": "cal"}],
      "notices": {"transport": "spool", "spool_dir": "spool", "adopt": "none"}})");
  auto kenesd = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {kenesd_binary(), "--config", config_file.string()});
    ProcessResult r = run_process(args);
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    return r;
  };
  kenesd({"sync", "--once", "--now", "2026-12-02T12:00:00+05:00"});
  series.attendees = {"mailto:vice.minister29@health.gov.kz"};
  dir.write("cal/series.ics", weekly_series_ics(series));
  kenesd({"sync", "--once", "--now", "2026-12-09T12:00:00+05:00"});
  series.attendees = {"mailto:vice.minister24@edu.gov.kz"};
  series.moved = {{16, 10, {}}};
  dir.write("cal/series.ics", weekly_series_ics(series));
  kenesd({"sync", "--once", "--now", "2026-12-14T12:00:00+05:00"});
  {
    auto store = daemon::StateStore::open(dir.path() / "state");
    std::optional<daemon::NoticeRecord> record = store->notice_state("straddling-series");
    REQUIRE(record.has_value());
    const nlohmann::json state = nlohmann::json::parse(record->state);
    CHECK(state.at("invited").at("vice.minister24@edu.gov.kz") == false); // held: not invited again
  }
  const json doc = json::parse(
      kenesd({"report", "--month", "2026-12", "--format", "json", "--now", "2026-12-14T12:00:00+05:00"}).out);
  std::map<std::string, int> vice_ministers; // occurrence -> count
  for (const json& body : doc.at("bodies")) {
    for (const json& official : body.at("officials")) {
      for (const json& m : official.at("meetings")) {
        vice_ministers[m.at("occurrence").get<std::string>()] = m.at("counts").at("vice_ministers").get<int>();
      }
    }
  }
  // The two that took place count the one the check chooses, invited to them (the notice state
  // knows who was invited, not to which week: one replaced before a past week still counts for
  // it); those ahead nobody, as nobody is invited to them now.
  CHECK(vice_ministers ==
        std::map<std::string, int>{{"2026-12-04T10:00:00+05:00", 1}, {"2026-12-11T10:00:00+05:00", 1}});
}
