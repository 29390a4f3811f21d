// Counter-based random streams.
//
// Every random number in a run comes from a Philox4x64-10 stream (Random123) whose key is the
// master seed and the stream's purpose, and whose counter holds (replicate, generation, block) and a
// running draw index. A stream is therefore a pure function of *what it is for*, never of which
// thread happens to run it, which is what makes results byte-identical for any thread count.
//
// The distributions are owned here (uniform, normal, bounded integers) rather than taken from
// <random>, whose std::normal_distribution and friends differ between standard libraries.
#pragma once

#include <array>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <span>

#include <Random123/philox.h>

namespace ouro {

// What a stream is used for. Values are part of the on-disk reproducibility contract: never
// renumber, only append.
enum class Purpose : std::uint64_t {
  kTruthSetup = 1,   // random parameters of the truth itself (e.g. regression weights w*)
  kInitialData = 2,  // the initial real training set of a replicate
  kTestData = 3,     // the held-out real test set of a replicate
  kRealData = 4,     // real data drawn or resampled during the loop (fresh / resample)
  kCompose = 5,      // subsampling when the loop composes a training set
  kFit = 6,          // randomness inside fitting (e.g. k-means++ seeding)
  kSample = 7,       // drawing synthetic samples from a fitted model
  kFilter = 8,       // randomness inside filters on the synthetic stream
  kMetric = 9,       // randomness inside metrics (e.g. projections, subsets)
  kUser = 100,       // tests and tools outside the loop
};

struct StreamKey {
  Purpose purpose = Purpose::kUser;
  std::uint64_t replicate = 0;
  std::uint64_t generation = 0;
  std::uint64_t block = 0;
};

class Rng {
 public:
  Rng(std::uint64_t seed, StreamKey key)
      : key_{{seed, static_cast<std::uint64_t>(key.purpose)}},
        counter_{{0, key.block, key.generation, key.replicate}} {}

  // 64 uniformly distributed bits.
  std::uint64_t next_u64() {
    if (buffered_ == 0) refill();
    return buffer_[4 - buffered_--];
  }

  // Uniform on the open interval (0, 1): never 0 (safe for log) and never 1.
  double uniform() { return (static_cast<double>(next_u64() >> 11) + 0.5) * 0x1.0p-53; }

  // Standard normal by the Box-Muller transform; the second value of each pair is kept for the
  // next call.
  double normal() {
    if (has_spare_normal_) {
      has_spare_normal_ = false;
      return spare_normal_;
    }
    const double radius = std::sqrt(-2.0 * std::log(uniform()));
    const double angle = 2.0 * std::numbers::pi * uniform();
    spare_normal_ = radius * std::sin(angle);
    has_spare_normal_ = true;
    return radius * std::cos(angle);
  }

  void fill_normal(std::span<double> out) {
    for (double& x : out) x = normal();
  }

  // Uniform integer in [0, n) without modulo bias (Lemire's multiply-and-reject). n must be > 0.
  std::uint64_t below(std::uint64_t n) {
    __uint128_t product = static_cast<__uint128_t>(next_u64()) * n;
    auto low = static_cast<std::uint64_t>(product);
    if (low < n) {
      const std::uint64_t threshold = (0 - n) % n;
      while (low < threshold) {
        product = static_cast<__uint128_t>(next_u64()) * n;
        low = static_cast<std::uint64_t>(product);
      }
    }
    return static_cast<std::uint64_t>(product >> 64);
  }

 private:
  using Philox = r123::Philox4x64;

  void refill() {
    const Philox::ctr_type out = Philox()(counter_, key_);
    ++counter_.v[0];
    for (std::size_t i = 0; i < 4; ++i) buffer_[i] = out.v[i];
    buffered_ = 4;
  }

  Philox::key_type key_;
  Philox::ctr_type counter_;
  std::array<std::uint64_t, 4> buffer_{};
  std::size_t buffered_ = 0;
  double spare_normal_ = 0.0;
  bool has_spare_normal_ = false;
};

// The streams of one replicate: Streams(seed, r)(purpose, generation, block) is the Rng keyed by
// (seed, purpose, r, generation, block).
class Streams {
 public:
  Streams(std::uint64_t seed, std::uint64_t replicate) : seed_(seed), replicate_(replicate) {}

  Rng operator()(Purpose purpose, std::uint64_t generation, std::uint64_t block = 0) const {
    return Rng(seed_, {purpose, replicate_, generation, block});
  }
  std::uint64_t seed() const { return seed_; }
  std::uint64_t replicate() const { return replicate_; }

 private:
  std::uint64_t seed_;
  std::uint64_t replicate_;
};

}  // namespace ouro
