#include "result.hpp"

namespace kenes::connectors {

std::string_view to_string(ErrorKind k)
{
  switch (k) {
  case ErrorKind::timeout: return "timeout";
  case ErrorKind::connect: return "connect";
  case ErrorKind::tls: return "tls";
  case ErrorKind::auth: return "auth";
  case ErrorKind::protocol: return "protocol";
  case ErrorKind::too_large: return "too_large";
  case ErrorKind::temporary: return "temporary";
  case ErrorKind::permanent: return "permanent";
  case ErrorKind::cancelled: return "cancelled";
  }
  return "unknown";
}

} // namespace kenes::connectors
