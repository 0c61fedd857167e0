// Expected failures as values: a Result<T> holds a T or an Error with a kind and a readable reason.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace kenes::connectors {

enum class ErrorKind {
  timeout,   // no answer in time, or a stalled transfer
  connect,   // could not connect (refused, reset, DNS)
  tls,       // certificate or handshake
  auth,      // 401 / 403 from a source
  protocol,  // malformed or unexpected answer (bad XML, truncated body, redirect loop)
  too_large, // an answer over the configured limit
  temporary, // 429 / 5xx that may pass; retry later
  permanent, // a 4xx that will not pass by retrying
  cancelled, // the daemon is stopping
};

std::string_view to_string(ErrorKind k);

struct Error
{
  ErrorKind kind = ErrorKind::protocol;
  std::string reason;  // readable, never holds a secret
  int http_status = 0; // the server's answer, when the error is one (0: no answer to tell)
};

// The value of a Result that has nothing to carry.
struct Done
{
};

template <typename T> class Result
{
public:
  Result(T value)
    : m_v(std::move(value))
  {
  }
  Result(Error error)
    : m_v(std::move(error))
  {
  }

  bool ok() const { return m_v.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<0>(m_v); }
  const T& value() const { return std::get<0>(m_v); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  const Error& error() const { return std::get<1>(m_v); }

private:
  std::variant<T, Error> m_v;
};

} // namespace kenes::connectors
