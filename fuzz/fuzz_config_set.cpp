// Fuzz target: `--set key=value` overrides (Config::set, applied by the CLI to the loaded config
// for every --set, --replicates and --threads, and by sweeps for each grid value).
//
// The input is a list of assignments, one per line, applied in order to a base config that has two
// [[filter]] tables (so element keys such as filter.1.min_reward, their index checks and the
// list-or-table rule are reachable). After the last, the config is echoed (to_json) and its [loop]
// checked, as a run would. A refused assignment must be a ConfigError quoting "--set" (every
// message of Config::set and of the value conversion does) and leaves the config usable.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <nlohmann/json.hpp>

#include "fuzz_support.hpp"
#include "ouro/core/config.hpp"
#include "ouro/core/loop_settings.hpp"

namespace {

constexpr std::string_view kBase = R"(
[model]
family = "categorical"
[truth]
kind = "categorical"
[[filter]]
kind = "dedup"
[[filter]]
kind = "curate"
reward = [1.0, 2.0, 3.0]
)";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const ouro::Config base = ouro::Config::from_string(kBase, "base.toml");
  ouro::Config config = base;
  std::string_view rest = ouro::fuzz::as_text(data, size);
  while (!rest.empty()) {
    const std::size_t newline = rest.find('\n');
    const std::string_view assignment = rest.substr(0, newline);
    rest.remove_prefix(newline == std::string_view::npos ? rest.size() : newline + 1);
    ouro::fuzz::expect_clean_refusal("--set", [&] { config.set(assignment); });
  }
  ouro::fuzz::expect_clean_refusal("", [&] {
    (void)config.to_json();
    (void)ouro::LoopSettings::from(config);
  });
  return 0;
}
