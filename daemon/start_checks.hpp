// What `run` and `sync --once` refuse to start with beyond the config's own shape: the admin
// address, the users and tokens files, the SMTP password, the spool folder. `config check` runs
// the same checks, so that it finds everything `run` would refuse; a SIGHUP reload too.
#pragma once

#include "config/config.hpp"

#include <vector>

namespace kenes::daemon {

enum class StartOf { run, sync_once };

// Each problem names the config file and the JSON pointer of the key, like the loader's.
std::vector<config::ConfigProblem> start_problems(const config::Config& config, StartOf what);

// A spool folder inside state_dir is kenesd's own, as the store is (the packaged config's
// /var/lib/kenes/spool): made with state_dir when missing, where any other is an error.
bool spool_in_state_dir(const config::Config& config);

} // namespace kenes::daemon
