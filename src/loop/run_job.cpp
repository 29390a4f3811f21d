// One run into one output folder, resumable: see run_job.hpp.
#include "ouro/loop/run_job.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <mutex>
#include <set>

#include <spdlog/spdlog.h>

#include "ouro/core/error.hpp"
#include "ouro/core/parallel.hpp"
#include "ouro/io/check_word.hpp"
#include "ouro/io/column_selection.hpp"
#include "ouro/io/json_file.hpp"

namespace ouro {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr const char* kPartial = ".partial";
constexpr const char* kFinishedLog = "finished.log";
constexpr const char* kLedgerFile = "provenance.sqlite";

// The ledger and the files SQLite keeps beside it while it is open (write-ahead log, shared memory).
void remove_ledger(const fs::path& dir) {
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(dir / (std::string(kLedgerFile) + suffix), ec);
}

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// The value at a dotted key of nested JSON; null when absent.
nlohmann::json at_key(const nlohmann::json& root, std::string_view key) {
  const nlohmann::json* node = &root;
  while (!key.empty()) {
    const auto dot = key.find('.');
    const std::string part(key.substr(0, dot));
    if (!node->is_object() || !node->contains(part)) return nullptr;
    node = &(*node)[part];
    key = dot == std::string_view::npos ? std::string_view() : key.substr(dot + 1);
  }
  return *node;
}

// AtomicFile temporaries ("<name>.tmp-<pid>") of a process that was killed before it committed.
void remove_stale_temporaries(const fs::path& dir) {
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_regular_file() && it->path().filename().string().find(".tmp-") != std::string::npos) {
      fs::remove(it->path(), ec);
    }
  }
}

void remove_sample_grids(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return;
  std::vector<fs::path> grids;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.starts_with("gen-") && name.ends_with(".png")) grids.push_back(it->path());
  }
  for (const fs::path& grid : grids) fs::remove(grid, ec);
  fs::remove(dir, ec);  // only when empty
}

// A sweep builds one job per cell and `ouro threshold` one per probe, all from the same data file:
// its warning is said once per process.
void warn_once(const std::string& message) {
  static std::mutex mutex;
  static std::set<std::string> said;
  const std::lock_guard lock(mutex);
  if (said.insert(message).second) spdlog::warn("{}", message);
}

void remove_all_or_throw(const fs::path& path) {
  std::error_code ec;
  fs::remove_all(path, ec);
  OURO_CHECK(!ec, IoError, "cannot remove '{}': {}", path.string(), ec.message());
}

}  // namespace

CheckpointInterval CheckpointInterval::parse(std::string_view text, std::string_view flag) {
  CheckpointInterval interval;
  const bool seconds = !text.empty() && text.back() == 's';
  const std::string_view number = seconds ? text.substr(0, text.size() - 1) : text;
  double value = -1.0;
  const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
  OURO_CHECK(ec == std::errc() && end == number.data() + number.size() && std::isfinite(value) && value >= 0.0 &&
                 (seconds || value == std::floor(value)),
             ConfigError,
             "{} {}: expected a number of generations (e.g. 10), of seconds (e.g. 30s) or 0 (checkpoint finished "
             "replicates only)", flag, text);
  if (seconds) interval.seconds = value;
  else interval.generations = static_cast<std::size_t>(value);
  return interval;
}

bool is_execution_key(std::string_view key) { return key == "run.threads"; }

