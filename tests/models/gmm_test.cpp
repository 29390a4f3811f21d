// The gmm family: EM recovers well-separated components (weights, means, covariances within 5
// standard errors of the truth's), k-means++ seeding is a pure function of the fit stream, the EM
// trace never decreases, the covariance floor keeps a component on coincident points alive (and
// without it the fit stops with an error naming model.cov_floor), lambda scales every component
// covariance, log_prob equals the mixture formula written out, moments() is the mixture's, bad input.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <numbers>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "model_test_util.hpp"
#include "ouro/core/error.hpp"
#include "ouro/models/gmm.hpp"

namespace ouro {
namespace {

using ::testing::HasSubstr;
using testing::test_rng;

const double kLog2Pi = std::log(2.0 * std::numbers::pi);

// The truth for the recovery and bias tests: three 2-D components 10+ standard deviations apart.
struct Mixture {
  Vector weights;
  Matrix means;
  std::vector<Matrix> covs;
};

Mixture separated_mixture() {
  Mixture m;
  m.weights = Vector(3);
  m.weights << 0.5, 0.3, 0.2;
  m.means = Matrix(3, 2);
  m.means << 0.0, 0.0, 12.0, 0.0, 0.0, 12.0;
  Matrix a(2, 2), b(2, 2), c(2, 2);
  a << 1.0, 0.3, 0.3, 0.5;
  b << 0.6, -0.2, -0.2, 1.2;
  c << 0.8, 0.0, 0.0, 0.8;
  m.covs = {a, b, c};
  return m;
}

std::unique_ptr<GmmModel> model_of(const Mixture& m) {
  return std::make_unique<GmmModel>(m.weights, m.means, m.covs);
}

// Index of the row of `means` nearest to `point`.
Eigen::Index nearest(const Matrix& means, const Eigen::RowVectorXd& point) {
  Eigen::Index best = 0;
  (means.rowwise() - point).rowwise().squaredNorm().minCoeff(&best);
  return best;
}

// Normal-law standard errors of a covariance estimated from m points: sqrt((S_ii S_jj + S_ij^2) / m).
Matrix normal_cov_se(const Matrix& s, double m) {
  Matrix se(s.rows(), s.cols());
  for (Eigen::Index i = 0; i < s.rows(); ++i)
    for (Eigen::Index j = 0; j < s.cols(); ++j) se(i, j) = std::sqrt((s(i, i) * s(j, j) + s(i, j) * s(i, j)) / m);
  return se;
}

TEST(Gmm, EmRecoversWellSeparatedComponents) {
  const Mixture truth = separated_mixture();
  Rng draw = test_rng(1);
  const double n = 6000;
  const Matrix x = model_of(truth)->sample(static_cast<std::size_t>(n), 1.0, draw);
  // EM finds a local optimum; k-means++ occasionally seeds two centres in one cluster, so keep the
  // best of three seeds, as scikit-learn's n_init does.
  std::unique_ptr<GenerativeModel> fitted;
  double best = -std::numeric_limits<double>::infinity();
  for (std::uint64_t seed = 2; seed < 5; ++seed) {
    Rng fit_rng = test_rng(seed);
    auto candidate = GmmFamily(2, GmmSettings{3, 1e-8, 500, 1e-6}).fit(x, fit_rng);
    const double ll = dynamic_cast<const GmmModel&>(*candidate).log_likelihood_trace().back();
    if (ll > best) {
      best = ll;
      fitted = std::move(candidate);
    }
  }
  const auto* gmm = dynamic_cast<const GmmModel*>(fitted.get());
  ASSERT_NE(gmm, nullptr);
  ASSERT_EQ(gmm->components(), 3);
  std::vector<bool> matched(3, false);
  for (Eigen::Index j = 0; j < 3; ++j) {
    const Eigen::Index t = nearest(truth.means, gmm->means().row(j));
    ASSERT_FALSE(matched[static_cast<std::size_t>(t)]) << "two fitted components on truth component " << t;
    matched[static_cast<std::size_t>(t)] = true;
    const double w = truth.weights(t);
    const double m = n * w;  // points of this component (on average)
    const Matrix& sigma = truth.covs[static_cast<std::size_t>(t)];
    // Weight: binomial SE; mean: SE sqrt(Sigma_ii / m); covariance: normal-law SE. All 5 SE.
    EXPECT_NEAR(gmm->weights()(j), w, 5.0 * std::sqrt(w * (1 - w) / n)) << "component " << t;
    Matrix mean_se(1, 2);
    mean_se << std::sqrt(sigma(0, 0) / m), std::sqrt(sigma(1, 1) / m);
    testing::expect_within(gmm->means().row(j), truth.means.row(t), mean_se, 5.0, "mean " + std::to_string(t));
    testing::expect_within(gmm->covariances()[static_cast<std::size_t>(j)], sigma, normal_cov_se(sigma, m), 5.0,
                           "covariance " + std::to_string(t));
  }
  EXPECT_NEAR(gmm->weights().sum(), 1.0, 1e-12);
  // The stopping rule: the last improvement is below tol, and the trace ends at the returned model.
  const auto& trace = gmm->log_likelihood_trace();
  ASSERT_GE(trace.size(), 2u);
  EXPECT_LT(trace.back() - trace[trace.size() - 2], 1e-8);
  EXPECT_NEAR(trace.back(), fitted->log_prob(x).mean(), 1e-10);
}

TEST(Gmm, EmNeverDecreasesTheLikelihoodWithoutAFloor) {
  // Overlapping components (a hard case for EM: many iterations) on 1-D data; cov_floor = 0. The
  // data is bounded (two overlapping uniforms): with normal data a far outlier can seed a component
  // that EM then shrinks onto that single point, where the likelihood is unbounded and the fit
  // (correctly) stops with the cov_floor error.
  Rng draw = test_rng(3);
  Matrix x(600, 1);
  for (Eigen::Index i = 0; i < x.rows(); ++i) x(i, 0) = (i % 3 == 0 ? 1.5 : 0.0) + 2.0 * draw.uniform();
  for (const std::uint64_t seed : {1u, 2u, 3u, 4u}) {
    Rng rng = test_rng(seed, 99);
    const auto fitted = GmmFamily(1, GmmSettings{2, 1e-12, 300, 0.0}).fit(x, rng);
    const auto& trace = dynamic_cast<const GmmModel&>(*fitted).log_likelihood_trace();
    ASSERT_GE(trace.size(), 3u) << seed;
    for (std::size_t i = 1; i < trace.size(); ++i) {
      EXPECT_GE(trace[i], trace[i - 1] - 1e-12) << "seed " << seed << " iteration " << i;
    }
  }
}

TEST(Gmm, IterationCapStopsEmAndTheTraceEndsAtTheReturnedModel) {
  // Overlapping components: EM is still improving after 3 iterations.
  Rng draw = test_rng(4);
  Matrix x(400, 1);
  for (Eigen::Index i = 0; i < x.rows(); ++i) x(i, 0) = (i % 3 == 0 ? 1.5 : 0.0) + draw.normal();
  Rng rng = test_rng(5);
  const auto fitted = GmmFamily(1, GmmSettings{3, 1e-300, 3, 1e-6}).fit(x, rng);
  const auto& trace = dynamic_cast<const GmmModel&>(*fitted).log_likelihood_trace();
  EXPECT_EQ(trace.size(), 4u);  // 3 E-steps in the loop, then the final model is scored
  EXPECT_GT(trace[3], trace[2]);
  EXPECT_NEAR(trace.back(), fitted->log_prob(x).mean(), 1e-10);
}

TEST(Gmm, SeedingIsAPureFunctionOfTheFitStream) {
  // Data without clear clusters, so different seeds reach different local optima.
  Rng draw = test_rng(6);
  Matrix x(300, 2);
  for (Eigen::Index i = 0; i < x.rows(); ++i)
    for (Eigen::Index j = 0; j < 2; ++j) x(i, j) = draw.normal();
  const GmmFamily family(2, GmmSettings{4, 1e-6, 50, 1e-6});
  Rng a = test_rng(7), b = test_rng(7);
  const auto first = family.fit(x, a);
  const auto second = family.fit(x, b);
  const auto& fa = dynamic_cast<const GmmModel&>(*first);
  const auto& fb = dynamic_cast<const GmmModel&>(*second);
  EXPECT_EQ(fa.weights(), fb.weights());
  EXPECT_EQ(fa.means(), fb.means());
  for (std::size_t j = 0; j < 4; ++j) EXPECT_EQ(fa.covariances()[j], fb.covariances()[j]);
  EXPECT_EQ(fa.log_likelihood_trace(), fb.log_likelihood_trace());
  // The stream is really used: some other seed gives another fit.
  bool differs = false;
  for (std::uint64_t seed = 8; seed < 14 && !differs; ++seed) {
    Rng other = test_rng(seed);
    differs = dynamic_cast<const GmmModel&>(*family.fit(x, other)).means() != fa.means();
  }
  EXPECT_TRUE(differs);
}

TEST(Gmm, KMeansPlusPlusSeedsTwoDistantClustersApart) {
  // Two tight pairs 10 apart: k-means++ puts the second centre in the other pair with probability
  // 1 - O(1e-6), so every seed finds both clusters at once.
  Matrix x(4, 1);
  x << 0.0, 0.1, 10.0, 10.1;
  for (std::uint64_t seed = 0; seed < 20; ++seed) {
    Rng rng = test_rng(seed, 5);
    const auto fitted = GmmFamily(1, GmmSettings{2, 1e-9, 100, 1e-4}).fit(x, rng);
    const auto& gmm = dynamic_cast<const GmmModel&>(*fitted);
    Vector means = gmm.means().col(0);
    std::sort(means.begin(), means.end());
    EXPECT_NEAR(means(0), 0.05, 1e-9) << seed;
    EXPECT_NEAR(means(1), 10.05, 1e-9) << seed;
    EXPECT_NEAR(gmm.weights()(0), 0.5, 1e-12) << seed;
    // Variance of each pair (0.0025) plus the floor.
    for (const Matrix& c : gmm.covariances()) EXPECT_NEAR(c(0, 0), 0.0025 + 1e-4, 1e-12) << seed;
  }
}

TEST(Gmm, CovarianceFloorKeepsAComponentOnCoincidentPointsAlive) {
  // 60 spread points and 6 identical points far away: the far component's scatter is exactly 0.
  Rng draw = test_rng(8);
  Matrix x(66, 1);
  for (Eigen::Index i = 0; i < 60; ++i) x(i, 0) = draw.normal();
  for (Eigen::Index i = 60; i < 66; ++i) x(i, 0) = 25.0;
  for (const double floor : {1e-3, 1e-6}) {
    Rng rng = test_rng(9);
    const auto fitted = GmmFamily(1, GmmSettings{2, 1e-9, 200, floor}).fit(x, rng);
    const auto& gmm = dynamic_cast<const GmmModel&>(*fitted);
    const Eigen::Index far = gmm.means()(0, 0) > gmm.means()(1, 0) ? 0 : 1;
    EXPECT_NEAR(gmm.means()(far, 0), 25.0, 1e-12);
    EXPECT_NEAR(gmm.covariances()[static_cast<std::size_t>(far)](0, 0), floor, 1e-12 * floor + 1e-15);
    EXPECT_NEAR(gmm.weights()(far), 6.0 / 66.0, 1e-9);
    EXPECT_TRUE(fitted->log_prob(x).allFinite());
    Rng sample_rng = test_rng(10);
    EXPECT_TRUE(fitted->sample(1000, 1.0, sample_rng).allFinite());
  }
  Rng rng = test_rng(9);
  try {
    GmmFamily(1, GmmSettings{2, 1e-9, 200, 0.0}).fit(x, rng);
    FAIL() << "expected a DataError";
  } catch (const DataError& e) {
    EXPECT_THAT(e.what(), HasSubstr("not positive definite"));
    EXPECT_THAT(e.what(), HasSubstr("model.cov_floor"));
  }
}

TEST(Gmm, BiasScalesEveryComponentCovariance) {
  const Mixture truth = separated_mixture();
  const auto model = model_of(truth);
  const double lambda = 0.4;
  const double n = 150000;
  Rng rng = test_rng(11);
  const Matrix s = model->sample(static_cast<std::size_t>(n), lambda, rng);
  // Components are > 10 sd apart: assign each sample to the nearest mean.
  std::vector<std::vector<Eigen::Index>> members(3);
  for (Eigen::Index i = 0; i < s.rows(); ++i) members[static_cast<std::size_t>(nearest(truth.means, s.row(i)))].push_back(i);
  for (std::size_t j = 0; j < 3; ++j) {
    const double w = truth.weights(static_cast<Eigen::Index>(j));
    const double m = static_cast<double>(members[j].size());
    EXPECT_NEAR(m / n, w, 5.0 * std::sqrt(w * (1 - w) / n)) << j;
    Matrix part(static_cast<Eigen::Index>(members[j].size()), 2);
    for (std::size_t i = 0; i < members[j].size(); ++i) part.row(static_cast<Eigen::Index>(i)) = s.row(members[j][i]);
    const Matrix target = lambda * truth.covs[j];
    testing::expect_within(testing::population_cov(part), target, normal_cov_se(target, m), 5.0,
                           "lambda-scaled covariance " + std::to_string(j));
    // Power: the unscaled covariance is rejected.
    EXPECT_GT(std::abs(testing::population_cov(part)(0, 0) - truth.covs[j](0, 0)),
              5.0 * normal_cov_se(truth.covs[j], m)(0, 0));
  }
}

TEST(Gmm, LogProbIsTheMixtureFormula) {
  const Mixture truth = separated_mixture();
  const auto model = model_of(truth);
  Matrix x(5, 2);
  x << 0.0, 0.0, 1.0, -0.5, 6.0, 6.0, 12.5, 0.3, -3.0, 14.0;
  const Vector lp = model->log_prob(x);
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    double density = 0.0;
    for (std::size_t j = 0; j < 3; ++j) {
      const Eigen::MatrixXd sigma = truth.covs[j];
      const Eigen::VectorXd delta = x.row(i).transpose() - truth.means.row(static_cast<Eigen::Index>(j)).transpose();
      density += truth.weights(static_cast<Eigen::Index>(j)) *
                 std::exp(-0.5 * (2 * kLog2Pi + std::log(sigma.determinant()) + delta.dot(sigma.inverse() * delta)));
    }
    EXPECT_NEAR(lp(i), std::log(density), 1e-12 * (1 + std::abs(lp(i)))) << "row " << i;
  }
  // Far in the tail every density underflows, but the log-sum-exp stays finite and close to the
  // dominant component's log density.
  Matrix far(1, 2);
  far << 200.0, 0.0;
  const double tail = model->log_prob(far)(0);
  ASSERT_TRUE(std::isfinite(tail));
  double dominant = -std::numeric_limits<double>::infinity();
  for (std::size_t j = 0; j < 3; ++j) {
    const Eigen::MatrixXd sigma = truth.covs[j];
    const Eigen::VectorXd delta = far.row(0).transpose() - truth.means.row(static_cast<Eigen::Index>(j)).transpose();
    dominant = std::max(dominant, std::log(truth.weights(static_cast<Eigen::Index>(j))) -
                                      0.5 * (2 * kLog2Pi + std::log(sigma.determinant()) + delta.dot(sigma.inverse() * delta)));
  }
  EXPECT_NEAR(tail, dominant, 1e-9 * std::abs(dominant));
}

TEST(Gmm, MomentsAreTheMixtures) {
  // 1-D: weights (0.25, 0.75), means (-2, 2), variances (1, 3): mean 1, variance
  // 0.25 (1 + 9) + 0.75 (3 + 1) = 5.5.
  Vector w(2);
  w << 0.25, 0.75;
  Matrix means(2, 1);
  means << -2.0, 2.0;
  const GmmModel model(w, means, {Matrix::Constant(1, 1, 1.0), Matrix::Constant(1, 1, 3.0)});
  const auto m = model.moments();
  ASSERT_TRUE(m.has_value());
  EXPECT_NEAR(m->mean(0), 1.0, 1e-15);
  EXPECT_NEAR(m->cov(0, 0), 5.5, 1e-14);
  EXPECT_TRUE(model.log_likelihood_trace().empty());
}

TEST(Gmm, OneComponentIsTheGaussianMlePlusTheFloor) {
  Rng rng = test_rng(12);
  Matrix x(50, 2);
  rng.fill_normal({x.data(), static_cast<std::size_t>(x.size())});
  x.col(1) += 0.8 * x.col(0);
  const auto fitted = GmmFamily(2, GmmSettings{1, 1e-9, 100, 1e-3}).fit(x, rng);
  const auto& gmm = dynamic_cast<const GmmModel&>(*fitted);
  EXPECT_EQ(gmm.weights()(0), 1.0);
  EXPECT_LT((gmm.means().row(0) - x.colwise().mean()).norm(), 1e-13);
  const Matrix expected = testing::population_cov(x) + 1e-3 * Matrix::Identity(2, 2);
  EXPECT_LT((gmm.covariances()[0] - expected).norm(), 1e-13);
}

TEST(Gmm, FewerDistinctRowsThanComponentsLeavesAnEmptyComponent) {
  // Two distinct rows, three components: one seed repeats a row, its component gets no rows,
  // weight 0, and is never sampled.
  Matrix x(6, 1);
  x << 1.0, 1.0, 1.0, 4.0, 4.0, 4.0;
  Rng rng = test_rng(13);
  const auto fitted = GmmFamily(1, GmmSettings{3, 1e-9, 100, 1e-2}).fit(x, rng);
  const auto& gmm = dynamic_cast<const GmmModel&>(*fitted);
  int empty = 0;
  for (Eigen::Index j = 0; j < 3; ++j) empty += gmm.weights()(j) == 0.0 ? 1 : 0;
  EXPECT_EQ(empty, 1);
  EXPECT_NEAR(gmm.weights().sum(), 1.0, 1e-12);
  const Matrix s = fitted->sample(2000, 1.0, rng);
  ASSERT_TRUE(s.allFinite());
  EXPECT_TRUE(fitted->log_prob(x).allFinite());
  // Every sample comes from a component at 1 or 4 (standard deviation 0.1): none strays far.
  for (Eigen::Index i = 0; i < s.rows(); ++i) ASSERT_LT(std::min(std::abs(s(i, 0) - 1), std::abs(s(i, 0) - 4)), 0.8);
}

TEST(Gmm, MinSamplesIsMaxOfKAndTwo) {
  EXPECT_EQ(GmmFamily(1, GmmSettings{1}).min_samples(1), 2u);
  EXPECT_EQ(GmmFamily(2, GmmSettings{5}).min_samples(2), 5u);
}

TEST(Gmm, BadInputIsADataErrorThatSaysWhy) {
  Rng rng = test_rng(0);
  const GmmFamily family(2, GmmSettings{3});
  try {
    family.fit(Matrix::Identity(2, 2), rng);
    FAIL() << "expected a DataError";
  } catch (const DataError& e) {
    EXPECT_THAT(e.what(), HasSubstr("gmm fit needs at least max(k, 2) = 3 samples, got 2"));
  }
  try {
    family.fit(Matrix::Ones(10, 3), rng);
    FAIL() << "expected a DataError";
  } catch (const DataError& e) {
    EXPECT_THAT(e.what(), HasSubstr("expected 2 columns"));
  }
  Matrix nan = Matrix::Ones(10, 2);
  nan(4, 1) = std::numeric_limits<double>::quiet_NaN();
  try {
    family.fit(nan, rng);
    FAIL() << "expected a DataError";
  } catch (const DataError& e) {
    EXPECT_THAT(e.what(), HasSubstr("row 4"));
  }
  EXPECT_THROW(GmmFamily(0, GmmSettings{}), DataError);
  EXPECT_THROW(GmmFamily(1, GmmSettings{0}), DataError);
  EXPECT_THROW(GmmFamily(1, GmmSettings{2, 0.0}), DataError);
  EXPECT_THROW(GmmFamily(1, GmmSettings{2, 1e-6, 0}), DataError);
  EXPECT_THROW(GmmFamily(1, GmmSettings{2, 1e-6, 10, -1.0}), DataError);
  Vector w(2);
  w << 0.5, 0.6;
  Matrix means = Matrix::Zero(2, 1);
  EXPECT_THROW(GmmModel(w, means, {Matrix::Ones(1, 1), Matrix::Ones(1, 1)}), DataError);
  w << 0.5, 0.5;
  EXPECT_THROW(GmmModel(w, means, {Matrix::Ones(1, 1), Matrix::Zero(1, 1)}), DataError);
  EXPECT_THROW(GmmModel(w, means, {Matrix::Ones(1, 1)}), DataError);
  const GmmModel model(w, means, {Matrix::Ones(1, 1), Matrix::Ones(1, 1)});
  EXPECT_THROW(model.log_prob(Matrix::Zero(2, 2)), DataError);
  EXPECT_THROW(model.sample(2, 0.0, rng), DataError);
  EXPECT_THROW(model.sample(2, 2.0, rng), DataError);
}

}  // namespace
}  // namespace ouro

