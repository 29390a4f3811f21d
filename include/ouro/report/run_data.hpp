// RunData: one finished run folder (as written by `ouro run`) read back for a report.
//
// A run folder holds metrics.csv (`replicate,generation,metric,value`), theory.csv
// (`generation,metric,expected`), composition.csv (`replicate,generation,origin,origin_generation,
// count`) and run.json; run.json is renamed into place last, so its presence marks a finished run.
// load_run() checks all of that and throws IoError/DataError naming the file, line and field when a
// file is missing or malformed, so a report is never drawn from a half-written or foreign folder.
// A text run's side outputs, samples.jsonl and ppl_gen0_histogram.csv, are read when present
// (text_samples.hpp), and checked just as strictly. An image run's sample grids
// (samples/gen-G-rep-R.png, listed and stamped in run.json) are read as bytes, a bounded selection
// of them (GridLimits).
#pragma once

#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ouro/report/text_samples.hpp"

namespace ouro::report {

// Every replicate's value of one metric: values[generation] holds one entry per row of metrics.csv
// (non-finite values included; the summaries count and skip them).
struct MetricValues {
  std::string name;
  std::vector<std::vector<double>> values;
};

// Mean number of training rows of one provenance layer at one generation (averaged over the
// replicates, or the single shared composition when the file says replicate "all").
struct CompositionPoint {
  std::size_t generation = 0;
  std::string layer;
  double rows = 0.0;
};

// One sample grid PNG of an image run (metrics.image_samples, sample_grid.hpp).
struct SampleGridImage {
  std::size_t replicate = 0;
  std::size_t generation = 0;
  std::string png;  // the file's bytes
};

// Which grids a report embeds: the lowest-numbered replicates, and of each at most `generations`
// grids, the first, the last and evenly spread ones between.
struct GridLimits {
  std::size_t replicates = 4;
  std::size_t generations = 12;
};

struct SampleGrids {
  std::vector<SampleGridImage> grids;   // ordered by replicate, generation
  std::size_t replicates_in_run = 0;    // replicates with grids
  std::size_t generations_in_run = 0;   // generations with grids (of the first replicate)
};

// The grids run.json lists (names samples/gen-<digits>-rep-<digits>.png; other names are not
// grids), selected by `limits` and read; IoError naming a file that cannot be read.
SampleGrids read_sample_grids(const std::filesystem::path& dir, const nlohmann::json& files,
                              const GridLimits& limits = {});

struct RunData {
  std::filesystem::path dir;
  std::string name;                                   // label in charts and tables (folder name)
  nlohmann::json info;                                // run.json as written
  std::size_t generations = 0;                        // number of generations (max index + 1)
  std::size_t replicates = 0;                         // distinct replicates in metrics.csv
  std::vector<MetricValues> metrics;                  // in run.json's "metrics" order
  std::map<std::string, std::vector<double>> theory;  // metric -> expected[generation], NaN where absent
  std::vector<CompositionPoint> composition;          // ordered by generation, then layer
  std::optional<SampleTexts> texts;                   // samples.jsonl, when the run wrote one
  std::optional<PplHistogram> ppl_histogram;          // ppl_gen0_histogram.csv, when the run wrote one
  std::optional<SampleGrids> grids;                   // samples/*.png, when the run wrote some
};

// The provenance layers a training set is split into, in stacking order. A synthetic row is
// "synthetic, previous generation" when it was sampled by the model of generation g-1 (the
// replace loop's whole training set), else "synthetic, older generations".
const std::vector<std::string>& composition_layers();

RunData load_run(const std::filesystem::path& dir);

}  // namespace ouro::report
