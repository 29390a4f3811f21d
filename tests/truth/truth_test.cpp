// Truths: sample moments against the exact moments (5 standard errors, fixed seeds), exact
// probabilities and densities from hand formulas, the regression weights' and the file split's
// determinism, and every bad configuration naming its key.
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <numbers>
#include <set>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ouro/core/config.hpp"
#include "ouro/core/error.hpp"
#include "ouro/models/truth.hpp"

namespace ouro {
namespace {

using ::testing::HasSubstr;

constexpr double kLog2Pi = 1.8378770664093454836;

std::unique_ptr<Truth> truth_from(const std::string& toml, std::uint64_t seed = 7) {
  return make_truth(Config::from_string(toml, "test.toml"), seed);
}

template <typename Error = ConfigError>
std::string error_of(const std::string& toml) {
  try {
    truth_from(toml);
  } catch (const Error& e) {
    return e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "wrong exception type: " << e.what();
    return {};
  }
  ADD_FAILURE() << "no exception for:\n" << toml;
  return {};
}

// Checks E[x] and E[(x - mu)(x - mu)^T] of n draws against the exact moments, each within 5
// standard errors estimated from the draws themselves (valid for any law with a fourth moment).
void expect_moments(const Truth& truth, std::size_t n, std::uint64_t seed) {
  const auto moments = truth.moments();
  ASSERT_TRUE(moments.has_value());
  Rng rng(seed, {Purpose::kUser, 0, 0, 0});
  const Matrix x = truth.sample(n, rng);
  ASSERT_EQ(x.rows(), static_cast<Eigen::Index>(n));
  ASSERT_EQ(x.cols(), truth.dim());
  const double count = static_cast<double>(n);
  const Matrix centered = x.rowwise() - moments->mean.transpose();
  for (Eigen::Index j = 0; j < x.cols(); ++j) {
    const double mean = x.col(j).mean();
    const double se = std::sqrt(moments->cov(j, j) / count);
    EXPECT_NEAR(mean, moments->mean(j), 5 * se + 1e-12) << "mean of column " << j;
    for (Eigen::Index k = 0; k <= j; ++k) {
      const Vector product = centered.col(j).cwiseProduct(centered.col(k));
      const double m = product.mean();
      const double sd = std::sqrt((product.array() - m).square().sum() / (count - 1));
      EXPECT_NEAR(m, moments->cov(j, k), 5 * sd / std::sqrt(count) + 1e-12) << "cov(" << j << ", " << k << ")";
    }
  }
}

// ------------------------------------------------------------------------------------ gaussian --

constexpr const char* kGaussian2d = R"(
[truth]
kind = "gaussian"
mean = [1.0, -2.0]
cov = [[2.0, 0.6], [0.6, 0.5]]
)";

TEST(GaussianTruth, MomentsAreExactAndSamplesMatchThem) {
  const auto truth = truth_from(kGaussian2d);
  EXPECT_EQ(truth->kind(), "gaussian");
  EXPECT_EQ(truth->dim(), 2);
  const auto m = truth->moments();
  ASSERT_TRUE(m);
  EXPECT_EQ(m->mean, Vector::Map(std::vector<double>{1.0, -2.0}.data(), 2));
  EXPECT_EQ(m->cov(0, 1), 0.6);
  expect_moments(*truth, 20000, 1);
}

TEST(GaussianTruth, LogProbIsTheGaussianDensity) {
  const auto truth = truth_from(kGaussian2d);
  Matrix x(2, 2);
  x << 0.5, -1.0, 1.0, -2.0;
  const auto lp = truth->log_prob(x);
  ASSERT_TRUE(lp);
  // det = 2 * 0.5 - 0.36 = 0.64; inverse = [[0.5, -0.6], [-0.6, 2]] / 0.64.
  const double d0 = -0.5, d1 = 1.0;
  const double maha = (0.5 * d0 * d0 - 2 * 0.6 * d0 * d1 + 2.0 * d1 * d1) / 0.64;
  EXPECT_NEAR((*lp)(0), -0.5 * (2 * kLog2Pi + std::log(0.64) + maha), 1e-12);
  EXPECT_NEAR((*lp)(1), -0.5 * (2 * kLog2Pi + std::log(0.64)), 1e-12);
}

TEST(GaussianTruth, SingularCovarianceSamplesOnItsSupport) {
  const auto truth = truth_from(R"(
[truth]
kind = "gaussian"
mean = [0.0, 3.0]
cov = [[1.0, 1.0], [1.0, 1.0]]
)");
  Rng rng(3, {Purpose::kUser, 0, 0, 0});
  const Matrix x = truth->sample(2000, rng);
  ASSERT_TRUE(x.allFinite());
  EXPECT_LT(((x.col(1) - x.col(0)).array() - 3.0).abs().maxCoeff(), 1e-12);
  expect_moments(*truth, 20000, 4);
  // On the line y = x + 3 the density is that of N(0, 2) along the unit direction (1, 1)/sqrt(2).
  Matrix points(2, 2);
  points << 1.0, 4.0, 1.0, 4.5;
  const auto lp = truth->log_prob(points);
  ASSERT_TRUE(lp);
  const double along = std::sqrt(2.0);  // distance from the mean (0, 3) to (1, 4)
  EXPECT_NEAR((*lp)(0), -0.5 * (kLog2Pi + std::log(2.0) + along * along / 2.0), 1e-12);
  EXPECT_EQ((*lp)(1), -std::numeric_limits<double>::infinity());
}

// A zero covariance is a point mass: every draw is the mean, whose log mass is 0, and any other
// point has log mass -inf.
TEST(GaussianTruth, ZeroCovarianceIsAPointMass) {
  const auto truth = truth_from(R"(
[truth]
kind = "gaussian"
mean = [0.5, -1.0]
cov = [[0.0, 0.0], [0.0, 0.0]]
)");
  Rng rng(3, {Purpose::kUser, 0, 0, 0});
  const Matrix x = truth->sample(100, rng);
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    ASSERT_EQ(x(i, 0), 0.5);
    ASSERT_EQ(x(i, 1), -1.0);
  }
  Matrix points(2, 2);
  points << 0.5, -1.0, 0.5, -0.75;
  const auto lp = truth->log_prob(points);
  ASSERT_TRUE(lp);
  EXPECT_EQ((*lp)(0), 0.0);
  EXPECT_EQ((*lp)(1), -std::numeric_limits<double>::infinity());
}

