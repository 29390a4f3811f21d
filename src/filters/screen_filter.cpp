// ScreenFilter: see screen_filter.hpp.
#include "screen_filter.hpp"

namespace ouro {

void ScreenFilter::apply(const Samples& candidates, Rng& rng, FilterState* /*state*/,
                         std::vector<std::size_t>& passed) const {
  for (Eigen::Index i = 0; i < candidates.size(); ++i) {
    // A flagged sample escapes with probability miss_rate (no draw when it is 0).
    const bool dropped = flags(candidates, i) && (miss_rate_ == 0.0 || rng.uniform() >= miss_rate_);
    if (!dropped) passed.push_back(static_cast<std::size_t>(i));
  }
}

}  // namespace ouro
