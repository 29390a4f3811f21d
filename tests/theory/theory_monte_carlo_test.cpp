// Monte-Carlo checks of every closed form in docs/theory.md against the independent loop simulation
// of loop_simulation.hpp (fixed seeds). At the check points (generations 0, 1, 2, G/4, G/2, 3G/4,
// G) the replicate mean must lie within kTolerance = 4 standard errors of the closed form (the
// standard error is the replicates' own, so the tolerance scales with the spread of each metric).
//
// Every check comes with a power check: the same simulation rejects (by more than 4 standard
// errors) a plausible wrong formula -- the other estimator's law, lambda left out, one generation
// off, the replace law for accumulate -- so a test that passes is one that could have failed.
#include <cmath>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "loop_simulation.hpp"
#include "ouro/theory/categorical_theory.hpp"
#include "ouro/theory/gaussian_theory.hpp"
#include "ouro/theory/kde_theory.hpp"
#include "ouro/theory/regression_theory.hpp"

namespace ouro::theory {
namespace {

using testing::GaussianLoop;
using testing::Measurements;
using testing::RealPart;
using testing::expect_matches;
using testing::rejects;

constexpr double kTolerance = 4.0;

LoopSizes sizes_of(const GaussianLoop& loop) {
  LoopSizes z;
  z.initial = loop.initial;
  z.synthetic = loop.synthetic;
  z.real = loop.real;
  z.bias = loop.bias;
  z.generations = loop.generations;
  return z;
}

std::vector<double> scaled(std::vector<double> v, double by) {
  for (double& x : v) x *= by;
  return v;
}

GaussianLoop one_dimensional(double mean, double variance) {
  GaussianLoop loop;
  loop.truth_mean = Vector::Constant(1, mean);
  loop.truth_cov = Matrix::Constant(1, 1, variance);
  loop.truth = testing::gaussian_sampler(loop.truth_mean, loop.truth_cov);
  return loop;
}

// ---- Gaussian, replace, fully synthetic ----

struct ReplaceCase {
  bool unbiased;
  double bias;
};

class GaussianReplaceMonteCarlo : public ::testing::TestWithParam<ReplaceCase> {};

TEST_P(GaussianReplaceMonteCarlo, OneDimensionalLawsMatch) {
  const ReplaceCase c = GetParam();
  GaussianLoop loop = one_dimensional(1.0, 2.0);
  loop.initial = 10;
  loop.synthetic = 8;
  loop.bias = c.bias;
  loop.unbiased = c.unbiased;
  loop.generations = 16;
  const Estimator e = c.unbiased ? Estimator::kUnbiased : Estimator::kMle;
  const Estimator other = c.unbiased ? Estimator::kMle : Estimator::kUnbiased;
  const LoopSizes z = sizes_of(loop);
  const std::string label = std::string(c.unbiased ? "unbiased" : "mle") + " lambda " + std::to_string(c.bias);
  const Measurements m = testing::simulate_gaussian(loop, 12000, 101 + (c.unbiased ? 1 : 0) + (c.bias < 1 ? 2 : 0));

  expect_matches(m, "mean", std::vector<double>(17, 1.0), kTolerance, label);
  expect_matches(m, "variance", gaussian_replace_trace(2.0, z, e), kTolerance, label);
  expect_matches(m, "trace_ratio", gaussian_replace_trace(1.0, z, e), kTolerance, label);
  expect_matches(m, "std", gaussian_replace_std(std::sqrt(2.0), z, e), kTolerance, label);
  expect_matches(m, "mean_shift", gaussian_replace_mean_shift(2.0, z, e), kTolerance, label);
  expect_matches(m, "logdet_ratio", gaussian_replace_logdet_ratio(1, z, e), kTolerance, label);
  expect_matches(m, "w2", gaussian_replace_w2(2.0, z, e), kTolerance, label);

  // Power: the other estimator's laws are rejected at the last generation.
  const int g = loop.generations;
  EXPECT_TRUE(rejects(m, "variance", g, gaussian_replace_trace(2.0, z, other)[g], kTolerance)) << label;
  EXPECT_TRUE(rejects(m, "std", g, gaussian_replace_std(std::sqrt(2.0), z, other)[g], kTolerance)) << label;
  EXPECT_TRUE(rejects(m, "logdet_ratio", g, gaussian_replace_logdet_ratio(1, z, other)[g], kTolerance)) << label;
  EXPECT_TRUE(rejects(m, "w2", g, gaussian_replace_w2(2.0, z, other)[g], kTolerance)) << label;
  // One generation off (a0 applied once more) is rejected too.
  EXPECT_TRUE(rejects(m, "logdet_ratio", g, gaussian_replace_logdet_ratio(1, z, e)[g - 1], kTolerance)) << label;
  // Lambda left out.
  if (c.bias < 1) {
    LoopSizes unbiased_sampling = z;
    unbiased_sampling.bias = 1.0;
    EXPECT_TRUE(rejects(m, "variance", g, gaussian_replace_trace(2.0, unbiased_sampling, e)[g], kTolerance));
    EXPECT_TRUE(rejects(m, "mean_shift", g, gaussian_replace_mean_shift(2.0, unbiased_sampling, e)[g], kTolerance));
    EXPECT_TRUE(rejects(m, "std", g, gaussian_replace_std(std::sqrt(2.0), unbiased_sampling, e)[g], kTolerance));
  }
  // The unbiased estimator keeps E[variance] while E[std] decays: the std check must see the decay.
  if (c.unbiased && c.bias == 1.0) {
    EXPECT_TRUE(rejects(m, "std", g, std::sqrt(2.0), kTolerance));
    EXPECT_FALSE(rejects(m, "variance", g, 2.0, kTolerance));
  }
}

INSTANTIATE_TEST_SUITE_P(EstimatorsAndBias, GaussianReplaceMonteCarlo,
                         ::testing::Values(ReplaceCase{false, 1.0}, ReplaceCase{true, 1.0}, ReplaceCase{false, 0.7},
                                           ReplaceCase{true, 0.7}),
                         [](const auto& info) {
                           return std::string(info.param.unbiased ? "Unbiased" : "Mle") +
                                  (info.param.bias < 1 ? "Biased" : "Unit");
                         });

TEST(GaussianReplaceMonteCarloMultivariate, ThreeDimensionalLawsMatch) {
  GaussianLoop loop;
  loop.truth_mean = Vector(3);
  loop.truth_mean << 1.0, -1.0, 0.5;
  loop.truth_cov = Matrix(3, 3);
  loop.truth_cov << 2.0, 0.6, -0.4, 0.6, 1.0, 0.3, -0.4, 0.3, 0.5;
  loop.truth = testing::gaussian_sampler(loop.truth_mean, loop.truth_cov);
  loop.initial = 12;
  loop.synthetic = 9;
  loop.generations = 8;
  const double s = loop.truth_cov.trace();
  for (const ReplaceCase c : {ReplaceCase{false, 0.8}, ReplaceCase{true, 1.0}}) {
    loop.unbiased = c.unbiased;
    loop.bias = c.bias;
    const Estimator e = c.unbiased ? Estimator::kUnbiased : Estimator::kMle;
    const LoopSizes z = sizes_of(loop);
    const std::string label = c.unbiased ? "3-D unbiased" : "3-D mle 0.8";
    const Measurements m = testing::simulate_gaussian(loop, 6000, c.unbiased ? 201 : 202);
    expect_matches(m, "mean_shift", gaussian_replace_mean_shift(s, z, e), kTolerance, label);
    expect_matches(m, "trace_ratio", gaussian_replace_trace(1.0, z, e), kTolerance, label);
    expect_matches(m, "logdet_ratio", gaussian_replace_logdet_ratio(3, z, e), kTolerance, label);
    // Power: the 1-D log-det law scaled by d (ignoring the Wishart's joint law) is rejected.
    const double naive = 3.0 * gaussian_replace_logdet_ratio(1, z, e)[8];
    EXPECT_TRUE(rejects(m, "logdet_ratio", 8, naive, kTolerance)) << label;
  }
}

// ---- Gaussian, fresh data and synthetic augmentation (first moments) ----

struct RealCase {
  RealPart part;
  bool unbiased;
  double bias;
};

class GaussianRealDataMonteCarlo : public ::testing::TestWithParam<RealCase> {};

TEST_P(GaussianRealDataMonteCarlo, FirstMomentRecursionsMatch) {
  const RealCase c = GetParam();
  GaussianLoop loop = one_dimensional(-0.5, 1.5);
  loop.initial = 12;
  loop.real = 4;
  loop.synthetic = 8;
  loop.bias = c.bias;
  loop.unbiased = c.unbiased;
  loop.generations = 24;
  loop.real_part = c.part;
  const Estimator e = c.unbiased ? Estimator::kUnbiased : Estimator::kMle;
  const LoopSizes z = sizes_of(loop);
  const bool fresh = c.part == RealPart::kFresh;
  const std::string label = std::string(fresh ? "fresh" : "fixed") + (c.unbiased ? " unbiased" : " mle") +
                            " lambda " + std::to_string(c.bias);
  const FirstMoments expected = fresh ? gaussian_fresh(1.5, z, e) : gaussian_fixed(1.5, z, e);
  const Measurements m = testing::simulate_gaussian(loop, 12000, 301 + (fresh ? 0 : 4) + (c.unbiased ? 1 : 0) +
                                                                     (c.bias < 1 ? 2 : 0));
  expect_matches(m, "variance", expected.trace, kTolerance, label);
  expect_matches(m, "mean_shift", expected.mean_shift, kTolerance, label);
  expect_matches(m, "mean", std::vector<double>(25, -0.5), kTolerance, label);

  // Power: the other loop's recursion, and the fully synthetic law, are rejected.
  const int g = loop.generations;
  const FirstMoments wrong = fresh ? gaussian_fixed(1.5, z, e) : gaussian_fresh(1.5, z, e);
  EXPECT_TRUE(rejects(m, "mean_shift", g, wrong.mean_shift[g], kTolerance)) << label;
  EXPECT_TRUE(rejects(m, "variance", g, gaussian_replace_trace(1.5, z, e)[g], kTolerance)) << label;
}

INSTANTIATE_TEST_SUITE_P(LoopsEstimatorsAndBias, GaussianRealDataMonteCarlo,
                         ::testing::Values(RealCase{RealPart::kFresh, false, 1.0}, RealCase{RealPart::kFresh, true, 0.6},
                                           RealCase{RealPart::kFixed, false, 1.0}, RealCase{RealPart::kFixed, true, 0.6}),
                         [](const auto& info) {
                           return std::string(info.param.part == RealPart::kFresh ? "Fresh" : "Fixed") +
                                  (info.param.unbiased ? "Unbiased" : "Mle") + (info.param.bias < 1 ? "Biased" : "Unit");
                         });

TEST(GaussianRealDataMonteCarloLimit, FreshDataLimitDoesNotDependOnTheInitialData) {
  // After 40 generations the recursion is at its limit (contraction ~0.6 per generation); the
  // simulated variance and mean shift sit at the limit for a small and a large initial set alike.
  GaussianLoop loop = one_dimensional(0.0, 1.0);
  loop.real = 3;
  loop.synthetic = 9;
  loop.bias = 0.8;
  loop.generations = 40;
  loop.real_part = RealPart::kFresh;
  const FirstMomentLimit limit = gaussian_fresh_limit(1.0, sizes_of(loop), Estimator::kMle);
  for (const int n0 : {3, 300}) {
    loop.initial = n0;
    const Measurements m = testing::simulate_gaussian(loop, 8000, 400 + static_cast<std::uint64_t>(n0));
    const auto& variance = m["variance"][40];
    const auto& shift = m["mean_shift"][40];
    EXPECT_NEAR(variance.mean(), limit.trace, kTolerance * variance.standard_error()) << n0;
    EXPECT_NEAR(shift.mean(), limit.mean_shift, kTolerance * shift.standard_error()) << n0;
    // Power: the truth's variance (no collapse at all) is rejected: fresh data slows, not stops, the loss.
    EXPECT_TRUE(rejects(m, "variance", 40, 1.0, kTolerance)) << n0;
  }
}

TEST(GaussianRealDataMonteCarloLimit, FixedRealRowsLimitDoesNotDependOnTheInitialData) {
  GaussianLoop loop = one_dimensional(0.0, 1.0);
  loop.real = 3;
  loop.synthetic = 9;
  loop.bias = 0.8;
  loop.generations = 40;
  loop.unbiased = true;
  loop.real_part = RealPart::kFixed;
  const FirstMomentLimit limit = gaussian_fixed_limit(1.0, sizes_of(loop), Estimator::kUnbiased);
  for (const int n0 : {3, 300}) {
    loop.initial = n0;
    const Measurements m = testing::simulate_gaussian(loop, 8000, 450 + static_cast<std::uint64_t>(n0));
    const auto& variance = m["variance"][40];
    const auto& shift = m["mean_shift"][40];
    EXPECT_NEAR(variance.mean(), limit.trace, kTolerance * variance.standard_error()) << n0;
    EXPECT_NEAR(shift.mean(), limit.mean_shift, kTolerance * shift.standard_error()) << n0;
    // Power: the fresh-data limit for the same sizes is rejected.
    EXPECT_TRUE(rejects(m, "variance", 40, gaussian_fresh_limit(1.0, sizes_of(loop), Estimator::kUnbiased).trace,
                        kTolerance))
        << n0;
  }
}

TEST(GaussianRealDataMonteCarloLimit, TwoDimensionalRealDataLoopsFollowTheTraceRecursion) {
  GaussianLoop loop;
  loop.truth_mean = Vector::Zero(2);
  loop.truth_cov = Matrix(2, 2);
  loop.truth_cov << 1.5, -0.5, -0.5, 1.0;
  loop.truth = testing::gaussian_sampler(loop.truth_mean, loop.truth_cov);
  loop.initial = 10;
  loop.real = 4;
  loop.synthetic = 6;
  loop.bias = 0.9;
  loop.generations = 10;
  for (const RealPart part : {RealPart::kFresh, RealPart::kFixed}) {
    loop.real_part = part;
    const LoopSizes z = sizes_of(loop);
    const bool fresh = part == RealPart::kFresh;
    const FirstMoments expected = fresh ? gaussian_fresh(2.5, z, Estimator::kMle) : gaussian_fixed(2.5, z, Estimator::kMle);
    const Measurements m = testing::simulate_gaussian(loop, 6000, fresh ? 461 : 462);
    const std::string label = fresh ? "2-D fresh" : "2-D fixed";
    expect_matches(m, "trace_ratio", scaled(expected.trace, 1 / 2.5), kTolerance, label);
    expect_matches(m, "mean_shift", expected.mean_shift, kTolerance, label);
  }
}

TEST(GaussianRealDataMonteCarloLimit, MixtureTruthFirstMomentsNeedOnlyTheTruthsMoments) {
  // A bimodal truth (0.3 N(-2, 0.5) + 0.7 N(1, 1)): mean 0.1, variance 0.3 * 4.5 + 0.7 * 2 - 0.01 = 2.74.
  GaussianLoop loop;
  loop.truth = testing::mixture_sampler({0.3, 0.7}, {-2.0, 1.0}, {0.5, 1.0});
  loop.truth_mean = Vector::Constant(1, 0.1);
  loop.truth_cov = Matrix::Constant(1, 1, 2.74);
  loop.initial = 10;
  loop.synthetic = 10;
  loop.generations = 12;
  for (const RealPart part : {RealPart::kNone, RealPart::kFresh}) {
    loop.real_part = part;
    loop.real = part == RealPart::kNone ? 0 : 5;
    const LoopSizes z = sizes_of(loop);
    const Measurements m = testing::simulate_gaussian(loop, 12000, part == RealPart::kNone ? 501 : 502);
    const FirstMoments expected = gaussian_fresh(2.74, z, Estimator::kMle);  // real = 0 is fully synthetic
    const std::string label = part == RealPart::kNone ? "mixture replace" : "mixture fresh";
    expect_matches(m, "variance", expected.trace, kTolerance, label);
    expect_matches(m, "mean_shift", expected.mean_shift, kTolerance, label);
  }
}

// ---- Categorical ----

TEST(CategoricalMonteCarlo, GiniSimpsonDecaysByOneMinusOneOverNPerFit) {
  const std::vector<double> p{0.5, 0.3, 0.15, 0.05};
  const double gini = 1 - (0.25 + 0.09 + 0.0225 + 0.0025);
  const int generations = 24;
  const Measurements m = testing::simulate_categorical(p, 20, 10, generations, 12000, 601);
  const auto expected = categorical_replace_gini_simpson(gini, 20, 10, generations);
  expect_matches(m, "gini_simpson", expected, kTolerance, "categorical");
  // Power: one fit more or less, and the law with n0 and ns swapped, are rejected (at generation 6,
  // before the collapsed replicates make the spread large).
  EXPECT_TRUE(rejects(m, "gini_simpson", 6, expected[6] * 0.9, kTolerance));
  EXPECT_TRUE(rejects(m, "gini_simpson", 6, expected[6] / 0.9, kTolerance));
  EXPECT_TRUE(rejects(m, "gini_simpson", 6, categorical_replace_gini_simpson(gini, 10, 20, generations)[6], kTolerance));
}

// ---- KDE with a fixed bandwidth ----

TEST(KdeMonteCarlo, FixedBandwidthVarianceInflatesTowardsItsLimit) {
  const auto truth = testing::gaussian_sampler(Vector::Zero(1), Matrix::Constant(1, 1, 1.0));
  LoopSizes z;
  z.initial = 10;
  z.synthetic = 10;
  z.generations = 60;
  for (const double lambda : {1.0, 0.5}) {
    z.bias = lambda;
    const double h = 0.5;
    const Measurements m = testing::simulate_kde(truth, 1.0, 10, 10, h, lambda, 60, 6000, lambda < 1 ? 701 : 702);
    const std::string label = "kde lambda " + std::to_string(lambda);
    const auto expected = kde_replace_trace(1.0, 1, h, z);
    expect_matches(m, "variance", expected, kTolerance, label);
    expect_matches(m, "trace_ratio", expected, kTolerance, label);
    // At generation 60 the curve is within 0.2% of its limit (lambda = 1: n h^2 = 2.5).
    EXPECT_NEAR(expected.back(), kde_replace_limit(1, h, z), 2e-3 * kde_replace_limit(1, h, z));
    const auto& last = m["variance"][60];
    EXPECT_NEAR(last.mean(), kde_replace_limit(1, h, z), kTolerance * last.standard_error() + 2e-3) << label;
    // Power: the truth's variance plus the kernel (no drift) is rejected.
    EXPECT_TRUE(rejects(m, "variance", 60, 1.0 + h * h, kTolerance)) << label;
  }
  // 2-D, anisotropic truth: the trace follows the same law with d h^2.
  Matrix cov(2, 2);
  cov << 3.0, 0.5, 0.5, 0.5;
  z.bias = 0.7;
  z.generations = 20;
  const Measurements m2 =
      testing::simulate_kde(testing::gaussian_sampler(Vector::Zero(2), cov), 3.5, 10, 10, 0.4, 0.7, 20, 6000, 703);
  expect_matches(m2, "trace_ratio", scaled(kde_replace_trace(3.5, 2, 0.4, z), 1 / 3.5), kTolerance, "kde 2-D");
  EXPECT_TRUE(rejects(m2, "trace_ratio", 20, kde_replace_trace(3.5, 1, 0.4, z)[20] / 3.5, kTolerance));
}

// ---- Least squares ----

struct RegressionCase {
  int synthetic;
  bool fresh;
  bool accumulate;
  double bias;
};

class RegressionMonteCarlo : public ::testing::TestWithParam<RegressionCase> {};

TEST_P(RegressionMonteCarlo, TestErrorMatches) {
  const RegressionCase c = GetParam();
  testing::RegressionLoop loop;
  loop.dim = 3;
  loop.noise = 0.5;
  loop.initial = 12;
  loop.synthetic = c.synthetic;
  loop.bias = c.bias;
  loop.fresh_design = c.fresh;
  loop.accumulate = c.accumulate;
  loop.generations = 8;
  LoopSizes z;
  z.initial = 12;
  z.synthetic = c.synthetic;
  z.bias = c.bias;
  z.generations = 8;
  const Design design = c.fresh ? Design::kFresh : Design::kFixed;
  const std::string label = fmt::format("ns {} {} {} lambda {}", c.synthetic, c.fresh ? "fresh" : "fixed",
                                        c.accumulate ? "accumulate" : "replace", c.bias);
  const Measurements m = testing::simulate_regression(
      loop, 12000, 800 + static_cast<std::uint64_t>(c.synthetic) + (c.fresh ? 1 : 0) + (c.accumulate ? 100 : 0) + (c.bias < 1 ? 200 : 0));
  const auto replace = regression_replace_test_mse(0.5, 3, z, design);
  if (c.accumulate) {
    const auto expected = regression_accumulate_test_mse(0.5, 3, z);
    expect_matches(m, "test_mse", expected, kTolerance, label);
    // Power: accumulating is not replacing (linear growth is rejected), and it is bounded by
    // pi^2/6 times the first fit's error (lambda = 1, ns = n0).
    EXPECT_TRUE(rejects(m, "test_mse", 8, replace[8], kTolerance)) << label;
    EXPECT_LT(m["test_mse"][8].mean(), replace[0] * 1.6449340668482264 + kTolerance * m["test_mse"][8].standard_error());
  } else {
    expect_matches(m, "test_mse", replace, kTolerance, label);
    // Power: lambda and the design's size matter.
    LoopSizes other = z;
    other.bias = c.bias < 1 ? 1.0 : 0.5;
    EXPECT_TRUE(rejects(m, "test_mse", 8, regression_replace_test_mse(0.5, 3, other, design)[8], kTolerance)) << label;
  }
}

INSTANTIATE_TEST_SUITE_P(
    DesignsAndPolicies, RegressionMonteCarlo,
    ::testing::Values(RegressionCase{12, false, false, 1.0}, RegressionCase{12, false, false, 0.5},
                      RegressionCase{24, false, false, 1.0}, RegressionCase{9, false, false, 1.0},
                      RegressionCase{12, true, false, 1.0}, RegressionCase{20, true, false, 0.5},
                      RegressionCase{12, false, true, 1.0}, RegressionCase{24, false, true, 0.5}),
    [](const auto& info) {
      return fmt::format("Ns{}{}{}{}", info.param.synthetic, info.param.fresh ? "Fresh" : "Fixed",
                         info.param.accumulate ? "Accumulate" : "Replace", info.param.bias < 1 ? "Biased" : "Unit");
    });

}  // namespace
}  // namespace ouro::theory
