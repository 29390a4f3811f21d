// Filter: a stage on the synthetic stream, between sampling a generation's model and composing
// the next training set (DESIGN.md: compose -> fit -> sample -> filter -> measure -> record).
//
// The loop draws candidates from the model in rounds and passes each round through the run's
// filters in order ([[filter]] tables); what passes every filter joins the synthetic set S_g,
// until S_g holds exactly loop.synthetic samples (draw_synthetic in ouro/loop/sample_stage.hpp
// drives the rounds). A filter sees candidate rows and says which pass; it draws any randomness
// from the Rng it is handed, which the loop keys by (replicate, generation, filter, round), so
// results are the same for any thread count. Filters are immutable and shared by all replicates;
// what a filter remembers within a replicate (dedup's pool of seen samples) is a FilterState of
// that replicate, checkpointed with it.
//
// Kinds (docs/filters.md):
//  - curate (Ferbach et al. 2024): from each group of K candidates keep one, candidate i with
//    probability exp(r_i) / sum_j exp(r_j) (a Bradley-Terry / Plackett-Luce choice);
//  - threshold: keep candidates with r(x) >= min_reward;
//  - dedup: drop a candidate equal (bit for bit) to a sample of any training set of the replicate
//    so far, or to a candidate this filter passed earlier in the same generation;
//  - watermark (a screen): drop samples whose watermark z exceeds watermark.z_threshold;
//  - detector (a screen): drop samples a synthetic-text detector gives P(synthetic) > flag_above.
//
// The first three refill: the loop draws replacements until S_g is full, so they change what the
// synthetic data is, not how much of it there is. A screen models a corpus engineer's hygiene: it
// judges the complete S_g and what it flags simply leaves, so the next training set holds less
// synthetic data (docs/filters.md#screens). Screens follow every refilling filter in the config.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ouro/core/dataset.hpp"
#include "ouro/core/samples.hpp"
#include "ouro/core/rng.hpp"
#include "ouro/models/capabilities.hpp"

namespace ouro {

class Config;
class Truth;

// What a filter remembers within one replicate; encoded into the replicate's checkpoints.
class FilterState {
 public:
  virtual ~FilterState() = default;
  // Every training set of the replicate, once, in generation order (the compose stage).
  virtual void observe_training(const Dataset& training) = 0;
  // After S_g is complete (before the replicate may be checkpointed).
  virtual void end_generation() = 0;
  // Exact bytes of the state, and its inverse (DataError on malformed bytes).
  virtual std::string encode() const = 0;
  virtual void decode(std::string_view bytes) = 0;
};

class Filter {
 public:
  explicit Filter(double max_draws) : max_draws_(max_draws) {}
  virtual ~Filter() = default;

  virtual std::string_view kind() const = 0;
  // Candidates consumed per sample passed: curate takes groups of K and passes one of each; the
  // others judge candidates one by one (1).
  virtual std::size_t group() const { return 1; }
  // The candidates (a multiple of group() of them) that pass, as ascending indices appended to
  // `passed`. `state` is this replicate's state (nullptr when make_state() gives none).
  virtual void apply(const Samples& candidates, Rng& rng, FilterState* state, std::vector<std::size_t>& passed) const = 0;
  // A fresh per-replicate state, or nullptr for a stateless filter.
  virtual std::unique_ptr<FilterState> make_state() const { return nullptr; }
  // True: the loop draws replacements for what this filter rejects. False (a screen): rejected
  // samples leave S_g, which ends smaller than loop.synthetic.
  virtual bool refills() const { return true; }

  // Screens only: apply (a screen has no state), also writing each sample's score, the number
  // the screen judges by (NaN where it has none), to `scores`, one per sample. The provenance
  // ledger records them under score_name() ("watermark_z", "detector_score"); filters that
  // score nothing name nothing.
  virtual void screen(const Samples& samples, Rng& rng, std::vector<std::size_t>& passed,
                      std::vector<double>& scores) const;
  virtual std::string_view score_name() const { return {}; }

  // The filter may examine at most max_draws x group() candidates per sample the loop needs.
  double max_draws() const { return max_draws_; }

 private:
  double max_draws_;
};

// Candidates a filter examined and rejected while one synthetic set was drawn.
struct FilterCounts {
  std::uint64_t drawn = 0;
  std::uint64_t rejected = 0;
  friend bool operator==(const FilterCounts&, const FilterCounts&) = default;
};

// The filters of the config's [[filter]] tables, in order, validated against the family and the
// truth: a filter the family cannot take (filters on a family whose samples are not exchangeable,
// dedup without exact equality, a reward of the wrong form or length, a key of another kind) is a
// ConfigError naming the key.
std::vector<std::unique_ptr<Filter>> make_filters(const Config& config, const Capabilities& family,
                                                  std::string_view family_name, const Truth& truth);

// "filter1_curate", "filter2_dedup", ...: the column prefix of each filter in composition.csv.
std::vector<std::string> filter_labels(const std::vector<std::unique_ptr<Filter>>& filters);

}  // namespace ouro
