// RunJob: one experiment run into one output folder, from the resolved Config to run.json, with
// checkpoints that let a killed run continue exactly where it stopped.
//
// RunJob is the one code path that drives replicates, for every command: `ouro run` (run()),
// each cell of `ouro sweep` and `ouro phase` (whose scheduler calls run_replicate() for the cells'
// replicates on shared threads), and each probe of `ouro threshold` (in memory: no output folder).
// The constructor validates the config (building the Experiment, which fits nothing); open()
// checks the output folder (a finished run, an interrupted one, or nothing) and, when resuming,
// checks that the folder was started with the same resolved config; run_replicate() runs one
// replicate (from its checkpoint when it has one) and may be called from many threads; finish()
// writes the run's files and removes the checkpoints. With an empty out_dir nothing touches a
// file: no checkpoints, and the results stay in the recorder's summary (and on_result).
//
// A run that fails before it kept anything (no replicate finished or checkpointed, nothing resumed)
// leaves nothing that blocks the next attempt: run_replicate() abandons the folder (abandon())
// before it rethrows, so a corrected config simply runs; a sweep abandons its cells likewise.
//
// Checkpoints live in OUT/.partial/: config.json (the resolved config the run was started with),
// finished.log (the results of every finished replicate, one record appended each: finished_log.hpp)
// and one replicate-<r>.ckpt per replicate checkpointed part-way (checkpoint.hpp), removed once it
// finishes. A run with provenance.ledger writes OUT/provenance.sqlite as it goes (a generation per
// transaction; provenance_recorder.hpp), and a resumed replicate first removes the rows after its
// checkpoint. A replicate in progress is checkpointed every N generations or every S seconds of its
// own work (CheckpointInterval). Because every random stream is keyed by (seed, purpose,
// replicate, generation), the files a resumed run writes are the same bytes as an uninterrupted
// run's; only run.json's timings (and threads, if changed) differ.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "ouro/core/config.hpp"
#include "ouro/loop/checkpoint.hpp"
#include "ouro/loop/experiment.hpp"
#include "ouro/loop/finished_log.hpp"
#include "ouro/loop/provenance_recorder.hpp"
#include "ouro/loop/recorder.hpp"

namespace ouro {

// What to do with an output folder that already holds a run (finished or interrupted).
enum class ExistingRun {
  kRefuse,  // error naming --resume (interrupted) or --force (finished)
  kResume,  // continue an interrupted run; a finished one is left as it is
  kForce,   // discard whatever is there and start afresh
};

// When a replicate in progress is checkpointed (a finished replicate always is).
struct CheckpointInterval {
  std::size_t generations = 0;  // > 0: after every this many generations
  double seconds = 0.0;         // > 0: after the first generation that ends this long after the last checkpoint
  // "N" (generations), "Ns" (seconds of the replicate's own work, e.g. "30s") or "0" (finished
  // replicates only). Throws ConfigError naming `flag` and the text otherwise.
  static CheckpointInterval parse(std::string_view text, std::string_view flag = "--checkpoint-every");
  bool enabled() const { return generations > 0 || seconds > 0.0; }
};

struct RunJobOptions {
  std::filesystem::path out_dir;
  std::string config_file;            // echoed in run.json
  int threads = 1;                    // resolved; echoed in run.json (never changes results)
  ExistingRun existing = ExistingRun::kRefuse;
  CheckpointInterval checkpoint{0, 30.0};
  nlohmann::json extra_info;          // merged into run.json (e.g. the sweep cell); null: nothing
  // Called after each checkpoint is saved (any thread), with the replicate and whether it finished
  // (its record appended to the finished log) or was checkpointed part-way. The CLI's test hook
  // uses it to stop a run at a known point.
  std::function<void(std::size_t replicate, bool finished)> on_checkpoint;
  // Called with each replicate's results as it finishes (any thread), before the recorder takes
  // them; `ouro threshold` reads its criterion from them.
  std::function<void(const ReplicateResult&)> on_result;
};

// Resolved configs that differ only in these keys describe the same results.
bool is_execution_key(std::string_view key);

// The first key (in option-table order) whose value differs between two resolved configs (as
// Config::to_json writes them), ignoring execution keys; empty when they describe the same run.
// In a repeated section the key names the element: "filter.1.min_reward" for a value that differs,
// "filter.2" (with the whole table as the value) when only one config has a third [[filter]].
// `a_value`/`b_value` get the two values as JSON text ("(unset)" for one that is absent).
std::string first_config_difference(const nlohmann::json& a, const nlohmann::json& b, std::string* a_value = nullptr,
                                    std::string* b_value = nullptr);

class RunJob {
 public:
  // Validates `config` (builds the Experiment); throws ConfigError/DataError naming the key or
  // file. Touches no file, so that a sweep can check every cell before it starts any.
  RunJob(Config config, RunJobOptions options);
  // Checks and prepares `out_dir` (see ExistingRun); loads what a resumed run has finished. Throws
  // IoError naming the folder, or ConfigError naming the first config key that differs from the
  // one the folder was started with; out_dir is left as it was when it throws.
  void open();
  ~RunJob();
  RunJob(const RunJob&) = delete;
  RunJob& operator=(const RunJob&) = delete;

