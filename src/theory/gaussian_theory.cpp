// Closed-form expectations for the Gaussian self-consuming loops (derivations in docs/theory.md).
#include "ouro/theory/gaussian_theory.hpp"

#include <algorithm>
#include <cmath>

#include "ouro/core/error.hpp"
#include "ouro/theory/special_functions.hpp"

namespace ouro::theory {
namespace {

// Every fit must have a positive divisor: the unbiased estimator needs two points.
void check_fit_size(const char* function, const char* what, std::int64_t n, Estimator estimator) {
  const std::int64_t least = estimator == Estimator::kUnbiased ? 2 : 1;
  OURO_CHECK(n >= least, ConfigError, "{}: {} = {} points cannot be fitted (the {} estimator needs at least {})",
             function, what, n, estimator == Estimator::kUnbiased ? "unbiased" : "MLE", least);
}

// `later_rows`: the training-set size of generations g >= 1 (ns, or nr + ns with real data).
void check_common(const char* function, const LoopSizes& sizes, Estimator estimator, std::int64_t later_rows) {
  OURO_CHECK(sizes.generations >= 0, ConfigError, "{}: generations must be >= 0 (got {})", function,
             sizes.generations);
  OURO_CHECK(sizes.bias > 0 && sizes.bias <= 1, ConfigError, "{}: bias lambda must be in (0, 1] (got {})", function,
             sizes.bias);
  check_fit_size(function, "initial", sizes.initial, estimator);
  if (sizes.generations > 0) {
    OURO_CHECK(sizes.synthetic >= 1, ConfigError, "{}: synthetic must be >= 1 (got {})", function, sizes.synthetic);
    check_fit_size(function, "later training set", later_rows, estimator);
  }
}

// E[Sigma_0] = a0 Sigma: the scatter of n0 points has mean (n0 - 1) Sigma.
double initial_shrink(const LoopSizes& sizes, Estimator estimator) {
  return static_cast<double>(sizes.initial - 1) / scatter_divisor(sizes.initial, estimator);
}

void check_real(const char* function, const LoopSizes& sizes) {
  OURO_CHECK(sizes.real >= 1, ConfigError, "{}: needs real >= 1 rows per generation (got {})", function, sizes.real);
}

}  // namespace

double scatter_divisor(std::int64_t n, Estimator estimator) {
  return static_cast<double>(estimator == Estimator::kUnbiased ? n - 1 : n);
}

std::vector<double> gaussian_replace_trace(double trace_sigma, const LoopSizes& sizes, Estimator estimator) {
  check_common("gaussian_replace_trace", sizes, estimator, sizes.synthetic);
  // Given Sigma_{g-1}, the scatter of ns draws from N(., lambda Sigma_{g-1}) has mean
  // (ns - 1) lambda Sigma_{g-1}.
  const double step = sizes.generations > 0 ? sizes.bias * static_cast<double>(sizes.synthetic - 1) /
                                                  scatter_divisor(sizes.synthetic, estimator)
                                            : 0.0;
  std::vector<double> out(static_cast<std::size_t>(sizes.generations + 1));
  out[0] = trace_sigma * initial_shrink(sizes, estimator);
  for (std::size_t g = 1; g < out.size(); ++g) out[g] = out[g - 1] * step;
  return out;
}

std::vector<double> gaussian_replace_mean_shift(double trace_sigma, const LoopSizes& sizes, Estimator estimator) {
  const std::vector<double> trace = gaussian_replace_trace(trace_sigma, sizes, estimator);
  // The mean is a martingale: mu_g - mu_{g-1} ~ N(0, lambda Sigma_{g-1} / ns) given the past, so the
  // squared increments add.
  std::vector<double> out(trace.size());
  out[0] = trace_sigma / static_cast<double>(sizes.initial);
  for (std::size_t g = 1; g < out.size(); ++g) {
    out[g] = out[g - 1] + sizes.bias * trace[g - 1] / static_cast<double>(sizes.synthetic);
  }
  return out;
}

std::vector<double> gaussian_replace_std(double sigma, const LoopSizes& sizes, Estimator estimator) {
  check_common("gaussian_replace_std", sizes, estimator, sizes.synthetic);
  // Sigma_g = sigma^2 (chi2_{n0-1} / c(n0)) prod_{i=1}^g lambda chi2_{ns-1} / c(ns), all independent.
  const double first =
      expected_sqrt_chi_square(sizes.initial - 1) / std::sqrt(scatter_divisor(sizes.initial, estimator));
  const double step = sizes.generations > 0 ? std::sqrt(sizes.bias) * expected_sqrt_chi_square(sizes.synthetic - 1) /
                                                  std::sqrt(scatter_divisor(sizes.synthetic, estimator))
                                            : 0.0;
  std::vector<double> out(static_cast<std::size_t>(sizes.generations + 1));
  out[0] = sigma * first;
  for (std::size_t g = 1; g < out.size(); ++g) out[g] = out[g - 1] * step;
  return out;
}

std::vector<double> gaussian_replace_logdet_ratio(std::int64_t dim, const LoopSizes& sizes, Estimator estimator) {
  check_common("gaussian_replace_logdet_ratio", sizes, estimator, sizes.synthetic);
  OURO_CHECK(dim >= 1, ConfigError, "gaussian_replace_logdet_ratio: dim must be >= 1 (got {})", dim);
  OURO_CHECK(sizes.initial - 1 >= dim && (sizes.generations == 0 || sizes.synthetic - 1 >= dim), ConfigError,
             "gaussian_replace_logdet_ratio: a {}-dimensional fit needs at least {} points (got initial = {}, "
             "synthetic = {}); with fewer the covariance is singular and log det = -inf",
             dim, dim + 1, sizes.initial, sizes.synthetic);
  const double d = static_cast<double>(dim);
  // Sigma_0 = Sigma^{1/2} W Sigma^{1/2} / c(n0) and Sigma_g = lambda Sigma_{g-1}^{1/2} W' Sigma_{g-1}^{1/2}
  // / c(ns): log det adds log det W - d log c (+ d log lambda) per generation.
  const double first =
      expected_log_det_wishart(dim, sizes.initial - 1) - d * std::log(scatter_divisor(sizes.initial, estimator));
  const double step = sizes.generations > 0
                          ? d * std::log(sizes.bias) + expected_log_det_wishart(dim, sizes.synthetic - 1) -
                                d * std::log(scatter_divisor(sizes.synthetic, estimator))
                          : 0.0;
  std::vector<double> out(static_cast<std::size_t>(sizes.generations + 1));
  out[0] = first;
  for (std::size_t g = 1; g < out.size(); ++g) out[g] = out[g - 1] + step;
  return out;
}

std::vector<double> gaussian_replace_w2(double sigma2, const LoopSizes& sizes, Estimator estimator) {
  OURO_CHECK(sigma2 >= 0, ConfigError, "gaussian_replace_w2: variance must be >= 0 (got {})", sigma2);
  const double sigma = std::sqrt(sigma2);
  const std::vector<double> shift = gaussian_replace_mean_shift(sigma2, sizes, estimator);
  const std::vector<double> variance = gaussian_replace_trace(sigma2, sizes, estimator);
  const std::vector<double> std_dev = gaussian_replace_std(sigma, sizes, estimator);
  // W2^2 between 1-D Gaussians is (m - mu)^2 + (s - sigma)^2; expand and take expectations.
  std::vector<double> out(shift.size());
  for (std::size_t g = 0; g < out.size(); ++g) {
    out[g] = shift[g] + variance[g] - 2.0 * sigma * std_dev[g] + sigma2;
  }
  return out;
}

FirstMoments gaussian_fresh(double trace_sigma, const LoopSizes& sizes, Estimator estimator) {
  check_common("gaussian_fresh", sizes, estimator, sizes.real + sizes.synthetic);
  // real = 0 is allowed: the recursion then reduces to the fully synthetic loop.
  OURO_CHECK(sizes.real >= 0, ConfigError, "gaussian_fresh: real must be >= 0 (got {})", sizes.real);
  const double s = trace_sigma;
  const double nr = static_cast<double>(sizes.real);
  const double ns = static_cast<double>(sizes.synthetic);
  const double n = nr + ns;
  const double lambda = sizes.bias;
  const double c = scatter_divisor(sizes.real + sizes.synthetic, estimator);
  FirstMoments out;
  out.trace.push_back(s * initial_shrink(sizes, estimator));
  out.mean_shift.push_back(s / static_cast<double>(sizes.initial));
  for (std::int64_t g = 1; g <= sizes.generations; ++g) {
    const double t = out.trace.back();
    const double m = out.mean_shift.back();
    // Scatter of the union = scatter_real + scatter_synthetic + (nr ns / N) (xbar - ybar)(xbar - ybar)^T,
    // with E||xbar - ybar||^2 = m + s / nr + lambda t / ns given the previous generation.
    out.trace.push_back(((n - 1) / n * (nr * s + ns * lambda * t) + nr * ns / n * m) / c);
    out.mean_shift.push_back((nr * s + ns * lambda * t + ns * ns * m) / (n * n));
  }
  return out;
}

FirstMoments gaussian_fixed(double trace_sigma, const LoopSizes& sizes, Estimator estimator) {
  check_common("gaussian_fixed", sizes, estimator, sizes.real + sizes.synthetic);
  check_real("gaussian_fixed", sizes);
  OURO_CHECK(sizes.real <= sizes.initial, ConfigError,
             "gaussian_fixed: the fixed real rows are the first real = {} rows of the initial {} rows", sizes.real,
             sizes.initial);
  const double s = trace_sigma;
  const double n0 = static_cast<double>(sizes.initial);
  const double nr = static_cast<double>(sizes.real);
  const double nu = n0 - nr;  // initial rows outside the fixed subset R
  const double ns = static_cast<double>(sizes.synthetic);
  const double n = nr + ns;
  const double lambda = sizes.bias;
  const double c = scatter_divisor(sizes.real + sizes.synthetic, estimator);
  // d_g = mu_g - rbar. Generation 0: d_0 = (nu / n0)(ubar - rbar), so D_0 = nu s / (n0 nr) and
  // C_0 = E[d_0 . (rbar - mu)] = -(nu / n0) s / nr.
  double t = s * initial_shrink(sizes, estimator);
  double dd = nu * s / (n0 * nr);
  double cross = -nu / n0 * s / nr;
  FirstMoments out;
  out.trace.push_back(t);
  out.mean_shift.push_back(dd + 2 * cross + s / nr);
  for (std::int64_t g = 1; g <= sizes.generations; ++g) {
    // E[tr scatter_R] = (nr - 1) s; d_g = (ns / N)(d_{g-1} + e), e ~ N(0, lambda Sigma_{g-1} / ns).
    const double next_t = ((nr - 1) * s + (ns - 1) * lambda * t + nr * ns / n * (dd + lambda * t / ns)) / c;
    const double next_dd = (ns * ns * dd + ns * lambda * t) / (n * n);
    cross *= ns / n;
    t = next_t;
    dd = next_dd;
    out.trace.push_back(t);
    out.mean_shift.push_back(dd + 2 * cross + s / nr);
  }
  return out;
}

namespace {

// K = N - 1 + ns / (N + ns) and the denominator N c(N) - lambda ns K shared by both limits.
struct LimitTerms {
  double k;
  double denominator;
};

LimitTerms limit_terms(const char* function, const LoopSizes& sizes, Estimator estimator) {
  LoopSizes one = sizes;
  one.generations = 1;  // the limits only need a valid later generation
  one.initial = std::max<std::int64_t>(sizes.initial, 2);
  check_common(function, one, estimator, sizes.real + sizes.synthetic);
  check_real(function, sizes);
  const double nr = static_cast<double>(sizes.real);
  const double ns = static_cast<double>(sizes.synthetic);
  const double n = nr + ns;
  const double k = n - 1 + ns / (n + ns);
  return {k, n * scatter_divisor(sizes.real + sizes.synthetic, estimator) - sizes.bias * ns * k};
}

}  // namespace

FirstMomentLimit gaussian_fresh_limit(double trace_sigma, const LoopSizes& sizes, Estimator estimator) {
  const LimitTerms terms = limit_terms("gaussian_fresh_limit", sizes, estimator);
  const double nr = static_cast<double>(sizes.real);
  const double ns = static_cast<double>(sizes.synthetic);
  FirstMomentLimit out;
  out.trace = nr * terms.k * trace_sigma / terms.denominator;
  out.mean_shift = (nr * trace_sigma + sizes.bias * ns * out.trace) / (nr * (nr + 2 * ns));
  return out;
}

FirstMomentLimit gaussian_fixed_limit(double trace_sigma, const LoopSizes& sizes, Estimator estimator) {
  const LimitTerms terms = limit_terms("gaussian_fixed_limit", sizes, estimator);
  const double nr = static_cast<double>(sizes.real);
  const double ns = static_cast<double>(sizes.synthetic);
  FirstMomentLimit out;
  out.trace = (nr + ns) * (nr - 1) * trace_sigma / terms.denominator;
  out.mean_shift = sizes.bias * ns * out.trace / (nr * (nr + 2 * ns)) + trace_sigma / nr;
  return out;
}

}  // namespace ouro::theory
