// theory_curves: reads the run's settings and returns the closed-form curves that apply exactly.
//
// The formulas live in the pure functions of gaussian_theory, categorical_theory, kde_theory and
// regression_theory (plain numbers in, expectations out); this file only decides which setting a
// run is in and feeds them. Any setting outside the ones derived in docs/theory.md (window > 1,
// accumulate-subsample, resample, gmm models, smoothing, temperature, bandwidth rules, ...) yields
// no curve for the metric concerned.
#include "ouro/theory/theory.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <variant>

#include "ouro/core/config.hpp"
#include "ouro/core/error.hpp"
#include "ouro/models/truth.hpp"
#include "ouro/theory/categorical_theory.hpp"
#include "ouro/theory/gaussian_theory.hpp"
#include "ouro/theory/kde_theory.hpp"
#include "ouro/theory/regression_theory.hpp"

namespace ouro {
namespace {

using theory::LoopSizes;

struct Setting {
  std::string family;
  std::string truth_kind;
  // keep = replace (or a window of one set, which is the same loop); with no generation after 0,
  // every policy is the same loop too.
  bool replace = false;
  bool accumulate = false;
  RealPolicy real = RealPolicy::kNone;  // none whenever generations = 0
  LoopSizes sizes;
};

// The setting of a config, or nothing when the loop itself refuses it (a run would stop at once,
// so there is no curve to write).
std::optional<Setting> read_setting(const Config& config) {
  LoopSettings loop;
  try {
    loop = LoopSettings::from(config);
  } catch (const ConfigError&) {
    return std::nullopt;
  }
  Setting s;
  s.family = config.text("model.family");
  s.truth_kind = config.text("truth.kind");
  s.sizes = theory::loop_sizes(loop, config.integer("run.generations"));
  const bool only_generation_zero = s.sizes.generations == 0;
  s.replace = only_generation_zero || loop.keep == KeepPolicy::kReplace ||
              (loop.keep == KeepPolicy::kWindow && loop.window == 1);
  s.accumulate = !s.replace && loop.keep == KeepPolicy::kAccumulate;
  s.real = only_generation_zero ? RealPolicy::kNone : loop.real;
  return s;
}

void add(std::vector<TheoryCurve>& out, std::string metric, std::vector<double> expected) {
  out.push_back({std::move(metric), std::move(expected)});
}

std::vector<double> divided(std::vector<double> values, double by) {
  for (double& v : values) v /= by;
  return values;
}

// True when an estimator with this divisor can fit n points (the unbiased one needs two).
bool fittable(std::int64_t n, theory::Estimator estimator) {
  return n >= (estimator == theory::Estimator::kUnbiased ? 2 : 1);
}

void gaussian_curves(const Setting& s, const Config& config, const Truth& truth, std::vector<TheoryCurve>& out) {
  // First moments need only i.i.d. draws with known mean and covariance (gaussian or gmm laws; file
  // truths draw without replacement, which changes them).
  if (s.truth_kind != "gaussian" && s.truth_kind != "gmm") return;
  if (!s.replace) return;
  const std::optional<Moments> moments = truth.moments();
  if (!moments) return;
  const auto dim = moments->mean.size();
  const double trace = moments->cov.trace();
  const auto estimator =
      config.text("model.estimator") == "unbiased" ? theory::Estimator::kUnbiased : theory::Estimator::kMle;
  const LoopSizes& z = s.sizes;
  if (!fittable(z.initial, estimator)) return;

  theory::FirstMoments first;
  if (s.real == RealPolicy::kNone) {
    if (z.generations > 0 && !fittable(z.synthetic, estimator)) return;
    first.trace = theory::gaussian_replace_trace(trace, z, estimator);
    first.mean_shift = theory::gaussian_replace_mean_shift(trace, z, estimator);
  } else if (s.real == RealPolicy::kFresh || s.real == RealPolicy::kFixed) {
    if (z.real < 1 || z.synthetic < 1 || !fittable(z.real + z.synthetic, estimator)) return;
    if (s.real == RealPolicy::kFresh) {
      first = theory::gaussian_fresh(trace, z, estimator);
    } else {
      if (z.real > z.initial) return;
      first = theory::gaussian_fixed(trace, z, estimator);
    }
  } else {
    return;  // resample: no closed form
  }

  add(out, "mean_shift", first.mean_shift);
  if (trace > 0) add(out, "trace_ratio", divided(first.trace, trace));
  if (dim == 1) {
    add(out, "mean", std::vector<double>(first.trace.size(), moments->mean(0)));
    add(out, "variance", first.trace);
  }

  // Laws beyond the first moments need the chi-square/Wishart law of a Gaussian truth's scatter and a
  // fully synthetic chain of such laws.
  if (s.real != RealPolicy::kNone || s.truth_kind != "gaussian") return;
  if (dim == 1) {
    add(out, "std", theory::gaussian_replace_std(std::sqrt(trace), z, estimator));
    add(out, "w2", theory::gaussian_replace_w2(trace, z, estimator));
  }
  const bool positive_definite = moments->cov.llt().info() == Eigen::Success;
  if (positive_definite && z.initial - 1 >= dim && (z.generations == 0 || z.synthetic - 1 >= dim)) {
    add(out, "logdet_ratio", theory::gaussian_replace_logdet_ratio(dim, z, estimator));
  }
}

void categorical_curves(const Setting& s, const Config& config, const Truth& truth, std::vector<TheoryCurve>& out) {
  if (s.truth_kind != "categorical" || !s.replace || s.real != RealPolicy::kNone) return;
  // Temperature (lambda < 1) and smoothing change the law of the refit; no closed form.
  if (config.real("model.smoothing") != 0.0) return;
  if (s.sizes.generations > 0 && s.sizes.bias != 1.0) return;
  const Vector* probs = truth.probabilities();
  if (probs == nullptr || probs->size() == 0) return;
  const double total = probs->sum();
  if (!(total > 0)) return;
  const double gini = 1.0 - (*probs / total).squaredNorm();
  if (s.sizes.initial < 1 || (s.sizes.generations > 0 && s.sizes.synthetic < 1)) return;
  add(out, "gini_simpson",
      theory::categorical_replace_gini_simpson(std::clamp(gini, 0.0, 1.0), s.sizes.initial, s.sizes.synthetic,
                                               s.sizes.generations));
}

void kde_curves(const Setting& s, const Config& config, const Truth& truth, std::vector<TheoryCurve>& out) {
  if ((s.truth_kind != "gaussian" && s.truth_kind != "gmm") || !s.replace || s.real != RealPolicy::kNone) return;
  const double* bandwidth = std::get_if<double>(&config.value("model.bandwidth"));
  if (bandwidth == nullptr || !(*bandwidth > 0)) return;  // scott / silverman rules depend on the data
  const std::optional<Moments> moments = truth.moments();
  if (!moments) return;
  const auto dim = moments->mean.size();
  const double trace = moments->cov.trace();
  if (s.sizes.initial < 1 || s.sizes.synthetic < 1) return;
  const std::vector<double> total = theory::kde_replace_trace(trace, dim, *bandwidth, s.sizes);
  if (dim == 1) add(out, "variance", total);
  if (trace > 0) add(out, "trace_ratio", divided(total, trace));
}

void regression_curves(const Setting& s, const Config& config, const Truth& truth, std::vector<TheoryCurve>& out) {
  if (s.truth_kind != "regression" || s.real != RealPolicy::kNone) return;
  const std::int64_t dim = truth.dim() - 1;
  const double noise = truth.noise_variance();
  if (dim < 1 || !(noise >= 0)) return;
  const auto design = config.text("model.design") == "fresh" ? theory::Design::kFresh : theory::Design::kFixed;
  if (s.replace) {
    if (theory::regression_replace_has_closed_form(dim, s.sizes, design)) {
      add(out, "test_mse", theory::regression_replace_test_mse(noise, dim, s.sizes, design));
    }
  } else if (s.accumulate) {
    if (theory::regression_accumulate_has_closed_form(dim, s.sizes, design)) {
      add(out, "test_mse", theory::regression_accumulate_test_mse(noise, dim, s.sizes));
    }
  }
}

}  // namespace

std::vector<TheoryCurve> theory_curves(const Config& config, const Truth& truth) {
  std::vector<TheoryCurve> out;
  const std::optional<Setting> read = read_setting(config);
  if (!read) return out;
  const Setting& setting = *read;
  if (setting.sizes.generations < 0 || !(setting.sizes.bias > 0 && setting.sizes.bias <= 1)) return out;
  if (setting.family == "gaussian") {
    gaussian_curves(setting, config, truth, out);
  } else if (setting.family == "categorical") {
    categorical_curves(setting, config, truth, out);
  } else if (setting.family == "kde") {
    kde_curves(setting, config, truth, out);
  } else if (setting.family == "linear-regression") {
    regression_curves(setting, config, truth, out);
  }
  return out;
}

}  // namespace ouro
