#include "bounded.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <exception>
#include <memory>

namespace kenes::connectors {

namespace {

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

boost::asio::awaitable<void> bounded_worker(std::shared_ptr<BoundedState> st)
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

} // namespace

boost::asio::awaitable<void> run_bounded(std::size_t count, std::size_t width, BoundedWork work)
{
  if (count == 0) {
    co_return;
  }
  auto ex = co_await boost::asio::this_coro::executor;
  auto st = std::make_shared<BoundedState>(ex);
  st->count = count;
  st->work = std::move(work);
  st->running = std::clamp<std::size_t>(width, 1, count);
  for (std::size_t k = 0, n = st->running; k < n; ++k) {
    boost::asio::co_spawn(ex, bounded_worker(st), boost::asio::detached);
  }
  boost::system::error_code ec;
  co_await st->done.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
  if (st->failure) {
    std::rethrow_exception(st->failure);
  }
}

} // namespace kenes::connectors
