// The real share of the training sets, as `ouro run` prints it under its metric summary: what part
// of each printed generation's training set is original real data, fresh real data and synthetic
// data. A loop's label ("10 fresh per generation") can hide how little real data the model sees
// once synthetic sets accumulate; this table shows it (docs/loop.md).
#pragma once

#include <cstddef>
#include <span>
#include <string>

namespace ouro {

class Recorder;

// A table with one row per listed generation: the mean training-set size over replicates and the
// share of original, fresh and synthetic rows, in percent. Generations the recorder has no
// composition for are left out (an empty string when none is left).
std::string training_share_table(const Recorder& recorder, std::span<const std::size_t> generations);

}  // namespace ouro
