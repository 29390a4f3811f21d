// Experiment: the self-consuming loop, run for many independent replicates.
//
// Construction resolves and validates everything a run needs (truth, family, loop policy, metrics,
// theory) so that impossible settings fail before any work starts, with the offending key named.
// run() executes the replicates in parallel; each replicate draws only from its own counter-based
// streams, so the recorded results are a pure function of (config, seed) for any thread count.
//
// Per replicate r: the test set and the initial real data D0 are drawn; generation 0 fits D0;
// every generation g samples S_g from its model, records its metrics, and hands S_g to the policy,
// which composes generation g+1's training set (docs/loop.md). The generation-0 model is kept for
// the whole replicate only when a metric or side output reads it (ppl_gen0).
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ouro/core/config.hpp"
#include "ouro/core/run_context.hpp"
#include "ouro/loop/checkpoint.hpp"
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
};

class Experiment {
 public:
  explicit Experiment(Config config);
  ~Experiment();

  const Config& config() const { return config_; }
  const std::vector<std::string>& metric_names() const { return metric_names_; }
  const std::vector<TheoryCurve>& theory() const { return theory_; }
  // The files of rows beside metrics.csv that this run writes (its SideOutputs), for the Recorder.
  std::vector<SideTable> side_tables() const;
  std::size_t generations() const { return generations_; }
  std::size_t replicates() const { return replicates_; }

  // Runs every replicate, handing results to `recorder` (created by the caller with this
  // experiment's metric names). `on_replicate_done` is called after each replicate (any thread).
  StageTimes run(const RunContext& context, Recorder& recorder,
                 const std::function<void()>& on_replicate_done = {}) const;

  // One replicate (continued from and checkpointed through `hooks` when given).
  ReplicateResult run_replicate(std::size_t replicate, StageTimes* times = nullptr,
                                const ReplicateHooks* hooks = nullptr) const;

 private:
  void validate_sizes() const;

  Config config_;
  std::uint64_t seed_;
  std::size_t generations_;
  std::size_t replicates_;
  std::size_t test_samples_;
  std::unique_ptr<Truth> truth_;
  std::unique_ptr<ModelFamily> family_;
  LoopPolicy policy_;
  std::vector<std::unique_ptr<Metric>> metrics_;
  std::vector<std::unique_ptr<SideOutput>> side_outputs_;
  bool keeps_generation0_ = false;  // some metric or side output judges by the generation-0 model
  std::vector<std::string> metric_names_;
  std::optional<Moments> truth_moments_;  // computed once for every metric of every generation
  std::vector<std::uint64_t> metric_blocks_;  // each metric's stream block, hashed once
  std::vector<TheoryCurve> theory_;
};

}  // namespace ouro