TEST(GaussianTruth, SameStreamSameSamples) {
  const auto truth = truth_from(kGaussian2d);
  Rng a(9, {Purpose::kInitialData, 2, 0, 0}), b(9, {Purpose::kInitialData, 2, 0, 0});
  EXPECT_EQ(truth->sample(50, a), truth->sample(50, b));
}

TEST(GaussianTruth, BadCovarianceNamesTruthCov) {
  const std::string mismatch = error_of(R"(
[truth]
kind = "gaussian"
mean = [0.0, 0.0, 0.0]
cov = [[1.0, 0.0], [0.0, 1.0]]
)");
  EXPECT_THAT(mismatch, HasSubstr("truth.cov"));
  EXPECT_THAT(mismatch, HasSubstr("2 x 2, expected 3 x 3"));
  const std::string asymmetric = error_of(R"(
[truth]
kind = "gaussian"
mean = [0.0, 0.0]
cov = [[1.0, 0.5], [0.4, 1.0]]
)");
  EXPECT_THAT(asymmetric, HasSubstr("truth.cov"));
  EXPECT_THAT(asymmetric, HasSubstr("not symmetric"));
  const std::string indefinite = error_of(R"(
[truth]
kind = "gaussian"
mean = [0.0, 0.0]
cov = [[1.0, 2.0], [2.0, 1.0]]
)");
  EXPECT_THAT(indefinite, HasSubstr("truth.cov"));
  EXPECT_THAT(indefinite, HasSubstr("not positive semi-definite (smallest eigenvalue -1"));
  EXPECT_THAT(indefinite, HasSubstr("test.toml:"));  // where the value came from
  const std::string non_square = error_of(R"(
[truth]
kind = "gaussian"
mean = [0.0, 0.0]
cov = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]
)");
  EXPECT_THAT(non_square, HasSubstr("truth.cov"));
}