std::string first_config_difference(const nlohmann::json& a, const nlohmann::json& b, std::string* a_value,
                                    std::string* b_value) {
  const auto differ = [&](const nlohmann::json& va, const nlohmann::json& vb) {
    if (va == vb) return false;
    if (a_value) *a_value = va.is_null() ? "(unset)" : va.dump();
    if (b_value) *b_value = vb.is_null() ? "(unset)" : vb.dump();
    return true;
  };
  for (const Option& option : option_table()) {
    if (option.repeated || is_execution_key(option.key)) continue;
    if (differ(at_key(a, option.key), at_key(b, option.key))) return std::string(option.key);
  }
  // A repeated section is an array of one object per element, absent when there are none. The
  // elements both configs have are compared key by key; then an element only one has is reported
  // whole, at its index. Anything else (a key this version has no row for) names the section.
  for (const RepeatedSection& section : repeated_sections()) {
    const nlohmann::json sa = at_key(a, section.name);
    const nlohmann::json sb = at_key(b, section.name);
    const std::size_t na = sa.is_array() ? sa.size() : 0;
    const std::size_t nb = sb.is_array() ? sb.size() : 0;
    for (std::size_t i = 0; i < std::min(na, nb); ++i) {
      for (const Option& option : option_table()) {
        if (!option.repeated || !option.key.starts_with(fmt::format("{}.", section.name))) continue;
        const std::string_view name = option.key.substr(section.name.size() + 1);
        const nlohmann::json va = at_key(sa[i], name);
        const nlohmann::json vb = at_key(sb[i], name);
        // A list row named like a sub-table (reward, reward.linear) holding the sub-table on both
        // sides: the sub-table's own rows name the key that differs.
        if (va.is_object() && vb.is_object()) continue;
        if (differ(va, vb)) return Config::table_key(section.name, i, name);
      }
    }
    if (na != nb) {
      const std::size_t i = std::min(na, nb);
      differ(i < na ? sa[i] : nlohmann::json(), i < nb ? sb[i] : nlohmann::json());
      return fmt::format("{}.{}", section.name, i);
    }
    if (differ(sa, sb)) return std::string(section.name);
  }
  return "";
}

RunJob::RunJob(Config config, RunJobOptions options) : options_(std::move(options)), wall_start_(Clock::now()) {
  experiment_ = std::make_unique<Experiment>(std::move(config));
  setup_seconds_ = seconds_since(wall_start_);
  if (const DataColumns* data = experiment_->truth().data_columns(); data && !data->warning.empty()) {
    warn_once(data->warning);
  }
  const std::size_t metrics = experiment_->metric_names().size();
  store_ = std::make_unique<CheckpointStore>(options_.out_dir / kPartial, metrics, experiment_->generations());
  finished_log_ = std::make_unique<FinishedLog>(options_.out_dir / kPartial / kFinishedLog, metrics,
                                                experiment_->generations());
}

void RunJob::open() {
  OURO_CHECK(!opened_, Error, "internal: RunJob opened twice");
  if (in_memory()) {
    for (std::size_t r = 0; r < experiment_->replicates(); ++r) pending_.push_back(r);
    has_progress_.assign(experiment_->replicates(), false);
    stage_times_.assign(experiment_->replicates(), StageTimes{});
  } else {
    prepare_folder(experiment_->config().to_json());
  }
  opened_ = true;
}

RunJob::~RunJob() {
  if (!abandoned_ || !created_out_) return;
  // The recorder's temporaries are removed as it closes; then the folder this job made is empty.
  recorder_.reset();
  finished_log_.reset();
  ledger_.reset();
  remove_ledger(options_.out_dir);
  std::error_code ec;
  fs::remove(options_.out_dir, ec);  // only when empty
}

