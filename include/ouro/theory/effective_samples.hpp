// Effective real sample size: how many real samples alone would bring a Gaussian fit as close to
// the truth as a self-consuming loop's limit is (MAD's phase diagrams, docs/phase.md).
//
// The yardstick is generation 0 of the loop with n0 = n: the Gaussian fitted (MLE or unbiased) on
// n i.i.d. draws of the truth. For the metrics whose expectation over such fits has a closed form,
// f(n) = E[metric of the fit on n draws] is strictly monotone in n, and the effective sample size
// of a distance D is the real n >= 1 with f(n) = D:
//   mean_shift   f(n) = s / n                                  (any dimension; gaussian or gmm truth)
//   trace_ratio  f(n) = (n - 1) / n                            (MLE only: the unbiased fit has f = 1)
//   variance     f(n) = s (n - 1) / n                          (1-D, MLE only)
//   w2           f(n) = s / n + s (sqrt(k / c) - 1)^2 + 2 s sqrt(k / c) (1 - E sqrt(chi2_k) / sqrt(k))
//                with k = n - 1, c = c(n)                      (1-D, gaussian truth)
// where s = tr Sigma. n is continuous: the chi moments use Gamma functions of real arguments.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "ouro/theory/gaussian_theory.hpp"

namespace ouro::theory {

struct GaussianFitSetting {
  double trace_sigma = 1.0;    // s = tr Sigma of the truth
  std::int64_t dim = 1;        // the truth's dimension
  Estimator estimator = Estimator::kMle;
  bool gaussian_truth = true;  // false: another i.i.d. law with these moments (gmm): first moments only
};

// True when `metric` has a closed-form f(n) in this setting (and f is not constant).
bool has_effective_sample_curve(std::string_view metric, const GaussianFitSetting& setting);

// f(n) for a real n > 1 (see above). Throws ConfigError when the metric has no curve here.
double gaussian_fit_expectation(std::string_view metric, double n, const GaussianFitSetting& setting);

// The n >= 1 with f(n) = distance: +infinity when the distance is at or below f's limit as
// n -> infinity (more real data could not do better), nullopt when the metric has no curve here or
// the distance is beyond what one real sample gives (n < 1).
std::optional<double> gaussian_effective_real_samples(std::string_view metric, double distance,
                                                      const GaussianFitSetting& setting);

}  // namespace ouro::theory