// --------------------------------------------------------------------------------- categorical --

TEST(CategoricalTruth, ZipfProbabilitiesAreExact) {
  const auto truth = truth_from(R"(
[truth]
kind = "categorical"
zipf = { outcomes = 4, exponent = 1.0 }
)");
  const Vector* p = truth->probabilities();
  ASSERT_NE(p, nullptr);
  ASSERT_EQ(p->size(), 4);
  // 1, 1/2, 1/3, 1/4 over H_4 = 25/12.
  EXPECT_NEAR((*p)(0), 12.0 / 25, 1e-15);
  EXPECT_NEAR((*p)(1), 6.0 / 25, 1e-15);
  EXPECT_NEAR((*p)(2), 4.0 / 25, 1e-15);
  EXPECT_NEAR((*p)(3), 3.0 / 25, 1e-15);
  EXPECT_FALSE(truth->moments());
  EXPECT_EQ(truth->dim(), 1);

  const auto squared = truth_from(R"(
[truth]
kind = "categorical"
zipf = { outcomes = 3, exponent = 2.0 }
)");
  // 1, 1/4, 1/9 over 49/36.
  EXPECT_NEAR((*squared->probabilities())(2), 4.0 / 49, 1e-15);
}

TEST(CategoricalTruth, ProbsAreNormalisedAndFrequenciesMatch) {
  const auto truth = truth_from(R"(
[truth]
kind = "categorical"
probs = [2.0, 0.0, 1.0, 5.0]
)");
  const Vector& p = *truth->probabilities();
  EXPECT_DOUBLE_EQ(p(0), 0.25);
  EXPECT_EQ(p(1), 0.0);
  EXPECT_DOUBLE_EQ(p(3), 0.625);
  const std::size_t n = 100000;
  Rng rng(5, {Purpose::kUser, 0, 0, 0});
  const Matrix x = truth->sample(n, rng);
  ASSERT_EQ(x.cols(), 1);
  std::vector<double> counts(4, 0.0);
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    const double v = x(i, 0);
    ASSERT_EQ(v, std::floor(v));
    ASSERT_GE(v, 0);
    ASSERT_LT(v, 4);
    counts[static_cast<std::size_t>(v)] += 1;
  }
  EXPECT_EQ(counts[1], 0) << "a zero-probability outcome was drawn";
  for (int k = 0; k < 4; ++k) {
    const double expected = n * p(k);
    EXPECT_NEAR(counts[k], expected, 5 * std::sqrt(n * p(k) * (1 - p(k))) + 1e-9) << "outcome " << k;
  }
}

TEST(CategoricalTruth, LogProbIsLogPk) {
  const auto truth = truth_from(R"(
[truth]
kind = "categorical"
probs = [0.5, 0.0, 0.5]
)");
  Matrix x(5, 1);
  x << 0, 1, 2, 3, 0.5;
  const Vector lp = *truth->log_prob(x);
  EXPECT_DOUBLE_EQ(lp(0), std::log(0.5));
  EXPECT_EQ(lp(1), -std::numeric_limits<double>::infinity());
  EXPECT_DOUBLE_EQ(lp(2), std::log(0.5));
  EXPECT_EQ(lp(3), -std::numeric_limits<double>::infinity());  // not an outcome
  EXPECT_EQ(lp(4), -std::numeric_limits<double>::infinity());
}

