// curate (Ferbach et al. 2024, "Self-consuming generative models with curated data provably
// optimize human preferences"): from each group of K candidates keep one, candidate i with
// probability exp(r_i) / sum_j exp(r_j), as a user choosing among K generations by a
// Bradley-Terry / Plackett-Luce preference would. One uniform draw per group picks the winner.
// The curated law is q(x) = p(x) E[K e^r(x) / (e^r(x) + sum_{j<K} e^r(X_j))] (docs/filters.md),
// computed exactly for categorical models by theory/curation_theory.hpp.
#include <cmath>

#include "filter_kinds.hpp"

namespace ouro {
namespace {

class CurateFilter final : public Filter {
 public:
  CurateFilter(Reward reward, std::size_t candidates, double max_draws)
      : Filter(max_draws), reward_(std::move(reward)), candidates_(candidates) {}

  std::string_view kind() const override { return "curate"; }
  std::size_t group() const override { return candidates_; }

  void apply(const Samples& candidates, Rng& rng, FilterState* /*state*/, std::vector<std::size_t>& passed) const override {
    const Vector rewards = reward_.of_rows(candidates.real());
    const auto k = static_cast<Eigen::Index>(candidates_);
    Vector weights(k);
    for (Eigen::Index start = 0; start + k <= rewards.size(); start += k) {
      // Softmax with the largest reward subtracted: exp never overflows, the largest weight is 1.
      const double top = rewards.segment(start, k).maxCoeff();
      weights = (rewards.segment(start, k).array() - top).exp();
      const double target = rng.uniform() * weights.sum();
      double running = 0.0;
      Eigen::Index pick = k - 1;  // rounding can leave target >= the final sum
      for (Eigen::Index i = 0; i < k; ++i) {
        running += weights(i);
        if (target < running) {
          pick = i;
          break;
        }
      }
      passed.push_back(static_cast<std::size_t>(start + pick));
    }
  }

 private:
  Reward reward_;
  std::size_t candidates_;
};

}  // namespace

std::unique_ptr<Filter> make_curate_filter(Reward reward, std::size_t candidates, double max_draws) {
  return std::make_unique<CurateFilter>(std::move(reward), candidates, max_draws);
}

}  // namespace ouro
