// Runs work(0) … work(count - 1) as coroutines on the caller's executor, at most `width` at once,
// and returns when every one has finished (Boost 1.74 has no parallel_group). The first exception
// a work item throws is rethrown once all have finished.
//
// Defined in bounded.cpp, not inline here: GCC 12 puts the frame functions (actor, destroy) of a
// coroutine instantiated inside an inline coroutine, here co_spawn's entry point, into the inline
// function's COMDAT group. With two translation units calling it, an optimising build (-O2 and
// up) keeps one copy of the group and the other unit's frame table points into the discarded
// copy: "defined in discarded section" at link time (docs/decisions.md, "Build").
#pragma once

#include <utility> // before awaitable.hpp, which uses std::exchange without including it

#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <functional>

namespace kenes::connectors {

using BoundedWork = std::function<boost::asio::awaitable<void>(std::size_t)>;

boost::asio::awaitable<void> run_bounded(std::size_t count, std::size_t width, BoundedWork work);

} // namespace kenes::connectors
