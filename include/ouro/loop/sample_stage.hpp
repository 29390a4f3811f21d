// The sample and filter stages: draw a generation's synthetic set S_g from its model, through the
// run's filters, so that S_g holds exactly the loop's synthetic count, less what screens drop.
//
// Candidates are drawn in rounds. Round 0 draws n x (the product of the filters' group sizes)
// candidates; each later round draws what the pass rate so far says the rest needs (never fewer
// than the groups need, never more than the first filter may still examine). Every round's
// candidates go through the filters in order; survivors join S_g in draw order until it is full
// (any surplus is dropped). Without filters this is one round of exactly n draws from the stream
// (kSample, g, block 0) — the same bytes as a loop that has no filter stage at all.
//
// Screens (filters whose refills() is false: watermark, detector) come after every refilling
// filter; once S_g is full they judge it whole, in order, and what they flag leaves S_g without
// replacement, so S_g ends smaller than the loop's synthetic count. Filter f's screen draws (its
// miss rate) come from (kFilter, g, block f << 32).
//
// Streams: round r samples from (kSample, g, block r); filter f in round r draws from (kFilter,
// g, block (f << 32) | r). Results therefore depend on the config and seed alone.
//
// Bounds: filter f may examine at most max_draws x group_f x n candidates for one S_g; when S_g is
// not full by then, a DataError names the filter with the lowest pass rate, the generation and
// the counts.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

#include "ouro/core/rng.hpp"
#include "ouro/filters/filter.hpp"
#include "ouro/loop/generation_record.hpp"
#include "ouro/models/generative_model.hpp"

namespace ouro {

// `states[f]` is filter f's state in this replicate (nullptr for a stateless filter).
SyntheticSet draw_synthetic(const GenerativeModel& model, std::size_t n, double bias, std::size_t generation,
                            const std::vector<std::unique_ptr<Filter>>& filters,
                            const std::vector<std::unique_ptr<FilterState>>& states, const Streams& streams);

}  // namespace ouro
