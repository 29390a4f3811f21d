// Recorder: collects each replicate's results and writes the run's tidy output files.
//
// Replicates finish in any order on any thread; the recorder buffers them and streams them to
// metrics.csv strictly in replicate order, which keeps the file byte-identical for any thread count
// while holding only the out-of-order tail in memory. Per-(generation, metric) means and standard
// errors are accumulated in the same order, for the summary table.
//
// Every file is written under a temporary name, synced and renamed when complete; run.json is
// written last, with each file's size and check word, so a folder with run.json holds a finished
// run, nothing half-written looks complete, and a result file damaged later is found by its reader.
//
// With gzip_metrics, metrics.csv is written gzipped as metrics.csv.gz (io/gzip.hpp).
//
// With record_every = k > 1 the three files hold only the recorded generations 0, k, 2k, ... and
// the last (records()); the summary statistics still cover every generation.
//
// composition.csv: replicate,generation,origin,origin_generation,count — and, when the run has
// filters, <label>_drawn,<label>_rejected per filter (labels from filter_labels()): on a row of
// synthetic samples of generation h, the candidates that filter examined and rejected while S_h
// was drawn (all of S_h, not only the part in this training set); empty on rows of real data.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "ouro/core/dataset.hpp"
#include "ouro/filters/filter.hpp"
#include "ouro/metrics/side_output.hpp"
#include "ouro/theory/theory.hpp"

namespace ouro {

class AtomicFile;
class GzipWriter;

struct CompositionCount {
  std::int32_t generation;
  Origin origin;
  std::int32_t origin_generation;  // the generation whose model (synthetic) or training set (fresh) it came from; 0 for original
  std::size_t count;
};

struct ReplicateResult {
  std::size_t replicate = 0;
  std::vector<double> values;                   // values[generation * metrics + m]
  std::vector<CompositionCount> composition;    // every generation, ordered
  std::vector<std::string> side_rows;           // side_rows[t]: this replicate's rows of side table t
  std::vector<SideFile> side_files;             // whole files (sample grids), in the order they were made
  // filter_counts[g * filters + f]: what filter f examined and rejected while S_g was drawn (for
  // every generation g the replicate ran; empty when the run has no filters).
  std::vector<FilterCounts> filter_counts;
};

// A file of rows beside metrics.csv that every replicate appends to (the run's SideOutputs).
struct SideTable {
  std::string file_name;
  std::string header;  // first line without '\n'; empty: none
};

// Rows of a generation's training sets by origin, summed over the replicates recorded so far.
struct OriginRows {
  std::size_t original = 0;
  std::size_t fresh = 0;
  std::size_t synthetic = 0;
  std::size_t total() const { return original + fresh + synthetic; }
};

// Mean and standard error over replicates of one (generation, metric).
struct MetricStat {
  double mean = 0.0;
  double standard_error = 0.0;
  std::size_t count = 0;
};

class Recorder {
 public:
  // `out_dir` empty: nothing is written (results are still summarised).
  Recorder(std::filesystem::path out_dir, std::vector<std::string> metric_names, std::size_t generations,
           std::size_t replicates, bool shared_composition, std::vector<SideTable> side_tables = {},
           std::vector<std::string> filter_labels = {}, std::size_t record_every = 1, bool gzip_metrics = false);
  ~Recorder();

  // True when generation g has rows in the output files (every generation with record_every 1).
  bool records(std::size_t generation) const {
    return generation % record_every_ == 0 || generation == generations_;
  }

  // Thread-safe. Results may arrive in any order. The caller formats its own rows; it writes
  // them (and any that follow in order) only when no other thread is writing, and never waits
  // for one that is.
  void add(ReplicateResult result);

  // Whole side files (ReplicateResult::side_files) are written, synced and renamed with their
  // replicate's rows, into subfolders of the run folder (samples/) created as needed; run.json
  // lists them with the other files.
  //
  // Writes theory.csv, makes every file visible (and synced) under its final name, then writes
  // run.json: `run_info` with "files", each result file's size and check word (check_word.hpp).
  void finish(const std::vector<TheoryCurve>& theory, const nlohmann::json& run_info);

  // The names of the files a recorder with these side tables writes into its folder.
  static std::vector<std::string> file_names(const std::vector<SideTable>& side_tables);

  const std::vector<std::string>& metric_names() const { return metric_names_; }
  std::size_t replicates() const { return replicates_; }
  MetricStat stat(std::size_t generation, std::size_t metric) const;
  // Every replicate's training rows of `generation` by origin, summed (each replicate's training
  // sets have the same size, so a share of the sum is the mean share over replicates).
  const OriginRows& origin_rows(std::size_t generation) const { return origin_rows_[generation]; }

 private:
  // Welford's running mean and sum of squared deviations (stable when mean >> spread).
  struct Accumulator {
    double mean = 0.0;
    double m2 = 0.0;
    std::size_t count = 0;
  };
  // A replicate's results with its CSV rows already formatted, waiting for its turn to be written.
  struct Formatted {
    ReplicateResult result;
    std::string metrics_rows;
    std::string composition_rows;
  };
  // Formatting runs in the calling worker thread, outside the lock; only the ordered writing and
  // the running statistics are serial.
  Formatted format(ReplicateResult result) const;
  // Writes every pending replicate that is next in order, unless another thread is doing so.
  void write_pending();
  void write_in_order(const Formatted& formatted);
  void write_metrics(std::string_view text);

  std::filesystem::path out_dir_;
  std::vector<std::string> metric_names_;
  std::size_t generations_;
  std::size_t replicates_;
  bool shared_composition_;
  std::size_t filters_;
  std::size_t record_every_;

  std::mutex pending_mutex_;  // guards pending_ and next_replicate_
  std::size_t next_replicate_ = 0;
  std::map<std::size_t, Formatted> pending_;
  std::mutex writer_mutex_;  // held by the one thread writing; guards what write_in_order touches
  std::vector<Accumulator> accumulators_;  // [generation * metrics + m]
  std::vector<OriginRows> origin_rows_;    // [generation]
  std::unique_ptr<AtomicFile> metrics_file_;
  std::unique_ptr<GzipWriter> metrics_gzip_;  // gzip_metrics: metrics.csv.gz's text goes through it
  std::unique_ptr<AtomicFile> composition_file_;
  std::vector<std::unique_ptr<AtomicFile>> side_files_;  // one per side table
  std::vector<std::pair<std::string, nlohmann::json>> side_file_stamps_;  // whole side files written, in order
};

// Shortest text that reads back to the same double ("inf", "-inf", "nan" for non-finite values).
void append_number(std::string& out, double value);
// The same text written at `out` (at most 32 characters before `end`); returns the end of it.
char* write_number(char* out, char* end, double value);

}  // namespace ouro
