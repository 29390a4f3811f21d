// parallel_for: every task runs once, results do not depend on the thread count, and a worker's
// exception reaches the caller (the lowest failing task index wins).
#include <atomic>
#include <stdexcept>
#include <vector>

#include <gtest/gtest.h>

#include "ouro/core/parallel.hpp"
#include "ouro/core/rng.hpp"

namespace ouro {
namespace {

std::vector<double> run_with(int threads) {
  std::vector<double> out(257);
  parallel_for(out.size(), threads, [&](std::size_t i) {
    Rng rng(9, {Purpose::kUser, i, 0, 0});
    double s = 0;
    for (int k = 0; k < 100; ++k) s += rng.normal();
    out[i] = s;
  });
  return out;
}

TEST(ParallelFor, ResultsIndependentOfThreadCount) {
  const auto one = run_with(1);
  EXPECT_EQ(one, run_with(2));
  EXPECT_EQ(one, run_with(7));
}

TEST(ParallelFor, EveryTaskRunsExactlyOnce) {
  std::vector<std::atomic<int>> hits(1000);
  parallel_for(hits.size(), 4, [&](std::size_t i) { ++hits[i]; });
  for (const auto& h : hits) EXPECT_EQ(h.load(), 1);
}

TEST(ParallelFor, RethrowsTheLowestFailingTask) {
  try {
    parallel_for(100, 4, [](std::size_t i) {
      if (i == 40 || i == 90) throw std::runtime_error("task " + std::to_string(i));
    });
    FAIL() << "expected an exception";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "task 40");
  }
}

TEST(ParallelFor, ZeroTasksIsFine) {
  EXPECT_NO_THROW(parallel_for(0, 4, [](std::size_t) { FAIL(); }));
}

}  // namespace
}  // namespace ouro
