// Frechet distance: closed forms between Gaussians (1-D, commuting and non-commuting 2 x 2
// covariances through tr sqrt(M) = sqrt(tr M + 2 sqrt(det M))), singular covariances, rotation
// invariance, the sample statistics against a direct computation, thread-count determinism, the
// small-sample bias for two samples of one Gaussian, and bad input.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "distribution_test_util.hpp"
#include "ouro/core/error.hpp"
#include "ouro/metrics/distribution/frechet.hpp"

namespace ouro {
namespace {

using testing::dist_rng;
using testing::gaussian_rows;

Vector vec(std::initializer_list<double> v) {
  Vector out(static_cast<Eigen::Index>(v.size()));
  Eigen::Index i = 0;
  for (const double x : v) out(i++) = x;
  return out;
}

TEST(Frechet, OneDimensionalClosedForm) {
  // (m1 - m2)^2 + (s1 - s2)^2.
  Matrix c1(1, 1);
  Matrix c2(1, 1);
  c1 << 4.0;
  c2 << 9.0;
  EXPECT_NEAR(frechet_distance(vec({1.0}), c1, vec({-2.0}), c2), 9.0 + 1.0, 1e-12);
}

TEST(Frechet, CommutingCovariances) {
  // Diagonal covariances: sum (sqrt a_i - sqrt b_i)^2 plus the mean term.
  Matrix c1 = vec({1.0, 4.0, 9.0}).asDiagonal();
  Matrix c2 = vec({4.0, 4.0, 1.0}).asDiagonal();
  const double expected = 3.0 + (1.0 + 0.0 + 4.0);
  EXPECT_NEAR(frechet_distance(vec({1, 1, 1}), c1, vec({0, 2, 0}), c2), expected, 1e-12);
}

TEST(Frechet, NonCommutingTwoByTwoClosedForm) {
  Matrix c1(2, 2);
  Matrix c2(2, 2);
  c1 << 2.0, 0.7, 0.7, 1.0;
  c2 << 0.5, -0.2, -0.2, 3.0;
  const Matrix p = c1 * c2;  // eigenvalues of S1 S2 are those of S1^(1/2) S2 S1^(1/2)
  const double trace_root = std::sqrt(p.trace() + 2.0 * std::sqrt(p.determinant()));
  const double expected = (vec({0.3, -1}) - vec({0, 0.5})).squaredNorm() + c1.trace() + c2.trace() - 2 * trace_root;
  EXPECT_NEAR(frechet_distance(vec({0.3, -1}), c1, vec({0, 0.5}), c2), expected, 1e-12 * expected);
  // Symmetric in its two arguments.
  EXPECT_NEAR(frechet_distance(vec({0, 0.5}), c2, vec({0.3, -1}), c1), expected, 1e-12 * expected);
}

TEST(Frechet, SingularCovariancesNeedNoRetry) {
  // Rank-1 covariances on one axis: the distance is that of the 1-D Gaussians (sd 2 and 1).
  Matrix c1 = vec({4.0, 0.0}).asDiagonal();
  Matrix c2 = vec({1.0, 0.0}).asDiagonal();
  EXPECT_NEAR(frechet_distance(vec({0, 0}), c1, vec({0, 0}), c2), 1.0, 1e-12);
  // Rank-1 on different axes: tr(S1) + tr(S2), since S1^(1/2) S2 S1^(1/2) = 0.
  Matrix c3 = vec({0.0, 1.0}).asDiagonal();
  EXPECT_NEAR(frechet_distance(vec({0, 0}), c1, vec({0, 0}), c3), 5.0, 1e-12);
  // Identical singular Gaussians: 0, never negative.
  EXPECT_EQ(frechet_distance(vec({1, 2}), c1, vec({1, 2}), c1), 0.0);
}

TEST(Frechet, InvariantToRotatingAndTranslatingBothSets) {
  Rng rng = dist_rng(10);
  const Matrix a = gaussian_rows(400, 3, rng);
  const Matrix b = gaussian_rows(300, 3, rng, 0.5, 1.5);
  const double base = frechet_distance(a, b);
  const Eigen::Matrix3d rotation = Eigen::AngleAxisd(0.7, Eigen::Vector3d(1, 2, 3).normalized()).toRotationMatrix();
  const Eigen::RowVector3d offset(100, -50, 3);
  const Matrix ra = (a * rotation.transpose()).rowwise() + offset;
  const Matrix rb = (b * rotation.transpose()).rowwise() + offset;
  EXPECT_NEAR(frechet_distance(ra, rb), base, 1e-9 * base);
}

TEST(Frechet, SampleStatisticsMatchADirectComputation) {
  Rng rng = dist_rng(11);
  const Matrix x = gaussian_rows(700, 5, rng, 2.0);
  const GaussianStats stats = gaussian_stats(x);
  const Vector mean = x.colwise().mean().transpose();
  const Matrix centred = x.rowwise() - mean.transpose();
  const Matrix cov = centred.transpose() * centred / 699.0;
  EXPECT_EQ(stats.n, 700);
  EXPECT_LT((stats.mean - mean).norm(), 1e-13);
  EXPECT_LT((stats.cov - cov).norm(), 1e-12);
  EXPECT_NEAR(frechet_distance(x, x), 0.0, 1e-12);
}

TEST(Frechet, SameBytesForAnyThreadCount) {
  Rng rng = dist_rng(12);
  const Matrix a = gaussian_rows(1500, 600, rng);  // two 512-column tiles, two 1024-row chunks
  const Matrix b = gaussian_rows(1200, 600, rng, 0.01);
  const GaussianStats one = gaussian_stats(a, 1);
  const GaussianStats three = gaussian_stats(a, 3);
  EXPECT_EQ(0, std::memcmp(one.cov.data(), three.cov.data(), sizeof(double) * 600 * 600));
  EXPECT_EQ(frechet_distance(a, b, 1), frechet_distance(a, b, 2));
}

// Two samples of N(0, I_d): the mean term contributes d (1/n1 + 1/n2) in expectation and the
// covariance term about (1/4) E|S1 - S2|_F^2 = (d^2 + d)/4 (1/n1 + 1/n2), to first order in 1/n.
// FID is therefore biased upwards at finite n, which is why it is reported with its sample sizes.
TEST(Frechet, SmallSampleBiasOfTwoSamplesOfOneGaussian) {
  const Eigen::Index d = 4;
  const Eigen::Index n1 = 2000;
  const Eigen::Index n2 = 1000;
  const double inv = 1.0 / n1 + 1.0 / n2;
  const double expected = inv * (d + (d * d + d) / 4.0);
  std::vector<double> values;
  for (std::uint64_t r = 0; r < 200; ++r) {
    Rng rng = dist_rng(1000 + r);
    values.push_back(frechet_distance(gaussian_rows(n1, d, rng), gaussian_rows(n2, d, rng)));
  }
  const auto s = testing::summarise(values);
  EXPECT_NEAR(s.mean, expected, 4 * s.se) << "se " << s.se;
  EXPECT_GT(s.mean, 10 * s.se);  // clearly above the population value 0
}

TEST(Frechet, BadInputNamesTheProblem) {
  Matrix one(1, 2);
  one << 1, 2;
  Rng rng = dist_rng(13);
  const Matrix ok = gaussian_rows(10, 2, rng);
  try {
    frechet_distance(ok, one);
    FAIL();
  } catch (const DataError& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("second sample set: 1 rows"));
  }
  EXPECT_THROW(frechet_distance(ok, gaussian_rows(10, 3, rng)), DataError);
  EXPECT_THROW(frechet_distance(vec({0}), Matrix::Identity(1, 1), vec({0, 0}), Matrix::Identity(2, 2)), DataError);
}

}  // namespace
}  // namespace ouro
