// ROC curve, AUC and the TPR at a target FPR (conventions in roc.hpp). All three walk the same
// groups of tied scores, from the highest down, counting positives and negatives in whole numbers,
// so the AUC is the exact Mann-Whitney count and not an integral of rounded rates.
#include "ouro/hygiene/roc.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "ouro/core/error.hpp"

namespace ouro::hygiene {
namespace {

// One distinct score and how many documents of each class carry it.
struct TieGroup {
  double score;
  std::size_t positives;
  std::size_t negatives;
};

struct Groups {
  std::vector<TieGroup> groups;  // descending score
  std::size_t positives = 0;
  std::size_t negatives = 0;
};

Groups tie_groups(std::span<const double> scores, std::span<const int> labels) {
  OURO_CHECK(!scores.empty(), DataError, "roc: no scores");
  OURO_CHECK(scores.size() == labels.size(), DataError, "roc: {} scores but {} labels", scores.size(),
             labels.size());
  Groups out;
  for (std::size_t i = 0; i < scores.size(); ++i) {
    OURO_CHECK(std::isfinite(scores[i]), DataError, "roc: score {} of document {} is not finite", scores[i], i);
    OURO_CHECK(labels[i] == 0 || labels[i] == 1, DataError,
               "roc: label {} of document {} is not 0 (real) or 1 (synthetic)", labels[i], i);
    out.positives += static_cast<std::size_t>(labels[i]);
  }
  out.negatives = scores.size() - out.positives;
  OURO_CHECK(out.positives > 0 && out.negatives > 0, DataError,
             "roc: the labels hold one class only ({} synthetic, {} real); both are needed", out.positives,
             out.negatives);
  std::vector<std::size_t> order(scores.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return scores[a] > scores[b]; });
  for (const std::size_t i : order) {
    if (out.groups.empty() || out.groups.back().score != scores[i]) out.groups.push_back({scores[i], 0, 0});
    (labels[i] == 1 ? out.groups.back().positives : out.groups.back().negatives) += 1;
  }
  return out;
}

}  // namespace

std::vector<RocPoint> roc_curve(std::span<const double> scores, std::span<const int> labels) {
  const Groups g = tie_groups(scores, labels);
  const auto pos = static_cast<double>(g.positives), neg = static_cast<double>(g.negatives);
  std::vector<RocPoint> curve{{std::numeric_limits<double>::infinity(), 0.0, 0.0}};
  std::size_t tp = 0, fp = 0;
  for (const TieGroup& group : g.groups) {
    tp += group.positives;
    fp += group.negatives;
    curve.push_back({group.score, static_cast<double>(fp) / neg, static_cast<double>(tp) / pos});
  }
  return curve;
}

double roc_auc(std::span<const double> scores, std::span<const int> labels) {
  const Groups g = tie_groups(scores, labels);
  // Twice the Mann-Whitney count, in whole numbers: each positive beats the negatives below its
  // group (2 each) and ties with those in it (1 each).
  double twice_wins = 0.0;
  std::size_t negatives_above = 0;
  for (const TieGroup& group : g.groups) {
    negatives_above += group.negatives;
    const std::size_t below = g.negatives - negatives_above;
    twice_wins += static_cast<double>(group.positives) * static_cast<double>(2 * below + group.negatives);
  }
  return twice_wins / (2.0 * static_cast<double>(g.positives) * static_cast<double>(g.negatives));
}

RocPoint tpr_at_fpr(std::span<const double> scores, std::span<const int> labels, double target_fpr) {
  OURO_CHECK(target_fpr >= 0.0 && target_fpr <= 1.0, ConfigError, "roc: the target FPR must be in [0, 1], got {}",
             target_fpr);
  const std::vector<RocPoint> curve = roc_curve(scores, labels);
  // TPR never decreases along the curve, so the largest TPR within the target is at the last point
  // within it; the earliest point with that TPR has the smallest FPR.
  std::size_t best = 0;
  for (std::size_t k = 1; k < curve.size() && curve[k].fpr <= target_fpr; ++k)
    if (curve[k].tpr > curve[best].tpr) best = k;
  return curve[best];
}

}  // namespace ouro::hygiene
