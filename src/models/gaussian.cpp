// The gaussian family: see gaussian.hpp for the estimators and the singular-covariance rules.
//
// Two model classes: ScalarGaussian for d = 1 (two doubles, no Eigen decomposition, no allocation
// besides the sample matrix) and Gaussian for d >= 2 (a CovarianceFactor computed once at fit time).
#include "ouro/models/gaussian.hpp"

#include <cmath>
#include <limits>

#include "covariance_factor.hpp"
#include "model_checks.hpp"
#include "ouro/core/error.hpp"

namespace ouro {
namespace {

using detail::kLog2Pi;
constexpr double kMinusInf = -std::numeric_limits<double>::infinity();

class ScalarGaussian final : public GenerativeModel {
 public:
  ScalarGaussian(double mean, double variance) : mean_(mean), variance_(variance) {}

  std::string_view family() const override { return "gaussian"; }
  Eigen::Index dim() const override { return 1; }

  Matrix sample(std::size_t n, double bias, Rng& rng) const override {
    detail::check_bias(bias, "gaussian");
    Matrix out(static_cast<Eigen::Index>(n), 1);
    const double scale = std::sqrt(bias * variance_);
    double* data = out.data();
    for (std::size_t i = 0; i < n; ++i) data[i] = mean_ + scale * rng.normal();
    return out;
  }

  Vector log_prob(const Matrix& x) const override {
    detail::check_columns(x, 1, "gaussian log_prob");
    Vector out(x.rows());
    for (Eigen::Index i = 0; i < x.rows(); ++i) out(i) = log_prob_at(x(i, 0));
    return out;
  }

  double mean_log_prob(const TestSet& test) const override {
    detail::check_columns(test.x, 1, "gaussian mean_log_prob");
    if (variance_ == 0.0) return GenerativeModel::mean_log_prob(test);
    const double shift = test.mean(0) - mean_;
    return -0.5 * (kLog2Pi + std::log(variance_) + (test.scatter(0, 0) + shift * shift) / variance_);
  }

  std::optional<Moments> moments() const override {
    return Moments{Vector::Constant(1, mean_), Matrix::Constant(1, 1, variance_)};
  }

 private:
  double log_prob_at(double x) const {
    const double delta = x - mean_;
    if (variance_ > 0.0) return -0.5 * (kLog2Pi + std::log(variance_) + delta * delta / variance_);
    // A point mass: log mass 0 at the mean (up to rounding), -inf elsewhere.
    return std::abs(delta) <= detail::kSupportTolerance * (std::abs(x) + std::abs(mean_)) ? 0.0 : kMinusInf;
  }

  double mean_;
  double variance_;
};

class Gaussian final : public GenerativeModel {
 public:
  Gaussian(Vector mean, Matrix cov) : mean_(std::move(mean)), cov_(std::move(cov)), factor_(cov_) {}

  std::string_view family() const override { return "gaussian"; }
  Eigen::Index dim() const override { return mean_.size(); }

  Matrix sample(std::size_t n, double bias, Rng& rng) const override {
    detail::check_bias(bias, "gaussian");
    // Row i holds the d normals of sample i, drawn in order, so the stream layout is row by row.
    Matrix z(static_cast<Eigen::Index>(n), dim());
    rng.fill_normal({z.data(), static_cast<std::size_t>(z.size())});
    Matrix out = std::sqrt(bias) * (z * factor_.root().transpose());
    out.rowwise() += mean_.transpose();
    return out;
  }

  Vector log_prob(const Matrix& x) const override {
    detail::check_columns(x, dim(), "gaussian log_prob");
    return factor_.log_density(x, mean_);
  }

  double mean_log_prob(const TestSet& test) const override {
    detail::check_columns(test.x, dim(), "gaussian mean_log_prob");
    if (factor_.singular()) return GenerativeModel::mean_log_prob(test);
    // E[(x - mu)^T Sigma^-1 (x - mu)] over the test rows = tr(W (scatter + s s^T) W^T), s = m - mu.
    const Vector shift = test.mean - mean_;
    const Matrix& w = factor_.whitener();
    const double quadratic = (w * test.scatter * w.transpose()).trace() + (w * shift).squaredNorm();
    return factor_.log_norm() - 0.5 * quadratic;
  }

  std::optional<Moments> moments() const override { return Moments{mean_, cov_}; }

