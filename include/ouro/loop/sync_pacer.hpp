// SyncPacer: at most one fsync per interval, for files rewritten or appended to so often that a
// sync each time would dominate a fast run (part-way checkpoints, the finished-replicate log).
//
// Between syncs a power loss may cost the work since the last one (a replicate reruns, to the same
// bytes); it can never cost a result file, which AtomicFile syncs every time. Used by the loop
// module's stores; docs/sweep.md gives the interval and its measured cost.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace ouro {

class SyncPacer {
 public:
  static constexpr std::chrono::milliseconds kInterval{1000};

  // True for the first caller, then for the first caller after each interval. Thread-safe.
  bool due() {
    const std::int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                                 std::chrono::steady_clock::now().time_since_epoch()).count();
    std::int64_t next = next_.load(std::memory_order_relaxed);
    return now >= next && next_.compare_exchange_strong(next, now + kInterval.count(), std::memory_order_relaxed);
  }

 private:
  std::atomic<std::int64_t> next_{0};
};

}  // namespace ouro