TEST(CategoricalTruth, ExactlyOneOfProbsAndZipf) {
  const std::string both = error_of(R"(
[truth]
kind = "categorical"
probs = [0.5, 0.5]
zipf = { outcomes = 3 }
)");
  EXPECT_THAT(both, HasSubstr("truth.zipf.outcomes"));
  EXPECT_THAT(both, HasSubstr("not both"));
  const std::string neither = error_of("[truth]\nkind = \"categorical\"\n");
  EXPECT_THAT(neither, HasSubstr("truth.probs"));
  EXPECT_THAT(neither, HasSubstr("truth.zipf.outcomes"));
  EXPECT_THAT(error_of("[truth]\nkind = \"categorical\"\nprobs = [0.0, 0.0]\n"), HasSubstr("truth.probs"));
  EXPECT_THAT(error_of("[truth]\nkind = \"categorical\"\nprobs = []\n"), HasSubstr("truth.probs"));
}

// ----------------------------------------------------------------------------------------- gmm --

constexpr const char* kGmm = R"(
[truth]
kind = "gmm"
weights = [1.0, 3.0]
means = [[-2.0, 0.0], [1.0, 1.0]]
covs = [ [[0.5, 0.1], [0.1, 0.3]], [[1.0, -0.2], [-0.2, 0.8]] ]
)";

TEST(GmmTruth, MixtureMomentsAndSamples) {
  const auto truth = truth_from(kGmm);
  EXPECT_EQ(truth->kind(), "gmm");
  EXPECT_EQ(truth->dim(), 2);
  const auto m = *truth->moments();
  // mean = 0.25 (-2, 0) + 0.75 (1, 1) = (0.25, 0.75).
  EXPECT_NEAR(m.mean(0), 0.25, 1e-15);
  EXPECT_NEAR(m.mean(1), 0.75, 1e-15);
  // var_x = 0.25 (0.5 + 4) + 0.75 (1 + 1) - 0.0625 = 2.625 - 0.0625
  EXPECT_NEAR(m.cov(0, 0), 2.5625, 1e-14);
  // cov_xy = 0.25 (0.1 + 0) + 0.75 (-0.2 + 1) - 0.25 * 0.75
  EXPECT_NEAR(m.cov(0, 1), 0.025 + 0.6 - 0.1875, 1e-14);
  // var_y = 0.25 * 0.3 + 0.75 (0.8 + 1) - 0.5625
  EXPECT_NEAR(m.cov(1, 1), 0.075 + 1.35 - 0.5625, 1e-14);
  expect_moments(*truth, 40000, 11);
}

TEST(GmmTruth, LogProbIsTheMixtureDensity) {
  const auto truth = truth_from(R"(
[truth]
kind = "gmm"
weights = [0.3, 0.7]
means = [[0.0], [4.0]]
covs = [ [[1.0]], [[0.25]] ]
)");
  Matrix x(3, 1);
  x << 0.5, 3.0, 40.0;
  const Vector lp = *truth->log_prob(x);
  const auto normal = [](double v, double mean, double var) {
    return std::exp(-0.5 * (v - mean) * (v - mean) / var) / std::sqrt(2 * std::numbers::pi * var);
  };
  EXPECT_NEAR(lp(0), std::log(0.3 * normal(0.5, 0, 1) + 0.7 * normal(0.5, 4, 0.25)), 1e-12);
  EXPECT_NEAR(lp(1), std::log(0.3 * normal(3.0, 0, 1) + 0.7 * normal(3.0, 4, 0.25)), 1e-12);
  // Far in the tail the direct formula underflows; log-sum-exp keeps the dominant term, which at
  // x = 40 is the wide component's (-800 against -2592 for the narrow one).
  EXPECT_NEAR(lp(2), std::log(0.3) - 0.5 * kLog2Pi - 0.5 * 40.0 * 40.0, 1e-9);
}

