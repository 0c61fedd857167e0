// Runs blocking work (SQLite, libical, crypt) on a pool and resumes the coroutine on its own
// executor with the value or the exception.
#pragma once

#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <exception>
#include <functional>
#include <utility>

namespace kenes::daemon {

template <typename T, typename Pool> boost::asio::awaitable<T> run_on(Pool& pool, std::function<T()> work)
{
  namespace asio = boost::asio;
  auto home = co_await asio::this_coro::executor;
  auto initiate = [&pool, home, work = std::move(work)](auto handler) mutable {
    asio::post(pool, [home, work = std::move(work), handler = std::move(handler)]() mutable {
      std::exception_ptr failure;
      T value{};
      try {
        value = work();
      } catch (...) {
        failure = std::current_exception();
      }
      asio::post(home, [handler = std::move(handler), failure, value = std::move(value)]() mutable {
        handler(failure, std::move(value));
      });
    });
  };
  co_return co_await asio::async_initiate<const asio::use_awaitable_t<>&, void(std::exception_ptr, T)>(
      initiate, asio::use_awaitable);
}

} // namespace kenes::daemon
