// Walker's alias method (see alias_table.hpp).
#include "ouro/models/alias_table.hpp"

namespace ouro {

AliasTable::AliasTable(const Vector& weights) {
  for (Eigen::Index k = 0; k < weights.size(); ++k) {
    if (weights(k) > 0.0) outcome_.push_back(static_cast<double>(k));
  }
  const std::size_t m = outcome_.size();
  double total = 0.0;
  for (const double k : outcome_) total += weights(static_cast<Eigen::Index>(k));
  keep_.resize(m);
  alias_.resize(m);
  std::vector<std::size_t> small, large;
  for (std::size_t j = 0; j < m; ++j) {
    keep_[j] = weights(static_cast<Eigen::Index>(outcome_[j])) * static_cast<double>(m) / total;
    alias_[j] = j;
    (keep_[j] < 1.0 ? small : large).push_back(j);
  }
  while (!small.empty() && !large.empty()) {
    const std::size_t s = small.back();
    small.pop_back();
    const std::size_t l = large.back();
    alias_[s] = l;
    keep_[l] -= 1.0 - keep_[s];
    if (keep_[l] < 1.0) {
      large.pop_back();
      small.push_back(l);
    }
  }
  // Whatever is left holds (up to rounding) exactly one unit.
  for (const std::size_t j : small) keep_[j] = 1.0;
  for (const std::size_t j : large) keep_[j] = 1.0;
}

}  // namespace ouro
