// The Rogan-Gladen contamination estimate and its two intervals (formulas in contamination.hpp).
#include "ouro/hygiene/contamination.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "ouro/core/error.hpp"
#include "ouro/core/quantile.hpp"
#include "ouro/core/rng.hpp"
#include "ouro/hygiene/binomial.hpp"

namespace ouro::hygiene {
namespace {

constexpr double kZ95 = 1.959963984540054;  // the standard normal's 97.5% quantile
constexpr double kSmallSeparation = 0.1;    // TPR - FPR below this draws a warning

void check_counts(const FlagCount& set, const char* name) {
  OURO_CHECK(set.total > 0, DataError, "contamination: the {} set holds no documents", name);
  OURO_CHECK(set.flagged <= set.total, DataError, "contamination: the {} set has {} flagged of only {} documents",
             name, set.flagged, set.total);
}

double clip01(double x) { return std::clamp(x, 0.0, 1.0); }

void append(std::string& warning, const std::string& text) {
  if (!warning.empty()) warning += "; ";
  warning += text;
}

}  // namespace

ContaminationEstimate estimate_contamination(const FlagCount& corpus, const FlagCount& real,
                                             const FlagCount& synthetic, const ContaminationSettings& settings) {
  check_counts(corpus, "corpus");
  check_counts(real, "real calibration");
  check_counts(synthetic, "synthetic calibration");
  ContaminationEstimate out{};
  out.corpus = corpus;
  out.real = real;
  out.synthetic = synthetic;
  out.q = corpus.share();
  out.fpr = real.share();
  out.tpr = synthetic.share();
  const double separation = out.tpr - out.fpr;
  OURO_CHECK(separation > 0.0, DataError,
             "contamination: the detector's TPR ({}/{} = {}) is not above its FPR ({}/{} = {}); its flags say "
             "nothing about the synthetic share",
             synthetic.flagged, synthetic.total, out.tpr, real.flagged, real.total, out.fpr);

  const double pi = (out.q - out.fpr) / separation;
  out.unclipped = pi;
  out.estimate = clip01(pi);
  const double variance = (out.q * (1.0 - out.q) / static_cast<double>(corpus.total) +
                           (1.0 - pi) * (1.0 - pi) * out.fpr * (1.0 - out.fpr) / static_cast<double>(real.total) +
                           pi * pi * out.tpr * (1.0 - out.tpr) / static_cast<double>(synthetic.total)) /
                          (separation * separation);
  out.standard_error = std::sqrt(variance);
  out.wald = {clip01(pi - kZ95 * out.standard_error), clip01(pi + kZ95 * out.standard_error)};

  const double nan = std::numeric_limits<double>::quiet_NaN();
  out.bootstrap = {nan, nan};
  if (settings.bootstrap > 0) {
    Rng rng(settings.seed, {Purpose::kUser, 0, 0, 0});
    std::vector<double> estimates;
    estimates.reserve(settings.bootstrap);
    for (std::uint64_t b = 0; b < settings.bootstrap; ++b) {
      const double q = static_cast<double>(draw_binomial(corpus.total, out.q, rng)) / static_cast<double>(corpus.total);
      const double fpr = static_cast<double>(draw_binomial(real.total, out.fpr, rng)) / static_cast<double>(real.total);
      const double tpr =
          static_cast<double>(draw_binomial(synthetic.total, out.tpr, rng)) / static_cast<double>(synthetic.total);
      if (tpr <= fpr) {
        ++out.bootstrap_undefined;
        continue;
      }
      estimates.push_back((q - fpr) / (tpr - fpr));
    }
    out.bootstrap_draws = settings.bootstrap;
    if (!estimates.empty()) {
      std::sort(estimates.begin(), estimates.end());
      out.bootstrap = {clip01(quantile_sorted(estimates, 0.025)), clip01(quantile_sorted(estimates, 0.975))};
    }
  }

  if (separation < kSmallSeparation)
    append(out.warning, fmt::format("TPR - FPR = {:.4g} is below {}: the estimate divides every error in the flagged "
                                    "shares by it",
                                    separation, kSmallSeparation));
  if (2.0 * kZ95 * out.standard_error > 1.0)
    append(out.warning, fmt::format("the 95% Wald interval before clipping ({:.4g} to {:.4g}) is wider than [0, 1]: "
                                    "these sets cannot locate the synthetic share",
                                    pi - kZ95 * out.standard_error, pi + kZ95 * out.standard_error));
  if (out.bootstrap_undefined > 0)
    append(out.warning, fmt::format("{} of {} bootstrap draws had TPR <= FPR and no estimate; the bootstrap interval "
                                    "leaves them out",
                                    out.bootstrap_undefined, out.bootstrap_draws));
  return out;
}

}  // namespace ouro::hygiene
