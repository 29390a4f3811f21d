// Running, resuming and merging sweeps: see sweep.hpp.
#include "ouro/sweep/sweep.hpp"

#include <atomic>
#include <chrono>
#include <algorithm>
#include <exception>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include "ouro/core/error.hpp"
#include "ouro/core/parallel.hpp"
#include "ouro/io/atomic_file.hpp"
#include "ouro/io/gzip.hpp"
#include "ouro/io/json_file.hpp"

namespace ouro {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using nlohmann::json;

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

json make_plan(const Config& base, const SweepGrid& grid, const SweepOptions& options) {
  json cells = json::array();
  for (std::size_t c = 0; c < grid.cell_count(); ++c) {
    json values = json::object();
    const auto choice = grid.choices(c);
    for (std::size_t a = 0; a < grid.axes().size(); ++a) values[grid.axes()[a].key] = grid.axes()[a].values[choice[a]];
    cells.push_back({{"index", c}, {"folder", "cells/" + grid.cell_folder(c)}, {"label", grid.cell_label(c)},
                     {"values", values}});
  }
  json here = json::array();
  if (options.shard) {
    for (const std::size_t c : shard_cells(grid, base, *options.shard)) here.push_back(c);
  } else {
    for (std::size_t c = 0; c < grid.cell_count(); ++c) here.push_back(c);
  }
  json plan = {{"version", OURO_VERSION},
               {"config_file", options.config_file},
               {"base_config", base.to_json()},
               {"grid", grid.to_json()},
               {"cells", cells},
               {"shard", options.shard ? json{{"index", options.shard->index}, {"count", options.shard->count}} : json()},
               {"cells_here", here}};
  return plan;
}

// Why two plans do not describe the same sweep ("" when they do); `a_name`/`b_name` name them.
std::string plan_difference(const json& a, const json& b, const std::string& a_name, const std::string& b_name) {
  if (a.value("version", "") != b.value("version", "")) {
    return fmt::format("{} was written by ouro {}, {} by ouro {}", a_name, a.value("version", "?"), b_name,
                       b.value("version", "?"));
  }
  std::string va, vb;
  const std::string key = first_config_difference(a.at("base_config"), b.at("base_config"), &va, &vb);
  if (!key.empty()) return fmt::format("the base config differs: {} has {} = {}, {} has {} = {}", a_name, key, va, b_name, key, vb);
  const json& ga = a.at("grid");
  const json& gb = b.at("grid");
  for (std::size_t i = 0; i < std::max(ga.size(), gb.size()); ++i) {
    if (i >= ga.size() || i >= gb.size() || ga[i].at("key") != gb[i].at("key")) {
      return fmt::format("the grid differs: axis {} is {} in {} and {} in {}", i + 1,
                         i < ga.size() ? ga[i]["key"].dump() : "absent", a_name,
                         i < gb.size() ? gb[i]["key"].dump() : "absent", b_name);
    }
    if (ga[i].value("zipped", false) != gb[i].value("zipped", false)) {
      return fmt::format("the grid differs: {} is zipped (--zip) in {} and not in {}", ga[i]["key"].get<std::string>(),
                         ga[i].value("zipped", false) ? a_name : b_name, ga[i].value("zipped", false) ? b_name : a_name);
    }
    if (ga[i].at("values") != gb[i].at("values")) {
      return fmt::format("the grid differs: {} = {} in {}, {} in {}", ga[i]["key"].get<std::string>(),
                         ga[i]["values"].dump(), a_name, gb[i]["values"].dump(), b_name);
    }
  }
  return "";
}

// One cell of the sweep while it runs: its config until its RunJob is built, then the job.
struct CellSlot {
  std::size_t index = 0;
  fs::path dir;
  std::string label;
  std::size_t replicates = 0;
  bool skipped = false;                   // finished before this call
  std::atomic<bool> invalid{false};       // skipped as invalid (SweepOptions::skip_invalid)
  std::unique_ptr<Config> config;         // until the job is built
  std::unique_ptr<RunJob> job;
  std::once_flag opened;
  std::exception_ptr open_failure;        // why building or opening the job failed, for every task
  std::vector<bool> pending;              // pending[r]: the job still runs r (read-only once opened)
  std::atomic<std::size_t> remaining{0};  // tasks not yet counted down
};

// Runs `action`, prefixing a config or data error with the cell it concerns.
template <typename Action>
void with_cell_errors(const CellSlot& slot, Action action) {
  const auto cell_error = [&](const Error& e) {
    // The cell's values reach its config as --set overrides; the cell names them better.
    std::string message = e.what();
    if (message.starts_with("--set: ")) message.erase(0, 7);
    return fmt::format("sweep cell {} ({}): {}", slot.index, slot.label, message);
  };
  try {
    action();
  } catch (const ConfigError& e) {
    throw ConfigError(cell_error(e));
  } catch (const DataError& e) {
    throw DataError(cell_error(e));
  }
}

// Builds and opens a cell's RunJob from its config (which moves into the job) and marks the
// replicates it still runs. Errors name the cell.
void open_cell(CellSlot& slot, const SweepOptions& options, const json& plan) {
  with_cell_errors(slot, [&] {
    RunJobOptions job_options;
    job_options.out_dir = slot.dir;
    job_options.config_file = options.config_file;
    job_options.threads = options.threads;
    job_options.existing = options.existing == ExistingRun::kForce ? ExistingRun::kForce : ExistingRun::kResume;
    job_options.checkpoint = options.checkpoint;
    const json& cell = plan["cells"][slot.index];
    job_options.extra_info = {{"sweep_cell", {{"index", slot.index}, {"label", cell["label"]}, {"values", cell["values"]}}}};
    job_options.on_checkpoint = options.on_checkpoint;
    slot.job = std::make_unique<RunJob>(std::move(*slot.config), std::move(job_options));
    slot.config.reset();
    slot.job->open();
    slot.pending.assign(slot.replicates, false);
    for (const std::size_t r : slot.job->pending()) slot.pending[r] = true;
  });
}

void remove_all_or_throw(const fs::path& path) {
  std::error_code ec;
  fs::remove_all(path, ec);
  OURO_CHECK(!ec, IoError, "cannot remove '{}': {}", path.string(), ec.message());
}

// What merge and write_sweep_csv read from a stored plan, checked once (after the fields are known
// to be there), so that a damaged or foreign sweep.json is refused naming the file instead of
// failing inside the JSON library, and a cell folder cannot point outside its shard.
void check_plan_shape(const json& plan, const fs::path& file) {
  const auto check = [&](bool ok, std::string_view what) {
    OURO_CHECK(ok, DataError, "{}: not a sweep.json written by ouro ({})", file.string(), what);
  };
  check(plan.at("version").is_string() && plan.at("base_config").is_object(), "version or base_config");
  const json& grid = plan.at("grid");
  check(grid.is_array(), "grid is not a list");
  for (const json& axis : grid) {
    check(axis.is_object() && axis.contains("key") && axis["key"].is_string() && axis.contains("values") &&
              axis["values"].is_array() && axis.contains("labels") && axis["labels"].is_array() &&
              axis["labels"].size() == axis["values"].size(),
          "a grid axis without key, values and labels");
    for (const json& label : axis["labels"]) check(label.is_string(), "a grid label is not a string");
  }
  const json& cells = plan.at("cells");
  check(cells.is_array(), "cells is not a list");
  for (const json& cell : cells) {
    check(cell.is_object() && cell.contains("folder") && cell["folder"].is_string() && cell.contains("label") &&
              cell["label"].is_string() && cell.contains("values") && cell["values"].is_object(),
          "a cell without folder, label and values");
    const fs::path folder = cell["folder"].get<std::string>();
    bool inside = folder.is_relative() && folder.has_filename();
    for (const fs::path& part : folder) inside = inside && part != "..";
    check(inside, fmt::format("cell folder {} is not a folder inside the sweep", cell["folder"].dump()));
    for (const json& axis : grid) check(cell["values"].contains(axis["key"].get<std::string>()), "a cell lacks a grid value");
  }
  const json& here = plan.at("cells_here");
  check(here.is_array(), "cells_here is not a list");
  for (const json& c : here) {
    check(c.is_number_unsigned() && c.get<std::size_t>() < cells.size(), "cells_here names a cell that is not there");
  }
}

// A sweep plan as written by write_json_file, its seal and its shape checked, so that merge and
// --resume can index it without meeting a missing or mistyped field.
json read_sweep_plan(const fs::path& file) {
  json plan = read_json_file(file, kSweepFileFormat);
  for (const char* field : {"version", "base_config", "grid", "cells", "cells_here"}) {
    OURO_CHECK(plan.contains(field), DataError, "{}: not a sweep.json written by ouro (no \"{}\")", file.string(),
               field);
  }
  check_plan_shape(plan, file);
  return plan;
}

// A finished cell's run.json, after checking every result file it stamps. Cells that reach a sweep
// from disk -- skipped on --resume, or merged from a shard -- pass through here, so a damaged cell
// never reaches sweep.csv or a merged sweep; cells this process just wrote need no second reading.
json checked_cell_info(const fs::path& cell_dir) {
  constexpr std::string_view kRemedy = "rerun the sweep with --force, or remove the cell's folder and --resume";
  json info = read_json_file(cell_dir / "run.json", kRunFileFormat, kRemedy);
  check_stamped_files(cell_dir, info.value("files", json()), kRemedy);
  return info;
}

}  // namespace

