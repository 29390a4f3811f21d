// Gaussian and Gaussian-mixture truths, and the Gaussian law both are built from.
//
// truth.kind = "gaussian": N(truth.mean, truth.cov). truth.cov may be singular (data on a
// subspace); it is factored by a symmetric eigendecomposition, which samples such laws exactly,
// where a Cholesky factor would fail.
//
// truth.kind = "gmm": sum_k w_k N(truth.means[k], truth.covs[k]) with truth.weights normalised.
// Its moments are the mixture's: mean sum_k w_k mu_k, covariance
// sum_k w_k (Sigma_k + mu_k mu_k^T) - mu mu^T; log_prob is the log-sum-exp over components.
#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

#include <Eigen/Eigenvalues>
#include <fmt/format.h>

#include "ouro/core/config.hpp"
#include "ouro/core/error.hpp"
#include "truth_kinds.hpp"

namespace ouro::detail {
namespace {

// Eigenvalues at or below this fraction of the largest are rounding, i.e. exactly 0.
constexpr double kRankTolerance = 1e-12;
// A user's covariance may be off by rounding in the last digits of what they typed.
constexpr double kUserTolerance = 1e-9;
// A null-direction offset this small relative to ||x|| + ||mean|| is rounding in x - mean.
constexpr double kSupportTolerance = 1e-9;
constexpr double kLog2Pi = 1.8378770664093454836;

}  // namespace

void check_covariance(const Config& config, std::string_view key, std::string_view what, const Matrix& cov,
                      Eigen::Index d, std::string_view dimension_source) {
  if (cov.rows() != d || cov.cols() != d) {
    config.fail(key, fmt::format("{}the covariance is {} x {}, expected {} x {} ({})", what, cov.rows(), cov.cols(),
                                 d, d, dimension_source));
  }
  if (!cov.allFinite()) config.fail(key, fmt::format("{}the covariance holds a non-finite value", what));
  const double scale = cov.cwiseAbs().maxCoeff();
  const double asymmetry = (cov - cov.transpose()).cwiseAbs().maxCoeff();
  if (asymmetry > kUserTolerance * scale) {
    config.fail(key, fmt::format("{}the covariance is not symmetric (largest |C_ij - C_ji| = {})", what, asymmetry));
  }
  const Matrix symmetric = 0.5 * (cov + cov.transpose());
  const Eigen::SelfAdjointEigenSolver<Matrix> eigen(symmetric, Eigen::EigenvaluesOnly);
  const double smallest = eigen.eigenvalues().minCoeff();
  const double largest = eigen.eigenvalues().cwiseAbs().maxCoeff();
  if (smallest < -kUserTolerance * largest) {
    config.fail(key, fmt::format("{}the covariance is not positive semi-definite (smallest eigenvalue {:.6g})", what,
                                 smallest));
  }
}

GaussianLaw::GaussianLaw(Vector mean, Matrix cov) : mean_(std::move(mean)), cov_(0.5 * (cov + cov.transpose())) {
  const Eigen::Index d = mean_.size();
  const Eigen::SelfAdjointEigenSolver<Matrix> eigen(cov_);
  const Vector& values = eigen.eigenvalues();  // ascending
  const Matrix& vectors = eigen.eigenvectors();
  const double cutoff = kRankTolerance * std::max(values.maxCoeff(), 0.0);
  Eigen::Index null_count = 0;
  while (null_count < d && values(null_count) <= cutoff) ++null_count;
  const Eigen::Index rank = d - null_count;

  root_ = Matrix::Zero(d, d);
  whitener_.resize(rank, d);
  null_basis_.resize(null_count, d);
  double log_pdet = 0.0;
  for (Eigen::Index i = 0; i < d; ++i) {
    if (i < null_count) {
      null_basis_.row(i) = vectors.col(i).transpose();
      continue;
    }
    const double value = values(i);
    root_.col(i) = vectors.col(i) * std::sqrt(value);
    whitener_.row(i - null_count) = vectors.col(i).transpose() / std::sqrt(value);
    log_pdet += std::log(value);
  }
  log_norm_ = -0.5 * (static_cast<double>(rank) * kLog2Pi + log_pdet);
}

Vector GaussianLaw::log_density(const Matrix& x) const {
  OURO_CHECK(x.cols() == dim(), DataError, "gaussian truth log_prob: expected {} columns, got {}", dim(), x.cols());
  const Matrix delta = x.rowwise() - mean_.transpose();
  Vector out = Vector::Constant(x.rows(), log_norm_);
  // A zero covariance has rank 0; see CovarianceFactor::log_density for why the guard.
  if (whitener_.rows() > 0) out -= 0.5 * (delta * whitener_.transpose()).rowwise().squaredNorm();
  if (null_basis_.rows() > 0) {
    const Matrix off = delta * null_basis_.transpose();
    for (Eigen::Index i = 0; i < x.rows(); ++i) {
      const double allowed = kSupportTolerance * (x.row(i).norm() + mean_.norm());
      if (off.row(i).cwiseAbs().maxCoeff() > allowed) out(i) = -std::numeric_limits<double>::infinity();
    }
  }
  return out;
}

namespace {

class GaussianTruth final : public Truth {
 public:
  explicit GaussianTruth(GaussianLaw law) : law_(std::move(law)) {}

