// `ouro watermark detect FILE`: the KGW watermark's detector (include/ouro/hygiene/watermark.hpp)
// on a file of documents, one per line: token ids (`--input ids`, a JSON array per line, with
// `--vocab-size`), texts (`--input lines`) or JSON objects with a text field (`--input jsonl`, e.g.
// a run's samples.jsonl). Texts go through GPT-2's tokenizer (`--gpt2 DIR` holding vocab.json and
// merges.txt), whose ids are the ones the reference implementation watermarks with GPT-2-family
// models. Prints per document T, G, z, both p-values and the verdict as CSV or JSON lines, and a
// summary on stderr. Every document is read and checked before anything is printed, so bad input
// (named by file and line, or document) leaves no partial output.
#include <cmath>
#include <fstream>
#include <iostream>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "cli_numbers.hpp"
#include "commands.hpp"
#include "document_input.hpp"
#include "ouro/core/error.hpp"
#include "ouro/hygiene/watermark.hpp"
#include "ouro/io/atomic_file.hpp"
#include "ouro/text/gpt2_tokenizer.hpp"
#include "watermark_options.hpp"

namespace ouro::cli {
namespace {

using hygiene::Watermark;
using hygiene::WatermarkScore;
using text::TokenId;

struct WatermarkDetectOptions {
  std::string file;
  DocumentInput documents;  // --input ids | lines | jsonl, --field
  WatermarkOptions watermark;
  std::string vocab_size;
  std::string format = "csv";
  std::string out;
};

std::vector<TokenId> parse_id_line(const std::string& line, const std::string& where) {
  nlohmann::json value;
  try {
    value = nlohmann::json::parse(line);
  } catch (const nlohmann::json::parse_error& e) {
    throw DataError(fmt::format("{}: not JSON ({})", where, e.what()));
  }
  OURO_CHECK(value.is_array(), DataError, "{}: expected a JSON array of token ids", where);
  std::vector<TokenId> ids;
  ids.reserve(value.size());
  for (std::size_t i = 0; i < value.size(); ++i) {
    const auto& v = value[i];
    OURO_CHECK(v.is_number_unsigned() && v.get<std::uint64_t>() <= std::numeric_limits<TokenId>::max(), DataError,
               "{}: element {} ({}) is not a token id (a non-negative integer)", where, i, v.dump());
    ids.push_back(v.get<TokenId>());
  }
  return ids;
}

// The documents of the file as token ids: id arrays parsed here (blank lines skipped); texts read
// as document_input.hpp reads them and tokenized by GPT-2's tokenizer.
std::vector<std::vector<TokenId>> read_documents(const WatermarkDetectOptions& options,
                                                 const text::Gpt2Tokenizer* tokenizer) {
  std::vector<std::vector<TokenId>> documents;
  if (options.documents.input != "ids") {
    for (const std::string& t : read_text_documents(options.file, options.documents)) {
      documents.push_back(gpt2_token_ids(*tokenizer, t));
    }
    return documents;
  }
  std::ifstream in(options.file, std::ios::binary);
  OURO_CHECK(in, IoError, "cannot read '{}'", options.file);
  std::string line;
  for (std::size_t number = 1; std::getline(in, line); ++number) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    documents.push_back(parse_id_line(line, fmt::format("{}:{}", options.file, number)));
  }
  OURO_CHECK(!in.bad(), IoError, "error reading '{}'", options.file);
  return documents;
}

// A number for CSV/JSON: the shortest round-trip form; NaN (a document too short to score) as
// an empty CSV field or JSON null.
std::string csv_number(double x) { return std::isnan(x) ? "" : fmt::format("{}", x); }
nlohmann::json json_number(double x) { return std::isnan(x) ? nlohmann::json(nullptr) : nlohmann::json(x); }

// Row d is document d + 1 of the file.
void write_results(std::ostream& out, const std::vector<WatermarkScore>& scores, const std::string& format) {
  if (format == "csv") out << "document,tokens,scored,green,green_fraction,z,p_normal,p_binomial,flagged\n";
  for (std::size_t d = 0; d < scores.size(); ++d) {
    const WatermarkScore& s = scores[d];
    if (format == "csv") {
      out << fmt::format("{},{},{},{},{},{},{},{},{}\n", d + 1, s.tokens, s.scored, s.green,
                         csv_number(s.green_fraction()), csv_number(s.z), csv_number(s.p_normal),
                         csv_number(s.p_binomial), s.flagged ? 1 : 0);
    } else {
      const nlohmann::json row = {{"document", d + 1},          {"tokens", s.tokens},
                                  {"scored", s.scored},                 {"green", s.green},
                                  {"green_fraction", json_number(s.green_fraction())},
                                  {"z", json_number(s.z)},              {"p_normal", json_number(s.p_normal)},
                                  {"p_binomial", json_number(s.p_binomial)}, {"flagged", s.flagged}};
      out << row.dump() << '\n';
    }
  }
}

int run_watermark_detect(WatermarkDetectOptions options) {
  options.documents.input = resolved_input(options.documents, options.file);
  const std::string& input = options.documents.input;
  OURO_CHECK(input == "ids" || input == "lines" || input == "jsonl", ConfigError,
             "--input {}: expected ids, lines or jsonl", input);
  OURO_CHECK(options.format == "csv" || options.format == "json", ConfigError, "--format {}: expected csv or json",
             options.format);
  std::optional<text::Gpt2Tokenizer> tokenizer;
  std::int64_t vocab_size = 0;
  if (input == "ids") {
    OURO_CHECK(!options.vocab_size.empty(), ConfigError,
               "--input ids: give the watermark's vocabulary size with --vocab-size (50257 for GPT-2)");
    OURO_CHECK(options.watermark.gpt2_dir.empty(), ConfigError, "--gpt2 tokenizes texts; --input ids reads token ids");
    vocab_size = parse_integer_flag("--vocab-size", options.vocab_size);
  } else {
    OURO_CHECK(!options.watermark.gpt2_dir.empty(), ConfigError,
               "--input {}: texts need the tokenizer they were generated with: --gpt2 DIR (vocab.json, merges.txt); "
               "for any other tokenizer pass token ids with --input ids",
               input);
    tokenizer.emplace(load_gpt2_flag(options.watermark.gpt2_dir));
    vocab_size = static_cast<std::int64_t>(tokenizer->fixed_vocabulary().size());
    OURO_CHECK(options.vocab_size.empty() || parse_integer_flag("--vocab-size", options.vocab_size) == vocab_size,
               ConfigError, "--vocab-size {}: the tokenizer in '{}' has {} ids", options.vocab_size,
               options.watermark.gpt2_dir, vocab_size);
  }
  const Watermark watermark(settings_from_flags(options.watermark, vocab_size));
  const auto documents = read_documents(options, tokenizer ? &*tokenizer : nullptr);

  std::vector<WatermarkScore> scores;
  scores.reserve(documents.size());
  std::size_t flagged = 0, unscored = 0;
  for (std::size_t d = 0; d < documents.size(); ++d) {
    try {
      scores.push_back(watermark.score(documents[d]));
    } catch (const DataError& e) {
      throw DataError(fmt::format("{}: document {}: {}", options.file, d + 1, e.what()));
    }
    flagged += scores.back().flagged ? 1 : 0;
    unscored += scores.back().scored == 0 ? 1 : 0;
  }
  if (options.out.empty()) {
    write_results(std::cout, scores, options.format);
    std::cout.flush();
  } else {
    AtomicFile file(options.out);
    write_results(file.stream(), scores, options.format);
    file.commit();
  }
  fmt::print(stderr, "{}: {} documents, {} flagged (z > {}), {} too short to score (under {} tokens); {}, gamma {}\n",
             options.file, documents.size(), flagged, watermark.settings().z_threshold, unscored,
             watermark.context_width() + 1, options.watermark.scheme, watermark.settings().gamma);
  return 0;
}

}  // namespace

Subcommand add_watermark_command(CLI::App& app) {
  auto* watermark = app.add_subcommand("watermark", "The KGW watermark (compatible with jwkirchenbauer/lm-watermarking)");
  watermark->require_subcommand(1);
  auto* detect = watermark->add_subcommand(
      "detect", "Score documents for the watermark: per document T, G, z, p-values and the verdict z > threshold");
  auto options = std::make_shared<WatermarkDetectOptions>();
  detect->add_option("file", options->file, "Documents, one per line")->required();
  add_document_input_options(*detect, options->documents, "ids (a JSON array of token ids per line), ");
  add_watermark_options(*detect, options->watermark);
  detect->add_option("--vocab-size", options->vocab_size, "--input ids: the vocabulary the green lists are drawn from");
  detect->add_option("--format", options->format, "csv or json (JSON lines)")->capture_default_str();
  detect->add_option("--out", options->out, "Write the results to this file instead of stdout");
  return {watermark, [options] { return run_watermark_detect(*options); }};
}

}  // namespace ouro::cli