json load_sweep_plan(const fs::path& dir) {
  OURO_CHECK(fs::is_directory(dir), IoError, "'{}' is not a folder", dir.string());
  if (!fs::exists(dir / "sweep.json")) {
    if (fs::exists(dir / ".partial" / "sweep.json")) {
      throw IoError(fmt::format("'{}' holds an unfinished sweep; finish it with `ouro sweep ... --out {} --resume`",
                                dir.string(), dir.string()));
    }
    if (fs::exists(dir / "run.json")) {
      throw IoError(fmt::format("'{}' is a run folder, not a sweep (no sweep.json)", dir.string()));
    }
    throw IoError(fmt::format("'{}' is not a sweep folder: it has no sweep.json", dir.string()));
  }
  return read_sweep_plan(dir / "sweep.json");
}

FileStamp write_sweep_csv(const fs::path& out_dir, const json& plan, const std::vector<std::size_t>& cells) {
  AtomicFile file(out_dir / "sweep.csv");
  std::ostream& out = file.stream();
  out << "cell";
  for (const json& axis : plan.at("grid")) out << ',' << csv_field(axis.at("key").get<std::string>());
  out << ",replicate,generation,metric,value\n";
  std::string line;
  std::string rows;
  std::string prefix;
  for (const std::size_t c : cells) {
    const json& cell = plan.at("cells").at(c);
    prefix = std::to_string(c);
    const json& values = cell.at("values");
    for (const json& axis : plan.at("grid")) {
      const std::string key = axis.at("key");
      std::string label;
      for (std::size_t v = 0; v < axis.at("values").size(); ++v) {
        if (axis["values"][v] == values.at(key)) label = axis.at("labels").at(v).get<std::string>();
      }
      prefix += ',' + csv_field(label);
    }
    prefix += ',';
    // metrics.csv, or metrics.csv.gz from a run.gzip_metrics run (sweep.csv itself stays plain).
    const fs::path metrics = metrics_file_in(out_dir / cell.at("folder").get<std::string>());
    OURO_CHECK(fs::exists(metrics), IoError, "sweep.csv: cannot read '{}'", metrics.string());
    TextLines in(metrics);
    OURO_CHECK(in.next(line) && line == "replicate,generation,metric,value", DataError,
               "{}: not a metrics.csv written by ouro (wrong header)", metrics.string());
    // Each row of the cell's metrics.csv, prefixed with the cell and its settings, streamed through
    // a bounded buffer: the cells' files may be far larger than memory should hold.
    while (in.next(line)) {
      rows += prefix;
      rows += line;
      rows += '\n';
      if (rows.size() >= (std::size_t{1} << 20)) {
        out.write(rows.data(), static_cast<std::streamsize>(rows.size()));
        rows.clear();
      }
    }
  }
  out.write(rows.data(), static_cast<std::streamsize>(rows.size()));
  file.commit();
  return file.stamp();
}

