// Experiment: the self-consuming loop of one config, for any replicate.
//
// Construction resolves and validates everything a run needs (truth, family and its declared
// capabilities, warm starts, loop policy, filters, metrics, side outputs, theory) without fitting
// anything, so that impossible settings fail before any work starts, with the offending key named.
// run_replicate() runs one replicate; each replicate draws only from its own counter-based
// streams, so its results are a pure function of (config, seed, replicate) whichever thread runs
// it. RunJob (run_job.hpp) is what drives replicates, for every command.
//
// A replicate is, for every generation g (generation_record.hpp):
//   compose -> fit -> sample -> filter -> measure -> record
// compose: the loop policy composes g's training set (g = 0: the initial real data D0);
// fit: the family fits it, from scratch or warm-started from the previous or generation 0's model
//      (model.init);
// sample, filter: S_g is drawn from the model through the [[filter]] chain (sample_stage.hpp);
// measure: the metrics and side outputs of generation g;
// record: S_g goes to the policy for later training sets, the results are stored, and the
//         replicate may be checkpointed.
// The generation-0 model is kept for the whole replicate only when a metric or side output reads
// it (ppl_gen0) or every fit starts from it (model.init = "initial").
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ouro/core/config.hpp"
#include "ouro/filters/filter.hpp"
#include "ouro/loop/checkpoint.hpp"
#include "ouro/loop/generation_record.hpp"
#include "ouro/loop/loop_policy.hpp"
#include "ouro/loop/recorder.hpp"
#include "ouro/metrics/metric.hpp"
#include "ouro/metrics/side_output.hpp"
#include "ouro/models/generative_model.hpp"
#include "ouro/models/truth.hpp"
#include "ouro/theory/theory.hpp"

namespace ouro {

// Seconds spent in each stage, summed over all replicates (CPU time of the workers).
struct StageTimes {
  double setup = 0, compose = 0, fit = 0, sample = 0, metrics = 0;
  StageTimes& operator+=(const StageTimes& other);
  double total() const { return setup + compose + fit + sample + metrics; }
  nlohmann::json to_json() const;
};

// How a replicate is continued and checkpointed (see checkpoint.hpp); all optional.
struct ReplicateHooks {
  // Continue from this checkpoint (of this replicate, not finished) instead of starting afresh.
  const ReplicateCheckpoint* resume_from = nullptr;
  // Asked after generation g < G has handed S_g to the policy, with the seconds this call has
  // worked on the replicate so far (its stage times, without the checkpoints' own time: no extra
  // clock read); when it returns true, `save` gets the replicate's checkpoint (next_generation =
  // g + 1). Both run on the replicate's thread.
  std::function<bool(std::size_t generation, double work_seconds)> checkpoint_due;
  std::function<void(const ReplicateCheckpoint&)> save;
  // Called with every generation's record after its measure stage (tests, provenance tools).
  std::function<void(const GenerationRecord&)> on_generation;
};

class Experiment {
 public:
  explicit Experiment(Config config);
  ~Experiment();

  const Config& config() const { return config_; }
  const Truth& truth() const { return *truth_; }
  const std::vector<std::string>& metric_names() const { return metric_names_; }
  const std::vector<TheoryCurve>& theory() const { return theory_; }
  // The files of rows beside metrics.csv that this run writes (its SideOutputs), for the Recorder.
  std::vector<SideTable> side_tables() const;
  const std::vector<std::unique_ptr<Filter>>& filters() const { return filters_; }
  // The column prefix of each filter in composition.csv.
  const std::vector<std::string>& filter_labels() const { return filter_labels_; }
  // True when every replicate's training sets have the same composition (written once, as "all").
  bool composition_is_shared() const;
  std::size_t generations() const { return generations_; }
  std::size_t replicates() const { return replicates_; }
  const Capabilities& capabilities() const { return capabilities_; }
  const LoopSettings& loop_settings() const { return policy_.settings(); }

  // A recorder of this experiment's results into `out_dir` (empty: in memory only).
  std::unique_ptr<Recorder> make_recorder(const std::filesystem::path& out_dir) const;

  // One replicate (continued from and checkpointed through `hooks` when given).
  ReplicateResult run_replicate(std::size_t replicate, StageTimes* times = nullptr,
                                const ReplicateHooks* hooks = nullptr) const;

 private:
  struct ReplicateState;

  void validate_sizes() const;
  ReplicateState start_replicate(std::size_t replicate, const ReplicateCheckpoint* resume) const;
  // The stages of one generation, in order.
  void compose(GenerationRecord& record, ReplicateState& state) const;
  void fit(GenerationRecord& record, ReplicateState& state) const;
  void sample(GenerationRecord& record, ReplicateState& state) const;
  void measure(const GenerationRecord& record, ReplicateState& state) const;
  void record(GenerationRecord& record, ReplicateState& state) const;
  ReplicateCheckpoint checkpoint(const ReplicateState& state, std::size_t next_generation) const;

  Config config_;
  std::uint64_t seed_;
  std::size_t generations_;
  std::size_t replicates_;
  std::size_t test_samples_;
  std::unique_ptr<Truth> truth_;
  std::unique_ptr<ModelFamily> family_;
  Capabilities capabilities_;
  ModelInit init_ = ModelInit::kScratch;
  LoopPolicy policy_;
  std::vector<std::unique_ptr<Filter>> filters_;
  std::vector<std::string> filter_labels_;
  std::vector<std::unique_ptr<Metric>> metrics_;
  std::vector<std::unique_ptr<SideOutput>> side_outputs_;
  std::vector<std::unique_ptr<SideFileOutput>> side_file_outputs_;
  std::size_t record_every_ = 1;  // whole side files are written for the generations the recorder records
  bool keeps_generation0_ = false;  // some metric, side output or model.init reads the generation-0 model
  std::vector<std::string> metric_names_;
  std::optional<Moments> truth_moments_;  // computed once for every metric of every generation
  std::vector<std::uint64_t> metric_blocks_;  // each metric's stream block, hashed once
  std::vector<TheoryCurve> theory_;
};

}  // namespace ouro
