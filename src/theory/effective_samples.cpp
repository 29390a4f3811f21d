// Effective real sample sizes from the generation-0 laws of the Gaussian fit: see
// effective_samples.hpp and docs/phase.md.
#include "ouro/theory/effective_samples.hpp"

#include <cmath>
#include <limits>

#include "ouro/core/error.hpp"

namespace ouro::theory {
namespace {

// 1 - E[sqrt(chi2_k)] / sqrt(k) for a real k > 0. Far out, the Gamma ratio loses every digit to
// cancellation (lgamma of 1e9 is 2e10), so large k uses its asymptotic series, whose error at
// k = 100 is 2e-9 relative (checked against 40-digit arithmetic).
double chi_shortfall(double k) {
  if (k >= 100.0) {
    return 1.0 / (4 * k) - 1.0 / (32 * k * k) - 5.0 / (128 * k * k * k) + 21.0 / (2048 * k * k * k * k);
  }
  return 1.0 - std::sqrt(2.0 / k) * std::exp(std::lgamma((k + 1) / 2) - std::lgamma(k / 2));
}

double divisor(double n, Estimator estimator) { return estimator == Estimator::kUnbiased ? n - 1 : n; }

}  // namespace

bool has_effective_sample_curve(std::string_view metric, const GaussianFitSetting& setting) {
  if (metric == "mean_shift") return setting.trace_sigma > 0;
  const bool mle = setting.estimator == Estimator::kMle;
  if (metric == "trace_ratio") return mle && setting.trace_sigma > 0;
  if (metric == "variance") return mle && setting.dim == 1 && setting.trace_sigma > 0;
  if (metric == "w2") return setting.dim == 1 && setting.gaussian_truth && setting.trace_sigma > 0;
  return false;
}

double gaussian_fit_expectation(std::string_view metric, double n, const GaussianFitSetting& setting) {
  OURO_CHECK(has_effective_sample_curve(metric, setting), ConfigError,
             "effective sample size: metric '{}' has no closed-form curve for this Gaussian setting", metric);
  OURO_CHECK(n > 1, ConfigError, "effective sample size: n must be > 1 (got {})", n);
  const double s = setting.trace_sigma;
  // E[scatter of n draws] = (n - 1) Sigma, divided by c(n).
  const double shrink = (n - 1) / divisor(n, setting.estimator);
  if (metric == "mean_shift") return s / n;
  if (metric == "trace_ratio") return shrink;
  if (metric == "variance") return s * shrink;
  // w2: E(mu_0 - mu)^2 + E(sqrt(v_0) - sigma)^2, written so that nothing cancels for large n:
  // E sqrt(v_0) = sigma sqrt(k / c) (1 - shortfall).
  const double root = std::sqrt(shrink);
  return s / n + s * (root - 1) * (root - 1) + 2 * s * root * chi_shortfall(n - 1);
}

std::optional<double> gaussian_effective_real_samples(std::string_view metric, double distance,
                                                      const GaussianFitSetting& setting) {
  if (!has_effective_sample_curve(metric, setting) || !std::isfinite(distance)) return std::nullopt;
  constexpr double kInfinity = std::numeric_limits<double>::infinity();
  const double s = setting.trace_sigma;
  // The first three invert by hand; the n -> infinity limits are 0 (mean_shift), 1 and s.
  if (metric == "mean_shift") {
    if (distance <= 0) return kInfinity;
    const double n = s / distance;
    return n >= 1 ? std::optional<double>(n) : std::nullopt;
  }
  if (metric == "trace_ratio" || metric == "variance") {
    const double ratio = metric == "trace_ratio" ? distance : distance / s;
    if (ratio >= 1) return kInfinity;
    const double n = 1 / (1 - ratio);  // (n - 1) / n = ratio
    return n >= 1 ? std::optional<double>(n) : std::nullopt;
  }
  // w2 decreases from f(1+) to 0: bisection on log n over [1, 1e15] (f(1e15) ~ 1.5e-15 s).
  if (distance <= 0) return kInfinity;
  double lo = std::log(1.0 + 1e-9), hi = std::log(1e15);
  if (distance >= gaussian_fit_expectation(metric, std::exp(lo), setting)) return std::nullopt;
  if (distance <= gaussian_fit_expectation(metric, std::exp(hi), setting)) return kInfinity;
  for (int i = 0; i < 200 && hi - lo > 1e-14; ++i) {
    const double mid = (lo + hi) / 2;
    if (gaussian_fit_expectation(metric, std::exp(mid), setting) > distance) lo = mid;
    else hi = mid;
  }
  return std::exp((lo + hi) / 2);
}

}  // namespace ouro::theory