SweepOutcome run_sweep(const Config& base, const SweepGrid& grid, const SweepOptions& options) {
  const auto start = Clock::now();
  OURO_CHECK(!grid.empty(), ConfigError,
             "{}: nothing to sweep: add a [sweep] table (\"loop.bias\" = [1.0, 0.8]) or --grid key=v1,v2",
             options.config_file);
  const fs::path& out = options.out_dir;
  const fs::path partial = out / ".partial";
  SweepOutcome outcome;
  outcome.plan = make_plan(base, grid, options);
  json& plan = outcome.plan;

  // The folder: a finished sweep, an interrupted one, or nothing.
  bool resuming = false;
  if (fs::exists(out / "sweep.json")) {
    if (options.existing == ExistingRun::kRefuse) {
      throw IoError(fmt::format("'{}' already holds a finished sweep; choose another --out or pass --force to "
                                "overwrite it", out.string()));
    }
    if (options.existing == ExistingRun::kResume) {
      const json stored = read_sweep_plan(out / "sweep.json");
      const std::string why = plan_difference(stored, plan, (out / "sweep.json").string(), "this sweep");
      OURO_CHECK(why.empty(), ConfigError, "--resume: {}; resume with the config it was started with, or start over "
                 "with --force", why);
      outcome.already_finished = true;
      outcome.plan = stored;
      return outcome;
    }
  }
  if (fs::exists(partial / "sweep.json")) {
    if (options.existing == ExistingRun::kRefuse) {
      throw IoError(fmt::format("'{}' holds an interrupted sweep ({}); continue it with --resume, or start over with "
                                "--force", out.string(), (partial / "sweep.json").string()));
    }
    if (options.existing == ExistingRun::kResume) {
      const json stored = read_sweep_plan(partial / "sweep.json");
      std::string why = plan_difference(stored, plan, (partial / "sweep.json").string(), "this sweep");
      if (why.empty() && stored.at("shard") != plan.at("shard")) {
        why = fmt::format("it was started as shard {}, this is shard {}", stored.at("shard").dump(), plan.at("shard").dump());
      }
      if (why.empty() && stored.at("cells_here") != plan.at("cells_here")) {
        // A shard started by a build that split the cells otherwise (by index before they were
        // split by estimated cost).
        why = fmt::format("the shard was started with cells {}, this build gives it cells {}",
                          stored.at("cells_here").dump(), plan.at("cells_here").dump());
      }
      OURO_CHECK(why.empty(), ConfigError, "--resume: {}; resume with the config it was started with, or start over "
                 "with --force", why);
      resuming = true;
    }
  }

  // Cells are built (their truths loaded, their configs validated against the family) when the
  // workers reach them, so the sweep starts at once and holds the experiments of the cells in
  // progress only. Each cell's values and loop settings are checked here first, so a bad value or
  // an impossible loop fails before any cell starts.
  const std::vector<std::size_t> cells = plan.at("cells_here").get<std::vector<std::size_t>>();
  outcome.cells = cells.size();
  std::vector<InvalidCell> invalid_cells;
  std::mutex invalid_mutex;
  const auto mark_invalid = [&](CellSlot& slot, const std::string& error) {
    spdlog::warn("{}; the cell is skipped", error);
    slot.config.reset();
    slot.invalid = true;
    std::lock_guard lock(invalid_mutex);
    invalid_cells.push_back({slot.index, slot.label, error});
  };
  std::vector<CellSlot> slots(cells.size());
  std::size_t total = 0, done = 0;
  for (std::size_t i = 0; i < cells.size(); ++i) {
    const std::size_t c = cells[i];
    const json& cell = plan["cells"][c];
    CellSlot& slot = slots[i];
    slot.dir = out / cell.at("folder").get<std::string>();
    slot.label = cell.at("label").get<std::string>();
    slot.index = c;
    try {
      with_cell_errors(slot, [&] {
        slot.config = std::make_unique<Config>(grid.cell_config(base, c));
        (void)LoopSettings::from(*slot.config);
      });
    } catch (const Error& e) {
      if (!options.skip_invalid || !(dynamic_cast<const ConfigError*>(&e) || dynamic_cast<const DataError*>(&e))) throw;
      mark_invalid(slot, e.what());
      continue;  // remaining stays 0
    }
    with_cell_errors(slot, [&] {
      slot.replicates = static_cast<std::size_t>(slot.config->integer("run.replicates"));
      if (options.existing != ExistingRun::kForce && fs::exists(slot.dir / "run.json")) {
        // Finished before: skipped, once its config is seen to be this cell's.
        std::string was, now;
        const std::string key = first_config_difference(checked_cell_info(slot.dir).value("config", json()),
                                                        slot.config->to_json(), &was, &now);
        OURO_CHECK(key.empty(), ConfigError, "'{}' holds a run with {} = {}, the cell has {} = {}; start over with --force",
                   slot.dir.string(), key, was, key, now);
        // A cell killed after its run.json but before its checkpoints were removed.
        remove_all_or_throw(slot.dir / ".partial");
        done += slot.replicates;
        ++outcome.cells_skipped;
        slot.skipped = true;
        slot.config.reset();
      }
    });
    total += slot.replicates;
    slot.remaining = slot.skipped ? 0 : slot.replicates;
  }

  std::error_code ec;
  const bool created_out = !fs::exists(out);
  fs::create_directories(partial, ec);
  OURO_CHECK(!ec, IoError, "cannot create sweep folder '{}': {}", partial.string(), ec.message());
  if (options.existing == ExistingRun::kForce) {
    for (const char* name : {"sweep.json", "sweep.csv", "report.html"}) fs::remove(out / name, ec);
  }
  if (!resuming) write_json_file(partial / "sweep.json", plan, kSweepFileFormat);
  if (resuming) spdlog::info("resuming sweep '{}': {} of {} cells finished", out.string(), outcome.cells_skipped, cells.size());

  // Tasks are (cell, replicate) pairs in cell order, so all threads share the cells' replicates and
  // cells finish roughly in order. The first task of a cell to run builds and opens its RunJob;
  // a task whose replicate finished before a resume only counts down; each cell finishes (writes
  // its files) on the thread that counts down its last task.
  struct Task {
    std::size_t slot;
    std::size_t replicate;
  };
  std::vector<Task> tasks;
  for (std::size_t i = 0; i < slots.size(); ++i) {
    for (std::size_t r = 0; r < slots[i].remaining; ++r) tasks.push_back({i, r});
  }
  if (options.on_start) options.on_start(total, done);
  std::atomic<std::size_t> cells_finished{0};
  try {
    parallel_for(tasks.size(), options.threads, [&](std::size_t t) {
      CellSlot& slot = slots[tasks[t].slot];
      // A failure is kept and rethrown to every task of the cell: call_once would let the next task
      // try again, from a config the first attempt had already moved into its job.
      std::call_once(slot.opened, [&] {
        try {
          open_cell(slot, options, plan);
        } catch (const Error& e) {
          // An invalid combination found while the cell's experiment is built (e.g. too few samples
          // for the family): skipped when asked, its other tasks only counting down.
          if (options.skip_invalid && (dynamic_cast<const ConfigError*>(&e) || dynamic_cast<const DataError*>(&e))) {
            mark_invalid(slot, e.what());
          } else {
            slot.open_failure = std::current_exception();
          }
        } catch (...) {
          slot.open_failure = std::current_exception();
        }
      });
      if (slot.open_failure) std::rethrow_exception(slot.open_failure);
      if (slot.invalid) {
        if (options.on_replicate_done) options.on_replicate_done();
        --slot.remaining;
        return;
      }
      const std::size_t r = tasks[t].replicate;
      if (slot.pending[r]) slot.job->run_replicate(r);
      if (options.on_replicate_done) options.on_replicate_done();
      if (--slot.remaining == 0) {
        slot.job->finish();
        ++cells_finished;
        spdlog::debug("sweep cell {} finished: {}", slot.index, slot.job->out_dir().string());
        slot.job.reset();  // its experiment and recorder are no longer needed
      }
    });
  } catch (...) {
    // A sweep that failed before any cell kept a result (a cell's set-up failed, say) leaves nothing
    // that would refuse the corrected config: the cells' checkpoint folders, the plan, and the
    // folders it made go. Anything kept stays, for --resume.
    const bool kept = resuming || cells_finished > 0 ||
                      std::any_of(slots.begin(), slots.end(),
                                  [](const CellSlot& slot) { return slot.job && slot.job->holds_results(); });
    if (!kept) {
      for (CellSlot& slot : slots) {
        if (slot.job) slot.job->abandon();
        slot.job.reset();  // removes the cell folder it made, now empty
      }
      fs::remove_all(partial, ec);
      fs::remove(out / "cells", ec);  // only when empty
      if (created_out) fs::remove(out, ec);
    }
    throw;
  }

  // Cells skipped as invalid hold no results: sweep.json lists them, apart from the cells here.
  std::vector<std::size_t> cells_done;
  for (const CellSlot& slot : slots) {
    if (!slot.invalid) cells_done.push_back(slot.index);
  }
  if (options.skip_invalid) {
    std::sort(invalid_cells.begin(), invalid_cells.end(),
              [](const InvalidCell& a, const InvalidCell& b) { return a.index < b.index; });
    json invalid = json::array();
    for (const InvalidCell& cell : invalid_cells) {
      invalid.push_back({{"index", cell.index}, {"label", cell.label}, {"error", cell.error}});
    }
    plan["cells_here"] = cells_done;
    plan["cells_invalid"] = invalid;
    outcome.invalid = invalid_cells;
  }
  plan["files"] = {{"sweep.csv", write_sweep_csv(out, plan, cells_done).to_json()}};
  plan["timings_seconds"] = {{"wall", std::chrono::duration<double>(Clock::now() - start).count()}};
  write_json_file(out / "sweep.json", plan, kSweepFileFormat);
  remove_all_or_throw(partial);
  return outcome;
}

