// The categorical family: a distribution over K outcomes fitted by (smoothed) relative frequencies.
//
// Encoding: a sample is a single-column row holding the outcome index 0..K-1 as a double. A row
// holding anything else (2.5, -1, K) is a DataError naming the row and the value, both in fit and in
// log_prob.
//
// Fit: p_k = (c_k + alpha) / (n + K alpha), with c_k the count of outcome k and alpha the additive
// (Lidstone) smoothing pseudo-count `model.smoothing`. With alpha = 0 an outcome that is never seen
// gets p_k = 0 and is lost for good: the early collapse of the tails.
//
// Sampling with bias lambda is temperature sampling: q_k proportional to p_k^(1/lambda), computed in
// log space; outcomes with p_k = 0 stay at 0 and are never drawn. Draws use Walker's alias table
// built over the support for each call (O(K) setup, then O(1) and two random numbers per draw:
// `below(support size)` and `uniform()`).
//
// log_prob is the log mass under the fitted p (lambda only affects sampling); -inf for an outcome
// with p_k = 0. probabilities() returns p; moments() is nullopt.
#pragma once

#include <memory>

#include "ouro/models/generative_model.hpp"

namespace ouro {

class CategoricalFamily final : public ModelFamily {
 public:
  // `outcomes`: K >= 1; `smoothing`: alpha >= 0.
  CategoricalFamily(Eigen::Index outcomes, double smoothing = 0.0);

  std::string_view name() const override { return "categorical"; }
  Capabilities capabilities() const override {
    return {.samples = SampleKind::kCategorical, .probabilities = true};
  }
  // 1 (one observation defines frequencies; with smoothing even that is not strictly needed).
  std::size_t min_samples(Eigen::Index dim) const override;

  Eigen::Index outcomes() const { return outcomes_; }
  double smoothing() const { return smoothing_; }

 protected:
  std::unique_ptr<GenerativeModel> fit_model(const Samples& data, Rng& rng,
                                             const GenerativeModel* start,
                                             const GenerativeModel* generation0) const override;

 private:
  Eigen::Index outcomes_;
  double smoothing_;
};

// The model with probabilities `p` (non-negative, finite, positive sum; normalised here).
std::unique_ptr<GenerativeModel> make_categorical_model(Vector p);

}  // namespace ouro
