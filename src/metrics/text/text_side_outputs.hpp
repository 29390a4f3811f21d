// Private to ouro_metrics: the side outputs of text runs (docs/text.md): samples.jsonl, the
// generated texts a person reads to see the drift, and ppl_gen0_histogram.csv, the distribution
// that ppl_gen0 summarises (Shumailov et al. 2024, figure 1).
#pragma once

#include <cstddef>
#include <memory>

#include "ouro/metrics/side_output.hpp"

namespace ouro {

// The first `count` synthetic samples of every generation, rendered as text: one JSON object per
// line, {"replicate":r,"generation":g,"sample":i,"text":"..."}.
std::unique_ptr<SideOutput> make_sample_texts_output(std::size_t count);

// Counts of the generation's per-sequence perplexities under the generation-0 model in fixed
// logarithmic bins (20 per decade: [10^(k/20), 10^((k+1)/20))), one row per non-empty bin:
// replicate,generation,bin_low,bin_high,count.
std::unique_ptr<SideOutput> make_ppl_gen0_histogram_output();

}  // namespace ouro
