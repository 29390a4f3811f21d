// Regression truth: x ~ N(0, I_d), y = x.w* + eps, eps ~ N(0, sigma^2); rows are [x_1..x_d, y].
//
// w* ~ N(0, I_d) is drawn once, from the first d normals of Rng(seed, {kTruthSetup, 0, 0, 0}), so
// every replicate of a run shares it and it is a pure function of the master seed. Each sample
// takes d normals for x, then one for the noise.
#include <cmath>

#include "ouro/core/config.hpp"
#include "ouro/core/error.hpp"
#include "truth_kinds.hpp"

namespace ouro::detail {
namespace {

constexpr double kLog2Pi = 1.8378770664093454836;

class RegressionTruth final : public Truth {
 public:
  RegressionTruth(Vector weights, double noise) : weights_(std::move(weights)), noise_(noise) {
    const Eigen::Index d = weights_.size();
    moments_.mean = Vector::Zero(d + 1);
    moments_.cov = Matrix::Identity(d + 1, d + 1);
    moments_.cov.block(0, d, d, 1) = weights_;
    moments_.cov.block(d, 0, 1, d) = weights_.transpose();
    moments_.cov(d, d) = weights_.squaredNorm() + noise_;
  }

  std::string_view kind() const override { return "regression"; }
  Eigen::Index dim() const override { return weights_.size() + 1; }

  Matrix sample(std::size_t n, Rng& rng) const override {
    const Eigen::Index d = weights_.size();
    const double sigma = std::sqrt(noise_);
    Matrix out(static_cast<Eigen::Index>(n), d + 1);
    for (Eigen::Index i = 0; i < out.rows(); ++i) {
      double y = 0.0;
      for (Eigen::Index j = 0; j < d; ++j) {
        out(i, j) = rng.normal();
        y += out(i, j) * weights_(j);
      }
      out(i, d) = y + sigma * rng.normal();
    }
    return out;
  }

  std::optional<Moments> moments() const override { return moments_; }
  const Vector* coefficients() const override { return &weights_; }
  double noise_variance() const override { return noise_; }

  // log N(x; 0, I) + log N(y; x.w*, sigma^2).
  std::optional<Vector> log_prob(const Matrix& rows) const override {
    const Eigen::Index d = weights_.size();
    OURO_CHECK(rows.cols() == d + 1, DataError, "regression truth log_prob: expected {} columns, got {}", d + 1,
               rows.cols());
    const auto x = rows.leftCols(d);
    const Vector residual = rows.col(d) - x * weights_;
    return (-0.5 * (static_cast<double>(d + 1) * kLog2Pi + std::log(noise_)) -
            0.5 * x.rowwise().squaredNorm().array() - 0.5 * residual.array().square() / noise_)
        .matrix();
  }

 private:
  Vector weights_;
  double noise_;
  Moments moments_;
};

}  // namespace

std::unique_ptr<Truth> make_regression_truth(const Config& config, std::uint64_t seed) {
  const std::int64_t d = config.integer("truth.dim");
  if (d < 1) config.fail("truth.dim", "the input dimension must be at least 1");
  const double noise = config.real("truth.noise");
  if (!(noise > 0) || !std::isfinite(noise)) config.fail("truth.noise", "the noise variance must be finite and > 0");
  Rng rng(seed, {Purpose::kTruthSetup, 0, 0, 0});
  Vector weights(d);
  for (Eigen::Index j = 0; j < weights.size(); ++j) weights(j) = rng.normal();
  return std::make_unique<RegressionTruth>(std::move(weights), noise);
}

}  // namespace ouro::detail
