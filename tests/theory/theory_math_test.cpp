// The pure closed forms on hand-checkable numbers: special-function values from their textbook
// identities, generation-0 terms, the MLE vs unbiased laws, lambda = 1 vs lambda < 1, reductions
// between loops (fresh with no real rows is the fully synthetic loop), the g -> infinity limits,
// and precondition errors.
#include <cmath>
#include <numbers>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ouro/core/error.hpp"
#include "ouro/theory/categorical_theory.hpp"
#include "ouro/theory/gaussian_theory.hpp"
#include "ouro/theory/kde_theory.hpp"
#include "ouro/theory/regression_theory.hpp"
#include "ouro/theory/special_functions.hpp"

namespace ouro::theory {
namespace {

using ::testing::HasSubstr;
constexpr double kEulerGamma = 0.57721566490153286061;

LoopSizes sizes(std::int64_t n0, std::int64_t ns, double lambda, std::int64_t generations, std::int64_t nr = 0) {
  LoopSizes z;
  z.initial = n0;
  z.synthetic = ns;
  z.real = nr;
  z.bias = lambda;
  z.generations = generations;
  return z;
}

TEST(SpecialFunctions, DigammaMatchesExactValues) {
  EXPECT_NEAR(digamma(1.0), -kEulerGamma, 1e-14);
  EXPECT_NEAR(digamma(0.5), -kEulerGamma - 2 * std::numbers::ln2, 1e-14);
  // psi(n) = -gamma + H_{n-1}; psi(n + 1/2) = -gamma - 2 ln 2 + sum_{k=1}^n 2 / (2k - 1).
  double harmonic = 0.0, odd = 0.0;
  for (int n = 1; n <= 40; ++n) {
    EXPECT_NEAR(digamma(n), -kEulerGamma + harmonic, 1e-13) << n;
    harmonic += 1.0 / n;
    odd += 2.0 / (2 * n - 1);
    EXPECT_NEAR(digamma(n + 0.5), -kEulerGamma - 2 * std::numbers::ln2 + odd, 1e-13) << n;
  }
  for (double x : {0.1, 1.7, 9.99, 10.0, 33.3, 1e4}) EXPECT_NEAR(digamma(x + 1) - digamma(x), 1.0 / x, 1e-13) << x;
  EXPECT_THROW(digamma(0.0), ConfigError);
}

TEST(SpecialFunctions, ChiAndWishartMoments) {
  EXPECT_NEAR(expected_sqrt_chi_square(1), std::sqrt(2 / std::numbers::pi), 1e-15);  // E|Z|
  EXPECT_NEAR(expected_sqrt_chi_square(2), std::sqrt(std::numbers::pi / 2), 1e-15);  // Rayleigh mean
  EXPECT_NEAR(expected_sqrt_chi_square(3), std::sqrt(8 / std::numbers::pi), 1e-15);  // Maxwell mean
  EXPECT_EQ(expected_sqrt_chi_square(0), 0.0);
  // E sqrt(chi2_k) -> sqrt(k - 1/2) for large k.
  EXPECT_NEAR(expected_sqrt_chi_square(10000), std::sqrt(10000 - 0.5), 1e-5);
  // d = 1: E log chi2_k = psi(k/2) + log 2; E log chi2_2 = log 2 - gamma.
  EXPECT_NEAR(expected_log_det_wishart(1, 2), std::numbers::ln2 - kEulerGamma, 1e-14);
  EXPECT_NEAR(expected_log_det_wishart(2, 5), digamma(2.5) + digamma(2.0) + 2 * std::numbers::ln2, 1e-14);
  EXPECT_THROW(expected_log_det_wishart(3, 2), ConfigError);
  EXPECT_DOUBLE_EQ(expected_trace_inverse_wishart(3, 10), 0.5);
  EXPECT_THROW(expected_trace_inverse_wishart(3, 4), ConfigError);
}

TEST(GaussianReplace, MleVarianceDecaysAsPowersOfNMinusOneOverN) {
  const auto v = gaussian_replace_trace(2.0, sizes(10, 10, 1.0, 30), Estimator::kMle);
  ASSERT_EQ(v.size(), 31u);
  for (int g = 0; g <= 30; ++g) EXPECT_NEAR(v[g], 2.0 * std::pow(0.9, g + 1), 1e-14) << g;
  // Different n0 and ns: a0 = (n0 - 1)/n0 once, then (ns - 1)/ns per generation.
  const auto w = gaussian_replace_trace(1.0, sizes(4, 5, 1.0, 3), Estimator::kMle);
  EXPECT_NEAR(w[0], 0.75, 1e-15);
  EXPECT_NEAR(w[3], 0.75 * 0.8 * 0.8 * 0.8, 1e-15);
}

TEST(GaussianReplace, UnbiasedVarianceStaysWhileStdVanishes) {
  const auto v = gaussian_replace_trace(3.0, sizes(5, 5, 1.0, 200), Estimator::kUnbiased);
  for (double x : v) EXPECT_NEAR(x, 3.0, 1e-13);
  const auto s = gaussian_replace_std(std::sqrt(3.0), sizes(5, 5, 1.0, 200), Estimator::kUnbiased);
  const double factor = expected_sqrt_chi_square(4) / 2.0;  // E sqrt(chi2_4 / 4) < 1 by Jensen
  EXPECT_LT(factor, 1.0);
  EXPECT_NEAR(s[0], std::sqrt(3.0) * factor, 1e-14);
  EXPECT_NEAR(s[200], std::sqrt(3.0) * std::pow(factor, 201), 1e-14);
  EXPECT_LT(s[200], 1e-3 * s[0]);
  // The log variance drifts down linearly: E log det decreases by a fixed step per generation.
  const auto l = gaussian_replace_logdet_ratio(1, sizes(5, 5, 1.0, 10), Estimator::kUnbiased);
  const double step = expected_log_det_wishart(1, 4) - std::log(4.0);
  EXPECT_LT(step, 0.0);
  EXPECT_NEAR(l[10] - l[9], step, 1e-13);
  EXPECT_NEAR(l[0], step, 1e-13);
}

TEST(GaussianReplace, BiasScalesEveryLaterGeneration) {
  const auto one = gaussian_replace_trace(1.0, sizes(8, 6, 1.0, 5), Estimator::kMle);
  const auto biased = gaussian_replace_trace(1.0, sizes(8, 6, 0.7, 5), Estimator::kMle);
  EXPECT_EQ(one[0], biased[0]);  // generation 0 never sees lambda
  for (int g = 0; g <= 5; ++g) EXPECT_NEAR(biased[g], one[g] * std::pow(0.7, g), 1e-15);
  const auto std_one = gaussian_replace_std(1.0, sizes(8, 6, 1.0, 5), Estimator::kMle);
  const auto std_biased = gaussian_replace_std(1.0, sizes(8, 6, 0.7, 5), Estimator::kMle);
  for (int g = 0; g <= 5; ++g) EXPECT_NEAR(std_biased[g], std_one[g] * std::pow(std::sqrt(0.7), g), 1e-15);
  const auto log_one = gaussian_replace_logdet_ratio(2, sizes(8, 6, 1.0, 5), Estimator::kMle);
  const auto log_biased = gaussian_replace_logdet_ratio(2, sizes(8, 6, 0.7, 5), Estimator::kMle);
  for (int g = 0; g <= 5; ++g) EXPECT_NEAR(log_biased[g] - log_one[g], 2 * g * std::log(0.7), 1e-13);
}

TEST(GaussianReplace, MeanShiftAndW2HandValues) {
  // Unbiased, lambda = 1: the variance stays s, so the mean shift grows by s / ns per generation.
  const auto m = gaussian_replace_mean_shift(2.0, sizes(4, 5, 1.0, 3), Estimator::kUnbiased);
  EXPECT_NEAR(m[0], 0.5, 1e-15);
  EXPECT_NEAR(m[3], 0.5 + 3 * 0.4, 1e-15);
  // MLE, lambda = 1, n0 = ns = n: s/n (1 + sum_{i=1}^g ((n-1)/n)^i) -> s as g -> inf.
  const auto long_run = gaussian_replace_mean_shift(1.0, sizes(10, 10, 1.0, 2000), Estimator::kMle);
  EXPECT_NEAR(long_run.back(), 1.0, 1e-12);
  // n0 = 2, MLE, generation 0: E(m - mu)^2 = s/2, E var = s/2, E std = sigma E sqrt(chi2_1 / 2) =
  // sigma / sqrt(pi): E W2 = s/2 + s/2 - 2 s / sqrt(pi) + s.
  const double s = 1.7;
  const auto w2 = gaussian_replace_w2(s, sizes(2, 2, 1.0, 0), Estimator::kMle);
  ASSERT_EQ(w2.size(), 1u);
  EXPECT_NEAR(w2[0], 2 * s - 2 * s / std::sqrt(std::numbers::pi), 1e-14);
  // MLE collapse: W2 -> mean shift limit + sigma^2 (variance and std vanish).
  const auto w2_long = gaussian_replace_w2(1.0, sizes(10, 10, 1.0, 2000), Estimator::kMle);
  EXPECT_NEAR(w2_long.back(), 2.0, 1e-9);
}

TEST(GaussianFresh, NoRealRowsIsTheFullySyntheticLoop) {
  for (const Estimator e : {Estimator::kMle, Estimator::kUnbiased}) {
    const LoopSizes z = sizes(7, 6, 0.8, 12, 0);
    const FirstMoments fresh = gaussian_fresh(2.5, z, e);
    const auto trace = gaussian_replace_trace(2.5, z, e);
    const auto shift = gaussian_replace_mean_shift(2.5, z, e);
    for (int g = 0; g <= 12; ++g) {
      EXPECT_NEAR(fresh.trace[g], trace[g], 1e-13);
      EXPECT_NEAR(fresh.mean_shift[g], shift[g], 1e-13);
    }
  }
}

TEST(GaussianFresh, HandValuesOfTheFirstStep) {
  // n0 = 4, nr = 2, ns = 2, lambda = 1, MLE, s = 1: t0 = 3/4, m0 = 1/4; N = 4:
  // 4 t1 = 3/4 (2 + 2 * 3/4) + (4/4)(1/4) = 21/8 + 1/4 -> t1 = 23/32; 16 m1 = 2 + 3/2 + 1 -> m1 = 9/32.
  const FirstMoments f = gaussian_fresh(1.0, sizes(4, 2, 1.0, 1, 2), Estimator::kMle);
  EXPECT_NEAR(f.trace[0], 0.75, 1e-15);
  EXPECT_NEAR(f.mean_shift[0], 0.25, 1e-15);
  EXPECT_NEAR(f.trace[1], 23.0 / 32, 1e-15);
  EXPECT_NEAR(f.mean_shift[1], 9.0 / 32, 1e-15);
}

TEST(GaussianFresh, LimitIsReachedAndDoesNotDependOnTheInitialData) {
  for (const Estimator e : {Estimator::kMle, Estimator::kUnbiased}) {
    for (const double lambda : {1.0, 0.6}) {
      const FirstMomentLimit limit = gaussian_fresh_limit(2.0, sizes(0, 10, lambda, 0, 5), e);
      for (const std::int64_t n0 : {5, 50, 5000}) {
        const FirstMoments f = gaussian_fresh(2.0, sizes(n0, 10, lambda, 400, 5), e);
        EXPECT_NEAR(f.trace.back(), limit.trace, 1e-12) << n0;
        EXPECT_NEAR(f.mean_shift.back(), limit.mean_shift, 1e-12) << n0;
      }
      EXPECT_GT(limit.trace, 0.0);  // fresh data prevents collapse
    }
  }
  // Only real data (ns -> 0 is excluded, but many real rows per synthetic row): close to the truth.
  const FirstMomentLimit mostly_real = gaussian_fresh_limit(1.0, sizes(0, 1, 1.0, 0, 10000), Estimator::kUnbiased);
  EXPECT_NEAR(mostly_real.trace, 1.0, 1e-3);
  EXPECT_NEAR(mostly_real.mean_shift, 1.0 / 10001, 1e-6);
}

TEST(GaussianFixed, GenerationZeroAndTheWholePoolCase) {
  // Generation 0 is the fit to all n0 rows whatever nr is: mean shift s / n0, trace a0 s.
  for (const std::int64_t nr : {1, 3, 10}) {
    const FirstMoments f = gaussian_fixed(2.0, sizes(10, 4, 0.9, 3, nr), Estimator::kMle);
    EXPECT_NEAR(f.mean_shift[0], 0.2, 1e-15) << nr;
    EXPECT_NEAR(f.trace[0], 1.8, 1e-15) << nr;
  }
  // nr = n0 (R = D0), N = nr + ns: hand step 1 for n0 = nr = 2, ns = 2, lambda = 1, MLE, s = 1:
  // t0 = 1/2, D0 = 0, C0 = 0; 4 t1 = 1 + 1/2 + 1 (0 + 1/4) -> t1 = 7/16; D1 = (0 + 1)/16; C1 = 0;
  // mean shift = 1/16 + 1/2.
  const FirstMoments f = gaussian_fixed(1.0, sizes(2, 2, 1.0, 1, 2), Estimator::kMle);
  EXPECT_NEAR(f.trace[1], 7.0 / 16, 1e-15);
  EXPECT_NEAR(f.mean_shift[1], 1.0 / 16 + 0.5, 1e-15);
}

TEST(GaussianFixed, LimitIsReachedAndDoesNotDependOnTheInitialData) {
  for (const Estimator e : {Estimator::kMle, Estimator::kUnbiased}) {
    const FirstMomentLimit limit = gaussian_fixed_limit(1.5, sizes(0, 8, 0.8, 0, 4), e);
    for (const std::int64_t n0 : {4, 40, 4000}) {
      const FirstMoments f = gaussian_fixed(1.5, sizes(n0, 8, 0.8, 400, 4), e);
      EXPECT_NEAR(f.trace.back(), limit.trace, 1e-12) << n0;
      EXPECT_NEAR(f.mean_shift.back(), limit.mean_shift, 1e-12) << n0;
    }
  }
  // nr = 1: the one fixed row carries no spread; the limit trace is 0 and the mean sits on that row.
  const FirstMomentLimit single = gaussian_fixed_limit(1.0, sizes(0, 5, 1.0, 0, 1), Estimator::kMle);
  EXPECT_NEAR(single.trace, 0.0, 1e-15);
  EXPECT_NEAR(single.mean_shift, 1.0, 1e-15);
}

TEST(GaussianTheory, PreconditionsNameTheFunctionAndValues) {
  try {
    gaussian_replace_trace(1.0, sizes(1, 5, 1.0, 2), Estimator::kUnbiased);
    FAIL() << "expected a ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_THAT(e.what(), HasSubstr("gaussian_replace_trace"));
    EXPECT_THAT(e.what(), HasSubstr("initial = 1"));
  }
  EXPECT_THROW(gaussian_replace_trace(1.0, sizes(5, 5, 0.0, 2), Estimator::kMle), ConfigError);
  EXPECT_THROW(gaussian_replace_trace(1.0, sizes(5, 5, 1.5, 2), Estimator::kMle), ConfigError);
  EXPECT_THROW(gaussian_replace_logdet_ratio(3, sizes(3, 10, 1.0, 2), Estimator::kMle), ConfigError);
  EXPECT_THROW(gaussian_replace_logdet_ratio(3, sizes(10, 3, 1.0, 2), Estimator::kMle), ConfigError);
  EXPECT_NO_THROW(gaussian_replace_logdet_ratio(3, sizes(10, 3, 1.0, 0), Estimator::kMle));
  EXPECT_THROW(gaussian_fixed(1.0, sizes(5, 5, 1.0, 2, 6), Estimator::kMle), ConfigError);
  EXPECT_THROW(gaussian_fixed(1.0, sizes(5, 5, 1.0, 2, 0), Estimator::kMle), ConfigError);
  EXPECT_THROW(gaussian_fresh(1.0, sizes(5, 1, 1.0, 2, 0), Estimator::kUnbiased), ConfigError);
}

TEST(CategoricalTheory, GiniSimpsonHandValues) {
  // p = (1/2, 1/2): Gini 1/2; n0 = 2: 1/4; ns = 4: times 3/4 per generation.
  const auto g = categorical_replace_gini_simpson(0.5, 2, 4, 3);
  ASSERT_EQ(g.size(), 4u);
  EXPECT_NEAR(g[0], 0.25, 1e-15);
  EXPECT_NEAR(g[1], 0.1875, 1e-15);
  EXPECT_NEAR(g[3], 0.25 * 0.421875, 1e-15);
  // One draw per generation: a single outcome, no diversity.
  EXPECT_EQ(categorical_replace_gini_simpson(0.9, 5, 1, 1)[1], 0.0);
  EXPECT_THROW(categorical_replace_gini_simpson(1.5, 5, 5, 1), ConfigError);
}

TEST(KdeTheory, HandValuesAndLimit) {
  // s = 1, n0 = ns = 2, h = 1, lambda = 1: E V0 = 1/2, variance0 = 3/2; E V1 = (1/2)(1/2 + 1) = 3/4.
  const auto v = kde_replace_trace(1.0, 1, 1.0, sizes(2, 2, 1.0, 2));
  EXPECT_NEAR(v[0], 1.5, 1e-15);
  EXPECT_NEAR(v[1], 1.75, 1e-15);
  EXPECT_NEAR(v[2], 1.875, 1e-15);
  // lambda = 1: the limit is n h^2, whatever the truth; lambda < 1: (ns - 1) lambda h^2 + h^2.
  EXPECT_NEAR(kde_replace_limit(1, 0.3, sizes(10, 10, 1.0, 0)), 10 * 0.09, 1e-15);
  EXPECT_NEAR(kde_replace_limit(2, 0.3, sizes(10, 10, 0.5, 0)), 2 * (9 * 0.5 * 0.09 + 0.09), 1e-15);
  for (const double s : {0.01, 1.0, 100.0}) {
    EXPECT_NEAR(kde_replace_trace(s, 2, 0.3, sizes(10, 10, 0.5, 2000)).back(),
                kde_replace_limit(2, 0.3, sizes(10, 10, 0.5, 0)), 1e-12);
  }
  EXPECT_THROW(kde_replace_trace(1.0, 1, 0.0, sizes(2, 2, 1.0, 2)), ConfigError);
}

TEST(RegressionTheory, ReplaceGrowsLinearly) {
  // sigma^2 = 0.5, d = 3, T = 12: each fit adds sigma^2 d/(T-d-1) = 0.1875 (lambda sigma^2 ... later).
  const double e = 0.5 * 3.0 / 8.0;
  for (const Design design : {Design::kFixed, Design::kFresh}) {
    const auto one = regression_replace_test_mse(0.5, 3, sizes(12, 12, 1.0, 6), design);
    const auto biased = regression_replace_test_mse(0.5, 3, sizes(12, 12, 0.4, 6), design);
    for (int g = 0; g <= 6; ++g) {
      EXPECT_NEAR(one[g], e * (g + 1), 1e-15);
      EXPECT_NEAR(biased[g], e * (1 + 0.4 * g), 1e-15);
    }
  }
  // Fixed design with ns = 2 n0: later fits see X0 twice: half the added error.
  EXPECT_NEAR(regression_replace_test_mse(0.5, 3, sizes(12, 24, 1.0, 2), Design::kFixed)[2], e * 2, 1e-15);
  // Fresh design with ns = 24 rows: d/(ns - d - 1) = 0.15 per later fit.
  EXPECT_NEAR(regression_replace_test_mse(0.5, 3, sizes(12, 24, 1.0, 2), Design::kFresh)[2], e + 2 * 0.5 * 0.15, 1e-15);
  // Fixed design with ns < n0: the first ns rows of X0.
  EXPECT_NEAR(regression_replace_test_mse(0.5, 3, sizes(12, 9, 1.0, 1), Design::kFixed)[1], e + 0.5 * 3 / 5.0, 1e-15);
  EXPECT_FALSE(regression_replace_has_closed_form(3, sizes(12, 13, 1.0, 1), Design::kFixed));
  EXPECT_TRUE(regression_replace_has_closed_form(3, sizes(12, 13, 1.0, 1), Design::kFresh));
  EXPECT_FALSE(regression_replace_has_closed_form(3, sizes(12, 4, 1.0, 1), Design::kFresh));
  EXPECT_FALSE(regression_replace_has_closed_form(3, sizes(4, 12, 1.0, 1), Design::kFresh));
  EXPECT_TRUE(regression_replace_has_closed_form(3, sizes(12, 4, 1.0, 0), Design::kFixed));
  EXPECT_THROW(regression_replace_test_mse(0.5, 3, sizes(12, 13, 1.0, 1), Design::kFixed), ConfigError);
}

TEST(RegressionTheory, AccumulateIsGerstgrasserSumOfInverseSquares) {
  const double e = 0.5 * 3.0 / 8.0;
  const auto acc = regression_accumulate_test_mse(0.5, 3, sizes(12, 12, 1.0, 50));
  double sum = 0.0;
  for (int g = 0; g <= 50; ++g) {
    sum += 1.0 / ((g + 1.0) * (g + 1.0));
    EXPECT_NEAR(acc[g], e * sum, 1e-14) << g;
  }
  // Bounded by pi^2/6 times the first error: accumulating avoids collapse.
  const auto long_run = regression_accumulate_test_mse(0.5, 3, sizes(12, 12, 1.0, 100000));
  EXPECT_NEAR(long_run.back(), e * std::numbers::pi * std::numbers::pi / 6, 1e-5);
  // lambda < 1 scales every synthetic term; ns = 2 n0: 1 + lambda 2 sum 1/(1 + 2i)^2.
  const auto biased = regression_accumulate_test_mse(0.5, 3, sizes(12, 12, 0.5, 2));
  EXPECT_NEAR(biased[2], e * (1 + 0.5 * (0.25 + 1.0 / 9)), 1e-15);
  const auto doubled = regression_accumulate_test_mse(0.5, 3, sizes(12, 24, 1.0, 2));
  EXPECT_NEAR(doubled[2], e * (1 + 2 * (1.0 / 9 + 1.0 / 25)), 1e-15);
  EXPECT_FALSE(regression_accumulate_has_closed_form(3, sizes(12, 12, 1.0, 2), Design::kFresh));
  EXPECT_FALSE(regression_accumulate_has_closed_form(3, sizes(12, 18, 1.0, 2), Design::kFixed));
  EXPECT_TRUE(regression_accumulate_has_closed_form(3, sizes(12, 18, 1.0, 0), Design::kFresh));
}

}  // namespace
}  // namespace ouro::theory
