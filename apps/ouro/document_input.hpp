// How the hygiene commands (`ouro watermark detect`, `ouro detector ...`) read a file of texts:
// `--input lines` (every line a document) or `--input jsonl` (every non-blank line a JSON object
// whose `--field` is the text), the default chosen by the file's extension. The corpus readers
// (ouro/text/corpus.hpp) do the reading and the UTF-8 and JSON checks.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace ouro::cli {

struct DocumentInput {
  std::string input;  // lines | jsonl; empty: jsonl for *.jsonl, lines otherwise
  std::string field = "text";
};

// Adds --input and --field; `extra_inputs` names further --input values the command accepts
// (watermark detect's "ids"), for the help text.
void add_document_input_options(CLI::App& command, DocumentInput& options, const std::string& extra_inputs = "");

// The --input value for `file`: the given one, or the extension's default.
std::string resolved_input(const DocumentInput& options, const std::string& file);

// The texts of `file` (--input lines or jsonl; ConfigError for another value).
std::vector<std::string> read_text_documents(const std::string& file, const DocumentInput& options);

}  // namespace ouro::cli
