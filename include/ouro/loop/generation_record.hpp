// GenerationRecord: what one generation of a replicate produces, stage by stage.
//
// A replicate runs compose -> fit -> sample -> filter -> measure -> record for every generation
// (Experiment::run_replicate), each stage a function that fills its part of this record: the
// training set with its provenance (compose), the fitted model (fit), the synthetic set S_g and
// the filters' verdicts on every candidate (sample and filter), the metric values and side rows
// (measure); `record` then hands S_g to the loop policy and stores the results.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "ouro/core/dataset.hpp"
#include "ouro/filters/filter.hpp"
#include "ouro/models/generative_model.hpp"

namespace ouro {

// A candidate drawn for S_g that a filter rejected (a kept candidate is a sample of S_g, whose
// provenance names its candidate number). With the replicate and generation, these are the rows
// a provenance ledger holds for what never joined a training set.
struct RejectedCandidate {
  std::uint32_t candidate = 0;  // its number among the generation's candidates, in draw order
  std::uint32_t filter = 0;     // the index of the filter that rejected it ([[filter]] order)
  friend bool operator==(const RejectedCandidate&, const RejectedCandidate&) = default;
};

// The scores one screen gave the samples of S_g it judged (Filter::screen): what the provenance
// ledger records beside each candidate's verdicts.
struct ScreenScores {
  std::uint32_t filter = 0;               // the screen's index ([[filter]] order)
  std::vector<std::uint32_t> candidates;  // the candidates it judged, in S_g's order
  std::vector<double> scores;             // one per candidate; NaN where it gave none
};

// S_g as the sample and filter stages leave it.
struct SyntheticSet {
  Dataset samples;                          // loop.synthetic rows less what screens dropped
  std::optional<Samples> unscreened;        // with screens: S_g as drawn, before them
  std::vector<FilterCounts> filter_counts;  // one per filter
  std::vector<RejectedCandidate> rejected;  // in draw order
  // Candidates the refilling filters all passed after S_g was full (ascending): judged, not kept.
  std::vector<std::uint32_t> surplus;
  std::vector<ScreenScores> screen_scores;  // one per screen, in filter order
  std::uint64_t candidates = 0;             // drawn from the model (kept, rejected and surplus)
};

struct GenerationRecord {
  std::size_t generation = 0;
  std::shared_ptr<const Dataset> training;       // compose
  std::unique_ptr<const GenerativeModel> model;  // fit
  SyntheticSet synthetic;                        // sample, filter
};

}  // namespace ouro