TEST(GmmTruth, ZeroWeightComponentIsNeverDrawn) {
  const auto truth = truth_from(R"(
[truth]
kind = "gmm"
weights = [0.0, 1.0]
means = [[100.0], [0.0]]
covs = [ [[1.0]], [[1.0]] ]
)");
  Rng rng(2, {Purpose::kUser, 0, 0, 0});
  EXPECT_LT(truth->sample(5000, rng).maxCoeff(), 50.0);
}

TEST(GmmTruth, InconsistentSettingsNameTheKey) {
  EXPECT_THAT(error_of(R"(
[truth]
kind = "gmm"
weights = [0.5, 0.5]
means = [[0.0]]
covs = [ [[1.0]], [[1.0]] ]
)"),
              HasSubstr("truth.means"));
  EXPECT_THAT(error_of(R"(
[truth]
kind = "gmm"
weights = [0.5, 0.5]
means = [[0.0], [1.0]]
covs = [ [[1.0]] ]
)"),
              HasSubstr("truth.covs"));
  const std::string dims = error_of(R"(
[truth]
kind = "gmm"
weights = [0.5, 0.5]
means = [[0.0, 0.0], [1.0, 1.0]]
covs = [ [[1.0, 0.0], [0.0, 1.0]], [[1.0]] ]
)");
  EXPECT_THAT(dims, HasSubstr("truth.covs"));
  EXPECT_THAT(dims, HasSubstr("component 1"));
  EXPECT_THAT(dims, HasSubstr("1 x 1, expected 2 x 2"));
  const std::string indefinite = error_of(R"(
[truth]
kind = "gmm"
weights = [1.0]
means = [[0.0, 0.0]]
covs = [ [[1.0, 3.0], [3.0, 1.0]] ]
)");
  EXPECT_THAT(indefinite, HasSubstr("truth.covs"));
  EXPECT_THAT(indefinite, HasSubstr("positive semi-definite"));
  EXPECT_THAT(error_of(R"(
[truth]
kind = "gmm"
weights = [0.0, 0.0]
means = [[0.0], [1.0]]
covs = [ [[1.0]], [[1.0]] ]
)"),
              HasSubstr("truth.weights"));
  EXPECT_THAT(error_of("[truth]\nkind = \"gmm\"\n"), HasSubstr("truth.weights"));
}

// ---------------------------------------------------------------------------------- regression --

constexpr const char* kRegression = R"(
[truth]
kind = "regression"
dim = 3
noise = 0.5
)";

TEST(RegressionTruth, WeightsComeFromTheTruthSetupStream) {
  const auto a = truth_from(kRegression, 42);
  const auto b = truth_from(kRegression, 42);
  const auto c = truth_from(kRegression, 43);
  ASSERT_NE(a->coefficients(), nullptr);
  EXPECT_EQ(*a->coefficients(), *b->coefficients());
  EXPECT_NE(*a->coefficients(), *c->coefficients());
  Rng setup(42, {Purpose::kTruthSetup, 0, 0, 0});
  for (Eigen::Index j = 0; j < 3; ++j) EXPECT_EQ((*a->coefficients())(j), setup.normal());
  EXPECT_EQ(a->dim(), 4);
  EXPECT_EQ(a->noise_variance(), 0.5);
}

TEST(RegressionTruth, ResidualsHaveTheNoiseVariance) {
  const auto truth = truth_from(kRegression, 42);
  const Vector& w = *truth->coefficients();
  const std::size_t n = 40000;
  Rng rng(1, {Purpose::kUser, 0, 0, 0});
  const Matrix rows = truth->sample(n, rng);
  const Vector residual = rows.col(3) - rows.leftCols(3) * w;
  const double mean = residual.mean();
  const double var = residual.squaredNorm() / n;  // around the known mean 0
  EXPECT_NEAR(mean, 0.0, 5 * std::sqrt(0.5 / n));
  EXPECT_NEAR(var, 0.5, 5 * 0.5 * std::sqrt(2.0 / n));
  expect_moments(*truth, 40000, 2);
  const auto m = *truth->moments();
  EXPECT_EQ(m.cov(0, 3), w(0));
  EXPECT_NEAR(m.cov(3, 3), w.squaredNorm() + 0.5, 1e-15);
  EXPECT_EQ(m.cov(0, 1), 0.0);
}

