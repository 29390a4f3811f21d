// The kde family: see kde.hpp for the bandwidth rules and the sampling convention.
//
// The model whitens its training rows once (Y = X W^T with W the kernel's whitener), so scoring a
// row is a sum over kernels of ||W x - Y_j||^2 taken as differences (not the expanded
// ||a||^2 + ||b||^2 - 2 a.b, which cancels badly for a test point next to a training point).
#include "ouro/models/kde.hpp"

#include <cmath>
#include <limits>

#include "covariance_factor.hpp"
#include "model_checks.hpp"
#include "ouro/core/error.hpp"

namespace ouro {
namespace {

constexpr double kMinusInf = -std::numeric_limits<double>::infinity();

class Kde final : public GenerativeModel {
 public:
  Kde(Matrix points, Matrix kernel)
      : points_(std::move(points)),
        kernel_(std::move(kernel)),
        factor_(kernel_),
        whitened_(points_ * factor_.whitener().transpose()),
        null_(points_ * factor_.null_basis().transpose()),
        norms_(points_.rowwise().norm()) {}

  std::string_view family() const override { return "kde"; }
  Eigen::Index dim() const override { return points_.cols(); }

  Matrix sample(std::size_t n, double bias, Rng& rng) const override {
    detail::check_bias(bias, "kde");
    const Eigen::Index d = dim();
    const double scale = std::sqrt(bias);
    const Matrix& root = factor_.root();
    Matrix out(static_cast<Eigen::Index>(n), d);
    Vector z(d);
    for (Eigen::Index i = 0; i < out.rows(); ++i) {
      const auto j = static_cast<Eigen::Index>(rng.below(static_cast<std::uint64_t>(points_.rows())));
      rng.fill_normal({z.data(), static_cast<std::size_t>(d)});
      out.row(i) = points_.row(j) + scale * (root * z).transpose();
    }
    return out;
  }

  Vector log_prob(const Matrix& x) const override {
    detail::check_columns(x, dim(), "kde log_prob");
    const Eigen::Index n = points_.rows();
    const Matrix whitened_x = x * factor_.whitener().transpose();
    const Matrix null_x = x * factor_.null_basis().transpose();
    const double constant = factor_.log_norm() - std::log(static_cast<double>(n));
    Vector terms(n);
    Vector out(x.rows());
    for (Eigen::Index i = 0; i < x.rows(); ++i) {
      const double x_norm = x.row(i).norm();
      for (Eigen::Index j = 0; j < n; ++j) {
        terms(j) = -0.5 * (whitened_x.row(i) - whitened_.row(j)).squaredNorm();
        if (factor_.singular() &&
            (null_x.row(i) - null_.row(j)).norm() > detail::kSupportTolerance * (x_norm + norms_(j))) {
          terms(j) = kMinusInf;
        }
      }
      out(i) = detail::log_sum_exp(terms) + constant;
    }
    return out;
  }

  std::optional<Moments> moments() const override {
    Moments m;
    m.mean = points_.colwise().mean().transpose();
    const Matrix centered = points_.rowwise() - m.mean.transpose();
    m.cov = (centered.transpose() * centered) / static_cast<double>(points_.rows()) + kernel_;
    return m;
  }

 private:
  Matrix points_;
  Matrix kernel_;
  detail::CovarianceFactor factor_;
  Matrix whitened_;  // points_ W^T (n x rank)
  Matrix null_;      // points_ projected on the kernel's null directions (n x (d - rank))
  Vector norms_;     // ||x_j||, the scale of the support test
};

}  // namespace

double bandwidth_factor(BandwidthRule rule, double n, Eigen::Index d) {
  const double exponent = -1.0 / (static_cast<double>(d) + 4.0);
  switch (rule) {
    case BandwidthRule::kScott: return std::pow(n, exponent);
    case BandwidthRule::kSilverman: return std::pow(n * (static_cast<double>(d) + 2.0) / 4.0, exponent);
    case BandwidthRule::kFixed: break;
  }
  throw DataError("kde: a fixed bandwidth has no rule factor");
}

Matrix kde_kernel_covariance(const Matrix& data, const KdeBandwidth& bandwidth) {
  const Eigen::Index d = data.cols();
  if (bandwidth.rule == BandwidthRule::kFixed) return Matrix::Identity(d, d) * (bandwidth.h * bandwidth.h);
  const Eigen::Index n = data.rows();
  OURO_CHECK(n >= 2, DataError, "kde: a bandwidth rule needs at least 2 samples, got {}", n);
  const Matrix centered = data.rowwise() - data.colwise().mean();
  const double factor = bandwidth_factor(bandwidth.rule, static_cast<double>(n), d);
  return (centered.transpose() * centered) * (factor * factor / static_cast<double>(n - 1));
}

KdeFamily::KdeFamily(Eigen::Index dim, KdeBandwidth bandwidth) : dim_(dim), bandwidth_(bandwidth) {
  OURO_CHECK(dim >= 1, DataError, "kde family: dimension must be at least 1, got {}", dim);
  OURO_CHECK(bandwidth.rule != BandwidthRule::kFixed || (std::isfinite(bandwidth.h) && bandwidth.h > 0.0), DataError,
             "kde family: a numeric bandwidth must be a finite number > 0, got {}", bandwidth.h);
}

std::size_t KdeFamily::min_samples(Eigen::Index dim) const {
  (void)dim;
  return bandwidth_.rule == BandwidthRule::kFixed ? 1 : 2;
}

std::unique_ptr<GenerativeModel> KdeFamily::fit_model(const Samples& samples, Rng& rng,
                                                      const GenerativeModel* /*start*/,
                                                      const GenerativeModel* /*generation0*/) const {
  const Matrix& data = samples.real();
  (void)rng;
  detail::check_fit_input(data, dim_, min_samples(dim_), "kde fit", "");
  Matrix kernel = kde_kernel_covariance(data, bandwidth_);
  OURO_CHECK(kernel.allFinite(), DataError, "kde fit: the data covariance overflows a double");
  return std::make_unique<Kde>(data, std::move(kernel));
}

}  // namespace ouro