  // True when out_dir already held the finished run (with --resume): there is nothing to do and
  // finish() writes nothing.
  bool already_finished() const { return already_finished_; }
  const Experiment& experiment() const { return *experiment_; }
  const Recorder& recorder() const { return *recorder_; }
  const std::filesystem::path& out_dir() const { return options_.out_dir; }
  std::size_t replicates() const { return experiment_->replicates(); }
  // Replicates still to run, ascending; the others were finished before a resume.
  const std::vector<std::size_t>& pending() const { return pending_; }
  // Replicates that continue from a checkpoint taken part-way.
  std::size_t resumed_in_progress() const { return resumed_in_progress_; }

  // Progress of a run, in generations (any thread): `generations` more are done; `from_checkpoint`
  // when they were done by an earlier process (a replicate resumed part-way skips them).
  using Progress = std::function<void(std::size_t generations, bool from_checkpoint)>;

  // Runs one pending replicate, checkpointing it, and hands its result to the recorder; `progress`
  // (optional) hears of every generation as it ends. Thread-safe for distinct replicates.
  void run_replicate(std::size_t replicate, const Progress& progress = {});

  // True when out_dir holds results worth resuming: the run was resumed, or a replicate of it
  // finished or was checkpointed.
  bool holds_results() const { return resumed_ || kept_.load(); }
  // Unless holds_results(): removes OUT/.partial, and (when the job is destroyed) OUT itself when
  // this job created it and it is empty again, so that the folder is as the job found it (less a
  // finished run that --force removed).
  // Safe to call more than once, from any thread; errors while removing are ignored (the caller is
  // already reporting the failure that made it give up).
  void abandon();

  // Writes metrics.csv, theory.csv, composition.csv, side tables and run.json (last), then removes
  // OUT/.partial. Every pending replicate must have run. Returns run.json's content.
  nlohmann::json finish();

  // open() (unless done already), every pending replicate on `threads` threads (`progress` after
  // each generation, any thread), finish(): a whole run in one call.
  nlohmann::json run(int threads, const Progress& progress = {});

 private:
  bool in_memory() const { return options_.out_dir.empty(); }
  void prepare_folder(const nlohmann::json& resolved);
  // run_replicate's work; run_replicate abandons the folder when it throws.
  void run_opened_replicate(std::size_t replicate, const Progress& progress);
  void load_finished_replicates();
  // OUT/provenance.sqlite when the run keeps a ledger (provenance.ledger, not in memory); else empty.
  std::filesystem::path ledger_path() const;
  // The replicates the finished log holds: each at most once and within the run (else DataError).
  std::vector<bool> finished_in_log() const;

  RunJobOptions options_;
  std::chrono::steady_clock::time_point wall_start_;
  double setup_seconds_ = 0.0;
  std::unique_ptr<Experiment> experiment_;
  std::unique_ptr<CheckpointStore> store_;
  std::unique_ptr<FinishedLog> finished_log_;
  std::unique_ptr<Recorder> recorder_;
  std::unique_ptr<ProvenanceRecorder> ledger_;  // with provenance.ledger, while the run runs
  bool opened_ = false;
  bool already_finished_ = false;
  std::vector<std::size_t> pending_;
  std::vector<bool> has_progress_;  // a part-way checkpoint exists for replicate r
  bool resumed_ = false;            // open() continued a folder's run
  bool created_out_ = false;        // open() created out_dir
  std::atomic<bool> kept_{false};   // a replicate finished or was checkpointed
  bool abandoned_ = false;          // abandon() removed .partial
  std::mutex abandon_mutex_;
  std::size_t resumed_in_progress_ = 0;
  std::vector<StageTimes> stage_times_;
  std::once_flag loop_started_;
  std::chrono::steady_clock::time_point loop_start_;
};

}  // namespace ouro