TEST(RegressionTruth, LogProbIsTheJointDensity) {
  const auto truth = truth_from(kRegression, 42);
  const Vector& w = *truth->coefficients();
  Matrix row(1, 4);
  row << 0.3, -1.0, 2.0, 0.7;
  const double r = 0.7 - (0.3 * w(0) - w(1) + 2.0 * w(2));
  const double x2 = 0.09 + 1.0 + 4.0;
  EXPECT_NEAR((*truth->log_prob(row))(0), -0.5 * (4 * kLog2Pi + std::log(0.5)) - 0.5 * x2 - 0.5 * r * r / 0.5, 1e-12);
}

// ---------------------------------------------------------------------------------------- file --

class TempFolder {
 public:
  TempFolder() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = std::filesystem::temp_directory_path() /
            ("ouro-truth-" + std::to_string(::getpid()) + "-" + info->name());
    std::filesystem::create_directories(path_);
  }
  ~TempFolder() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// A CSV whose row i is (i, 2i + 0.5): the first column identifies the row.
std::string numbered_csv(const TempFolder& dir, int rows) {
  const auto path = dir.path() / "rows.csv";
  std::ofstream out(path);
  out << "id,value\n";
  for (int i = 0; i < rows; ++i) out << i << "," << 2 * i + 0.5 << "\n";
  return path.string();
}

// `truth_lines` are more [truth] keys, one per line.
std::string file_config(const std::string& path, int test_samples, const std::string& truth_lines = "") {
  return "[truth]\nkind = \"file\"\npath = \"" + path + "\"\n" + truth_lines + "[metrics]\ntest_samples = " +
         std::to_string(test_samples) + "\n";
}

std::vector<int> ids(const Matrix& x) {
  std::vector<int> out;
  for (Eigen::Index i = 0; i < x.rows(); ++i) out.push_back(static_cast<int>(x(i, 0)));
  return out;
}

TEST(FileTruth, HoldoutIsAFixedShuffleDisjointFromThePool) {
  TempFolder dir;
  const auto truth = truth_from(file_config(numbered_csv(dir, 50), 10), 3);
  EXPECT_EQ(truth->kind(), "file");
  EXPECT_EQ(truth->dim(), 2);
  Rng unused(0, {});
  const std::vector<int> test = ids(truth->test_set(10, unused));
  Rng rng(1, {});
  const std::vector<int> pool = ids(truth->sample(40, rng));  // the whole pool
  std::set<int> all(test.begin(), test.end());
  all.insert(pool.begin(), pool.end());
  EXPECT_EQ(all.size(), 50u) << "holdout and pool overlap or repeat rows";
  EXPECT_EQ(*all.begin(), 0);
  EXPECT_EQ(*all.rbegin(), 49);

  // The holdout is the first 10 of a Fisher-Yates shuffle driven by Rng(seed, kTestData).
  std::vector<int> order(50);
  for (int i = 0; i < 50; ++i) order[i] = i;
  Rng shuffle(3, {Purpose::kTestData, 0, 0, 0});
  for (std::size_t i = 49; i > 0; --i) std::swap(order[i], order[shuffle.below(i + 1)]);
  EXPECT_EQ(test, std::vector<int>(order.begin(), order.begin() + 10));

  // Same seed, same split, whatever stream is passed; another seed splits differently.
  Rng other(99, {Purpose::kTestData, 5, 0, 0});
  EXPECT_EQ(ids(truth_from(file_config(numbered_csv(dir, 50), 10), 3)->test_set(10, other)), test);
  EXPECT_NE(ids(truth_from(file_config(numbered_csv(dir, 50), 10), 4)->test_set(10, other)), test);
}