namespace ouro {
namespace {

// Warm starts (model.init): EM started at an earlier fit of the same law converges in fewer
// iterations than k-means++ seeding does on the same data, to the same optimum. The components
// are 3.5 standard deviations apart: separated enough for one optimum, close enough that EM needs
// many iterations from a hard k-means assignment (on the 12-SD mixture above it needs two).
TEST(GmmWarmStart, ConvergesFasterToTheSameOptimum) {
  Mixture truth;
  truth.weights = Vector(2);
  truth.weights << 0.6, 0.4;
  truth.means = Matrix(2, 1);
  truth.means << 0.0, 3.5;
  truth.covs = {Matrix::Identity(1, 1), Matrix::Identity(1, 1)};
  const GmmFamily family(1, GmmSettings{2, 1e-10, 1000, 1e-6});
  Rng draw = test_rng(21);
  const Matrix first = model_of(truth)->sample(4000, 1.0, draw);
  const Matrix second = model_of(truth)->sample(4000, 1.0, draw);
  Rng fit_rng = test_rng(22);
  const auto earlier = family.fit(first, fit_rng);
  Rng cold_rng = test_rng(23);
  const auto cold = family.fit(second, cold_rng);
  Rng warm_rng = test_rng(24);
  const auto warm = family.fit(second, warm_rng, earlier.get());
  const auto& c = dynamic_cast<const GmmModel&>(*cold);
  const auto& w = dynamic_cast<const GmmModel&>(*warm);
  EXPECT_GT(c.log_likelihood_trace().size(), 10u) << "the cold fit converged too fast to compare";
  EXPECT_LT(w.log_likelihood_trace().size(), c.log_likelihood_trace().size());
  EXPECT_NEAR(w.log_likelihood_trace().back(), c.log_likelihood_trace().back(), 1e-8);
  for (Eigen::Index j = 0; j < 2; ++j) {
    const Eigen::Index k = nearest(c.means(), w.means().row(j));
    EXPECT_NEAR((w.means().row(j) - c.means().row(k)).norm(), 0.0, 1e-3) << "component " << j;
    EXPECT_NEAR(w.weights()(j), c.weights()(k), 1e-3) << "component " << j;
  }
}

TEST(GmmWarmStart, DrawsNothingFromTheFitStream) {
  const Mixture truth = separated_mixture();
  const GmmFamily family(2, GmmSettings{3, 1e-8, 200, 1e-6});
  Rng draw = test_rng(31);
  const Matrix x = model_of(truth)->sample(500, 1.0, draw);
  const auto start = model_of(truth);
  Rng a = test_rng(1), b = test_rng(2);
  EXPECT_EQ(family.fit(x, a, start.get())->encode(), family.fit(x, b, start.get())->encode());
}

TEST(GmmWarmStart, EncodedModelsDecodeToTheSameBits) {
  const auto model = model_of(separated_mixture());
  const GmmFamily family(2, GmmSettings{3, 1e-8, 200, 1e-6});
  const std::string bytes = model->encode();
  const auto back = family.decode(bytes);
  EXPECT_EQ(back->encode(), bytes);
  Rng r1 = test_rng(5), r2 = test_rng(5);
  const Matrix a = model->sample(50, 0.8, r1);
  const Matrix b = back->sample(50, 0.8, r2);
  EXPECT_EQ(std::memcmp(a.data(), b.data(), static_cast<std::size_t>(a.size()) * sizeof(double)), 0);
  EXPECT_THROW(family.decode(bytes.substr(1)), DataError);
  EXPECT_THROW(GmmFamily(2, GmmSettings{2, 1e-8, 200, 1e-6}).decode(bytes), DataError);
}

TEST(GmmWarmStart, RefusesAModelOfAnotherShape) {
  const Mixture truth = separated_mixture();
  Rng draw = test_rng(41);
  const Matrix x = model_of(truth)->sample(200, 1.0, draw);
  const auto three = model_of(truth);
  Rng rng = test_rng(42);
  try {
    GmmFamily(2, GmmSettings{2, 1e-8, 200, 1e-6}).fit(x, rng, three.get());
    FAIL() << "a 3-component start was taken by a 2-component family";
  } catch (const DataError& e) {
    EXPECT_THAT(e.what(), HasSubstr("3 components"));
  }
}

}  // namespace
}  // namespace ouro
