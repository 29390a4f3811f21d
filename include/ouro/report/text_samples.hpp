// The side outputs of a text run (docs/text.md), read back for the report: samples.jsonl, the texts
// the models generated, and ppl_gen0_histogram.csv, the per-sample perplexity under the
// generation-0 model in log bins.
//
// A run may hold thousands of generations and hundreds of replicates; the report shows a reader the
// drift, not every text, so only a bounded selection is kept (TextLimits): the lowest-numbered
// replicates, the first samples of each, a few generations spread from the first to the last, and
// each text cut to a maximum length. Every line of the file is still parsed and checked, so a
// malformed file is refused (DataError naming the file and line) rather than half shown.
#pragma once

#include <cstddef>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace ouro::report {

struct TextLimits {
  std::size_t replicates = 5;    // the lowest-numbered replicates
  std::size_t samples = 5;       // sample indices 0 .. samples-1 of each generation
  std::size_t generations = 8;   // generation 0, the last, and evenly spread ones between
  std::size_t characters = 2000; // Unicode code points kept of each text
};

struct TextSample {
  std::size_t replicate = 0;
  std::size_t generation = 0;
  std::size_t sample = 0;
  std::string text;        // valid UTF-8, at most TextLimits::characters code points
  bool truncated = false;  // the text in the file was longer
};

struct SampleTexts {
  std::vector<std::size_t> generations;  // the generations kept, ascending
  std::vector<std::size_t> replicates;   // the replicates kept, ascending
  std::vector<TextSample> texts;         // ordered by replicate, generation, sample
  std::size_t replicates_in_file = 0;    // distinct replicates in the file
  std::size_t samples_in_file = 0;       // largest sample index + 1
  std::size_t generations_in_run = 0;    // the run's generation count the selection was made from
  std::size_t truncated = 0;             // texts kept that were cut
  std::size_t characters = 0;            // the cut length (TextLimits::characters)
};

// The generations shown for a run of `generations` generations: all when there are at most
// `limit`, else `limit` of them evenly spread (rounded), always including 0 and the last.
std::vector<std::size_t> spread_generations(std::size_t generations, std::size_t limit);

// The first `characters` code points of UTF-8 `text` (cut at a code point boundary, so the result
// stays valid UTF-8); `truncated` tells whether anything was cut.
std::string truncate_utf8(const std::string& text, std::size_t characters, bool& truncated);

// Reads samples.jsonl: one JSON object per line with non-negative integers "replicate",
// "generation", "sample" and a string "text"; blank lines are skipped. `generations` is the run's
// generation count (from metrics.csv); lines of generations outside the selection are checked and
// dropped. Throws IoError when the file cannot be read, DataError ("FILE:LINE: ...") for a line that
// is not a JSON object, lacks a field, has a field of the wrong type or repeats a (replicate,
// generation, sample).
SampleTexts read_sample_texts(const std::filesystem::path& path, std::size_t generations, const TextLimits& limits = {});

// One log bin of the ppl_gen0 histogram, summed over replicates.
struct HistogramBin {
  std::size_t generation = 0;
  double low = 0.0;   // [low, high): 20 bins per decade
  double high = 0.0;
  double count = 0.0;
};

struct PplHistogram {
  std::vector<std::size_t> generations;         // those drawn: the first, middle and last in the file
  std::vector<HistogramBin> bins;               // finite bins of those generations, by generation then low
  std::map<std::size_t, double> totals;         // samples per drawn generation (infinite ones included)
  std::map<std::size_t, double> infinite;       // samples of infinite perplexity per drawn generation
};

// Reads ppl_gen0_histogram.csv (`replicate,generation,bin_low,bin_high,count`) and sums the drawn
// generations' bins over replicates. Throws IoError/DataError naming the file and line.
PplHistogram read_ppl_histogram(const std::filesystem::path& path);

}  // namespace ouro::report