  std::string_view kind() const override { return "gaussian"; }
  Eigen::Index dim() const override { return law_.dim(); }

  Matrix sample(std::size_t n, Rng& rng) const override {
    Matrix out(static_cast<Eigen::Index>(n), dim());
    Vector z(dim());
    for (Eigen::Index i = 0; i < out.rows(); ++i) law_.draw(out.row(i), z, rng);
    return out;
  }

  std::optional<Moments> moments() const override { return Moments{law_.mean(), law_.cov()}; }
  std::optional<Vector> log_prob(const Matrix& x) const override { return law_.log_density(x); }

 private:
  GaussianLaw law_;
};

class GmmTruth final : public Truth {
 public:
  GmmTruth(Vector weights, std::vector<GaussianLaw> components)
      : weights_(std::move(weights)), components_(std::move(components)) {
    cumulative_.resize(weights_.size());
    double sum = 0.0;
    for (Eigen::Index k = 0; k < weights_.size(); ++k) {
      sum += weights_(k);
      cumulative_[k] = sum;
      if (weights_(k) > 0) last_positive_ = static_cast<std::size_t>(k);
    }
    const Eigen::Index d = components_.front().dim();
    moments_.mean = Vector::Zero(d);
    moments_.cov = Matrix::Zero(d, d);
    for (std::size_t k = 0; k < components_.size(); ++k) {
      const GaussianLaw& c = components_[k];
      const double w = weights_(static_cast<Eigen::Index>(k));
      moments_.mean += w * c.mean();
      moments_.cov += w * (c.cov() + c.mean() * c.mean().transpose());
    }
    moments_.cov -= moments_.mean * moments_.mean.transpose();
    moments_.cov = 0.5 * (moments_.cov + moments_.cov.transpose());
  }

  std::string_view kind() const override { return "gmm"; }
  Eigen::Index dim() const override { return components_.front().dim(); }

  // Per row: one uniform picks the component (inverse CDF of the weights), then d normals.
  Matrix sample(std::size_t n, Rng& rng) const override {
    Matrix out(static_cast<Eigen::Index>(n), dim());
    Vector z(dim());
    for (Eigen::Index i = 0; i < out.rows(); ++i) {
      const double u = rng.uniform();
      auto k = static_cast<std::size_t>(std::upper_bound(cumulative_.begin(), cumulative_.end(), u) -
                                        cumulative_.begin());
      k = std::min(k, last_positive_);  // rounding in the last cumulative weight
      components_[k].draw(out.row(i), z, rng);
    }
    return out;
  }

  std::optional<Moments> moments() const override { return moments_; }

