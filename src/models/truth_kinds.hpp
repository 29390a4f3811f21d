// Private to ouro_models: the builders behind make_truth, one per truth.kind, and the Gaussian law
// that the gaussian and gmm truths share.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "ouro/core/matrix.hpp"
#include "ouro/core/rng.hpp"
#include "ouro/models/truth.hpp"

namespace ouro {
class Config;
}

namespace ouro::detail {

std::unique_ptr<Truth> make_gaussian_truth(const Config& config, std::uint64_t seed);
std::unique_ptr<Truth> make_categorical_truth(const Config& config, std::uint64_t seed);
std::unique_ptr<Truth> make_gmm_truth(const Config& config, std::uint64_t seed);
std::unique_ptr<Truth> make_regression_truth(const Config& config, std::uint64_t seed);
std::unique_ptr<Truth> make_file_truth(const Config& config, std::uint64_t seed);
std::unique_ptr<Truth> make_corpus_truth(const Config& config, std::uint64_t seed);
std::unique_ptr<Truth> make_mnist_truth(const Config& config, std::uint64_t seed);
std::unique_ptr<Truth> make_fashion_mnist_truth(const Config& config, std::uint64_t seed);

// Checks that `cov` is a finite, symmetric, positive semi-definite d x d matrix; otherwise
// config.fail(key, ...) with `what` ("" or "component 2: ") leading the message.
void check_covariance(const Config& config, std::string_view key, std::string_view what, const Matrix& cov,
                      Eigen::Index d, std::string_view dimension_source);

// N(mean, cov) for a validated PSD cov, factored once by a symmetric eigendecomposition so that
// singular covariances sample and score without NaN.
//
// Density convention for a singular cov (the same one the gaussian family documents): eigenvalues
// at or below 1e-12 times the largest are 0; a point whose offset from the mean has a component
// along a null direction (beyond 1e-9 relative rounding) has log density -inf; a point on the
// support gets the density with respect to Lebesgue measure on the support,
// -0.5 (r log 2pi + log pdet + Mahalanobis^2), r the rank.
class GaussianLaw {
 public:
  GaussianLaw(Vector mean, Matrix cov);

  const Vector& mean() const { return mean_; }
  const Matrix& cov() const { return cov_; }
  Eigen::Index dim() const { return mean_.size(); }

  // Writes one draw into `row` (d values), using d standard normals from rng.
  template <typename Row>
  void draw(Row&& row, Vector& z, Rng& rng) const {
    rng.fill_normal({z.data(), static_cast<std::size_t>(z.size())});
    row = (mean_ + root_ * z).transpose();
  }

  // Log density of every row of x.
  Vector log_density(const Matrix& x) const;

 private:
  Vector mean_;
  Matrix cov_;
  Matrix root_;        // V sqrt(D): d x d
  Matrix whitener_;    // D_+^{-1/2} V_+^T: r x d
  Matrix null_basis_;  // V_0^T: (d - r) x d
  double log_norm_ = 0.0;
};

}  // namespace ouro::detail
