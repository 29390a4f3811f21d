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
// Exposed for tests: statistics of token sequences (Samples of token storage), each on its own.
double distinct(const Samples& sequences, int n);
double repetition(const Samples& sequences, int n = 4);
double zipf_slope(const Samples& sequences);
std::size_t vocab_used(const Samples& sequences);
// Ids of the rarest types holding at most `share` of the training tokens (rarest first; ties by
// larger id first, so the set is deterministic).
std::vector<bool> tail_types(const std::vector<std::size_t>& counts, double share);
double tail_mass(const Samples& sequences, const std::vector<bool>& tail);
// Perplexity of each non-empty sequence under `model` (which declares token scoring):
// exp(-log p(sequence) / its tokens).
std::vector<double> sequence_perplexities(const GenerativeModel& model, const Samples& sequences);
}  // namespace text_stats

// The generation's per-sequence perplexities under the replicate's generation-0 model, sorted;
// computed once per generation and shared through the context's scratch (when it has one).
std::vector<double> sorted_generation0_perplexities(const GenerativeModel& model, const MetricContext& context);

}  // namespace ouro
