// ScreenFilter: see screen_filter.hpp.
#include "screen_filter.hpp"

namespace ouro {

void ScreenFilter::apply(const Samples& candidates, Rng& rng, FilterState* /*state*/,
                         std::vector<std::size_t>& passed) const {
  std::vector<double> scores;
  screen(candidates, rng, passed, scores);
}

void ScreenFilter::screen(const Samples& samples, Rng& rng, std::vector<std::size_t>& passed,
                          std::vector<double>& scores) const {
  scores.resize(static_cast<std::size_t>(samples.size()));
  for (Eigen::Index i = 0; i < samples.size(); ++i) {
    const double s = score(samples, i);
    scores[static_cast<std::size_t>(i)] = s;
    // A flagged sample escapes with probability miss_rate (no draw when it is 0); NaN is not flagged.
    const bool dropped = s > threshold_ && (miss_rate_ == 0.0 || rng.uniform() >= miss_rate_);
    if (!dropped) passed.push_back(static_cast<std::size_t>(i));
  }
}

}  // namespace ouro
