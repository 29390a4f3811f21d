// LoopSizes: the plain numbers of a self-consuming loop that the closed-form theory depends on.
//
// The pure theory functions take these instead of a Config so that each formula can be tested on
// hand-picked numbers; loop_sizes() takes them from the parsed [loop] section and run.generations.
#pragma once

#include <cstdint>

#include "ouro/core/loop_settings.hpp"

namespace ouro::theory {

struct LoopSizes {
  std::int64_t initial = 0;      // n0: rows of the initial real data D0 (generation 0 trains on them)
  std::int64_t synthetic = 0;    // ns: rows sampled from each generation's model
  std::int64_t real = 0;         // nr: real rows in every training set after generation 0
  double bias = 1.0;             // lambda in (0, 1]: sampling bias
  std::int64_t generations = 0;  // G: curves hold generations 0..G
};

inline LoopSizes loop_sizes(const LoopSettings& loop, std::int64_t generations) {
  return {static_cast<std::int64_t>(loop.initial), static_cast<std::int64_t>(loop.synthetic),
          static_cast<std::int64_t>(loop.real_samples), loop.bias, generations};
}

}  // namespace ouro::theory
