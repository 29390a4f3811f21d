// Progress on stderr with an estimate of the time left: see progress_bar.hpp.
#include "progress_bar.hpp"

#include <unistd.h>

#include <algorithm>

#include <fmt/core.h>

namespace ouro::cli {

ProgressBar::ProgressBar(std::size_t total, std::size_t already_done, std::string unit, bool enabled)
    : total_(total),
      already_done_(already_done),
      unit_(std::move(unit)),
      enabled_(enabled && total > 0),
      start_(Clock::now()),
      done_(already_done) {}

ProgressBar::~ProgressBar() {
  if (enabled_ && drawn_) fmt::print(stderr, "\n");
}

void ProgressBar::advance(std::size_t units, bool earlier) {
  if (earlier) already_done_ += units;
  const std::size_t done = done_ += units;
  if (!enabled_) return;
  std::lock_guard lock(mutex_);
  const auto now = Clock::now();
  if (done < total_ && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  drawn_ = true;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const std::size_t done_here = done - std::min(done, already_done_.load());
  const double eta =
      done_here > 0 ? elapsed / static_cast<double>(done_here) * static_cast<double>(total_ - std::min(done, total_)) : 0.0;
  const std::size_t width = 30;
  const std::size_t filled = width * std::min(done, total_) / total_;
  fmt::print(stderr, "\r[{}{}] {}/{} {}  {:.1f}s elapsed  ETA {:.1f}s ", std::string(filled, '='),
             std::string(width - filled, ' '), done, total_, unit_, elapsed, eta);
}

bool progress_wanted(bool quiet) { return !quiet && isatty(STDERR_FILENO); }

}  // namespace ouro::cli