  std::optional<Vector> log_prob(const Matrix& x) const override {
    Matrix terms(x.rows(), static_cast<Eigen::Index>(components_.size()));
    for (std::size_t k = 0; k < components_.size(); ++k) {
      const double w = weights_(static_cast<Eigen::Index>(k));
      const auto col = static_cast<Eigen::Index>(k);
      if (w > 0) {
        terms.col(col) = components_[k].log_density(x).array() + std::log(w);
      } else {
        terms.col(col).setConstant(-std::numeric_limits<double>::infinity());
      }
    }
    Vector out(x.rows());
    for (Eigen::Index i = 0; i < x.rows(); ++i) {
      const double top = terms.row(i).maxCoeff();
      out(i) = std::isfinite(top) ? top + std::log((terms.row(i).array() - top).exp().sum()) : top;
    }
    return out;
  }

 private:
  Vector weights_;
  std::vector<GaussianLaw> components_;
  std::vector<double> cumulative_;
  std::size_t last_positive_ = 0;
  Moments moments_;
};

}  // namespace

std::unique_ptr<Truth> make_gaussian_truth(const Config& config, std::uint64_t /*seed*/) {
  // truth.dim alone is shorthand for the standard normal N(0, I_d), the setting of high-dimensional
  // experiments (MAD's d = 100), which would otherwise need a d x d identity written out.
  if (config.user_set("truth.dim")) {
    if (config.user_set("truth.mean") || config.user_set("truth.cov"))
      config.fail("truth.dim", "give either truth.dim (for N(0, I_d)) or truth.mean and truth.cov, not both");
    const auto d = static_cast<Eigen::Index>(config.integer("truth.dim"));
    return std::make_unique<GaussianTruth>(GaussianLaw(Vector::Zero(d), Matrix::Identity(d, d)));
  }
  const std::vector<double>& mean = config.reals("truth.mean");
  if (mean.empty()) config.fail("truth.mean", "the mean needs at least one entry (its length is the dimension)");
  for (double m : mean) {
    if (!std::isfinite(m)) config.fail("truth.mean", "every entry must be finite");
  }
  const auto d = static_cast<Eigen::Index>(mean.size());
  const Matrix& cov = config.matrix("truth.cov");
  check_covariance(config, "truth.cov", "", cov, d, fmt::format("truth.mean has {} entries", d));
  return std::make_unique<GaussianTruth>(GaussianLaw(Eigen::Map<const Vector>(mean.data(), d), cov));
}

std::unique_ptr<Truth> make_gmm_truth(const Config& config, std::uint64_t /*seed*/) {
  const std::vector<double>& raw_weights = config.reals("truth.weights");
  const Matrix& means = config.matrix("truth.means");
  const std::vector<Matrix>& covs = config.matrices("truth.covs");
  const auto k = static_cast<Eigen::Index>(raw_weights.size());
  if (k == 0) config.fail("truth.weights", "a gmm truth needs at least one component weight");
  double total = 0.0;
  for (double w : raw_weights) {
    if (!std::isfinite(w) || w < 0) config.fail("truth.weights", "weights must be finite and non-negative");
    total += w;
  }
  if (!(total > 0)) config.fail("truth.weights", "the weights sum to 0; at least one must be positive");
  if (means.rows() != k) {
    config.fail("truth.means", fmt::format("{} rows (component means), but truth.weights has {} components",
                                           means.rows(), k));
  }
  if (!means.allFinite()) config.fail("truth.means", "every entry must be finite");
  if (static_cast<Eigen::Index>(covs.size()) != k) {
    config.fail("truth.covs", fmt::format("{} covariance matrices, but truth.weights has {} components", covs.size(),
                                          k));
  }
  const Eigen::Index d = means.cols();
  std::vector<GaussianLaw> components;
  for (Eigen::Index j = 0; j < k; ++j) {
    check_covariance(config, "truth.covs", fmt::format("component {} (counting from 0): ", j), covs[j], d,
                     fmt::format("truth.means has {} columns", d));
    components.emplace_back(means.row(j).transpose(), covs[j]);
  }
  const Vector weights = Eigen::Map<const Vector>(raw_weights.data(), k) / total;
  return std::make_unique<GmmTruth>(weights, std::move(components));
}

}  // namespace ouro::detail
