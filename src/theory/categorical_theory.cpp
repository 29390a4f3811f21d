// Closed-form Gini-Simpson diversity of the fully synthetic categorical loop.
#include "ouro/theory/categorical_theory.hpp"

#include "ouro/core/error.hpp"

namespace ouro::theory {

std::vector<double> categorical_replace_gini_simpson(double truth_gini, std::int64_t initial,
                                                     std::int64_t synthetic, std::int64_t generations) {
  OURO_CHECK(truth_gini >= 0 && truth_gini <= 1, ConfigError,
             "categorical_replace_gini_simpson: truth Gini-Simpson must be in [0, 1] (got {})", truth_gini);
  OURO_CHECK(initial >= 1 && generations >= 0 && (generations == 0 || synthetic >= 1), ConfigError,
             "categorical_replace_gini_simpson: needs initial >= 1, synthetic >= 1 and generations >= 0 (got {}, {}, {})",
             initial, synthetic, generations);
  std::vector<double> out(static_cast<std::size_t>(generations + 1));
  out[0] = truth_gini * (1.0 - 1.0 / static_cast<double>(initial));
  for (std::size_t g = 1; g < out.size(); ++g) out[g] = out[g - 1] * (1.0 - 1.0 / static_cast<double>(synthetic));
  return out;
}

}  // namespace ouro::theory
