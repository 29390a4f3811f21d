// The [loop] section parsed and checked: see loop_settings.hpp.
#include "ouro/core/loop_settings.hpp"

#include <string_view>

#include <fmt/format.h>

#include "ouro/core/config.hpp"

namespace ouro {
namespace {

RealPolicy parse_real(std::string_view name) {
  if (name == "fixed") return RealPolicy::kFixed;
  if (name == "resample") return RealPolicy::kResample;
  if (name == "fresh") return RealPolicy::kFresh;
  return RealPolicy::kNone;
}

KeepPolicy parse_keep(std::string_view name) {
  if (name == "accumulate") return KeepPolicy::kAccumulate;
  if (name == "accumulate-subsample") return KeepPolicy::kAccumulateSubsample;
  if (name == "window") return KeepPolicy::kWindow;
  return KeepPolicy::kReplace;
}

}  // namespace

LoopSettings LoopSettings::from(const Config& config) {
  LoopSettings s;
  s.initial = static_cast<std::size_t>(config.integer("loop.initial"));
  s.synthetic = static_cast<std::size_t>(config.integer("loop.synthetic"));
  s.real_samples = static_cast<std::size_t>(config.integer("loop.real_samples"));
  s.window = static_cast<std::size_t>(config.integer("loop.window"));
  const auto train_size = static_cast<std::size_t>(config.integer("loop.train_size"));
  s.train_size = train_size == 0 ? s.initial : train_size;
  s.real = parse_real(config.text("loop.real"));
  s.keep = parse_keep(config.text("loop.keep"));
  s.bias = config.real("loop.bias");
  s.accumulate_fresh = config.boolean("loop.accumulate_fresh");

  if (s.real == RealPolicy::kNone && s.real_samples > 0) {
    config.fail("loop.real_samples", "real samples are requested but loop.real = \"none\"; set loop.real "
                                     "to fixed, resample or fresh, or real_samples to 0");
  }
  if (s.real != RealPolicy::kNone && s.real_samples == 0) {
    config.fail("loop.real", "needs loop.real_samples > 0 real samples per generation");
  }
  if ((s.real == RealPolicy::kFixed || s.real == RealPolicy::kResample) && s.real_samples > s.initial) {
    config.fail("loop.real_samples", fmt::format("loop.real = \"{}\" takes its samples from the {} initial "
                                                 "real samples (loop.initial); cannot take {}",
                                                 config.text("loop.real"), s.initial, s.real_samples));
  }
  if (config.user_set("loop.window") && s.keep != KeepPolicy::kWindow) {
    config.fail("loop.window", "only applies with loop.keep = \"window\"");
  }
  if (config.user_set("loop.train_size") && s.keep != KeepPolicy::kAccumulateSubsample) {
    config.fail("loop.train_size", "only applies with loop.keep = \"accumulate-subsample\"");
  }
  if (config.user_set("loop.accumulate_fresh") && (s.keep != KeepPolicy::kAccumulate || s.real != RealPolicy::kFresh)) {
    config.fail("loop.accumulate_fresh", "only applies with loop.keep = \"accumulate\" and loop.real = \"fresh\"");
  }
  return s;
}

}  // namespace ouro
