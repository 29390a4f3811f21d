// Text metrics of language models on a corpus truth (definitions in docs/text.md). Token statistics
// are computed within sequences (a synthetic sample is one continuation), over every token; </s> is
// a token for distinct-n and repetition (it is part of the text's n-grams) but not a word type for
// vocab_used, zipf_slope and tail_token_mass.
#include "text_metrics.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <numeric>
#include <unordered_map>
#include <unordered_set>

#include "ouro/core/error.hpp"
#include "ouro/core/quantile.hpp"
#include "ouro/models/ngram_corpus.hpp"

namespace ouro {
std::vector<double> sorted_generation0_perplexities(const GenerativeModel& model, const MetricContext& context) {
  const auto compute = [&] {
    // Generation 0 is judged by itself: the engine hands no separate model then.
    const GenerativeModel& judge = context.generation0 ? *context.generation0 : model;
    std::vector<double> ppl = text_stats::sequence_perplexities(judge, context.samples);
    std::sort(ppl.begin(), ppl.end());
    return ppl;
  };
  if (!context.scratch) return compute();
  return context.scratch->generation_entry<std::vector<double>>("ppl_gen0.sorted", compute);
}

namespace {

// A summary of the generation's per-sequence perplexities under the generation-0 model
// (Shumailov et al. 2024, figure 1): the mean, or a quantile.
class Generation0PerplexityMetric final : public Metric {
 public:
  // quantile < 0: the mean.
  Generation0PerplexityMetric(std::string name, double quantile) : name_(std::move(name)), quantile_(quantile) {}
  std::string_view name() const override { return name_; }
  bool applies(const Capabilities& family, const Truth& truth) const override {
    return family.token_scoring && family.samples == SampleKind::kTokens && truth.corpus() != nullptr;
  }
  bool needs_generation0() const override { return true; }
  double compute(const GenerativeModel& model, const MetricContext& context) const override {
    const std::vector<double> ppl = sorted_generation0_perplexities(model, context);
    if (quantile_ >= 0) return quantile_sorted(ppl, quantile_);
    if (ppl.empty()) return std::nan("");
    double sum = 0;
    for (double v : ppl) sum += v;
    return sum / static_cast<double>(ppl.size());
  }

 private:
  std::string name_;
  double quantile_;
};

// What a text metric reads: the model's per-token scores, the generated token blocks, or only
// the corpus.
enum class TextNeeds { kTokenScoring, kTokenSamples, kCorpus };

class TextMetric final : public Metric {
 public:
  using Compute = std::function<double(const GenerativeModel&, const CorpusTruth&, const Samples&)>;
  TextMetric(std::string name, TextNeeds needs, Compute compute)
      : name_(std::move(name)), needs_(needs), compute_(std::move(compute)) {}
  std::string_view name() const override { return name_; }
  bool applies(const Capabilities& family, const Truth& truth) const override {
    if (truth.corpus() == nullptr) return false;
    switch (needs_) {
      case TextNeeds::kTokenScoring: return family.token_scoring;
      case TextNeeds::kTokenSamples: return family.samples == SampleKind::kTokens;
      case TextNeeds::kCorpus: return true;
    }
    return false;
  }
  double compute(const GenerativeModel& model, const MetricContext& context) const override {
    return compute_(model, *context.truth.corpus(), context.samples);
  }

 private:
  std::string name_;
  TextNeeds needs_;
  Compute compute_;
};

std::unique_ptr<Metric> build(std::string_view name) {
  using M = const GenerativeModel&;
  using T = const CorpusTruth&;
  using S = const Samples&;
  constexpr TextNeeds kSamples = TextNeeds::kTokenSamples;
  if (name == "ppl_gen0") return std::make_unique<Generation0PerplexityMetric>("ppl_gen0", -1.0);
  if (name == "ppl_gen0_median") return std::make_unique<Generation0PerplexityMetric>("ppl_gen0_median", 0.5);
  if (name == "ppl_gen0_p05") return std::make_unique<Generation0PerplexityMetric>("ppl_gen0_p05", 0.05);
  if (name == "ppl_gen0_p95") return std::make_unique<Generation0PerplexityMetric>("ppl_gen0_p95", 0.95);
  if (name == "ppl_real")
    return std::make_unique<TextMetric>("ppl_real", TextNeeds::kTokenScoring,
                                        [](M m, T t, S) { return m.score_sentences(t.test_sentences())->perplexity(); });
  for (int n = 1; n <= 4; ++n)
    if (name == "distinct_" + std::to_string(n))
      return std::make_unique<TextMetric>(std::string(name), kSamples, [n](M, T, S s) { return text_stats::distinct(s, n); });
  if (name == "vocab_used")
    return std::make_unique<TextMetric>("vocab_used", kSamples, [](M, T, S s) { return static_cast<double>(text_stats::vocab_used(s)); });
  if (name == "tail_token_mass")
    return std::make_unique<TextMetric>("tail_token_mass", kSamples, [](M, T t, S s) {
      return text_stats::tail_mass(s, text_stats::tail_types(t.train_counts(), 0.10));
    });
  if (name == "zipf_slope")
    return std::make_unique<TextMetric>("zipf_slope", kSamples, [](M, T, S s) { return text_stats::zipf_slope(s); });
  if (name == "repetition")
    return std::make_unique<TextMetric>("repetition", kSamples, [](M, T, S s) { return text_stats::repetition(s, 4); });
  if (name == "oov_rate")
    return std::make_unique<TextMetric>("oov_rate", TextNeeds::kCorpus, [](M, T t, S) { return t.test_oov_rate(); });
  return nullptr;
}

}  // namespace

const std::vector<std::string>& text_metric_names() {
  static const std::vector<std::string> names{
      "ppl_real",   "ppl_gen0",   "ppl_gen0_median", "ppl_gen0_p05",    "ppl_gen0_p95", "distinct_1", "distinct_2",
      "distinct_3", "distinct_4", "vocab_used",      "tail_token_mass", "zipf_slope",   "repetition", "oov_rate"};
  return names;
}

std::unique_ptr<Metric> make_text_metric(std::string_view name) { return build(name); }

}  // namespace ouro
