// threshold: a quality filter that keeps the candidates whose reward reaches min_reward. It draws
// nothing; the loop draws further candidates until enough pass (or filter.max_draws is reached).
#include "filter_kinds.hpp"

namespace ouro {
namespace {

class ThresholdFilter final : public Filter {
 public:
  ThresholdFilter(Reward reward, double min_reward, double max_draws)
      : Filter(max_draws), reward_(std::move(reward)), min_reward_(min_reward) {}

  std::string_view kind() const override { return "threshold"; }

  void apply(const Samples& candidates, Rng& /*rng*/, FilterState* /*state*/,
             std::vector<std::size_t>& passed) const override {
    const Matrix& rows = candidates.real();
    for (Eigen::Index i = 0; i < rows.rows(); ++i) {
      if (reward_(rows.row(i)) >= min_reward_) passed.push_back(static_cast<std::size_t>(i));
    }
  }

 private:
  Reward reward_;
  double min_reward_;
};

}  // namespace

std::unique_ptr<Filter> make_threshold_filter(Reward reward, double min_reward, double max_draws) {
  return std::make_unique<ThresholdFilter>(std::move(reward), min_reward, max_draws);
}

}  // namespace ouro
