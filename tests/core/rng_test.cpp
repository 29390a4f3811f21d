// Rng streams: determinism, independence of streams, and the owned distributions checked against
// their exact moments (tolerances are 5 standard errors of the Monte-Carlo estimate).
#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

#include <gtest/gtest.h>

#include "ouro/core/rng.hpp"

namespace ouro {
namespace {

TEST(Rng, SameKeySameStream) {
  Rng a(42, {Purpose::kSample, 3, 7, 0});
  Rng b(42, {Purpose::kSample, 3, 7, 0});
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(a.next_u64(), b.next_u64());
}

TEST(Rng, EveryKeyFieldChangesTheStream) {
  const StreamKey base{Purpose::kSample, 3, 7, 1};
  const std::uint64_t first = Rng(42, base).next_u64();
  EXPECT_NE(first, Rng(43, base).next_u64());
  EXPECT_NE(first, Rng(42, {Purpose::kFit, 3, 7, 1}).next_u64());
  EXPECT_NE(first, Rng(42, {Purpose::kSample, 4, 7, 1}).next_u64());
  EXPECT_NE(first, Rng(42, {Purpose::kSample, 3, 8, 1}).next_u64());
  EXPECT_NE(first, Rng(42, {Purpose::kSample, 3, 7, 2}).next_u64());
}

TEST(Rng, KnownAnswerPinsTheStreamAcrossBuilds) {
  // Philox4x64-10 with key (0, 0) and counter (0, 0, 0, 0): Random123's published known-answer
  // vector (kat_vectors), returned word by word.
  Rng rng(0, {static_cast<Purpose>(0), 0, 0, 0});
  EXPECT_EQ(rng.next_u64(), 0x16554d9eca36314cULL);
  EXPECT_EQ(rng.next_u64(), 0xdb20fe9d672d0fdcULL);
  EXPECT_EQ(rng.next_u64(), 0xd7e772cee186176bULL);
  EXPECT_EQ(rng.next_u64(), 0x7e68b68aec7ba23bULL);
}

// The stream is Random123's Philox4x64-10 block after block, the counter's first word counting the
// blocks, however many blocks a refill computes at once.
TEST(Rng, StreamIsPhiloxBlocksInCounterOrder) {
  const StreamKey key{Purpose::kSample, 3, 7, 2};
  Rng rng(42, key);
  const r123::Philox4x64::key_type philox_key{{42, static_cast<std::uint64_t>(Purpose::kSample)}};
  for (std::uint64_t block = 0; block < 1000; ++block) {
    const r123::Philox4x64::ctr_type counter{{block, key.block, key.generation, key.replicate}};
    const auto expected = r123::Philox4x64()(counter, philox_key);
    for (std::size_t i = 0; i < 4; ++i) ASSERT_EQ(rng.next_u64(), expected.v[i]) << "block " << block << " word " << i;
  }
}

TEST(Rng, UniformIsOpenIntervalWithExactMoments) {
  Rng rng(1, {Purpose::kUser, 0, 0, 0});
  const int n = 1'000'000;
  double sum = 0, sum_sq = 0;
  for (int i = 0; i < n; ++i) {
    const double u = rng.uniform();
    ASSERT_GT(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum += u;
    sum_sq += u * u;
  }
  const double mean = sum / n;
  EXPECT_NEAR(mean, 0.5, 5 * std::sqrt(1.0 / 12 / n));
  EXPECT_NEAR(sum_sq / n - mean * mean, 1.0 / 12, 5 * std::sqrt(1.0 / 180 / n));
}

TEST(Rng, NormalHasExactFirstFourMoments) {
  Rng rng(2, {Purpose::kUser, 0, 0, 0});
  const int n = 1'000'000;
  double m1 = 0, m2 = 0, m3 = 0, m4 = 0;
  for (int i = 0; i < n; ++i) {
    const double z = rng.normal();
    m1 += z;
    m2 += z * z;
    m3 += z * z * z;
    m4 += z * z * z * z;
  }
  m1 /= n, m2 /= n, m3 /= n, m4 /= n;
  EXPECT_NEAR(m1, 0.0, 5 * std::sqrt(1.0 / n));
  EXPECT_NEAR(m2, 1.0, 5 * std::sqrt(2.0 / n));
  EXPECT_NEAR(m3, 0.0, 5 * std::sqrt(15.0 / n));
  EXPECT_NEAR(m4, 3.0, 5 * std::sqrt(96.0 / n));
}

// The ziggurat must reproduce the normal law everywhere, not only its moments: the empirical CDF
// against erf (Kolmogorov-Smirnov) and the mass in each region the sampler treats differently
// (rectangles, wedges, the tail beyond r = 3.654) against the exact probabilities.
TEST(Rng, NormalMatchesTheNormalCdfByKolmogorovSmirnov) {
  Rng rng(4, {Purpose::kUser, 0, 0, 0});
  const int n = 200'000;
  std::vector<double> z(n);
  for (double& v : z) v = rng.normal();
  std::sort(z.begin(), z.end());
  double d = 0.0;
  for (int i = 0; i < n; ++i) {
    const double cdf = 0.5 * std::erfc(-z[i] / std::sqrt(2.0));
    d = std::max({d, cdf - static_cast<double>(i) / n, static_cast<double>(i + 1) / n - cdf});
  }
  EXPECT_LT(d * std::sqrt(static_cast<double>(n)), 1.95);  // 99.9% quantile of the KS statistic
}

TEST(Rng, NormalTailAndWedgeMassesAreExact) {
  Rng rng(5, {Purpose::kUser, 0, 0, 0});
  const int n = 4'000'000;
  const std::array<double, 4> cuts{0.2152418959132738, 1.0, 3.0, 3.6541528853610088};
  std::array<int, 4> beyond{};
  for (int i = 0; i < n; ++i) {
    const double a = std::abs(rng.normal());
    for (std::size_t c = 0; c < cuts.size(); ++c) beyond[c] += a > cuts[c];
  }
  for (std::size_t c = 0; c < cuts.size(); ++c) {
    const double p = std::erfc(cuts[c] / std::sqrt(2.0));
    EXPECT_NEAR(static_cast<double>(beyond[c]) / n, p, 5 * std::sqrt(p * (1 - p) / n)) << "P(|Z| > " << cuts[c] << ")";
  }
}

TEST(Rng, BelowIsUniformByChiSquare) {
  Rng rng(3, {Purpose::kUser, 0, 0, 0});
  const std::uint64_t k = 7;
  const int n = 700'000;
  std::vector<int> counts(k, 0);
  for (int i = 0; i < n; ++i) {
    const std::uint64_t v = rng.below(k);
    ASSERT_LT(v, k);
    ++counts[v];
  }
  double chi2 = 0;
  for (int c : counts) chi2 += (c - n / 7.0) * (c - n / 7.0) / (n / 7.0);
  EXPECT_LT(chi2, 22.46);  // 99.9% quantile of chi-square with 6 degrees of freedom
}

}  // namespace
}  // namespace ouro
