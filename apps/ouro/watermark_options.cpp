// The watermark's flags (see watermark_options.hpp).
#include "watermark_options.hpp"

#include <filesystem>

#include "cli_numbers.hpp"
#include "ouro/core/error.hpp"

namespace ouro::cli {

std::vector<CLI::Option*> add_watermark_options(CLI::App& command, WatermarkOptions& options) {
  return {
      command.add_option("--gpt2", options.gpt2_dir, "Texts: the folder with GPT-2's vocab.json and merges.txt"),
      command.add_option("--scheme", options.scheme, "simple_1 or selfhash")->capture_default_str(),
      command.add_option("--gamma", options.gamma, "Green share of the vocabulary, in (0, 1)")->capture_default_str(),
      command.add_option("--key", options.key, "The watermark's hash key")->capture_default_str(),
      command.add_option("--z-threshold", options.z_threshold, "Flag a document when z > this")->capture_default_str(),
      command.add_flag("--count-repeats", options.count_repeats,
                       "Score every occurrence of an n-gram (default: each distinct n-gram once)"),
  };
}

hygiene::WatermarkSettings settings_from_flags(const WatermarkOptions& options, std::int64_t vocab_size) {
  hygiene::WatermarkSettings settings;
  OURO_CHECK(hygiene::parse_watermark_scheme(options.scheme, &settings.scheme), ConfigError,
             "--scheme {}: expected simple_1 or selfhash", options.scheme);
  settings.gamma = parse_real_flag("--gamma", options.gamma);
  const std::int64_t key = parse_integer_flag("--key", options.key);
  OURO_CHECK(key >= 0, ConfigError, "--key {}: expected a non-negative integer", options.key);
  settings.key = static_cast<std::uint64_t>(key);
  settings.z_threshold = parse_real_flag("--z-threshold", options.z_threshold);
  settings.count_repeats = options.count_repeats;
  settings.vocab_size = vocab_size;
  return settings;
}

text::Gpt2Tokenizer load_gpt2_flag(const std::string& dir) {
  const std::filesystem::path folder(dir);
  return text::Gpt2Tokenizer::load(folder / "vocab.json", folder / "merges.txt");
}

std::vector<text::TokenId> gpt2_token_ids(const text::Gpt2Tokenizer& tokenizer, std::string_view text) {
  const auto ids = tokenizer.ids(tokenizer.tokenize(text));
  return {ids.begin(), ids.end()};
}

}  // namespace ouro::cli
