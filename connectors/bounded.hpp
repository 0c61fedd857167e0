// Runs work(0) … work(count - 1) as coroutines on the caller's executor, at most `width` at once,
// and returns when every one has finished (Boost 1.74 has no parallel_group). The first exception
// a work item throws is rethrown once all have finished.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <cstddef>
#include <exception>
#include <functional>
#include <memory>

namespace kenes::connectors {

using BoundedWork = std::function<boost::asio::awaitable<void>(std::size_t)>;

namespace detail {

struct BoundedState
{
  explicit BoundedState(boost::asio::any_io_executor ex)
    : done(ex, boost::asio::steady_timer::time_point::max())
  {
  }
  std::size_t next = 0, count = 0, running = 0;
  BoundedWork work;
  std::exception_ptr failure;
  boost::asio::steady_timer done;
};

inline boost::asio::awaitable<void> bounded_worker(std::shared_ptr<BoundedState> st)
{
  while (st->next < st->count) {
    std::size_t i = st->next++;
    try {
      co_await st->work(i);
    } catch (...) {
      if (!st->failure) {
        st->failure = std::current_exception();
      }
    }
  }
  if (--st->running == 0) {
    st->done.cancel();
  }
}

} // namespace detail

inline boost::asio::awaitable<void> run_bounded(std::size_t count, std::size_t width, BoundedWork work)
{
  if (count == 0) {
    co_return;
  }
  auto ex = co_await boost::asio::this_coro::executor;
  auto st = std::make_shared<detail::BoundedState>(ex);
  st->count = count;
  st->work = std::move(work);
  st->running = std::clamp<std::size_t>(width, 1, count);
  for (std::size_t k = 0, n = st->running; k < n; ++k) {
    boost::asio::co_spawn(ex, detail::bounded_worker(st), boost::asio::detached);
  }
  boost::system::error_code ec;
  co_await st->done.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
  if (st->failure) {
    std::rethrow_exception(st->failure);
  }
}

} // namespace kenes::connectors
