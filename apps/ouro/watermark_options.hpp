// The watermark's flags, shared by the commands that detect it in texts (`ouro watermark detect`,
// `ouro ledger add --watermark`): the tokenizer the texts were generated with (`--gpt2 DIR`) and the
// scheme, gamma, key, threshold and repeat counting of docs/hygiene.md#ouro-watermark-detect, so
// both commands take the same flags with the same defaults and checks.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

#include "ouro/hygiene/watermark.hpp"
#include "ouro/text/gpt2_tokenizer.hpp"

namespace ouro::cli {

struct WatermarkOptions {
  std::string gpt2_dir;
  std::string scheme = "selfhash";
  std::string gamma = "0.25";
  std::string key = "15485863";
  std::string z_threshold = "4";
  bool count_repeats = false;
};

// Adds --gpt2, --scheme, --gamma, --key, --z-threshold and --count-repeats, and returns them (a
// command may make them depend on a flag of its own).
std::vector<CLI::Option*> add_watermark_options(CLI::App& command, WatermarkOptions& options);

// The settings the flags give over `vocab_size` ids; ConfigError naming a flag that is not a
// number or not a scheme.
hygiene::WatermarkSettings settings_from_flags(const WatermarkOptions& options, std::int64_t vocab_size);

// GPT-2's tokenizer from --gpt2 DIR (vocab.json and merges.txt).
text::Gpt2Tokenizer load_gpt2_flag(const std::string& dir);

// A text's ids under that tokenizer, as the watermark scores them.
std::vector<text::TokenId> gpt2_token_ids(const text::Gpt2Tokenizer& tokenizer, std::string_view text);

}  // namespace ouro::cli