 private:
  Vector mean_;
  Matrix cov_;
  detail::CovarianceFactor factor_;
};

// sum_i term(x[i]) accumulated in four interleaved partial sums (i mod 4), then combined in a fixed order.
template <typename Term>
double strided_sum(const double* x, Eigen::Index n, Term term) {
  double partial[4] = {0.0, 0.0, 0.0, 0.0};
  Eigen::Index i = 0;
  for (; i + 4 <= n; i += 4) {
    partial[0] += term(x[i]);
    partial[1] += term(x[i + 1]);
    partial[2] += term(x[i + 2]);
    partial[3] += term(x[i + 3]);
  }
  for (; i < n; ++i) partial[i % 4] += term(x[i]);
  return (partial[0] + partial[1]) + (partial[2] + partial[3]);
}

}  // namespace

GaussianFamily::GaussianFamily(Eigen::Index dim, GaussianEstimator estimator) : dim_(dim), estimator_(estimator) {
  OURO_CHECK(dim >= 1, DataError, "gaussian family: dimension must be at least 1, got {}", dim);
}

std::size_t GaussianFamily::min_samples(Eigen::Index dim) const { return static_cast<std::size_t>(dim) + 1; }

std::unique_ptr<GenerativeModel> GaussianFamily::fit_model(const Samples& samples, Rng& rng,
                                                           const GenerativeModel* /*start*/,
                                                           const GenerativeModel* /*generation0*/) const {
  const Matrix& data = samples.real();
  (void)rng;  // the fit is deterministic
  const Eigen::Index n = data.rows();
  OURO_CHECK(data.cols() == dim_, DataError, "gaussian fit: expected {} column{} per sample, got {}", dim_,
             dim_ == 1 ? "" : "s", data.cols());
  OURO_CHECK(n >= dim_ + 1, DataError, "gaussian fit needs at least d+1 = {} samples, got {}", dim_ + 1, n);
  const double divisor = static_cast<double>(estimator_ == GaussianEstimator::kMle ? n : n - 1);

  if (dim_ == 1) {
    // Two passes over the contiguous column: the centred sum of squares avoids the cancellation of
    // sum(x^2) - n mean^2, and summing offsets from the first row makes identical rows give exactly
    // their value and variance 0 (a collapsed data set fits a collapsed model, not one with 1e-33
    // of rounding variance). A non-finite result means NaN/Inf input (or overflow): name it.
    // Four running sums side by side (a fixed order, so the result is the same on every run) keep
    // the additions from waiting on each other.
    const double* x = data.data();
    const double first = x[0];
    const double mean = first + strided_sum(x, n, [first](double v) { return v - first; }) / static_cast<double>(n);
    const double scatter = strided_sum(x, n, [mean](double v) { return (v - mean) * (v - mean); });
    if (!std::isfinite(mean) || !std::isfinite(scatter)) {
      check_finite(data, "gaussian fit");
      throw DataError("gaussian fit: the sample mean or variance overflows a double");
    }
    return std::make_unique<ScalarGaussian>(mean, scatter / divisor);
  }

  check_finite(data, "gaussian fit");
  // Offsets from the first row, as in the 1-D path: identical rows give exactly a zero covariance.
  Vector mean = data.row(0).transpose() + (data.rowwise() - data.row(0)).colwise().mean().transpose();
  const Matrix centered = data.rowwise() - mean.transpose();
  Matrix cov = (centered.transpose() * centered) / divisor;
  OURO_CHECK(cov.allFinite(), DataError, "gaussian fit: the sample covariance overflows a double");
  return std::make_unique<Gaussian>(std::move(mean), std::move(cov));
}

std::unique_ptr<GenerativeModel> make_gaussian_model(Vector mean, Matrix cov) {
  const Eigen::Index d = mean.size();
  OURO_CHECK(d >= 1 && cov.rows() == d && cov.cols() == d, DataError,
             "gaussian model: a mean of size {} needs a {} x {} covariance, got {} x {}", d, d, d, cov.rows(),
             cov.cols());
  OURO_CHECK(mean.allFinite() && cov.allFinite(), DataError, "gaussian model: mean and covariance must be finite");
  if (d == 1) {
    OURO_CHECK(cov(0, 0) >= 0.0, DataError, "gaussian model: variance must be >= 0, got {}", cov(0, 0));
    return std::make_unique<ScalarGaussian>(mean(0), cov(0, 0));
  }
  return std::make_unique<Gaussian>(std::move(mean), std::move(cov));
}

}  // namespace ouro
