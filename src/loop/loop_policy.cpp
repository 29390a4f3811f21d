// Training-set composition for the self-consuming loop: see loop_policy.hpp and docs/loop.md.
#include "ouro/loop/loop_policy.hpp"

#include <algorithm>
#include <numeric>

#include "ouro/core/error.hpp"
#include "ouro/models/truth.hpp"

namespace ouro {
std::vector<std::size_t> sample_without_replacement(std::size_t n, std::size_t count, Rng& rng) {
  std::vector<std::size_t> index(n);
  std::iota(index.begin(), index.end(), std::size_t{0});
  count = std::min(count, n);
  for (std::size_t i = 0; i < count; ++i) {
    std::swap(index[i], index[i + rng.below(n - i)]);
  }
  index.resize(count);
  return index;
}

LoopState LoopPolicy::start(Dataset initial) const {
  LoopState state;
  state.history.push_back(std::make_shared<const Dataset>(std::move(initial)));
  return state;
}

std::size_t LoopPolicy::real_size(std::size_t generation) const {
  if (settings_.real == RealPolicy::kNone) return 0;
  return settings_.fresh_accumulates() ? generation * settings_.real_samples : settings_.real_samples;
}

// Rows of the union of history[first..g] for the synthetic part of generation g.
std::size_t LoopPolicy::synthetic_pool_size(std::size_t generation) const {
  const std::size_t entries = generation + 1;  // D0, S_0 .. S_{g-1}
  std::size_t first = 0;
  switch (settings_.keep) {
    case KeepPolicy::kReplace: first = generation; break;
    case KeepPolicy::kWindow: first = entries > settings_.window ? entries - settings_.window : 0; break;
    case KeepPolicy::kAccumulate:
    case KeepPolicy::kAccumulateSubsample: first = 0; break;
  }
  std::size_t rows = 0;
  for (std::size_t i = first; i < entries; ++i) rows += i == 0 ? settings_.initial : settings_.synthetic;
  return rows;
}

std::size_t LoopPolicy::training_size(std::size_t generation) const {
  if (generation == 0) return settings_.initial;
  std::size_t synthetic = synthetic_pool_size(generation);
  if (settings_.keep == KeepPolicy::kAccumulateSubsample) synthetic = std::min(synthetic, settings_.train_size);
  return real_size(generation) + synthetic;
}

Dataset LoopPolicy::real_part(std::size_t generation, LoopState& state, const Truth& truth,
                              const Streams& streams) const {
  // D0 is read only by the fixed and resampled real parts: with fresh real data record() has
  // released it, and binding a reference to it there would be undefined even though it is unused.
  const Dataset* initial = state.history.front().get();
  const std::size_t n = settings_.real_samples;
  switch (settings_.real) {
    case RealPolicy::kNone:
      return {};
    case RealPolicy::kFixed: {
      std::vector<std::size_t> first(n);
      std::iota(first.begin(), first.end(), std::size_t{0});
      return initial->select(first);
    }
    case RealPolicy::kResample: {
      Rng rng = streams(Purpose::kRealData, generation);
      return initial->select(sample_without_replacement(static_cast<std::size_t>(initial->size()), n, rng));
    }
    case RealPolicy::kFresh: {
      const auto draw = [&](std::size_t g) {
        Rng rng = streams(Purpose::kRealData, g);
        return Dataset(truth.draw(n, rng), Provenance{static_cast<std::int32_t>(g), Origin::kFresh});
      };
      if (!settings_.fresh_accumulates()) return draw(generation);
      // The pool grows by one generation's draw per compose; a resumed replicate starts with an
      // empty pool and redraws the generations before it from their streams (the same rows).
      OURO_CHECK(state.fresh_through < generation, Error,
                 "internal: generation {} composed after the fresh pool reached generation {}", generation,
                 state.fresh_through);
      std::vector<Dataset> draws;
      for (std::size_t g = state.fresh_through + 1; g <= generation; ++g) draws.push_back(draw(g));
      std::vector<const Dataset*> parts;
      if (state.fresh) parts.push_back(state.fresh.get());
      for (const Dataset& d : draws) parts.push_back(&d);
      state.fresh = std::make_shared<const Dataset>(Dataset::concat(parts));
      state.fresh_through = generation;
      return *state.fresh;
    }
  }
  return {};
}

std::shared_ptr<const Dataset> LoopPolicy::synthetic_part(std::size_t generation, const LoopState& state,
                                                          const Streams& streams) const {
  const std::size_t entries = generation + 1;
  std::size_t first = 0;
  if (settings_.keep == KeepPolicy::kReplace) first = generation;
  if (settings_.keep == KeepPolicy::kWindow && entries > settings_.window) first = entries - settings_.window;

  std::vector<const Dataset*> parts;
  for (std::size_t i = first; i < entries; ++i) parts.push_back(state.history[i].get());
  const bool subsample = settings_.keep == KeepPolicy::kAccumulateSubsample;
  if (parts.size() == 1 && !subsample) return state.history[first];
  const Dataset pool = Dataset::concat(parts);
  if (subsample && static_cast<std::size_t>(pool.size()) > settings_.train_size) {
    Rng rng = streams(Purpose::kCompose, generation);
    return std::make_shared<const Dataset>(
        pool.select(sample_without_replacement(static_cast<std::size_t>(pool.size()), settings_.train_size, rng)));
  }
  return std::make_shared<const Dataset>(pool);
}

std::shared_ptr<const Dataset> LoopPolicy::compose(std::size_t generation, LoopState& state,
                                                   const Truth& truth, const Streams& streams) const {
  std::shared_ptr<const Dataset> synthetic = synthetic_part(generation, state, streams);
  if (settings_.real == RealPolicy::kNone) return synthetic;
  const Dataset real = real_part(generation, state, truth, streams);
  const Dataset* parts[] = {&real, synthetic.get()};
  return std::make_shared<const Dataset>(Dataset::concat(parts));
}

void LoopPolicy::record(LoopState& state, Dataset synthetic) const {
  state.history.push_back(std::make_shared<const Dataset>(std::move(synthetic)));
  // The next generation (g + 1, with g + 2 history entries) reads entries from `first_needed` on;
  // D0 stays while the real part needs it.
  const std::size_t entries = state.history.size();
  std::size_t first_needed = 0;
  if (settings_.keep == KeepPolicy::kReplace) first_needed = entries - 1;
  if (settings_.keep == KeepPolicy::kWindow && entries > settings_.window) first_needed = entries - settings_.window;
  const bool keep_initial = settings_.real == RealPolicy::kFixed || settings_.real == RealPolicy::kResample;
  for (std::size_t i = state.released; i < first_needed; ++i) {
    if (i == 0 && keep_initial) continue;
    state.history[i].reset();
  }
  state.released = std::max(state.released, first_needed);
}

}  // namespace ouro
