// The export's choice of documents (see export_plan.hpp).
#include "ouro/provenance/export_plan.hpp"

#include <algorithm>
#include <string>
#include <unordered_set>

#include "ouro/core/error.hpp"

namespace ouro::provenance {

double synthetic_score(const DocumentScores& document) {
  if (document.watermark_flagged.value_or(false)) return 1.0;
  return document.detector_probability.value_or(0.0);
}

ExportPlan plan_export(std::span<const DocumentScores> documents, double max_share,
                       std::optional<double> detector_threshold) {
  OURO_CHECK(max_share >= 0.0 && max_share <= 1.0, ConfigError,
             "maximum synthetic share {}: expected a share in [0, 1]", max_share);
  ExportPlan plan;
  plan.fates.assign(documents.size(), ExportFate::kOverShare);
  std::vector<std::size_t> candidates;
  std::unordered_set<std::string> seen;
  for (std::size_t i = 0; i < documents.size(); ++i) {
    const DocumentScores& d = documents[i];
    if (!seen.insert(d.sha256).second) {
      plan.fates[i] = ExportFate::kDuplicate;
    } else if (detector_threshold && d.detector_probability && *d.detector_probability >= *detector_threshold) {
      plan.fates[i] = ExportFate::kDetectorFlagged;
    } else {
      candidates.push_back(i);
    }
  }
  // Stable: equal scores stay in insertion order.
  std::stable_sort(candidates.begin(), candidates.end(), [&](std::size_t a, std::size_t b) {
    return synthetic_score(documents[a]) < synthetic_score(documents[b]);
  });
  double sum = 0.0;
  for (const std::size_t i : candidates) {
    const double score = synthetic_score(documents[i]);
    if ((sum + score) / static_cast<double>(plan.kept + 1) > max_share) break;
    sum += score;
    ++plan.kept;
    plan.fates[i] = ExportFate::kKept;
  }
  plan.estimated_share = plan.kept == 0 ? 0.0 : sum / static_cast<double>(plan.kept);
  return plan;
}

}  // namespace ouro::provenance
