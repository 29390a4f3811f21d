// The gaussian family: a multivariate normal fitted by its sample mean and scatter.
//
// Fit: mean = sample mean; covariance = scatter / n (estimator "mle") or scatter / (n - 1)
// ("unbiased"). Both need n >= d + 1 rows (fewer rows always give a singular covariance), which is
// what min_samples reports. Data that is itself degenerate (identical rows, rows on a line) still
// fits, to a singular covariance: that is what model collapse looks like, not an error.
//
// Sampling with bias lambda draws N(mean, lambda * cov) through a symmetric eigendecomposition with
// negative (rounding) eigenvalues clamped to 0, so a singular or numerically indefinite covariance
// never produces NaN and a fully collapsed model (cov = 0) returns its mean exactly. In one
// dimension a scalar fast path skips the decomposition and every allocation except the result
// (the benchmark fits and samples 1-D Gaussians millions of times).
//
// log_prob is the exact Gaussian log density. When the covariance is singular (eigenvalues at or
// below 1e-12 times the largest count as 0; in 1-D: variance exactly 0) the law lives on the affine
// subspace mean + range(cov), and we return:
//   - -inf for a point whose offset from the mean has a component along a null direction (beyond
//     relative rounding of 1e-9 of ||x|| + ||mean||), i.e. every point off the support;
//   - for a point on the support, the log density with respect to Lebesgue measure on that
//     subspace: -0.5 (r log 2pi + log pdet(cov) + Mahalanobis^2 along the support), with r the rank
//     and pdet the pseudo-determinant. With cov = 0 the model is a point mass: log_prob is 0 at the
//     mean and -inf everywhere else.
// A continuous test set therefore scores -inf (NLL +inf) against a collapsed model, which is the
// honest answer. mean_log_prob uses the closed form from the test set's mean and scatter when the
// covariance is non-singular and otherwise averages log_prob, so both follow the same rule.
#pragma once

#include <memory>

#include "ouro/models/generative_model.hpp"

namespace ouro {

enum class GaussianEstimator { kMle, kUnbiased };

class GaussianFamily final : public ModelFamily {
 public:
  // `dim`: the columns of every training set (the truth's dimension).
  explicit GaussianFamily(Eigen::Index dim, GaussianEstimator estimator = GaussianEstimator::kMle);

  std::string_view name() const override { return "gaussian"; }
  Capabilities capabilities() const override {
    return {.samples = SampleKind::kRealVector, .moments = true, .gaussian_law = true, .feature_embedding = true};
  }
  // d + 1 for both estimators.
  std::size_t min_samples(Eigen::Index dim) const override;

  GaussianEstimator estimator() const { return estimator_; }

 protected:
  std::unique_ptr<GenerativeModel> fit_model(const Samples& data, Rng& rng,
                                             const GenerativeModel* start,
                                             const GenerativeModel* generation0) const override;

 private:
  Eigen::Index dim_;
  GaussianEstimator estimator_;
};

// The model N(mean, cov) itself, for callers that know the parameters (tests, theory checks).
// `cov` must be square, finite and of the mean's size (DataError otherwise); it may be singular.
std::unique_ptr<GenerativeModel> make_gaussian_model(Vector mean, Matrix cov);

}  // namespace ouro
