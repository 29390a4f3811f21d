// The linear-regression family: see linear_regression.hpp for the sampling and scoring contract.
#include "ouro/models/linear_regression.hpp"

#include <cmath>

#include "covariance_factor.hpp"
#include "model_checks.hpp"
#include "ouro/core/error.hpp"

namespace ouro {
namespace {

class LinearRegression final : public GenerativeModel {
 public:
  LinearRegression(Vector weights, double noise_variance, RegressionDesign design, Matrix design_rows)
      : weights_(std::move(weights)),
        noise_variance_(noise_variance),
        design_(design),
        design_rows_(std::move(design_rows)) {}

  std::string_view family() const override { return "linear-regression"; }
  Eigen::Index dim() const override { return weights_.size() + 1; }

  Matrix sample(std::size_t n, double bias, Rng& rng) const override {
    detail::check_bias(bias, "linear-regression");
    const Eigen::Index d = weights_.size();
    const double noise_sd = std::sqrt(bias * noise_variance_);
    Matrix out(static_cast<Eigen::Index>(n), d + 1);
    for (Eigen::Index i = 0; i < out.rows(); ++i) {
      if (design_ == RegressionDesign::kFixed) {
        out.row(i).head(d) = design_rows_.row(i % design_rows_.rows());
      } else {
        rng.fill_normal({out.row(i).data(), static_cast<std::size_t>(d)});
      }
      out(i, d) = out.row(i).head(d).dot(weights_) + noise_sd * rng.normal();
    }
    return out;
  }

  Vector log_prob(const Matrix& x) const override {
    const Eigen::Index d = weights_.size();
    detail::check_columns(x, d + 1, "linear-regression log_prob");
    const Vector residual = x.col(d) - x.leftCols(d) * weights_;
    return ((-0.5 / noise_variance_) * residual.array().square() -
            0.5 * (detail::kLog2Pi + std::log(noise_variance_)))
        .matrix();
  }

  const Vector* coefficients() const override { return &weights_; }

 private:
  Vector weights_;
  double noise_variance_;
  RegressionDesign design_;
  Matrix design_rows_;  // the training inputs (design "fixed"); empty otherwise
};

}  // namespace

LinearRegressionFamily::LinearRegressionFamily(Eigen::Index inputs, double noise_variance, RegressionDesign design)
    : inputs_(inputs), noise_variance_(noise_variance), design_(design) {
  OURO_CHECK(inputs >= 1, DataError, "linear-regression family: needs at least 1 input column, got {}", inputs);
  OURO_CHECK(std::isfinite(noise_variance) && noise_variance > 0.0, DataError,
             "linear-regression family: the noise variance must be a finite number > 0, got {}", noise_variance);
}

std::size_t LinearRegressionFamily::min_samples(Eigen::Index dim) const { return static_cast<std::size_t>(dim) + 1; }

std::unique_ptr<GenerativeModel> LinearRegressionFamily::fit_model(const Samples& samples, Rng& rng,
                                                                   const GenerativeModel* /*start*/,
                                                                   const GenerativeModel* /*generation0*/) const {
  const Matrix& data = samples.real();
  (void)rng;
  const Eigen::Index d = inputs_;
  detail::check_fit_input(data, d + 1, static_cast<std::size_t>(d) + 2, "linear-regression fit", "d+2");
  Matrix x = data.leftCols(d);
  const Eigen::ColPivHouseholderQR<Matrix> qr(x);
  OURO_CHECK(qr.rank() == d, DataError,
             "linear-regression fit: the {} x {} design has rank {}, so the least-squares weights are not unique",
             x.rows(), d, qr.rank());
  Vector weights = qr.solve(data.col(d));
  if (design_ == RegressionDesign::kFresh) x.resize(0, d);
  return std::make_unique<LinearRegression>(std::move(weights), noise_variance_, design_, std::move(x));
}

}  // namespace ouro