void RunJob::prepare_folder(const nlohmann::json& resolved) {
  const fs::path& out = options_.out_dir;
  const fs::path partial = out / kPartial;
  const bool finished = fs::exists(out / "run.json");
  const bool interrupted = fs::exists(partial);

  // Refuses to continue a folder that was started with another config, naming the first key.
  const auto check_same = [&](const nlohmann::json& stored, const fs::path& where) {
    std::string was, now;
    const std::string key = first_config_difference(stored, resolved, &was, &now);
    OURO_CHECK(key.empty(), ConfigError,
               "--resume: '{}' was started with {} = {}, this config has {} = {}; resume with the config it was "
               "started with, or start over with --force", where.string(), key, was, key, now);
  };

  if (finished) {
    if (options_.existing == ExistingRun::kRefuse) {
      throw IoError(fmt::format("'{}' already holds a finished run; choose another --out or pass --force to "
                                "overwrite it", out.string()));
    }
    if (options_.existing == ExistingRun::kResume) {
      const nlohmann::json info = read_json_file(out / "run.json", kRunFileFormat);
      check_same(info.value("config", nlohmann::json()), out / "run.json");
      check_stamped_files(out, info.value("files", nlohmann::json()), kStartOverRemedy);
      already_finished_ = true;
      // A run killed after run.json but before its checkpoints were removed.
      if (interrupted) remove_all_or_throw(partial);
      return;
    }
  }
  if (interrupted && !finished && options_.existing == ExistingRun::kRefuse) {
    throw IoError(fmt::format("'{}' holds an interrupted run ({}); continue it with --resume, or start over with "
                              "--force", out.string(), partial.string()));
  }

  // Everything a resumed run reads back is checked before anything in the folder changes, so a
  // refused resume leaves the folder exactly as it found it.
  const bool resuming = options_.existing == ExistingRun::kResume && fs::exists(partial / "config.json");
  if (resuming) {
    const nlohmann::json stored = read_json_file(partial / "config.json", kRunConfigFormat);
    OURO_CHECK(stored.value("version", "") == OURO_VERSION, ConfigError,
               "--resume: '{}' was started by ouro {}, this is ouro {}; finish it with that version or start over "
               "with --force", partial.string(), stored.value("version", "(unknown)"), OURO_VERSION);
    check_same(stored.value("config", nlohmann::json()), partial / "config.json");
  }
  const std::size_t replicates = experiment_->replicates();
  has_progress_.assign(replicates, false);
  stage_times_.assign(replicates, StageTimes{});
  // Only the replicate numbers are read here; their results are read when the run starts.
  const std::vector<bool> finished_replicates = resuming ? finished_in_log() : std::vector<bool>(replicates, false);
  std::size_t finished_count = 0;
  for (std::size_t r = 0; r < replicates; ++r) {
    if (finished_replicates[r]) {
      ++finished_count;
      continue;
    }
    pending_.push_back(r);
    if (resuming && store_->load(r)) {
      has_progress_[r] = true;
      ++resumed_in_progress_;
    }
  }

  resumed_ = resuming;
  created_out_ = !fs::exists(out);
  std::error_code ec;
  fs::create_directories(out, ec);
  OURO_CHECK(!ec, IoError, "cannot create output folder '{}': {}", out.string(), ec.message());
  if (options_.existing == ExistingRun::kForce) {
    // A forced rerun must not leave the old run.json standing beside half-written new files, nor
    // a report of the previous results, nor the previous checkpoints. The old result files go
    // too: renaming a new file over a large old one makes ext4 write the new one out at once
    // (its replace-by-rename safeguard), which cost 0.17 s of a 0.9 s run with a 289 MB
    // metrics.csv.
    for (const std::string& name : Recorder::file_names(experiment_->side_tables())) fs::remove(out / name, ec);
    fs::remove(out / "report.html", ec);
    remove_ledger(out);
    remove_all_or_throw(partial);
    // The previous run's sample grids (a run with fewer generations or replicates would leave
    // some standing); only files named as grids are removed, then the folder if that emptied it.
    remove_sample_grids(out / "samples");
  }
  remove_stale_temporaries(out);
  if (fs::is_directory(out / "samples", ec)) remove_stale_temporaries(out / "samples");
  fs::create_directories(partial, ec);
  OURO_CHECK(!ec, IoError, "cannot create checkpoint folder '{}': {}", partial.string(), ec.message());
  remove_stale_temporaries(partial);
  if (!resuming) {
    // A folder killed before its config.json was written holds no results worth keeping, nor
    // ledger rows.
    fs::remove(finished_log_->path(), ec);
    remove_ledger(out);
    write_json_file(partial / "config.json", {{"version", OURO_VERSION}, {"config", resolved}}, kRunConfigFormat);
  }
  if (resuming) {
    spdlog::log(finished_count + resumed_in_progress_ > 0 ? spdlog::level::info : spdlog::level::debug,
                "resuming '{}': {} of {} replicates finished, {} continue from a checkpoint", out.string(),
                finished_count, replicates, resumed_in_progress_);
  }
}

