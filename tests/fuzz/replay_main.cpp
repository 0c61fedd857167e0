// Replays files through a fuzz target's LLVMFuzzerTestOneInput, without libFuzzer (GCC, the normal
// suite): every regular file named, or found in a folder named (not in its `pending/`, inputs that
// wait for a fix elsewhere). A crash, a sanitizer report or an uncaught exception fails the run,
// as it failed the fuzzer. Exit 1 when nothing at all was replayed.
#include "tests/fuzz/fuzz_support.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <vector>

namespace fs = std::filesystem;

int main(int argc, char** argv)
{
  std::vector<fs::path> files;
  for (int i = 1; i < argc; ++i) {
    fs::path p = argv[i];
    if (fs::is_directory(p)) {
      for (auto it = fs::recursive_directory_iterator(p); it != fs::recursive_directory_iterator(); ++it) {
        if (it->is_directory() && it->path().filename() == "pending") {
          it.disable_recursion_pending();
        } else if (it->is_regular_file() && it->path().filename() != "README.md") {
          files.push_back(it->path());
        }
      }
    } else {
      files.push_back(p);
    }
  }
  if (files.empty()) {
    std::cerr << "replay: no inputs\n";
    return 1;
  }
  std::sort(files.begin(), files.end());
  for (const fs::path& f : files) {
    std::ifstream in(f, std::ios::binary);
    if (!in) {
      std::cerr << "replay: cannot read " << f << "\n";
      return 1;
    }
    std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::cerr << "replay: " << f.string() << " (" << data.size() << " bytes)\n";
    LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(data.data()), data.size());
  }
  std::cout << "replay: " << files.size() << " inputs, no crash\n";
  return 0;
}
