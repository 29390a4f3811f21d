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
namespace text_stats {
namespace {

std::vector<std::uint64_t> row_tokens(const Samples& sequences, Eigen::Index i) {
  const auto t = sequences.tokens(i);
  return std::vector<std::uint64_t>(t.begin(), t.end());
}

// An n-gram (n <= 4, ids < 2^32) as a hashable pair of 64-bit words.
struct Gram {
  std::uint64_t hi = 0, lo = 0;
  bool operator==(const Gram&) const = default;
};
struct GramHash {
  std::size_t operator()(const Gram& g) const { return std::hash<std::uint64_t>{}(g.hi * 0x9e3779b97f4a7c15ULL ^ g.lo); }
};
Gram gram(const std::vector<std::uint64_t>& t, std::size_t at, int n) {
  Gram g;
  for (int k = 0; k < n; ++k) {
    std::uint64_t& word = k < 2 ? g.lo : g.hi;
    word = (word << 32) | t[at + static_cast<std::size_t>(k)];
  }
  return g;
}

std::unordered_map<std::uint64_t, std::size_t> word_counts(const Samples& sequences) {
  std::unordered_map<std::uint64_t, std::size_t> counts;
  for (const std::int32_t t : sequences.all_tokens())
    if (static_cast<std::uint64_t>(t) != text::kEos) ++counts[static_cast<std::uint64_t>(t)];
  return counts;
}

}  // namespace

double distinct(const Samples& sequences, int n) {
  // Sorting packed n-grams (32 bits per id) is several times faster than hashing millions of them.
  std::vector<__uint128_t> grams;
  grams.reserve(sequences.all_tokens().size());
  for (Eigen::Index i = 0; i < sequences.size(); ++i) {
    const auto t = row_tokens(sequences, i);
    for (std::size_t a = 0; a + static_cast<std::size_t>(n) <= t.size(); ++a) {
      __uint128_t key = 0;
      for (int k = 0; k < n; ++k) key = (key << 32) | t[a + static_cast<std::size_t>(k)];
      grams.push_back(key);
    }
  }
  if (grams.empty()) return std::nan("");
  const std::size_t total = grams.size();
  std::sort(grams.begin(), grams.end());
  const auto distinct_count = static_cast<std::size_t>(std::unique(grams.begin(), grams.end()) - grams.begin());
  return static_cast<double>(distinct_count) / static_cast<double>(total);
}

double repetition(const Samples& sequences, int n) {
  std::size_t repeated = 0, total = 0;
  std::unordered_set<Gram, GramHash> seen;
  for (Eigen::Index i = 0; i < sequences.size(); ++i) {
    const auto t = row_tokens(sequences, i);
    seen.clear();
    for (std::size_t a = 0; a + static_cast<std::size_t>(n) <= t.size(); ++a) {
      if (!seen.insert(gram(t, a, n)).second) ++repeated;
      ++total;
    }
  }
  return total == 0 ? std::nan("") : static_cast<double>(repeated) / static_cast<double>(total);
}

std::size_t vocab_used(const Samples& sequences) { return word_counts(sequences).size(); }

double zipf_slope(const Samples& sequences) {
  std::vector<double> freq;
  for (const auto& [id, c] : word_counts(sequences)) freq.push_back(static_cast<double>(c));
  if (freq.size() < 2) return std::nan("");
  std::sort(freq.begin(), freq.end(), std::greater<>());
  // Least squares of log f on log rank.
  const double n = static_cast<double>(freq.size());
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (std::size_t r = 0; r < freq.size(); ++r) {
    const double x = std::log(static_cast<double>(r + 1)), y = std::log(freq[r]);
    sx += x; sy += y; sxx += x * x; sxy += x * y;
  }
  return (n * sxy - sx * sy) / (n * sxx - sx * sx);
}

std::vector<bool> tail_types(const std::vector<std::size_t>& counts, double share) {
  std::vector<std::size_t> order;
  std::size_t total = 0;
  for (std::size_t id = 0; id < counts.size(); ++id) {
    if (id == text::kEos || counts[id] == 0) continue;
    order.push_back(id);
    total += counts[id];
  }
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return counts[a] != counts[b] ? counts[a] < counts[b] : a > b;
  });
  std::vector<bool> tail(counts.size(), false);
  std::size_t held = 0;
  for (std::size_t id : order) {
    if (static_cast<double>(held + counts[id]) > share * static_cast<double>(total)) break;
    held += counts[id];
    tail[id] = true;
  }
  return tail;
}

double tail_mass(const Samples& sequences, const std::vector<bool>& tail) {
  std::size_t in = 0, total = 0;
  for (const std::int32_t id : sequences.all_tokens()) {
    const auto t = static_cast<std::uint64_t>(id);
    if (t == text::kEos) continue;
    ++total;
    if (t < tail.size() && tail[t]) ++in;
  }
  return total == 0 ? std::nan("") : static_cast<double>(in) / static_cast<double>(total);
}

std::vector<double> sequence_perplexities(const GenerativeModel& model, const Samples& sequences) {
  const std::optional<std::vector<TokenScore>> scores = model.score_sequences(sequences);
  OURO_CHECK(scores.has_value(), Error, "internal: a {} model scores no token sequences", model.family());
  std::vector<double> out;
  out.reserve(scores->size());
  for (const TokenScore& score : *scores)
    if (score.tokens > 0) out.push_back(score.perplexity());
  return out;
}

}  // namespace text_stats

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