std::vector<bool> RunJob::finished_in_log() const {
  std::vector<bool> seen(experiment_->replicates(), false);
  for (const std::size_t r : finished_log_->replicates()) {
    OURO_CHECK(r < seen.size(), DataError, "{}: holds replicate {} of a run of {} replicates",
               finished_log_->path().string(), r, seen.size());
    OURO_CHECK(!seen[r], DataError,
               "{}: holds replicate {} twice (did two processes run this folder at once?); start over with --force",
               finished_log_->path().string(), r);
    seen[r] = true;
  }
  return seen;
}

void RunJob::load_finished_replicates() {
  // The recorder (and its open files) exists only while the run is running, so that a sweep can
  // prepare many cells without holding their files open.
  recorder_ = experiment_->make_recorder(options_.out_dir);
  loop_start_ = Clock::now();
  if (in_memory()) return;
  const std::size_t finished_before = experiment_->replicates() - pending_.size();
  // open() checked the log's replicate numbers; a log that changed since is refused by count.
  std::vector<ReplicateResult> finished = finished_before > 0 ? finished_log_->read() : std::vector<ReplicateResult>();
  OURO_CHECK(finished.size() == finished_before, IoError,
             "{}: held {} finished replicates when the run was opened and {} now; was it changed during the run?",
             finished_log_->path().string(), finished_before, finished.size());
  if (const fs::path ledger = ledger_path(); !ledger.empty()) {
    OURO_CHECK(finished.empty() || fs::exists(ledger), DataError,
               "'{}' is missing, but the run has finished replicates to record in it; start over with --force",
               ledger.string());
    ledger_ = std::make_unique<ProvenanceRecorder>(*experiment_, ledger);
    for (const ReplicateResult& result : finished) ledger_->check_finished(result.replicate);
  }
  for (ReplicateResult& result : finished) recorder_->add(std::move(result));
  finished_log_->open();
}

fs::path RunJob::ledger_path() const {
  if (in_memory() || !experiment_->config().boolean("provenance.ledger")) return {};
  return options_.out_dir / kLedgerFile;
}

void RunJob::abandon() {
  if (in_memory() || !opened_ || already_finished_ || holds_results()) return;
  const std::lock_guard lock(abandon_mutex_);
  std::error_code ec;
  fs::remove_all(options_.out_dir / kPartial, ec);
  abandoned_ = true;  // the folder itself goes with the job, once the recorder's files are closed
}

void RunJob::run_replicate(std::size_t replicate, const Progress& progress) {
  OURO_CHECK(opened_ && !already_finished_, Error, "internal: run_replicate on a run not opened or finished");
  try {
    run_opened_replicate(replicate, progress);
  } catch (...) {
    // A failure in set-up (a truth's test split too small, a recorder that cannot open its files)
    // comes before anything is kept; the folder must not then refuse the corrected config.
    abandon();
    throw;
  }
}

