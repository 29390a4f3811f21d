// ProvenanceRecorder: see provenance_recorder.hpp.
#include "ouro/loop/provenance_recorder.hpp"

#include <algorithm>
#include <cmath>
#include <optional>

#include "ouro/core/error.hpp"

namespace ouro {
namespace {

// {"filter1_curate": true, ...}: the first `passed` labels true, then (when `failed`) one false;
// in filter order.
std::string verdicts_json(const std::vector<std::string>& labels, std::size_t passed, bool failed) {
  nlohmann::ordered_json verdicts = nlohmann::ordered_json::object();
  for (std::size_t f = 0; f < passed; ++f) verdicts[labels[f]] = true;
  if (failed) verdicts[labels[passed]] = false;
  return verdicts.dump();
}

std::optional<double> unless_nan(double score) {
  return std::isnan(score) ? std::nullopt : std::optional<double>(score);
}

}  // namespace

ProvenanceRecorder::ProvenanceRecorder(const Experiment& experiment, const std::filesystem::path& path)
    : experiment_(experiment),
      path_(path),
      ledger_(std::in_place, path),
      family_(experiment.config().text("model.family")),
      settings_(experiment.config().to_json().value("model", nlohmann::json::object())) {
  const std::vector<std::string>& labels = experiment.filter_labels();
  kept_verdicts_ = verdicts_json(labels, labels.size(), false);
  for (std::size_t f = 0; f < labels.size(); ++f) rejected_verdicts_.push_back(verdicts_json(labels, f, true));
  std::size_t refilling = 0;
  while (refilling < labels.size() && experiment.filters()[refilling]->refills()) ++refilling;
  surplus_verdicts_ = verdicts_json(labels, refilling, false);
}

void ProvenanceRecorder::start_replicate(std::size_t replicate, std::size_t next_generation) {
  const auto r = static_cast<std::int32_t>(replicate);
  const auto last_kept = static_cast<std::int32_t>(next_generation) - 1;
  if (last_kept >= 0) {
    const std::optional<std::int32_t> last = ledger_->last_generation(r);
    OURO_CHECK(last && *last >= last_kept, DataError,
               "'{}' holds replicate {} up to generation {}, but its checkpoint continues after generation {}; the "
               "ledger was changed since the run was interrupted: start over with --force",
               path().string(), replicate, last ? std::to_string(*last) : std::string("(none)"), last_kept);
  }
  ledger_->truncate_after(r, last_kept);
}

void ProvenanceRecorder::check_finished(std::size_t replicate) {
  const std::optional<std::int32_t> last = ledger_->last_generation(static_cast<std::int32_t>(replicate));
  const auto generations = static_cast<std::int32_t>(experiment_.generations());
  OURO_CHECK(last && *last == generations, DataError,
             "'{}' holds finished replicate {} up to generation {} of {}; the ledger was changed since the run was "
             "interrupted: start over with --force",
             path().string(), replicate, last ? std::to_string(*last) : std::string("(none)"), generations);
}

std::vector<provenance::CandidateRow> ProvenanceRecorder::candidate_rows(const SyntheticSet& set) const {
  std::vector<provenance::CandidateRow> rows;
  if (experiment_.filter_labels().empty()) return rows;
  // Kept candidates (S_g), rejected and surplus ones, in candidate order.
  const std::vector<Provenance> kept = set.samples.provenance();
  rows.reserve(kept.size() + set.rejected.size() + set.surplus.size());
  const auto row = [](std::uint32_t candidate, bool is_kept, std::string_view verdicts) {
    return provenance::CandidateRow{.candidate = candidate, .kept = is_kept, .verdicts = verdicts,
                                    .watermark_z = std::nullopt, .detector_score = std::nullopt};
  };
  for (const Provenance& p : kept) rows.push_back(row(p.candidate, true, kept_verdicts_));
  for (const RejectedCandidate& r : set.rejected) rows.push_back(row(r.candidate, false, rejected_verdicts_[r.filter]));
  for (const std::uint32_t c : set.surplus) rows.push_back(row(c, false, surplus_verdicts_));
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.candidate < b.candidate; });
  // Each screen judged S_g as the screens before it left it: its candidates ascend, as the rows do.
  for (const ScreenScores& screen : set.screen_scores) {
    // The ledger's column for the screen's score.
    const std::string_view name = experiment_.filters()[screen.filter]->score_name();
    OURO_CHECK(name == "watermark_z" || name == "detector_score", Error,
               "internal: the ledger has no column for screen scores named '{}'", name);
    auto at = rows.begin();
    for (std::size_t i = 0; i < screen.candidates.size(); ++i) {
      at = std::lower_bound(at, rows.end(), screen.candidates[i],
                            [](const provenance::CandidateRow& a, std::uint32_t c) { return a.candidate < c; });
      OURO_CHECK(at != rows.end() && at->candidate == screen.candidates[i], Error,
                 "internal: screen {} scored candidate {}, which is neither kept nor rejected", screen.filter,
                 screen.candidates[i]);
      (name == "watermark_z" ? at->watermark_z : at->detector_score) = unless_nan(screen.scores[i]);
    }
  }
  return rows;
}

void ProvenanceRecorder::finish() {
  ledger_.reset();
  provenance::compact_ledger(path_);
}

void ProvenanceRecorder::record(std::size_t replicate, const GenerationRecord& record) {
  provenance::GenerationRow generation;
  generation.replicate = static_cast<std::int32_t>(replicate);
  generation.generation = static_cast<std::int32_t>(record.generation);
  generation.family = family_;
  generation.settings = settings_;
  generation.training_size = record.training->size();
  const std::vector<provenance::CandidateRow> candidates = candidate_rows(record.synthetic);
  ledger_->write_generation(generation, *record.training, candidates);
}

}  // namespace ouro
