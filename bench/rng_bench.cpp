// Throughput of the owned random distributions against the standard library's, in one run.
//
// The reference is libstdc++'s std::mt19937_64 with std::normal_distribution / uniform_real_distribution
// (which ouroboros must not use for results: they differ between standard libraries). Compare the
// items-per-second columns of each pair; the ratio is what matters, not the absolute rate.
#include <random>
#include <vector>

#include <benchmark/benchmark.h>

#include "ouro/core/rng.hpp"

namespace {

constexpr std::size_t kBatch = 4096;

void BM_OuroNormal(benchmark::State& state) {
  ouro::Rng rng(1, {ouro::Purpose::kUser, 0, 0, 0});
  std::vector<double> out(kBatch);
  for (auto _ : state) {
    rng.fill_normal(out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kBatch));
}
BENCHMARK(BM_OuroNormal);

void BM_StdNormalReference(benchmark::State& state) {
  std::mt19937_64 engine(1);
  std::normal_distribution<double> normal;
  std::vector<double> out(kBatch);
  for (auto _ : state) {
    for (double& x : out) x = normal(engine);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kBatch));
}
BENCHMARK(BM_StdNormalReference);

void BM_OuroUniform(benchmark::State& state) {
  ouro::Rng rng(1, {ouro::Purpose::kUser, 0, 0, 0});
  std::vector<double> out(kBatch);
  for (auto _ : state) {
    for (double& x : out) x = rng.uniform();
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kBatch));
}
BENCHMARK(BM_OuroUniform);

void BM_StdUniformReference(benchmark::State& state) {
  std::mt19937_64 engine(1);
  std::uniform_real_distribution<double> uniform;
  std::vector<double> out(kBatch);
  for (auto _ : state) {
    for (double& x : out) x = uniform(engine);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kBatch));
}
BENCHMARK(BM_StdUniformReference);

}  // namespace

BENCHMARK_MAIN();
