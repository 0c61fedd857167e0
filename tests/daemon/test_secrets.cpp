// Secrets from *_file paths and systemd credentials (SPEC §11).
#include "daemon/base/secrets.hpp"
#include "support/test_support.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>

using namespace kenes::daemon;
using namespace kenes::test;

TEST_CASE("secrets: a file's content without its trailing newline", "[secrets]")
{
  TempDir dir;
  auto file = dir.write("pw", "s3cr:et\n");
  CHECK(read_secret(file) == "s3cr:et");
}

TEST_CASE("secrets: a missing file is read from $CREDENTIALS_DIRECTORY by its name", "[secrets]")
{
  TempDir dir;
  dir.write("creds/minfin", "from-systemd\r\n");
  setenv("CREDENTIALS_DIRECTORY", (dir.path() / "creds").c_str(), 1);
  CHECK(read_secret("/etc/kenes/secrets/minfin") == "from-systemd");
  unsetenv("CREDENTIALS_DIRECTORY");
}

TEST_CASE("secrets: errors name the file and never its content", "[secrets]")
{
  TempDir dir;
  unsetenv("CREDENTIALS_DIRECTORY");
  REQUIRE_THROWS_WITH(read_secret(dir.path() / "nope"), Catch::Contains("nope") && Catch::Contains("does not exist"));
  auto empty = dir.write("empty", "\n");
  REQUIRE_THROWS_WITH(read_secret(empty), Catch::Contains("is empty"));
}
