// The linear-regression family: ordinary least squares without intercept on rows [x_1..x_d, y].
//
// Fit: w_hat = argmin ||X w - y||^2 by column-pivoting Householder QR (stable without forming
// X^T X); a rank-deficient design is a DataError. min_samples(d + 1 columns) = d + 2: the loop's
// theory uses E||w_hat - w*||^2 = sigma^2 d / (T - d - 1) for a Gaussian design, which is finite only
// for T > d + 1 training rows (T = d gives an exact but infinitely variable interpolation).
//
// The model keeps w_hat, the truth's label-noise variance sigma^2 (a family setting: the model
// family is "OLS plus the known noise level", as in the model-collapse analyses), and for design
// "fixed" a copy of the training inputs X. Sampling with bias lambda writes rows
// [x, x.w_hat + sqrt(lambda sigma^2) z]: design "fixed" takes x = row (i mod T) of the training X, in
// order (one normal per row, for the label); design "fresh" draws x ~ N(0, I_d) (d normals, then
// the label's). log_prob of a row [x, y] is the conditional label density log N(y; x.w_hat, sigma^2)
// (lambda only affects sampling). coefficients() returns w_hat; moments() is nullopt.
#pragma once

#include <memory>

#include "ouro/models/generative_model.hpp"

namespace ouro {

enum class RegressionDesign { kFixed, kFresh };

class LinearRegressionFamily final : public ModelFamily {
 public:
  // `inputs`: d >= 1; `noise_variance`: sigma^2 > 0.
  LinearRegressionFamily(Eigen::Index inputs, double noise_variance, RegressionDesign design);

  std::string_view name() const override { return "linear-regression"; }
  // A synthetic label belongs to its design point (fixed design: the training inputs, in order),
  // so filters may not drop and redraw samples, and equal rows mean nothing.
  Capabilities capabilities() const override {
    return {.samples = SampleKind::kRegression, .coefficients = true, .exchangeable_samples = false,
            .exact_equality = false};
  }
  // dim + 1 = d + 2 (dim = d + 1 columns).
  std::size_t min_samples(Eigen::Index dim) const override;

  Eigen::Index inputs() const { return inputs_; }
  double noise_variance() const { return noise_variance_; }
  RegressionDesign design() const { return design_; }

 protected:
  std::unique_ptr<GenerativeModel> fit_model(const Samples& data, Rng& rng,
                                             const GenerativeModel* start,
                                             const GenerativeModel* generation0) const override;

 private:
  Eigen::Index inputs_;
  double noise_variance_;
  RegressionDesign design_;
};

}  // namespace ouro