TEST(FileTruth, SamplesAreDistinctPoolRowsChosenUniformly) {
  TempFolder dir;
  const auto truth = truth_from(file_config(numbered_csv(dir, 50), 10), 3);
  Rng unused(0, {});
  const std::vector<int> test = ids(truth->test_set(10, unused));
  const std::set<int> held(test.begin(), test.end());
  std::vector<double> counts(50, 0.0);
  const int draws = 20000;
  Rng rng(8, {});
  for (int t = 0; t < draws; ++t) {
    const std::vector<int> s = ids(truth->sample(5, rng));
    ASSERT_EQ(std::set<int>(s.begin(), s.end()).size(), 5u) << "a row was drawn twice";
    for (int id : s) {
      ASSERT_FALSE(held.count(id)) << "a held-out row was sampled";
      counts[id] += 1;
    }
  }
  const double p = 5.0 / 40.0;
  for (int id = 0; id < 50; ++id) {
    if (held.count(id)) continue;
    EXPECT_NEAR(counts[id], draws * p, 5 * std::sqrt(draws * p * (1 - p))) << "row " << id;
  }
}

TEST(FileTruth, MomentsAreThePoolsWithDivisorN) {
  TempFolder dir;
  const auto truth = truth_from(file_config(numbered_csv(dir, 30), 7), 3);
  Rng rng(1, {});
  const Matrix pool = truth->sample(23, rng);
  const Vector mean = pool.colwise().mean().transpose();
  const Matrix centered = pool.rowwise() - mean.transpose();
  const Matrix cov = centered.transpose() * centered / 23.0;
  const auto m = *truth->moments();
  EXPECT_LT((m.mean - mean).cwiseAbs().maxCoeff(), 1e-12);
  EXPECT_LT((m.cov - cov).cwiseAbs().maxCoeff(), 1e-10);
  EXPECT_FALSE(truth->log_prob(pool));
}

TEST(FileTruth, SizeErrorsNameTheSettings) {
  TempFolder dir;
  const std::string path = numbered_csv(dir, 20);
  const std::string too_many = error_of(file_config(path, 20));
  EXPECT_THAT(too_many, HasSubstr("metrics.test_samples"));
  EXPECT_THAT(too_many, HasSubstr("has 20 rows"));
  const auto truth = truth_from(file_config(path, 5));
  Rng rng(1, {});
  try {
    truth->sample(16, rng);
    FAIL();
  } catch (const DataError& e) {
    EXPECT_THAT(e.what(), HasSubstr("truth.path"));
    EXPECT_THAT(e.what(), HasSubstr("rows.csv"));
    EXPECT_THAT(e.what(), HasSubstr("asked for 16"));
    EXPECT_THAT(e.what(), HasSubstr("holds 15 rows"));
  }
  EXPECT_THROW(truth->test_set(6, rng), DataError);
}

TEST(FileTruth, MissingOrBadFilesNameThePath) {
  TempFolder dir;
  const std::string missing = error_of<IoError>(file_config((dir.path() / "absent.npy").string(), 5));
  EXPECT_THAT(missing, HasSubstr("truth.path"));
  EXPECT_THAT(missing, HasSubstr("absent.npy"));
  {
    std::ofstream(dir.path() / "nan.csv") << "1\n2\nnan\n";
  }
  EXPECT_THAT(error_of<DataError>(file_config((dir.path() / "nan.csv").string(), 1)), HasSubstr("nan.csv:3:1"));
  EXPECT_THAT(error_of("[truth]\nkind = \"file\"\n"), HasSubstr("truth.path"));
}

