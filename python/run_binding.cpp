// ouroboros._core's runs and sweeps (ouroboros/runs.py wraps them): the RunJob and run_sweep that
// `ouro run` and `ouro sweep` drive, from a config given as TOML text or a file plus `key=value`
// overrides, into an output folder that is the CLI's to the byte (run.json's timings aside). The
// loop runs as InterruptibleWork: the GIL released, a progress line on a terminal, and Ctrl-C
// stopping it between generations (replicates, in a sweep) with the checkpoints kept, so that
// `resume=True` continues it as `--resume` continues a killed run. pandas reads the results back.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <pybind11/stl.h>

#include "ouro/core/config.hpp"
#include "ouro/core/error.hpp"
#include "ouro/core/parallel.hpp"
#include "ouro/loop/run_job.hpp"
#include "ouro/report/html_report.hpp"
#include "ouro/report/run_data.hpp"
#include "ouro/report/sweep_report.hpp"
#include "ouro/sweep/grid.hpp"
#include "ouro/sweep/sweep.hpp"
#include "interruptible.hpp"
#include "python_bindings.hpp"

namespace ouro::python {
namespace {

// Where a config comes from: a file (relative paths in it against its folder) or TOML text
// (relative paths against the working directory, as --set's).
struct ConfigSource {
  std::string toml;
  std::string path;  // empty: `toml` is the config
};

Config load_config(const ConfigSource& source, const std::vector<std::string>& sets, Config::SweepTable sweep) {
  Config config = source.path.empty() ? Config::from_string(source.toml, "<python config>", sweep)
                                      : Config::from_file(source.path, sweep);
  for (const std::string& assignment : sets) config.set(assignment);
  return config;
}

ExistingRun existing_run(const std::string& existing) {
  if (existing == "refuse") return ExistingRun::kRefuse;
  if (existing == "force") return ExistingRun::kForce;
  if (existing == "resume") return ExistingRun::kResume;
  throw ConfigError("existing must be 'refuse', 'force' or 'resume', not '" + existing + "'");
}

// The run folder's report.html, written to `path` (empty: into the folder), as `ouro report` writes it.
void write_run_report(const std::string& run_dir, const std::string& path) {
  const std::filesystem::path file = path.empty() ? std::filesystem::path(run_dir) / "report.html" : std::filesystem::path(path);
  report::write_report({report::load_run(run_dir)}, file, {});
}

// Runs the config into `out_dir`; run.json's object as JSON text (empty when the folder already
// held this finished run, with existing = "resume").
std::string run(const ConfigSource& source, const std::vector<std::string>& sets, const std::string& out_dir,
                const std::string& existing, const std::string& checkpoint_every, bool report) {
  Config config = load_config(source, sets, Config::SweepTable::kRefuse);
  RunJobOptions options;
  options.out_dir = out_dir;
  options.config_file = source.path;
  options.threads = resolve_threads(static_cast<int>(config.integer("run.threads")));
  options.existing = existing_run(existing);
  options.checkpoint = CheckpointInterval::parse(checkpoint_every, "checkpoint_every");
  const int threads = options.threads;
  std::unique_ptr<RunJob> job;
  {
    const py::gil_scoped_release released;
    job = std::make_unique<RunJob>(std::move(config), std::move(options));
    job->open();
  }
  if (job->already_finished()) return {};
  InterruptibleWork work("generations");
  const std::size_t per_replicate = job->experiment().generations() + 1;
  work.set_total(job->replicates() * per_replicate, (job->replicates() - job->pending().size()) * per_replicate);
  nlohmann::json info;
  work.run([&] {
    info = job->run(threads, [&work](std::size_t generations, bool /*from_checkpoint*/) { work.advance(generations); });
    if (report) write_run_report(out_dir, "");
  });
  return info.dump();
}

// Runs the grid (the file's [sweep] table, then `grid` arguments "key=v1,v2,...") into `out_dir`;
// sweep.json's plan as JSON text.
std::string sweep(const ConfigSource& source, const std::vector<std::string>& sets,
                  const std::vector<std::string>& grid_arguments, const std::string& shard, const std::string& out_dir,
                  const std::string& existing, const std::string& checkpoint_every, bool report) {
  const Config base = load_config(source, sets, Config::SweepTable::kIgnore);
  SweepGrid grid = source.path.empty() ? SweepGrid() : SweepGrid::from_file(source.path);
  for (const std::string& argument : grid_arguments) grid.add_argument(argument, "grid " + argument);
  grid.resolve(base);
  SweepOptions options;
  options.out_dir = out_dir;
  options.config_file = source.path;
  options.threads = resolve_threads(static_cast<int>(base.integer("run.threads")));
  if (!shard.empty()) options.shard = Shard::parse(shard);
  options.existing = existing_run(existing);
  options.checkpoint = CheckpointInterval::parse(checkpoint_every, "checkpoint_every");
  InterruptibleWork work("replicates");
  options.on_start = [&work](std::size_t total, std::size_t done) { work.set_total(total, done); };
  options.on_replicate_done = [&work] { work.advance(1); };
  options.on_checkpoint = [&work](std::size_t /*replicate*/, bool /*finished*/) { work.check(); };
  SweepOutcome outcome;
  work.run([&] {
    outcome = run_sweep(base, grid, options);
    if (report) report::write_sweep_report(out_dir, std::filesystem::path(out_dir) / "report.html", {});
  });
  return outcome.plan.dump();
}

}  // namespace

void add_runs(py::module_& module) {
  py::class_<ConfigSource>(module, "ConfigSource")
      .def(py::init<std::string, std::string>(), py::arg("toml"), py::arg("path"));
  module.def("run", &run, py::arg("source"), py::arg("sets"), py::arg("out_dir"), py::arg("existing"),
             py::arg("checkpoint_every"), py::arg("report"),
             "Runs a config into a folder, as `ouro run`; run.json's text");
  module.def("sweep", &sweep, py::arg("source"), py::arg("sets"), py::arg("grid"), py::arg("shard"),
             py::arg("out_dir"), py::arg("existing"), py::arg("checkpoint_every"), py::arg("report"),
             "Runs a grid into a folder, as `ouro sweep`; sweep.json's text");
  module.def(
      "write_run_report",
      [](const std::string& run_dir, const std::string& path) {
        const py::gil_scoped_release released;
        write_run_report(run_dir, path);
      },
      py::arg("run_dir"), py::arg("path"), "Writes a run folder's report.html (to `path`, or in the folder)");
}

}  // namespace ouro::python
