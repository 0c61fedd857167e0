// Whether the work done off the loop makes progress, for systemd's watchdog: `run` sends
// WATCHDOG=1 only while it does (issue 23: a check that never ended kept the watchdog fed). Work
// that runs says so (Heartbeat::Work) and beats as it gets things done; any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace kenes::daemon {

class Heartbeat
{
public:
  using clock = std::chrono::steady_clock;

  // Work under way, for its lifetime.
  class Work
  {
  public:
    explicit Work(Heartbeat& h)
      : m_h(h)
    {
      m_h.beat();
      ++m_h.m_working;
    }
    ~Work()
    {
      --m_h.m_working;
      m_h.beat();
    }
    Work(const Work&) = delete;
    Work& operator=(const Work&) = delete;

  private:
    Heartbeat& m_h;
  };

  // Something was done (a meeting checked, a resource applied).
  void beat() { m_last.store(clock::now().time_since_epoch().count(), std::memory_order_relaxed); }

  // Work is under way and nothing was done for longer than `limit`.
  bool stalled(clock::duration limit) const
  {
    if (m_working.load() == 0) {
      return false;
    }
    clock::time_point last{clock::duration(m_last.load(std::memory_order_relaxed))};
    return clock::now() - last > limit;
  }

private:
  std::atomic<int> m_working{0};
  std::atomic<clock::rep> m_last{0};
};

} // namespace kenes::daemon
