// ProgressBar: work done, elapsed time and estimated time left, redrawn on stderr (never stdout,
// which holds results) at most ten times a second, and only when stderr is a terminal.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>

namespace ouro::cli {

class ProgressBar {
 public:
  // `already_done` units were finished before this process started (a resumed run): they count
  // towards the bar but not towards the rate the estimate is drawn from.
  ProgressBar(std::size_t total, std::size_t already_done, std::string unit, bool enabled);
  ~ProgressBar();
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  void tick() { advance(1, false); }  // thread-safe
  // `units` more done (thread-safe); `earlier` when they were done before this process (the
  // generations a replicate resumed from its checkpoint skips), which the rate leaves out.
  void advance(std::size_t units, bool earlier);

 private:
  using Clock = std::chrono::steady_clock;
  std::size_t total_;
  std::atomic<std::size_t> already_done_;
  std::string unit_;
  bool enabled_;
  Clock::time_point start_;
  Clock::time_point last_draw_{};
  std::atomic<std::size_t> done_;
  std::mutex mutex_;
  bool drawn_ = false;
};

// True when progress should be drawn: not --quiet and stderr is a terminal.
bool progress_wanted(bool quiet);

}  // namespace ouro::cli
