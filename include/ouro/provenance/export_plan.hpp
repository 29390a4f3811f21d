// Which ledger documents an export keeps (`ouro ledger export`, docs/provenance.md#export): exact
// duplicates go, then what the detector flags (when a threshold is given), then as many of the
// most synthetic-looking documents as it takes for the estimated synthetic share to stay within
// the bound.
//
// A document's synthetic score is 1 when the watermark flagged it (the watermark is proof), else
// its detector probability, else 0 (nothing says it is synthetic). The estimated synthetic share of
// a set is the mean score: the expected number of synthetic documents in it, over its size, when
// the detector's probabilities are calibrated. Documents are taken in order of increasing score
// (ties by insertion order), each while the running mean stays <= the bound; as the scores only
// grow, the kept set is the longest such prefix, the largest corpus the bound allows. The export
// itself keeps the ledger's order; the plan only decides.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "ouro/provenance/corpus_ledger.hpp"

namespace ouro::provenance {

enum class ExportFate {
  kKept,
  kDuplicate,        // an earlier document has the same text
  kDetectorFlagged,  // its detector probability reached the threshold
  kOverShare,        // keeping it would lift the estimated share above the bound
};

struct ExportPlan {
  std::vector<ExportFate> fates;  // one per document, in the order given
  std::int64_t kept = 0;
  double estimated_share = 0.0;  // mean synthetic score of the kept documents (0 when none is)
};

// 1 when the watermark flagged the document, else its detector probability, else 0.
double synthetic_score(const DocumentScores& document);

// The plan for `documents` (in insertion order) under `max_share` in [0, 1] (ConfigError
// otherwise); with `detector_threshold`, documents whose probability is >= it are dropped first.
ExportPlan plan_export(std::span<const DocumentScores> documents, double max_share,
                       std::optional<double> detector_threshold = std::nullopt);

}  // namespace ouro::provenance
