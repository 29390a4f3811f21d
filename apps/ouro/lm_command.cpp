// `ouro lm`: n-gram language models as files, for corpus engineers who bring a model from SRILM or
// KenLM or take one away.
//
//   ouro lm train CORPUS --order N --out MODEL [--binary]   interpolated modified Kneser-Ney, written
//                                                            as ARPA (or the binary form)
//   ouro lm score MODEL TEXT [--per-document]               perplexity as KenLM's query reports it
//   ouro lm convert MODEL OUT                               ARPA (or binary) to the binary form
//
// Words are split on white space and every document (a line, or a JSONL record's field) is one
// sentence, as KenLM's lmplz and query read text. MODEL is ARPA or binary, told apart by its first
// bytes (ouro/text/lm_file.hpp). Everything is read and checked before anything is written.
#include <chrono>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "cli_numbers.hpp"
#include "commands.hpp"
#include "document_input.hpp"
#include "ouro/core/error.hpp"
#include "ouro/io/atomic_file.hpp"
#include "ouro/text/kneser_ney.hpp"
#include "ouro/text/lm_file.hpp"
#include "ouro/text/lm_query.hpp"
#include "ouro/text/tokenizer.hpp"

namespace ouro::cli {
namespace {

struct LmOptions {
  std::string corpus;  // train: the training text
  std::string model;   // score, convert: the model read
  std::string text;    // score: the text scored
  std::string out;     // train, convert: the model written; score: the per-document CSV
  std::string order = "3";
  bool binary = false;
  bool per_document = false;
  std::string format = "text";
  DocumentInput documents;
};

int run_train(const LmOptions& options) {
  const auto order = parse_integer_flag("--order", options.order);
  OURO_CHECK(order >= text::kMinOrder && order <= text::kMaxOrder, ConfigError, "--order {}: expected {} to {}", order,
             text::kMinOrder, text::kMaxOrder);
  OURO_CHECK(!options.out.empty(), ConfigError, "--out: give the model file to write");
  const std::vector<std::string> documents = read_text_documents(options.corpus, options.documents);
  const text::WordTokenizer words;
  std::vector<std::vector<std::string>> tokens;
  tokens.reserve(documents.size());
  for (const auto& d : documents) tokens.push_back(words.tokenize(d));
  const text::Vocabulary vocabulary = text::Vocabulary::build(tokens);
  std::vector<std::vector<text::TokenId>> sentences;
  sentences.reserve(tokens.size());
  for (std::size_t d = 0; d < tokens.size(); ++d) {
    sentences.push_back(vocabulary.encode(tokens[d]));
    for (const text::TokenId id : sentences.back())
      OURO_CHECK(id != text::kBos, DataError, "{}: document {} holds '<s>', which only ever starts a sentence",
                 options.corpus, d + 1);
  }
  const text::KneserNey model = text::KneserNey::train(sentences, static_cast<int>(order), vocabulary.size());
  if (options.binary) {
    text::write_binary_lm({vocabulary, text::BackoffModel::from(model)}, options.out);
  } else {
    AtomicFile file(options.out);
    text::write_arpa(model, vocabulary, file.stream());
    file.commit();
  }
  std::size_t ngrams = 0;
  for (int n = 1; n <= model.order(); ++n) ngrams += n == 1 ? model.vocab_size() : model.ngrams(n);
  fmt::print("{}: order {} over {} sentences, {} types, {} n-grams ({})\n", options.out, order, sentences.size(),
             vocabulary.size(), ngrams, options.binary ? "binary" : "ARPA");
  return 0;
}

nlohmann::json to_json(const text::QueryScore& s) {
  return {{"sentences", s.sentences},          {"tokens", s.tokens},
          {"oov", s.oov},                      {"log10_prob", s.log10_prob},
          {"perplexity", s.perplexity()},      {"perplexity_without_oov", s.perplexity_without_oov()}};
}

int run_score(const LmOptions& options) {
  OURO_CHECK(options.format == "text" || options.format == "json", ConfigError, "--format {}: expected text or json",
             options.format);
  OURO_CHECK(!options.per_document || !options.out.empty(), ConfigError,
             "--per-document: give --out, the CSV file to write");
  const auto start = std::chrono::steady_clock::now();
  const text::WordModel model = text::read_lm(options.model);
  const auto loaded = std::chrono::steady_clock::now();
  const std::vector<std::string> documents = read_text_documents(options.text, options.documents);
  std::unique_ptr<AtomicFile> rows;
  if (options.per_document) {
    rows = std::make_unique<AtomicFile>(options.out);
    rows->stream() << "document,tokens,oov,log10_prob,perplexity\n";
  }
  text::LmQuery query(model);
  text::QueryScore total;
  for (std::size_t d = 0; d < documents.size(); ++d) {
    const text::QueryScore s = query.score(documents[d]);
    if (rows) rows->stream() << fmt::format("{},{},{},{},{}\n", d + 1, s.tokens, s.oov, s.log10_prob, s.perplexity());
    total += s;
  }
  const auto scored = std::chrono::steady_clock::now();
  if (rows) rows->commit();
  const double load_s = std::chrono::duration<double>(loaded - start).count();
  const double score_s = std::chrono::duration<double>(scored - loaded).count();
  if (options.format == "json") {
    nlohmann::json out = to_json(total);
    out["model"] = options.model;
    out["text"] = options.text;
    out["order"] = model.model.order();
    out["load_seconds"] = load_s;
    out["score_seconds"] = score_s;
    fmt::print("{}\n", out.dump(2));
    return 0;
  }
  fmt::print("{} (order {}) on {}: {} sentences, {} tokens, {} OOVs\n", options.model, model.model.order(), options.text,
             total.sentences, total.tokens, total.oov);
  fmt::print("log10 probability: {:.6f}\n", total.log10_prob);
  fmt::print("perplexity including OOVs: {:.6f}\n", total.perplexity());
  fmt::print("perplexity excluding OOVs: {:.6f}\n", total.perplexity_without_oov());
  fmt::print("time: load {:.3f} s, scoring {:.3f} s ({:.0f} tokens/s)\n", load_s, score_s,
             static_cast<double>(total.tokens) / score_s);
  return 0;
}

int run_convert(const LmOptions& options) {
  const text::WordModel model = text::read_lm(options.model);
  text::write_binary_lm(model, options.out);
  fmt::print("{}: order {}, {} types (binary)\n", options.out, model.model.order(), model.vocabulary.size());
  return 0;
}

}  // namespace

Subcommand add_lm_command(CLI::App& app) {
  auto* lm = app.add_subcommand("lm", "n-gram language model files: train (ARPA or binary), score text, convert");
  lm->require_subcommand(1);
  auto options = std::make_shared<LmOptions>();

  auto* train = lm->add_subcommand("train", "Train an interpolated modified Kneser-Ney model; write it as ARPA");
  train->add_option("corpus", options->corpus, "The training text (a sentence per line, or JSONL)")->required();
  train->add_option("--order", options->order, "The model's order, 2 to 6")->capture_default_str();
  train->add_option("--out", options->out, "The model file to write")->required();
  train->add_flag("--binary", options->binary, "Write the binary form instead of ARPA");
  add_document_input_options(*train, options->documents);

  auto* score = lm->add_subcommand("score", "Perplexity of a text under a model (ARPA or binary), as KenLM's query");
  score->add_option("model", options->model, "The model file (ARPA or binary)")->required();
  score->add_option("text", options->text, "The text (a sentence per line, or JSONL)")->required();
  score->add_flag("--per-document", options->per_document, "Also write each document's score as CSV to --out");
  score->add_option("--out", options->out, "--per-document: the CSV file");
  score->add_option("--format", options->format, "text or json")->capture_default_str();
  add_document_input_options(*score, options->documents);

  auto* convert = lm->add_subcommand("convert", "Write a model (ARPA or binary) in the binary form");
  convert->add_option("model", options->model, "The model file read (ARPA or binary)")->required();
  convert->add_option("out", options->out, "The binary file written")->required();

  return {lm, [options, train, score] {
            if (train->parsed()) return run_train(*options);
            if (score->parsed()) return run_score(*options);
            return run_convert(*options);
          }};
}

}  // namespace ouro::cli
