// Side outputs of text runs: see text_side_outputs.hpp.
#include "text_side_outputs.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "ouro/models/ngram_corpus.hpp"
#include "text_metrics.hpp"

namespace ouro {
namespace {

class SampleTextsOutput final : public SideOutput {
 public:
  explicit SampleTextsOutput(std::size_t count) : count_(count) {}
  std::string_view file_name() const override { return "samples.jsonl"; }
  std::string_view header() const override { return ""; }
  void append_rows(std::size_t replicate, std::size_t generation, const GenerativeModel& /*model*/,
                   const MetricContext& context, std::string& out) const override {
    const CorpusTruth& truth = *context.truth.corpus();
    const auto rows = std::min<std::size_t>(count_, static_cast<std::size_t>(context.samples.size()));
    for (std::size_t i = 0; i < rows; ++i) {
      // Keys in a fixed order (ordered_json), so the file is stable and reads naturally.
      nlohmann::ordered_json line;
      line["replicate"] = replicate;
      line["generation"] = generation;
      line["sample"] = i;
      line["text"] = truth.render(context.samples.tokens(static_cast<Eigen::Index>(i)));
      out += line.dump();
      out += '\n';
    }
  }

 private:
  std::size_t count_;
};

class PplGen0HistogramOutput final : public SideOutput {
 public:
  std::string_view file_name() const override { return "ppl_gen0_histogram.csv"; }
  std::string_view header() const override { return "replicate,generation,bin_low,bin_high,count"; }
  bool needs_generation0() const override { return true; }
  void append_rows(std::size_t replicate, std::size_t generation, const GenerativeModel& model,
                   const MetricContext& context, std::string& out) const override {
    std::map<long, std::size_t> bins;  // ordered: rows come out by increasing perplexity
    for (const double ppl : sorted_generation0_perplexities(model, context)) {
      // Perplexities are >= 1 up to rounding; an infinite one (a token of probability 0) gets a bin of its own.
      const long bin = std::isfinite(ppl) ? static_cast<long>(std::floor(kBinsPerDecade * std::log10(std::max(ppl, 1.0))))
                                          : std::numeric_limits<long>::max();
      ++bins[bin];
    }
    for (const auto& [bin, count] : bins) {
      const bool infinite = bin == std::numeric_limits<long>::max();
      const double low = infinite ? HUGE_VAL : std::pow(10.0, static_cast<double>(bin) / kBinsPerDecade);
      const double high = infinite ? HUGE_VAL : std::pow(10.0, static_cast<double>(bin + 1) / kBinsPerDecade);
      // fmt writes the shortest text that reads back to the same double, and "inf".
      fmt::format_to(std::back_inserter(out), "{},{},{},{},{}\n", replicate, generation, low, high, count);
    }
  }

 private:
  static constexpr double kBinsPerDecade = 20.0;
};

}  // namespace

std::unique_ptr<SideOutput> make_sample_texts_output(std::size_t count) { return std::make_unique<SampleTextsOutput>(count); }
std::unique_ptr<SideOutput> make_ppl_gen0_histogram_output() { return std::make_unique<PplGen0HistogramOutput>(); }

}  // namespace ouro
