// Model metrics: measurements of a fitted model against the truth, computed from the model's exact
// summaries (moments, probabilities, coefficients) rather than from samples, so they carry no
// Monte-Carlo noise of their own and can be compared with closed-form theory.
//
// Definitions (docs/metrics.md):
//   nll_real      -(1/n) sum log p_g(x_i) over the held-out real test set
//   mean_shift    |mu_g - mu_true|^2
//   trace_ratio   tr Sigma_g / tr Sigma_true
//   logdet_ratio  log det Sigma_g - log det Sigma_true  (-inf for a collapsed covariance)
//   w2            squared 2-Wasserstein distance N(mu_g, Sigma_g) -> truth (gaussian truth only)
//   mean, variance, std   of the fitted distribution, 1-D only (kde: points' variance + h^2)
//   support, entropy (nats), gini_simpson (1 - sum q^2), tv (1/2 sum |q - p|), tail_mass
//   test_mse      |w_g - w*|^2
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "ouro/metrics/metric.hpp"

namespace ouro {

// Names of every model metric, in output order.
const std::vector<std::string>& model_metric_names();

// The model metric called `name`, or nullptr.
std::unique_ptr<Metric> make_model_metric(std::string_view name);

// The truth's tail: its least likely outcomes (ties by index) that together hold at most
// `share` of its mass, at least one outcome. Used by tail_mass.
std::vector<Eigen::Index> tail_outcomes(const Vector& truth_probs, double share = 0.1);

}  // namespace ouro
