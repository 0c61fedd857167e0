// The store's schema (SPEC §7): the forward-only migration steps, one a schema version.
#pragma once

#include <cstdint>
#include <span>

namespace kenes::daemon {

// "kens": tells a kenes store from any other SQLite file put in its place.
constexpr std::int32_t k_application_id = 0x6b656e73;

struct Migration
{
  int version;
  const char* sql;
};

// Step N brings a store to user_version N; they are run in order.
std::span<const Migration> migrations();

} // namespace kenes::daemon
