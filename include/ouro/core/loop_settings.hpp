// LoopSettings: the [loop] section, parsed and checked once, for every module that needs the
// loop's numbers and policies (the loop policy composing training sets, the closed-form theory,
// phase diagrams, threshold searches), so that none reads the keys again.
//
// The policies and their exact rules are in loop_policy.hpp and docs/loop.md.
#pragma once

#include <cstddef>

namespace ouro {

class Config;

enum class RealPolicy { kNone, kFixed, kResample, kFresh };
enum class KeepPolicy { kReplace, kAccumulate, kAccumulateSubsample, kWindow };

struct LoopSettings {
  std::size_t initial = 100;
  std::size_t synthetic = 100;
  std::size_t real_samples = 0;
  std::size_t window = 2;
  std::size_t train_size = 100;  // accumulate-subsample; resolved (never 0)
  RealPolicy real = RealPolicy::kNone;
  KeepPolicy keep = KeepPolicy::kReplace;
  double bias = 1.0;
  // accumulate + fresh: every generation's fresh draws stay in later training sets (all data kept,
  // as in Gerstgrasser et al.'s accumulate) rather than only the current generation's.
  bool accumulate_fresh = true;

  // True when the real part of generation g holds the fresh draws of generations 1..g.
  bool fresh_accumulates() const {
    return real == RealPolicy::kFresh && keep == KeepPolicy::kAccumulate && accumulate_fresh;
  }

  // Reads [loop]; throws ConfigError for contradictory settings (e.g. real samples requested with
  // loop.real = "none", or more fixed real samples than the initial data holds).
  static LoopSettings from(const Config& config);
};

}  // namespace ouro