TEST(FileTruth, OldFaithfulKeepsItsRowNameColumn) {
  const std::string path = std::string(OURO_SHARED_DATA) + "/old-faithful/faithful.csv";
  const auto truth = truth_from(file_config(path, 72), 1);
  // Columns: rownames (1..272), eruptions (minutes), waiting (minutes). Nothing is dropped, so a
  // run on this file models the row name too; the first column identifies each row here.
  ASSERT_EQ(truth->dim(), 3);
  Rng rng(1, {});
  const Matrix pool = truth->sample(200, rng);
  const Matrix test = truth->test_set(72, rng);
  std::set<int> names;
  for (int v : ids(pool)) names.insert(v);
  for (int v : ids(test)) names.insert(v);
  EXPECT_EQ(names.size(), 272u);
  EXPECT_EQ(*names.begin(), 1);
  EXPECT_EQ(*names.rbegin(), 272);
  // Every eruption in the file lasts between 1.6 and 5.1 minutes, every wait 43 to 96.
  EXPECT_GE(pool.col(1).minCoeff(), 1.6);
  EXPECT_LE(pool.col(1).maxCoeff(), 5.1);
  EXPECT_GE(pool.col(2).minCoeff(), 43);
  EXPECT_LE(pool.col(2).maxCoeff(), 96);
  // Read whole, the row-name column is reported so that the run can warn about it.
  EXPECT_THAT(truth->data_columns()->warning,
              HasSubstr("column 0 'rownames' (counting from 0) is named like a row number and is read as data; "
                        "choose the data columns with truth.columns = [\"eruptions\", \"waiting\"]"));
}

TEST(FileTruth, ColumnsChosenByNameOrIndexAreTheData) {
  const std::string path = std::string(OURO_SHARED_DATA) + "/old-faithful/faithful.csv";
  const auto named = truth_from(file_config(path, 72, "columns = [\"eruptions\", \"waiting\"]\n"), 1);
  const auto indexed = truth_from(file_config(path, 72, "columns = [1, 2]\n"), 1);
  ASSERT_EQ(named->dim(), 2);
  Rng rng(1, {});
  const Matrix pool = named->sample(200, rng);
  EXPECT_GE(pool.col(0).minCoeff(), 1.6);
  EXPECT_LE(pool.col(0).maxCoeff(), 5.1);
  EXPECT_GE(pool.col(1).minCoeff(), 43);
  EXPECT_LE(pool.col(1).maxCoeff(), 96);
  // The file's mean eruption is 3.487783 minutes (272 rows; R's mean(faithful$eruptions)), so the
  // pool's and the holdout's weighted means give it back.
  const double total = named->moments()->mean(0) * 200 + named->test_set(72, rng).col(0).sum();
  EXPECT_NEAR(total / 272, 3.487783, 1e-6);
  EXPECT_EQ(indexed->test_set(72, rng), named->test_set(72, rng));
  const DataColumns* data = named->data_columns();
  ASSERT_NE(data, nullptr);
  EXPECT_EQ(data->indices, (std::vector<std::size_t>{1, 2}));
  EXPECT_EQ(data->names, (std::vector<std::string>{"eruptions", "waiting"}));
  EXPECT_EQ(data->rows, 272u);
  EXPECT_TRUE(data->warning.empty());
}

TEST(FileTruth, ColumnErrorsNameTheSettingAndTheHeader) {
  const std::string path = std::string(OURO_SHARED_DATA) + "/old-faithful/faithful.csv";
  const std::string unknown = error_of(file_config(path, 72, "columns = [\"eruption\"]\n"));
  EXPECT_THAT(unknown, HasSubstr("truth.columns: 'eruption' is not a column of"));
  EXPECT_THAT(unknown, HasSubstr("its header names \"rownames\", \"eruptions\", \"waiting\""));
  EXPECT_THAT(error_of(file_config(path, 72, "columns = [3]\n")),
              HasSubstr("column 3 is past the last column"));
  EXPECT_THAT(error_of(file_config(path, 72, "dim = 2\n")),
              HasSubstr("truth.dim = 2: a file truth's dimension is the number of its data columns"));
  EXPECT_THAT(error_of("[truth]\nkind = \"gaussian\"\ncolumns = [\"x\"]\n"),
              HasSubstr("truth.columns = [\"x\"]: columns are chosen for a file truth only"));
}

}  // namespace
}  // namespace ouro
