// Reads the directory of bodies (SPEC §11) from JSON.
#pragma once

#include "config/json_node.hpp"

#include "calendar/directory.hpp"

#include <memory>

namespace kenes::config {

// Problems are recorded on the node; the directory holds what was valid.
std::shared_ptr<calendar::Directory> read_directory(const JsonNode& node);

} // namespace kenes::config
