// LoopPolicy: how generation g's training set is composed from the real data and past synthetic
// sets, and which sets a replicate must keep in memory.
//
// The policy is immutable and shared by all replicates; each replicate's mutable state is its own
// LoopState (the history of data sets), passed explicitly. history[0] is the initial real data D0
// and history[g + 1] is S_g, the synthetic output of generation g. For g >= 1 the training set is
// the real part (none | fixed | resample | fresh; with accumulate, fresh draws accumulate too unless
// loop.accumulate_fresh = false) followed by the synthetic part (replace | accumulate |
// accumulate-subsample | window); docs/loop.md states the rules exactly.
#pragma once

#include <cstddef>
#include <memory>
#include <string_view>
#include <vector>

#include "ouro/core/dataset.hpp"
#include "ouro/core/loop_settings.hpp"
#include "ouro/core/rng.hpp"

namespace ouro {

class Truth;

struct LoopState {
  std::vector<std::shared_ptr<const Dataset>> history;
  // Entries before this index (other than a kept D0) have been released; each is released once,
  // so a run of G generations does O(G) bookkeeping, not O(G^2).
  std::size_t released = 0;
  // accumulate + fresh (LoopSettings::fresh_accumulates): the fresh draws of generations
  // 1..fresh_through, in generation order. Not checkpointed: each generation's draw is a pure
  // function of its own stream, so a resumed replicate redraws the same rows on its first compose.
  std::shared_ptr<const Dataset> fresh;
  std::size_t fresh_through = 0;
};

class LoopPolicy {
 public:
  explicit LoopPolicy(LoopSettings settings) : settings_(settings) {}

  const LoopSettings& settings() const { return settings_; }

  // A fresh state holding the initial real data.
  LoopState start(Dataset initial) const;

  // The training set of generation g >= 1. When it is exactly one stored set (replace with no real
  // data, the commonest loop) that set is shared rather than copied. With accumulating fresh data
  // it adds generation g's fresh draws to the state's pool.
  std::shared_ptr<const Dataset> compose(std::size_t generation, LoopState& state, const Truth& truth,
                                         const Streams& streams) const;

  // Appends S_g and releases the sets no later generation can use.
  void record(LoopState& state, Dataset synthetic) const;

  // Rows in generation g's training set (exact for every policy), for up-front size checks.
  std::size_t training_size(std::size_t generation) const;

  // True when the training-set composition (counts per origin) is the same in every replicate.
  bool composition_is_shared() const { return settings_.keep != KeepPolicy::kAccumulateSubsample; }

 private:
  Dataset real_part(std::size_t generation, LoopState& state, const Truth& truth, const Streams& streams) const;
  std::shared_ptr<const Dataset> synthetic_part(std::size_t generation, const LoopState& state,
                                                const Streams& streams) const;
  std::size_t synthetic_pool_size(std::size_t generation) const;
  std::size_t real_size(std::size_t generation) const;

  LoopSettings settings_;
};

// Draws `count` distinct indices from [0, n) uniformly (partial Fisher-Yates), in draw order.
std::vector<std::size_t> sample_without_replacement(std::size_t n, std::size_t count, Rng& rng);

}  // namespace ouro
