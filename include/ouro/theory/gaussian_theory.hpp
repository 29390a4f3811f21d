// Closed-form expectations for a Gaussian model refitted on its own samples (docs/theory.md).
//
// Setting: a d-dimensional truth with mean mu and covariance Sigma (tr Sigma = s); generation 0 fits
// the sample mean and covariance (scatter / n for MLE, / (n - 1) unbiased) to n0 real draws, and
// generation g >= 1 fits them to a training set holding ns draws from N(mu_{g-1}, lambda Sigma_{g-1})
// (loop.keep = "replace"), preceded by nr real rows for the fresh-data and synthetic-augmentation
// loops. Every function returns E[.] for generations 0..G (G + 1 values).
//
// Which results need a Gaussian truth: the first-moment recursions (trace, mean shift) use only the
// truth's mean and covariance, so they hold for any truth sampled i.i.d. with those moments; the
// std, log-det and W2 laws use the chi-square/Wishart law of the generation-0 scatter and need a
// Gaussian truth. Preconditions violated -> ConfigError naming the function and values.
#pragma once

#include <cstdint>
#include <vector>

#include "ouro/theory/loop_sizes.hpp"

namespace ouro::theory {

enum class Estimator { kMle, kUnbiased };

// What the scatter matrix of n points is divided by: n (MLE) or n - 1 (unbiased).
double scatter_divisor(std::int64_t n, Estimator estimator);

// ---- Fully synthetic loop (keep = replace, real = none) ----

// E[tr Sigma_g] = s a0 (lambda a)^g with a0 = (n0 - 1) / c(n0), a = (ns - 1) / c(ns). In 1-D this is
// E[variance_g]; divided by s it is E[trace_ratio_g].
std::vector<double> gaussian_replace_trace(double trace_sigma, const LoopSizes& sizes, Estimator estimator);

// E[||mu_g - mu||^2] = s / n0 + sum_{i < g} lambda E[tr Sigma_i] / ns.
std::vector<double> gaussian_replace_mean_shift(double trace_sigma, const LoopSizes& sizes, Estimator estimator);

// 1-D, Gaussian truth N(mu, sigma^2): E[sqrt(Sigma_g)] =
// sigma E[sqrt(chi2_{n0-1} / c(n0))] (sqrt(lambda) E[sqrt(chi2_{ns-1} / c(ns))])^g.
std::vector<double> gaussian_replace_std(double sigma, const LoopSizes& sizes, Estimator estimator);

// d-D, Gaussian truth: E[log det Sigma_g - log det Sigma] =
// E log det W_{n0-1} - d log c(n0) + g (d log lambda + E log det W_{ns-1} - d log c(ns)),
// W_k ~ Wishart_d(k, I). Needs n0 - 1 >= d and (for G > 0) ns - 1 >= d.
std::vector<double> gaussian_replace_logdet_ratio(std::int64_t dim, const LoopSizes& sizes, Estimator estimator);

// 1-D, Gaussian truth: E[W2^2(N(mu_g, Sigma_g), N(mu, sigma^2))] =
// E[mean_shift] + E[variance] - 2 sigma E[std] + sigma^2.
std::vector<double> gaussian_replace_w2(double sigma2, const LoopSizes& sizes, Estimator estimator);

// ---- Loops with real data after generation 0 (keep = replace) ----

struct FirstMoments {
  std::vector<double> trace;       // E[tr Sigma_g]  (1-D: E[variance_g])
  std::vector<double> mean_shift;  // E[||mu_g - mu||^2]
};

// real = "fresh" (MAD's fresh-data loop): generation g >= 1 trains on nr new truth draws plus ns
// synthetic draws; with N = nr + ns and t, m the previous generation's E[tr Sigma], E[mean shift]:
//   c(N) t' = (N - 1)/N (nr s + ns lambda t) + (nr ns / N) m,   N^2 m' = nr s + ns lambda t + ns^2 m.
// With nr = 0 this is the fully synthetic loop (gaussian_replace_trace / _mean_shift).
FirstMoments gaussian_fresh(double trace_sigma, const LoopSizes& sizes, Estimator estimator);

// real = "fixed" (MAD's synthetic augmentation): generation g >= 1 trains on the first nr rows R of
// D0 (the same rows every generation) plus ns synthetic draws. Tracks D = E||mu_g - rbar||^2 and
// C = E[(mu_g - rbar) . (rbar - mu)] (rbar the mean of R); see docs/theory.md.
FirstMoments gaussian_fixed(double trace_sigma, const LoopSizes& sizes, Estimator estimator);

struct FirstMomentLimit {
  double trace = 0.0;       // lim E[tr Sigma_g]
  double mean_shift = 0.0;  // lim E[||mu_g - mu||^2]
};

// The g -> infinity limits of gaussian_fresh / gaussian_fixed. With K = N - 1 + ns / (N + ns):
//   fresh: t* = nr K s / (N c(N) - lambda ns K),  m* = (nr s + lambda ns t*) / (nr (N + ns));
//   fixed: t* = N (nr - 1) s / (N c(N) - lambda ns K),  m* = lambda ns t* / (nr (N + ns)) + s / nr.
// Neither depends on n0 (sizes.initial is ignored).
FirstMomentLimit gaussian_fresh_limit(double trace_sigma, const LoopSizes& sizes, Estimator estimator);
FirstMomentLimit gaussian_fixed_limit(double trace_sigma, const LoopSizes& sizes, Estimator estimator);

}  // namespace ouro::theory
