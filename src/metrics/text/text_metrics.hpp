// Private to ouro_metrics: the text metrics of an ngram model of a corpus truth (docs/text.md).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ouro/metrics/metric.hpp"

namespace ouro {

// ppl_real, distinct_1..4, vocab_used, tail_token_mass, zipf_slope, repetition, oov_rate.
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
}  // namespace text_stats

}  // namespace ouro
