// The report: one self-contained HTML file for one run or a comparison of several.
//
// For each metric it charts the mean over replicates per generation with a band (standard error or
// the 10-90% quantiles), the theory curve where theory.csv has one, on a log scale when every value
// is positive and they span more than two decades; the training-set composition of each run as
// stacked areas; the resolved config (with the keys that differ between runs) and the timings. For
// text runs it also shows the generated texts with generations side by side (samples.jsonl, a
// bounded selection: text_samples.hpp) and the histogram of per-sample perplexity under the
// generation-0 model for the first, middle and last generation (ppl_gen0_histogram.csv). For image
// runs it shows the sample grids (samples/*.png) of each shown replicate in a strip, generation 0
// on the left, embedded as data URIs.
// The summaries are computed in C++ and embedded as JSON; Vega, Vega-Lite and vega-embed are
// inlined, so the file opens from the file system with no network. vega-embed's action menu exports
// each chart as SVG or PNG.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ouro/report/run_data.hpp"

namespace ouro::report {

enum class Band { kStandardError, kQuantile };

// "se" or "quantile"; throws ConfigError naming `--band` otherwise.
Band parse_band(const std::string& name);

// A config key as a legend shows it: its last dotted part ("bias" for "loop.bias") when no other
// key of `keys` ends the same, else the whole key.
std::string short_key(const std::string& key, const std::vector<std::string>& keys);

struct ReportOptions {
  Band band = Band::kStandardError;
  std::string title;  // default: "ouroboros report: <run names>"
  // A sweep's page data (sweep_report.hpp): {"keys": [{key, labels}], "heatmaps": [{metric, x, y,
  // value ("mean at the last generation" or phase.csv's limit), rows: [x label, y label, mean, that
  // generation, cell, standard error, "mean ± s.e." text], within_noise, spread, noise}], "phase":
  // phase.csv's rows when the folder has one}; null: none.
  nlohmann::json sweep = nullptr;
  // `ouro plot` (figures.hpp): {"metrics": [names], "format": "svg"|"png"|"pdf"}; the page then
  // draws only those metrics' charts and puts each exported image into the DOM. null: the report.
  nlohmann::json plot = nullptr;
};

// The data the page draws from (also what the tests inspect): runs (name, info, config, timings),
// metrics (name, log_scale, rows [run, generation, mean, low, high, count], theory rows [run,
// generation, expected]), composition rows per run [generation, layer, rows], config differences,
// texts per text run ({run, generations, replicates, ..., cells [replicate, generation, sample, text,
// truncated]}) and ppl_gen0 histograms per run ({run, generations, rows [generation, bin_low,
// bin_high, share of the generation's samples, count], infinite [generation, count]}) and sample
// grids per image run ({run, replicates_in_run, generations_in_run, cells [replicate, generation,
// PNG data URI]}).
nlohmann::json report_data(const std::vector<RunData>& runs, const ReportOptions& options);

// The whole HTML page. Throws IoError when the build carries no Vega bundles.
std::string render_report(const std::vector<RunData>& runs, const ReportOptions& options);

// Renders and writes `path` atomically (complete or absent).
void write_report(const std::vector<RunData>& runs, const std::filesystem::path& path, const ReportOptions& options);

}  // namespace ouro::report
