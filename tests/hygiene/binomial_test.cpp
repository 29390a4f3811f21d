// Binomial draws against the exact probabilities: a chi-square test per regime (inversion, BTRS,
// and both through the p > 1/2 reflection), the degenerate cases, determinism, bad p.
#include "ouro/hygiene/binomial.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "ouro/core/error.hpp"

namespace ouro::hygiene {
namespace {

// P(X = k) for X ~ Binomial(n, p), k = 0..n.
std::vector<double> binomial_pmf(std::uint64_t n, double p) {
  std::vector<double> pmf(n + 1);
  for (std::uint64_t k = 0; k <= n; ++k) {
    const double kk = static_cast<double>(k), nn = static_cast<double>(n);
    pmf[k] = std::exp(std::lgamma(nn + 1) - std::lgamma(kk + 1) - std::lgamma(nn - kk + 1) + kk * std::log(p) +
                      (nn - kk) * std::log1p(-p));
  }
  return pmf;
}

// Pearson's statistic over cells of expected count >= 20 (the tails pooled into their neighbours)
// and the cells' degrees of freedom.
std::pair<double, double> chi_square(const std::vector<double>& pmf, const std::vector<double>& counts, double draws) {
  double statistic = 0, cells = 0, expected = 0, observed = 0;
  for (std::size_t k = 0; k < pmf.size(); ++k) {
    expected += pmf[k] * draws;
    observed += counts[k];
    // Close a cell once it holds enough, and only if what is left does too (else it joins this one).
    double rest = 0;
    for (std::size_t j = k + 1; j < pmf.size(); ++j) rest += pmf[j] * draws;
    if ((expected >= 20 && rest >= 20) || k + 1 == pmf.size()) {
      statistic += (observed - expected) * (observed - expected) / expected;
      cells += 1;
      expected = observed = 0;
    }
  }
  return {statistic, cells - 1};
}

TEST(Binomial, DrawsFollowTheExactLawInEveryRegime) {
  struct Case {
    std::uint64_t n;
    double p;
    const char* regime;
  };
  for (const Case c : {Case{30, 0.2, "inversion (np = 6)"}, Case{1000, 0.3, "BTRS (np = 300)"},
                       Case{50, 0.9, "reflected inversion (n(1-p) = 5)"}, Case{200, 0.93, "reflected BTRS (n(1-p) = 14)"},
                       Case{40, 0.25, "BTRS at np = 10"}}) {
    Rng rng(31, {Purpose::kUser, 0, 0, 0});
    constexpr int kDraws = 200000;
    std::vector<double> counts(c.n + 1, 0.0);
    double sum = 0;
    for (int i = 0; i < kDraws; ++i) {
      const std::uint64_t x = draw_binomial(c.n, c.p, rng);
      ASSERT_LE(x, c.n) << c.regime;
      counts[x] += 1;
      sum += static_cast<double>(x);
    }
    const auto [statistic, df] = chi_square(binomial_pmf(c.n, c.p), counts, kDraws);
    // The statistic has mean df and sd sqrt(2 df): 5 standard deviations.
    EXPECT_LT(statistic, df + 5 * std::sqrt(2 * df)) << c.regime << ": " << df << " degrees of freedom";
    const double mean = static_cast<double>(c.n) * c.p, sd = std::sqrt(mean * (1 - c.p));
    EXPECT_NEAR(sum / kDraws, mean, 4 * sd / std::sqrt(kDraws)) << c.regime;
  }
}

TEST(Binomial, DegenerateCasesDeterminismAndBadProbabilities) {
  Rng rng(32, {Purpose::kUser, 0, 0, 0});
  EXPECT_EQ(draw_binomial(0, 0.4, rng), 0u);
  EXPECT_EQ(draw_binomial(17, 0.0, rng), 0u);
  EXPECT_EQ(draw_binomial(17, 1.0, rng), 17u);
  Rng a(33, {Purpose::kUser, 0, 0, 0}), b(33, {Purpose::kUser, 0, 0, 0});
  for (int i = 0; i < 100; ++i) EXPECT_EQ(draw_binomial(5000, 0.37, a), draw_binomial(5000, 0.37, b));
  EXPECT_THROW(draw_binomial(10, -0.1, rng), DataError);
  EXPECT_THROW(draw_binomial(10, 1.5, rng), DataError);
  EXPECT_THROW(draw_binomial(10, std::nan(""), rng), DataError);
}

}  // namespace
}  // namespace ouro::hygiene
