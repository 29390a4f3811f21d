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
#include <bit>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <span>

#include <Random123/philox.h>

namespace ouro {

namespace detail {

// The ziggurat's layer boundaries x[0..256] for the unnormalised density f(x) = exp(-x^2/2) and the
// density at each, f[i] = f(x[i]). 256 layers of equal area v; x[0] = v / f(r) is the base strip's
// width (it holds the tail), x[1] = r, x[256] = 0. Computed once from the constants r and v of
// Marsaglia & Tsang; the same binary always computes the same tables.
struct ZigguratTables {
  std::array<double, 257> x{};
  std::array<double, 257> f{};
  ZigguratTables() {
    constexpr double r = 3.6541528853610088;
    constexpr double v = 4.92867323399e-3;
    x[0] = v / std::exp(-0.5 * r * r);
    x[1] = r;
    for (std::size_t i = 1; i < 255; ++i) x[i + 1] = std::sqrt(-2.0 * std::log(v / x[i] + std::exp(-0.5 * x[i] * x[i])));
    x[256] = 0.0;
    for (std::size_t i = 0; i <= 256; ++i) f[i] = std::exp(-0.5 * x[i] * x[i]);
  }
};

inline const ZigguratTables kZiggurat{};

}  // namespace detail

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
    return buffer_[kBuffered - buffered_--];
  }

  // Uniform on the open interval (0, 1): never 0 (safe for log) and never 1.
  // (The 53-bit value goes through int64: a signed conversion is one instruction on x86-64, an
  // unsigned one a branch; the value is the same.)
  double uniform() { return (static_cast<double>(static_cast<std::int64_t>(next_u64() >> 11)) + 0.5) * 0x1.0p-53; }

  // Standard normal by the ziggurat method (Marsaglia & Tsang 2000, 256 layers): one 64-bit draw
  // and a table lookup for about 99% of values, so a sample costs a few nanoseconds instead of the
  // log, sqrt and sincos of Box-Muller. The method is exact: rejected points are redrawn, and the
  // tail beyond r = 3.654 uses Marsaglia's exact tail algorithm. Of each 64-bit draw, bits 0-7 pick
  // the layer, bit 8 the sign and bits 11-63 the position within the layer.
  double normal() {
    const detail::ZigguratTables& t = detail::kZiggurat;
    for (;;) {
      const std::uint64_t bits = next_u64();
      const std::size_t layer = bits & 0xFF;
      // Bit 8 becomes the sign bit: a random sign without a branch the CPU would mispredict half the time.
      const std::uint64_t sign = (bits & 0x100) << 55;
      const double x = static_cast<double>(static_cast<std::int64_t>(bits >> 11)) * 0x1.0p-53 * t.x[layer];
      if (x < t.x[layer + 1]) return with_sign(x, sign);  // inside the layer's rectangle under the curve
      if (layer == 0) return with_sign(normal_tail(t.x[1]), sign);
      // The wedge between the rectangle and the curve: accept with the density's height.
      const double y = t.f[layer] + uniform() * (t.f[layer + 1] - t.f[layer]);
      if (y < std::exp(-0.5 * x * x)) return with_sign(x, sign);
    }
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

  static double with_sign(double magnitude, std::uint64_t sign_bit) {
    return std::bit_cast<double>(std::bit_cast<std::uint64_t>(magnitude) ^ sign_bit);
  }

  // A standard normal conditioned on exceeding r (Marsaglia 1964): exact, and reached by fewer than
  // 3 in 10,000 draws.
  double normal_tail(double r) {
    for (;;) {
      const double x = -std::log(uniform()) / r;
      const double y = -std::log(uniform());
      if (2.0 * y > x * x) return r + x;
    }
  }

  // Blocks computed per refill. A Philox4x64-10 block is a chain of ten dependent rounds, so one
  // block at a time waits on multiply latency; four independent blocks keep the multipliers busy.
  // The stream is the same for any value: block after block by counter.
  static constexpr std::size_t kBlocks = 4;
  static constexpr std::size_t kBuffered = 4 * kBlocks;

  void refill() {
    std::array<Philox::ctr_type, kBlocks> out;
    for (std::size_t b = 0; b < kBlocks; ++b) {
      Philox::ctr_type counter = counter_;
      counter.v[0] += b;
      out[b] = Philox()(counter, key_);
    }
    counter_.v[0] += kBlocks;
    for (std::size_t b = 0; b < kBlocks; ++b)
      for (std::size_t i = 0; i < 4; ++i) buffer_[4 * b + i] = out[b].v[i];
    buffered_ = kBuffered;
  }

  Philox::key_type key_;
  Philox::ctr_type counter_;
  std::array<std::uint64_t, kBuffered> buffer_{};
  std::size_t buffered_ = 0;
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
