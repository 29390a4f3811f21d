// Private to ouro_metrics: the text metrics of an ngram model of a corpus truth (docs/text.md).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ouro/metrics/metric.hpp"
#include "ouro/metrics/text_stats.hpp"

namespace ouro {

// ppl_real, ppl_gen0 (mean, _median, _p05, _p95), distinct_1..4, vocab_used, tail_token_mass,
// zipf_slope, repetition, oov_rate.
const std::vector<std::string>& text_metric_names();

// The text metric called `name`; nullptr when `name` is not one.
std::unique_ptr<Metric> make_text_metric(std::string_view name);

// The generation's per-sequence perplexities under the replicate's generation-0 model, sorted;
// computed once per generation and shared through the context's scratch (when it has one).
std::vector<double> sorted_generation0_perplexities(const GenerativeModel& model, const MetricContext& context);

}  // namespace ouro
