// Corpus readers: plain text, JSONL and the wikitext-2 layout, each returning documents as UTF-8
// strings (validated, with the file and line named on error).
//
// A document is the unit a tokenizer sees: a line (wikitext-2 keeps one paragraph or heading per
// line, empty lines included, as its standard LM pipeline does), a blank-line separated paragraph
// of a plain text file, or one JSONL record's text field.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace ouro::text {

enum class DocumentSplit {
  kLine,       // every line is a document (empty lines kept)
  kParagraph,  // runs of non-blank lines joined with "\n"; blank lines separate documents
};

// Reads a UTF-8 text file (a trailing "\r" is stripped from each line). IoError if unreadable,
// DataError naming file:line on invalid UTF-8 and when the file holds no text at all.
std::vector<std::string> read_text(const std::filesystem::path& path, DocumentSplit split);

// True when `text` holds nothing but white space (spaces, tabs, line breaks): no document.
bool is_blank(std::string_view text);

// One JSON object per non-blank line; each record's string `field` is a document. DataError naming
// file:line for malformed JSON, a missing field or a field that is not a string.
std::vector<std::string> read_jsonl(const std::filesystem::path& path, std::string_view field);

struct SplitCorpus {
  std::vector<std::string> train;
  std::vector<std::string> valid;
  std::vector<std::string> test;
};

// A file of a named public corpus with its published checksum.
struct CorpusFile {
  std::string_view name;
  std::string_view sha256;
};

// wikitext-2 (tokenized v1) as /work/shared/data/wikitext-2 holds it: train.txt, valid.txt,
// test.txt, one document per line. With `verify`, each file's sha256 is checked against the
// published value (DataError naming the file, expected and actual digests).
SplitCorpus read_wikitext2(const std::filesystem::path& folder, bool verify = true);
const std::vector<CorpusFile>& wikitext2_files();

}  // namespace ouro::text