void RunJob::run_opened_replicate(std::size_t replicate, const Progress& progress) {
  std::call_once(loop_started_, [this] { load_finished_replicates(); });

  std::optional<ReplicateCheckpoint> resume;
  if (has_progress_[replicate]) resume = store_->load(replicate);
  bool has_progress_file = has_progress_[replicate];
  const CheckpointInterval& interval = options_.checkpoint;
  double work_at_last_checkpoint = 0.0;
  ReplicateHooks hooks;
  hooks.resume_from = resume ? &*resume : nullptr;
  if (progress && resume) progress(resume->next_generation, /*from_checkpoint=*/true);
  if (ledger_) ledger_->start_replicate(replicate, resume ? resume->next_generation : 0);
  if (progress || ledger_) {
    hooks.on_generation = [&](const GenerationRecord& record) {
      if (ledger_) ledger_->record(replicate, record);
      if (progress) progress(1, false);
    };
  }
  if (interval.enabled() && !in_memory()) {
    // Generation positions are absolute (g + 1 divisible by N), so they do not move on resume.
    hooks.checkpoint_due = [&](std::size_t g, double work_seconds) {
      const bool due = (interval.generations > 0 && (g + 1) % interval.generations == 0) ||
                       (interval.seconds > 0.0 && work_seconds - work_at_last_checkpoint >= interval.seconds);
      if (due) work_at_last_checkpoint = work_seconds;
      return due;
    };
    hooks.save = [&](const ReplicateCheckpoint& checkpoint) {
      store_->save(checkpoint);
      has_progress_file = true;
      kept_ = true;
      spdlog::debug("{}: replicate {} checkpointed after generation {}", options_.out_dir.string(), replicate,
                    checkpoint.next_generation - 1);
      if (options_.on_checkpoint) options_.on_checkpoint(replicate, false);
    };
  }
  ReplicateResult result = experiment_->run_replicate(replicate, &stage_times_[replicate], &hooks);
  resume.reset();
  if (options_.on_result) options_.on_result(result);
  if (in_memory()) {
    recorder_->add(std::move(result));
    return;
  }

  finished_log_->append(result);
  kept_ = true;
  // Its part-way checkpoint has served (a kill before this removal leaves both; the log wins).
  if (has_progress_file) store_->remove(replicate);
  recorder_->add(std::move(result));
  if (options_.on_checkpoint) options_.on_checkpoint(replicate, true);
}

nlohmann::json RunJob::finish() {
  OURO_CHECK(opened_, Error, "internal: RunJob finished before it was opened");
  if (already_finished_) return read_json_file(options_.out_dir / "run.json", kRunFileFormat);
  std::call_once(loop_started_, [this] { load_finished_replicates(); });
  StageTimes stages;
  for (const StageTimes& t : stage_times_) stages += t;
  const Config& config = experiment_->config();
  nlohmann::json info;
  info["version"] = OURO_VERSION;
  info["config_file"] = options_.config_file;
  info["config"] = config.to_json();
  info["seed"] = static_cast<std::uint64_t>(config.integer("run.seed"));
  info["threads"] = options_.threads;
  info["metrics"] = experiment_->metric_names();
  // What was read, so that the results can be traced to the file and columns they came from.
  if (const DataColumns* data = experiment_->truth().data_columns()) {
    info["data"] = columns_record(*data);
    // The rows held out as the test set; the others are the real pool.
    info["data"]["test_rows"] = config.integer("metrics.test_samples");
  }
  if (!options_.extra_info.is_null()) info.update(options_.extra_info);
  info["timings_seconds"] = {{"wall", seconds_since(wall_start_)},
                             {"experiment_setup", setup_seconds_},
                             {"loop_wall", seconds_since(loop_start_)},
                             // Summed over replicates (worker threads' time), so with several
                             // threads they add up to more than loop_wall; the key says so.
                             {"worker_stages_summed_over_replicates", stages.to_json()}};
  if (ledger_) {
    // Complete before run.json names the run finished.
    ledger_->finish();
    ledger_.reset();
    info["provenance_ledger"] = kLedgerFile;
  }
  recorder_->finish(experiment_->theory(), info);
  if (in_memory()) return info;
  finished_log_->close();
  // run.json is in place: the run is finished, and its checkpoints have served.
  remove_all_or_throw(options_.out_dir / kPartial);
  return info;
}

nlohmann::json RunJob::run(int threads, const Progress& progress) {
  if (!opened_) open();
  if (already_finished_) return finish();
  parallel_for(pending_.size(), threads, [&](std::size_t i) { run_replicate(pending_[i], progress); });
  return finish();
}

}  // namespace ouro
