// kenesd: maps exceptions to exit codes; everything else is in the libraries.
#include "daemon/app.hpp"

#include <exception>
#include <iostream>

int main(int argc, char** argv)
{
  try {
    return kenes::daemon::run_kenesd(std::vector<std::string>(argv + 1, argv + argc));
  } catch (const std::exception& e) {
    std::cerr << "kenesd: fatal: " << e.what() << "\n";
    return 2;
  }
}
