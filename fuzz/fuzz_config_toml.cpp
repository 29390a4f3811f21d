// Fuzz target: a config file's TOML text (Config::from_string, what Config::from_file and every
// command's config argument go through), then what a run does first with the parsed Config:
// LoopSettings::from (the cross-key checks of [loop]) and to_json (the resolved echo in run.json).
//
// Both SweepTable modes are covered (`ouro run` refuses a [sweep] table, `ouro sweep` skips it),
// chosen by the input's length so that every byte stays TOML text. Every refusal must be a
// ConfigError naming the source ("fuzz.toml:LINE:COL", or "--set"/"default" for cross-key checks
// that blame a key's origin).
#include <cstddef>
#include <cstdint>

#include <nlohmann/json.hpp>

#include "fuzz_support.hpp"
#include "ouro/core/config.hpp"
#include "ouro/core/loop_settings.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = ouro::fuzz::as_text(data, size);
  const auto sweep = size % 2 == 0 ? ouro::Config::SweepTable::kRefuse : ouro::Config::SweepTable::kIgnore;
  ouro::fuzz::expect_clean_refusal("fuzz.toml", [&] {
    const ouro::Config config = ouro::Config::from_string(text, "fuzz.toml", sweep);
    (void)config.to_json();
    try {
      (void)ouro::LoopSettings::from(config);
    } catch (const ouro::ConfigError& e) {
      // A contradiction between [loop] keys names one of them and where it came from, which may
      // be a default when the user set the other key.
      const std::string_view message = e.what();
      if (message.find("fuzz.toml") == std::string_view::npos && message.find("default") == std::string_view::npos) {
        ouro::fuzz::finding("a [loop] error that names neither the file nor a default", message);
      }
    }
  });
  return 0;
}
