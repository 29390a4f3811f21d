// SideOutput: what a run records per generation that is not one number: rows of a file of its own
// beside metrics.csv, such as the texts a text run generates (samples.jsonl) or the distribution
// behind a summary metric (ppl_gen0_histogram.csv).
//
// Like a Metric, a side output is immutable and sees the generation through MetricContext. Each
// replicate appends its rows to a string; the Recorder writes the strings in replicate order, so
// the files are byte-identical for any thread count. Every row starts with its replicate and
// generation, so the files stay tidy.
//
// A SideFileOutput writes whole files of its own per (replicate, generation) instead, such as the
// sample grids of image runs (samples/gen-003-rep-0.png, sample_grid.hpp): each replicate collects
// its files' bytes with its results (so checkpoints carry them and a resumed run writes the same
// bytes), and the Recorder writes them when it writes that replicate's rows.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ouro/metrics/metric.hpp"

namespace ouro {

class SideOutput {
 public:
  virtual ~SideOutput() = default;
  // The file in the run's output folder, and its first line (empty: no header line, as JSONL).
  virtual std::string_view file_name() const = 0;
  virtual std::string_view header() const = 0;
  // Appends this generation's rows, each ending in '\n'.
  virtual void append_rows(std::size_t replicate, std::size_t generation, const GenerativeModel& model,
                           const MetricContext& context, std::string& out) const = 0;
  // True when append_rows() reads context.generation0.
  virtual bool needs_generation0() const { return false; }
};

// A whole file a side output writes: its path relative to the run folder, and its bytes.
struct SideFile {
  std::string name;
  std::string bytes;
  friend bool operator==(const SideFile&, const SideFile&) = default;
};

class SideFileOutput {
 public:
  virtual ~SideFileOutput() = default;
  // Appends this generation's files (none when it writes nothing for this replicate).
  virtual void add_files(std::size_t replicate, std::size_t generation, const MetricContext& context,
                         std::vector<SideFile>& out) const = 0;
};

// The side outputs a run writes: the sample texts of text runs (a corpus truth and token samples;
// metrics.text_samples per generation, when positive) and the histogram of ppl_gen0 when a
// ppl_gen0 metric is recorded.
std::vector<std::unique_ptr<SideOutput>> make_side_outputs(const Config& config, const Capabilities& family,
                                                           const Truth& truth,
                                                           const std::vector<std::string>& metric_names);

// The whole-file side outputs a run writes: the sample grids of image runs (a family whose samples
// are images; metrics.image_samples per grid, when positive, for the first metrics.image_replicates
// replicates).
std::vector<std::unique_ptr<SideFileOutput>> make_side_file_outputs(const Config& config, const Capabilities& family);

}  // namespace ouro
