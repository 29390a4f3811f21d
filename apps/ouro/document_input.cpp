// Reading the hygiene commands' text files (see document_input.hpp).
#include "document_input.hpp"

#include "ouro/core/error.hpp"
#include "ouro/text/corpus.hpp"

namespace ouro::cli {

void add_document_input_options(CLI::App& command, DocumentInput& options, const std::string& extra_inputs) {
  command.add_option("--input", options.input,
                     extra_inputs + "lines (a text per line) or jsonl (a JSON object per line; default for *.jsonl, "
                                    "else lines)");
  command.add_option("--field", options.field, "--input jsonl: the field holding the text")->capture_default_str();
}

std::string resolved_input(const DocumentInput& options, const std::string& file) {
  if (!options.input.empty()) return options.input;
  return file.ends_with(".jsonl") ? "jsonl" : "lines";
}

std::vector<std::string> read_text_documents(const std::string& file, const DocumentInput& options) {
  const std::string input = resolved_input(options, file);
  if (input == "lines") return text::read_text(file, text::DocumentSplit::kLine);
  OURO_CHECK(input == "jsonl", ConfigError, "--input {}: expected lines or jsonl", input);
  return text::read_jsonl(file, options.field);
}

}  // namespace ouro::cli
