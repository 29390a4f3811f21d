// Statistics of token sequences (Samples of token storage), each on its own: the text metrics
// (docs/text.md) compute them over a generation's samples, and the synthetic-text detector
// (hygiene/detector_features.hpp) over one document at a time.
#pragma once

#include <cstddef>
#include <vector>

#include "ouro/core/samples.hpp"
#include "ouro/models/generative_model.hpp"

namespace ouro {

namespace text_stats {
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

}  // namespace ouro
