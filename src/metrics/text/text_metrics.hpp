// Private to ouro_metrics: the text metrics of an ngram model of a corpus truth (docs/text.md).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ouro/metrics/metric.hpp"

namespace ouro {

// ppl_real, ppl_gen0 (mean, _median, _p05, _p95), distinct_1..4, vocab_used, tail_token_mass,
// zipf_slope, repetition, oov_rate.
const std::vector<std::string>& text_metric_names();

// The text metric called `name`; nullptr when `name` is not one.
std::unique_ptr<Metric> make_text_metric(std::string_view name);

namespace text_stats {
// Exposed for tests: statistics of sample rows (ids as doubles, -1 = padding).
double distinct(const Matrix& rows, int n);
double repetition(const Matrix& rows, int n = 4);
double zipf_slope(const Matrix& rows);
std::size_t vocab_used(const Matrix& rows);
// Ids of the rarest types holding at most `share` of the training tokens (rarest first; ties by
// larger id first, so the set is deterministic).
std::vector<bool> tail_types(const std::vector<std::size_t>& counts, double share);
double tail_mass(const Matrix& rows, const std::vector<bool>& tail);
// Perplexity of each row under `model`: exp(-log p(row) / tokens), tokens = the row's ids but -1
// padding (every one is predicted; the row starts after <s>). Rows without tokens are skipped.
std::vector<double> sequence_perplexities(const GenerativeModel& model, const Matrix& rows);
}  // namespace text_stats

// The generation's per-sequence perplexities under the replicate's generation-0 model, sorted;
// computed once per generation and shared through the context's scratch (when it has one).
std::vector<double> sorted_generation0_perplexities(const GenerativeModel& model, const MetricContext& context);

}  // namespace ouro
