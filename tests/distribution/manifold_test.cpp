// k-NN precision, recall, density and coverage: tiny hand-computed cases (including an exact tie,
// which the closed balls count), agreement with a brute-force implementation across several row
// and column blocks, invariances, the same values for any thread count, the known expectations for
// two samples of one distribution, and bad input.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>
#include <numeric>
#include <tuple>

#include "distribution_test_util.hpp"
#include "ouro/core/error.hpp"
#include "ouro/metrics/distribution/manifold.hpp"

namespace ouro {
namespace {

using ::testing::HasSubstr;
using testing::brute_counts;
using testing::dist_rng;
using testing::gaussian_rows;

Matrix column(std::initializer_list<double> values) {
  Matrix x(static_cast<Eigen::Index>(values.size()), 1);
  Eigen::Index i = 0;
  for (const double v : values) x(i++, 0) = v;
  return x;
}

TEST(Manifold, TinyLineByHand) {
  // Real 0,1,2,3 (k = 1: every radius 1); generated 0.5, 1.5, 10 (radii 1, 1, 8.5).
  const ManifoldMetrics m = manifold_metrics(column({0, 1, 2, 3}), column({0.5, 1.5, 10}), 1);
  EXPECT_DOUBLE_EQ(m.precision, 2.0 / 3.0);  // 10 is 7 from the nearest real point
  EXPECT_DOUBLE_EQ(m.density, 4.0 / 3.0);    // 0.5 is in the balls of 0 and 1; 1.5 in those of 1 and 2
  EXPECT_DOUBLE_EQ(m.coverage, 3.0 / 4.0);   // 3 has no generated point within 1
  EXPECT_DOUBLE_EQ(m.recall, 1.0);           // 3 lies in the ball of 10 (radius 8.5)
  EXPECT_EQ(m.n_real, 4);
  EXPECT_EQ(m.n_generated, 3);
  EXPECT_DOUBLE_EQ(knn_radii(column({0, 1, 2, 3}), 1)(2), 1.0);
  EXPECT_DOUBLE_EQ(knn_radii(column({0, 1, 2, 3}), 2)(0), 2.0);
}

TEST(Manifold, BallsAreClosedSoAnExactTieCounts) {
  // 4 is exactly at distance 1 = r from the real point 3 (prdc's `<` would give 0 here).
  const ManifoldMetrics m = manifold_metrics(column({0, 1, 2, 3}), column({4}), 1, 1, false);
  EXPECT_DOUBLE_EQ(m.precision, 1.0);
  EXPECT_DOUBLE_EQ(m.density, 1.0);
  EXPECT_DOUBLE_EQ(m.coverage, 0.25);
  EXPECT_TRUE(std::isnan(m.recall));
}

TEST(Manifold, TiesOnAGridInTwoDimensions) {
  // Unit square corners, k = 2: every radius is 1 (two neighbours at distance 1). The centre is at
  // distance sqrt(0.5) < 1 from all four; (2, 0) is at exactly 1 from (1, 0).
  Matrix real(4, 2);
  real << 0, 0, 1, 0, 0, 1, 1, 1;
  Matrix gen(2, 2);
  gen << 0.5, 0.5, 2, 0;
  const ManifoldMetrics m = manifold_metrics(real, gen, 2, 1, false);
  EXPECT_DOUBLE_EQ(m.precision, 1.0);
  EXPECT_DOUBLE_EQ(m.density, (4.0 + 1.0) / (2.0 * 2.0));
  EXPECT_DOUBLE_EQ(m.coverage, 1.0);
}

TEST(Manifold, DuplicatesAreNeighboursAtDistanceZero) {
  // Real 0, 0, 0, 5 with k = 1: radii 0, 0, 0, 5. The generated 0 lies in all four balls.
  const ManifoldMetrics m = manifold_metrics(column({0, 0, 0, 5}), column({0}), 1, 1, false);
  EXPECT_DOUBLE_EQ(m.density, 4.0);
  EXPECT_DOUBLE_EQ(m.coverage, 1.0);
  EXPECT_DOUBLE_EQ(knn_radii(column({0, 0, 0, 5}), 1)(0), 0.0);
  EXPECT_DOUBLE_EQ(knn_radii(column({0, 0, 0, 5}), 3)(0), 5.0);
}

void expect_matches_brute_force(Eigen::Index n, Eigen::Index m, Eigen::Index d, int k, double shift, double scale,
                                std::uint64_t block) {
  Rng rng = dist_rng(block);
  const Matrix real = gaussian_rows(n, d, rng);
  const Matrix gen = gaussian_rows(m, d, rng, shift, scale);
  const auto c = brute_counts(real, gen, k);
  const ManifoldMetrics got = manifold_metrics(real, gen, k, 2);
  EXPECT_EQ(got.precision, static_cast<double>(c.precision_hits) / static_cast<double>(m));
  EXPECT_EQ(got.recall, static_cast<double>(c.recall_hits) / static_cast<double>(n));
  EXPECT_EQ(got.density, static_cast<double>(c.density_sum) / (static_cast<double>(k) * static_cast<double>(m)));
  EXPECT_EQ(got.coverage, static_cast<double>(c.coverage_hits) / static_cast<double>(n));
  // The counts are not trivially 0 or all.
  EXPECT_GT(c.precision_hits, 0);
  EXPECT_GT(c.recall_hits, 0);
  EXPECT_TRUE(c.precision_hits < m || c.recall_hits < n || c.coverage_hits < n);

  const Vector radii = knn_radii(real, k, 3);
  const auto expected = testing::brute_radii_sq(real, k);
  for (Eigen::Index i = 0; i < n; ++i) EXPECT_EQ(radii(i), std::sqrt(expected[static_cast<std::size_t>(i)]));
}

TEST(Manifold, AgreesWithBruteForceWithinOneColumnBlock) { expect_matches_brute_force(600, 700, 5, 3, 0.4, 1.2, 1); }

TEST(Manifold, AgreesWithBruteForceAcrossColumnBlocks) { expect_matches_brute_force(1300, 1100, 3, 5, 0.3, 1.2, 2); }

TEST(Manifold, AgreesWithBruteForceInHighDimension) { expect_matches_brute_force(300, 280, 200, 4, 0.0, 0.9, 3); }

// Many duplicates and exact ties: the k + 8 GEMM candidates cannot certify the k-th distance, so
// rows fall back to direct sums; the result must still equal brute force.
TEST(Manifold, ManyDuplicatesAndGridTiesMatchBruteForce) {
  Rng rng = dist_rng(6);
  Matrix real = gaussian_rows(130, 2, rng);
  real.topRows(30).setZero();  // 30 copies of the origin
  Matrix grid(400, 2);
  for (Eigen::Index i = 0; i < 400; ++i) grid.row(i) << static_cast<double>(i % 20), static_cast<double>(i / 20);
  for (const auto& [a, b, k] : {std::tuple{real, grid * 0.1, 5}, std::tuple{grid, real * 5.0, 4}}) {
    const auto c = brute_counts(a, b, k);
    const ManifoldMetrics got = manifold_metrics(a, b, k, 2);
    EXPECT_EQ(got.precision, static_cast<double>(c.precision_hits) / static_cast<double>(b.rows()));
    EXPECT_EQ(got.recall, static_cast<double>(c.recall_hits) / static_cast<double>(a.rows()));
    EXPECT_EQ(got.density, static_cast<double>(c.density_sum) / (k * static_cast<double>(b.rows())));
    EXPECT_EQ(got.coverage, static_cast<double>(c.coverage_hits) / static_cast<double>(a.rows()));
    const Vector radii = knn_radii(a, k);
    const auto expected = testing::brute_radii_sq(a, k);
    for (Eigen::Index i = 0; i < a.rows(); ++i) EXPECT_EQ(radii(i), std::sqrt(expected[static_cast<std::size_t>(i)]));
  }
  EXPECT_EQ(knn_radii(real, 5)(0), 0.0);
}

// Each within-set pair is computed once and offered to both of its rows, from tasks that run in any
// order: over several row blocks and column blocks, with duplicates and ties scattered through them
// (rows drawn from a 6 x 6 grid), the radii must equal brute force for every thread count.
TEST(Manifold, RadiiFromSharedTilesMatchBruteForceAcrossBlocks) {
  Rng rng = dist_rng(8);
  const Matrix noise = gaussian_rows(1500, 2, rng);
  Matrix grid_points(1500, 2);
  for (Eigen::Index i = 0; i < 1500; ++i)
    for (Eigen::Index j = 0; j < 2; ++j) grid_points(i, j) = std::floor(std::abs(noise(i, j)) * 3.0);
  Matrix mixed = gaussian_rows(1500, 2, rng);
  mixed.bottomRows(700) = grid_points.bottomRows(700);  // ties in the later blocks only
  for (const Matrix* set : {&grid_points, &mixed}) {
    const auto expected = testing::brute_radii_sq(*set, 7);
    for (const int threads : {1, 2, 5}) {
      const Vector radii = knn_radii(*set, 7, threads);
      for (Eigen::Index i = 0; i < set->rows(); ++i)
        ASSERT_EQ(radii(i), std::sqrt(expected[static_cast<std::size_t>(i)])) << "row " << i << ", " << threads
                                                                                << " threads";
    }
  }
}

// Centred values beyond float's safe range take the double-precision path, with the same results.
TEST(Manifold, HugeValuesUseDoublePrecisionAndMatchBruteForce) {
  Rng rng = dist_rng(7);
  const Matrix real = gaussian_rows(300, 3, rng) * 1e13;
  const Matrix gen = gaussian_rows(280, 3, rng, 0.2) * 1e13;
  const auto c = brute_counts(real, gen, 3);
  const ManifoldMetrics got = manifold_metrics(real, gen, 3);
  EXPECT_EQ(got.precision, static_cast<double>(c.precision_hits) / 280.0);
  EXPECT_EQ(got.recall, static_cast<double>(c.recall_hits) / 300.0);
  EXPECT_EQ(got.density, static_cast<double>(c.density_sum) / (3.0 * 280.0));
  EXPECT_EQ(got.coverage, static_cast<double>(c.coverage_hits) / 300.0);
}

TEST(Manifold, InvariantToRowOrderAndToTranslatingBothSets) {
  Rng rng = dist_rng(4);
  const Matrix real = gaussian_rows(500, 4, rng);
  const Matrix gen = gaussian_rows(450, 4, rng, 0.2);
  const ManifoldMetrics base = manifold_metrics(real, gen, 5);

  std::vector<Eigen::Index> order(500);
  std::iota(order.begin(), order.end(), 0);
  std::reverse(order.begin(), order.end());
  std::swap(order[3], order[400]);
  Matrix real_perm(500, 4);
  for (Eigen::Index i = 0; i < 500; ++i) real_perm.row(i) = real.row(order[static_cast<std::size_t>(i)]);
  Matrix gen_perm = gen.colwise().reverse();
  const ManifoldMetrics permuted = manifold_metrics(real_perm, gen_perm, 5);
  EXPECT_EQ(permuted.precision, base.precision);
  EXPECT_EQ(permuted.recall, base.recall);
  EXPECT_EQ(permuted.density, base.density);
  EXPECT_EQ(permuted.coverage, base.coverage);

  // A large common offset: without centring, |x|^2 + |y|^2 - 2 x.y would lose ~8 digits here.
  const Eigen::RowVectorXd offset = Eigen::RowVectorXd::Constant(4, 1e4);
  const ManifoldMetrics moved = manifold_metrics(real.rowwise() + offset, gen.rowwise() + offset, 5);
  EXPECT_EQ(moved.precision, base.precision);
  EXPECT_EQ(moved.recall, base.recall);
  EXPECT_EQ(moved.density, base.density);
  EXPECT_EQ(moved.coverage, base.coverage);
}

TEST(Manifold, SameBytesForAnyThreadCount) {
  Rng rng = dist_rng(5);
  const Matrix real = gaussian_rows(1300, 8, rng);
  const Matrix gen = gaussian_rows(1100, 8, rng, 0.1);
  const ManifoldMetrics one = manifold_metrics(real, gen, 5, 1);
  const Vector radii_one = knn_radii(real, 5, 1);
  for (const int threads : {2, 5}) {
    const ManifoldMetrics many = manifold_metrics(real, gen, 5, threads);
    EXPECT_EQ(many.precision, one.precision);
    EXPECT_EQ(many.recall, one.recall);
    EXPECT_EQ(many.density, one.density);
    EXPECT_EQ(many.coverage, one.coverage);
    const Vector radii = knn_radii(real, 5, threads);
    EXPECT_EQ(0, std::memcmp(radii.data(), radii_one.data(), sizeof(double) * 1300));
  }
}

// Two samples of one continuous law: E[coverage] = 1 - C(N-1, k) / C(N+M-1, k) and E[density] = 1
// (Naeem et al. 2020), checked over 300 seeded replicates within 4 standard errors.
TEST(Manifold, ExpectationsForTwoSamplesOfOneDistribution) {
  const Eigen::Index n = 60;
  const Eigen::Index m = 80;
  const int k = 3;
  double ratio = 1;  // C(N-1, k) / C(N+M-1, k)
  for (int i = 0; i < k; ++i)
    ratio *= static_cast<double>(n - 1 - i) / static_cast<double>(n + m - 1 - i);
  const double expected_coverage = 1 - ratio;
  std::vector<double> coverage;
  std::vector<double> density;
  for (std::uint64_t r = 0; r < 300; ++r) {
    Rng rng = dist_rng(100 + r);
    const Matrix real = gaussian_rows(n, 2, rng);
    const Matrix gen = gaussian_rows(m, 2, rng);
    const ManifoldMetrics got = manifold_metrics(real, gen, k, 1, false);
    coverage.push_back(got.coverage);
    density.push_back(got.density);
  }
  const auto c = testing::summarise(coverage);
  const auto d = testing::summarise(density);
  EXPECT_NEAR(c.mean, expected_coverage, 4 * c.se) << "se " << c.se;
  EXPECT_NEAR(d.mean, 1.0, 4 * d.se) << "se " << d.se;
  EXPECT_LT(c.se, 0.01);
  // A shifted generated set covers less: the test can tell the difference.
  Rng rng = dist_rng(99);
  const Matrix real = gaussian_rows(2000, 2, rng);
  const Matrix far = gaussian_rows(2000, 2, rng, 1.5);
  EXPECT_LT(manifold_metrics(real, far, k, 2).coverage, expected_coverage - 10 * c.se);
}

TEST(Manifold, BadInputNamesTheProblem) {
  const Matrix three = column({0, 1, 2});
  try {
    manifold_metrics(three, column({0.5}), 3, 1, false);
    FAIL() << "too few rows for k";
  } catch (const DataError& e) {
    EXPECT_THAT(e.what(), HasSubstr("k = 3 need more than 3 rows"));
    EXPECT_THAT(e.what(), HasSubstr("real sample set"));
  }
  EXPECT_THROW(manifold_metrics(column({0, 1, 2, 3}), column({0.5}), 1, 1, true), DataError);  // recall needs k+1
  Matrix nan = column({0, 1, 2, 3});
  nan(2, 0) = std::nan("");
  try {
    manifold_metrics(column({0, 1, 2, 3}), nan, 1);
    FAIL() << "NaN accepted";
  } catch (const DataError& e) {
    EXPECT_THAT(e.what(), HasSubstr("row 2"));
    EXPECT_THAT(e.what(), HasSubstr("NaN"));
  }
  EXPECT_THROW(manifold_metrics(column({0, 1, 2, 3}), Matrix::Zero(3, 2), 1), DataError);
  EXPECT_THROW(manifold_metrics(column({0, 1, 2, 3}), column({0, 1}), 0), DataError);
  EXPECT_THROW(manifold_metrics(Matrix(0, 1), column({0, 1}), 1), DataError);
}

}  // namespace
}  // namespace ouro
