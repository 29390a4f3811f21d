// Helpers for the model-family tests: a minimal Truth (truths are built elsewhere; these tests only
// need kind/dim/probabilities/noise), fixed-seed streams, and sample statistics with their standard
// errors so that Monte-Carlo checks can state "within k standard errors".
#pragma once

#include <cmath>
#include <string>
#include <utility>

#include <gtest/gtest.h>

#include "ouro/core/matrix.hpp"
#include "ouro/core/rng.hpp"
#include "ouro/models/truth.hpp"

namespace ouro::testing {

// A truth that only answers the questions make_family asks.
class FakeTruth final : public Truth {
 public:
  FakeTruth(std::string kind, Eigen::Index dim, Vector probabilities = {}, double noise = 0.0)
      : kind_(std::move(kind)), dim_(dim), probabilities_(std::move(probabilities)), noise_(noise) {}

  std::string_view kind() const override { return kind_; }
  Eigen::Index dim() const override { return dim_; }
  Matrix sample(std::size_t n, Rng& rng) const override {
    Matrix out(static_cast<Eigen::Index>(n), dim_);
    rng.fill_normal({out.data(), static_cast<std::size_t>(out.size())});
    return out;
  }
  const Vector* probabilities() const override { return probabilities_.size() ? &probabilities_ : nullptr; }
  double noise_variance() const override { return noise_; }

 private:
  std::string kind_;
  Eigen::Index dim_;
  Vector probabilities_;
  double noise_;
};

inline Rng test_rng(std::uint64_t block, std::uint64_t seed = 11) {
  return Rng(seed, {Purpose::kUser, 0, 0, block});
}

// Population (divisor n) covariance of the rows.
inline Matrix population_cov(const Matrix& x) {
  const Matrix centered = x.rowwise() - x.colwise().mean();
  return (centered.transpose() * centered) / static_cast<double>(x.rows());
}

// Standard error of each entry of the sample covariance, estimated from the samples themselves:
// sd of the products (x_i - m_i)(x_j - m_j) over sqrt(n). Valid for any law with finite 4th moments.
inline Matrix cov_standard_errors(const Matrix& x) {
  const Eigen::Index d = x.cols();
  const double n = static_cast<double>(x.rows());
  const Matrix centered = x.rowwise() - x.colwise().mean();
  Matrix se(d, d);
  for (Eigen::Index i = 0; i < d; ++i) {
    for (Eigen::Index j = 0; j < d; ++j) {
      const Eigen::ArrayXd products = centered.col(i).array() * centered.col(j).array();
      const double mean = products.mean();
      se(i, j) = std::sqrt(((products - mean).square().mean()) / n);
    }
  }
  return se;
}

// Expects every entry of `actual` within k * se of `expected`.
inline void expect_within(const Matrix& actual, const Matrix& expected, const Matrix& se, double k,
                          const std::string& what) {
  ASSERT_EQ(actual.rows(), expected.rows()) << what;
  ASSERT_EQ(actual.cols(), expected.cols()) << what;
  for (Eigen::Index i = 0; i < actual.rows(); ++i) {
    for (Eigen::Index j = 0; j < actual.cols(); ++j) {
      EXPECT_NEAR(actual(i, j), expected(i, j), k * se(i, j)) << what << " entry (" << i << ", " << j << ")";
    }
  }
}

}  // namespace ouro::testing