json merge_sweeps(const fs::path& out_dir, const std::vector<fs::path>& shards) {
  OURO_CHECK(!shards.empty(), ConfigError, "merge: name at least one shard folder");
  std::vector<json> plans;
  for (const fs::path& dir : shards) plans.push_back(load_sweep_plan(dir));
  for (std::size_t s = 1; s < shards.size(); ++s) {
    const std::string why = plan_difference(plans[0], plans[s], fmt::format("'{}'", shards[0].string()),
                                            fmt::format("'{}'", shards[s].string()));
    OURO_CHECK(why.empty(), ConfigError, "merge: the shards are not parts of one sweep: {}", why);
  }
  const std::size_t count = plans[0].at("cells").size();
  std::map<std::size_t, std::size_t> owner;  // cell -> shard
  for (std::size_t s = 0; s < shards.size(); ++s) {
    for (const std::size_t c : plans[s].at("cells_here").get<std::vector<std::size_t>>()) {
      const auto [it, fresh] = owner.emplace(c, s);
      OURO_CHECK(fresh, ConfigError, "merge: cell {} ({}) is in both '{}' and '{}'", c,
                 plans[s]["cells"][c]["label"].get<std::string>(), shards[it->second].string(), shards[s].string());
    }
  }
  // Cells a shard skipped as invalid (--skip-invalid) are accounted for, with no folder to link.
  json invalid = json::array();
  std::set<std::size_t> invalid_here;
  for (const json& plan : plans) {
    for (const json& cell : plan.value("cells_invalid", json::array())) {
      if (invalid_here.insert(cell.at("index").get<std::size_t>()).second) invalid.push_back(cell);
    }
  }
  std::sort(invalid.begin(), invalid.end(), [](const json& a, const json& b) { return a.at("index") < b.at("index"); });
  std::vector<std::string> missing;
  for (std::size_t c = 0; c < count; ++c) {
    if (!owner.contains(c) && !invalid_here.contains(c)) missing.push_back(fmt::format("{} ({})", c, plans[0]["cells"][c]["label"].get<std::string>()));
  }
  OURO_CHECK(missing.empty(), ConfigError, "merge: {} of {} cells are in no shard given: {}", missing.size(), count,
             fmt::join(missing, ", "));
  for (const auto& [c, s] : owner) {
    const fs::path cell_dir = shards[s] / plans[s]["cells"][c]["folder"].get<std::string>();
    OURO_CHECK(fs::exists(cell_dir / "run.json"), IoError, "merge: cell {} of '{}' is not finished ({} is missing)",
               c, shards[s].string(), (cell_dir / "run.json").string());
    checked_cell_info(cell_dir);
  }
  std::error_code ec;
  OURO_CHECK(!fs::exists(out_dir) || fs::is_empty(out_dir), IoError,
             "merge: '{}' is not empty; merge into a new folder", out_dir.string());
  fs::create_directories(out_dir / "cells", ec);
  OURO_CHECK(!ec, IoError, "merge: cannot create '{}': {}", (out_dir / "cells").string(), ec.message());
  for (const auto& [c, s] : owner) {
    const std::string folder = plans[s]["cells"][c]["folder"];
    const fs::path from = shards[s] / folder;
    const fs::path to = out_dir / folder;
    // Hard links cost no space; another file system gets copies.
    fs::copy(from, to, fs::copy_options::recursive | fs::copy_options::create_hard_links, ec);
    if (ec) {
      ec.clear();
      fs::remove_all(to, ec);
      fs::copy(from, to, fs::copy_options::recursive, ec);
    }
    OURO_CHECK(!ec, IoError, "merge: cannot copy '{}' to '{}': {}", from.string(), to.string(), ec.message());
  }
  json plan = plans[0];
  plan["shard"] = nullptr;
  json here = json::array();
  for (const auto& [c, s] : owner) here.push_back(c);
  plan["cells_here"] = here;
  if (!invalid.empty()) {
    plan["cells_invalid"] = invalid;
  } else {
    plan.erase("cells_invalid");
  }
  json from = json::array();
  for (const fs::path& dir : shards) from.push_back(dir.string());
  plan["merged_from"] = from;
  plan.erase("timings_seconds");
  plan["files"] = {{"sweep.csv", write_sweep_csv(out_dir, plan, here.get<std::vector<std::size_t>>()).to_json()}};
  write_json_file(out_dir / "sweep.json", plan, kSweepFileFormat);
  return plan;
}

}  // namespace ouro
