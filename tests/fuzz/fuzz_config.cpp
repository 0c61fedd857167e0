// Fuzz target (c): a config file → parse_config, with the directory inline or as a file beside
// it (config/demo/, so "directory.json" is the demo directory). Every mistake must come back as a
// ConfigError listing problems, each naming its file and JSON pointer; nothing else may escape.
#include "tests/fuzz/fuzz_support.hpp"

#include <filesystem>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  using namespace kenes;
  static const std::filesystem::path file =
      std::filesystem::path(KENES_SOURCE_DIR) / "config" / "demo" / "fuzz-kenes.json"; // never written
  std::string text(reinterpret_cast<const char*>(data), size);
  try {
    config::Config cfg = config::parse_config(text, file);
    (void)cfg.directory->bodies().size();
  } catch (const config::ConfigError& e) {
    for (const config::ConfigProblem& p : e.problems()) {
      (void)p.to_string();
    }
    (void)e.what();
  }
  return 0;
}
