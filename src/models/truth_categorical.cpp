// Categorical truth: a law over outcomes 0..K-1, given by truth.probs or by a Zipf law.
//
// Zipf: p_k proportional to (k+1)^-s for outcome k = 0..K-1 (the k-th most likely outcome of the
// usual 1-based statement has index k-1). A sample is one column holding the outcome index as a
// double. Drawing is by inverse CDF: one uniform per sample, a binary search in the cumulative
// probabilities; zero-probability outcomes are never drawn.
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include <fmt/format.h>

#include "ouro/core/config.hpp"
#include "ouro/core/error.hpp"
#include "truth_kinds.hpp"

namespace ouro::detail {
namespace {

class CategoricalTruth final : public Truth {
 public:
  explicit CategoricalTruth(Vector probs) : probs_(std::move(probs)), cumulative_(probs_.size()) {
    double sum = 0.0;
    for (Eigen::Index k = 0; k < probs_.size(); ++k) {
      sum += probs_(k);
      cumulative_[static_cast<std::size_t>(k)] = sum;
      if (probs_(k) > 0) last_positive_ = static_cast<std::size_t>(k);
    }
  }

  std::string_view kind() const override { return "categorical"; }
  Eigen::Index dim() const override { return 1; }

  Matrix sample(std::size_t n, Rng& rng) const override {
    Matrix out(static_cast<Eigen::Index>(n), 1);
    for (Eigen::Index i = 0; i < out.rows(); ++i) {
      const double u = rng.uniform();
      auto k = static_cast<std::size_t>(std::upper_bound(cumulative_.begin(), cumulative_.end(), u) -
                                        cumulative_.begin());
      out(i, 0) = static_cast<double>(std::min(k, last_positive_));  // rounding in the last cumulative sum
    }
    return out;
  }

  const Vector* probabilities() const override { return &probs_; }

  // log p_k; -inf for a value that is not an outcome index (out of range or not an integer).
  std::optional<Vector> log_prob(const Matrix& x) const override {
    OURO_CHECK(x.cols() == 1, DataError, "categorical truth log_prob: expected 1 column (the outcome), got {}",
               x.cols());
    Vector out(x.rows());
    const auto outcomes = static_cast<double>(probs_.size());
    for (Eigen::Index i = 0; i < x.rows(); ++i) {
      const double v = x(i, 0);
      const bool valid = v >= 0 && v < outcomes && v == std::floor(v);
      out(i) = valid ? std::log(probs_(static_cast<Eigen::Index>(v))) : -std::numeric_limits<double>::infinity();
    }
    return out;
  }

 private:
  Vector probs_;
  std::vector<double> cumulative_;
  std::size_t last_positive_ = 0;
};

}  // namespace

std::unique_ptr<Truth> make_categorical_truth(const Config& config, std::uint64_t /*seed*/) {
  const bool has_probs = config.has("truth.probs");
  const bool has_zipf = config.has("truth.zipf.outcomes");
  if (has_probs && has_zipf) {
    config.fail("truth.zipf.outcomes", "a categorical truth takes truth.probs or truth.zipf.outcomes, not both");
  }
  if (!has_probs && !has_zipf) {
    config.fail("truth.probs", "a categorical truth needs truth.probs or truth.zipf.outcomes (with truth.zipf.exponent)");
  }
  Vector probs;
  if (has_probs) {
    const std::vector<double>& raw = config.reals("truth.probs");
    if (raw.empty()) config.fail("truth.probs", "needs at least one outcome");
    double total = 0.0;
    for (double p : raw) {
      if (!std::isfinite(p) || p < 0) config.fail("truth.probs", "probabilities must be finite and non-negative");
      total += p;
    }
    if (!(total > 0)) config.fail("truth.probs", "the probabilities sum to 0; at least one must be positive");
    probs = Eigen::Map<const Vector>(raw.data(), static_cast<Eigen::Index>(raw.size())) / total;
  } else {
    const std::int64_t outcomes = config.integer("truth.zipf.outcomes");
    if (outcomes < 1) config.fail("truth.zipf.outcomes", "needs at least one outcome");
    const double exponent = config.real("truth.zipf.exponent");
    if (!std::isfinite(exponent) || exponent < 0) config.fail("truth.zipf.exponent", "must be finite and >= 0");
    probs.resize(outcomes);
    for (Eigen::Index k = 0; k < probs.size(); ++k) probs(k) = std::pow(static_cast<double>(k + 1), -exponent);
    probs /= probs.sum();
  }
  return std::make_unique<CategoricalTruth>(std::move(probs));
}

}  // namespace ouro::detail
