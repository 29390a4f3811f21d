// Corpus readers (see corpus.hpp). Files are read line by line so that every error names a line.
#include "ouro/text/corpus.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>

#include <nlohmann/json.hpp>

#include "ouro/core/error.hpp"
#include "ouro/io/sha256.hpp"
#include "ouro/text/utf8.hpp"

namespace ouro::text {
namespace {

std::ifstream open(const std::filesystem::path& path) {
  OURO_CHECK(std::filesystem::exists(path), IoError, "{}: no such file", path.string());
  std::ifstream in(path, std::ios::binary);
  OURO_CHECK(in.is_open(), IoError, "{}: cannot open for reading: {}", path.string(), std::strerror(errno));
  return in;
}

// Calls visit(line, number) for each validated line.
template <typename Visit>
void for_each_line(const std::filesystem::path& path, Visit&& visit) {
  std::ifstream in = open(path);
  std::string line;
  std::size_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    check_utf8(line, path.string(), number);
    visit(line, number);
  }
  OURO_CHECK(in.eof(), IoError, "{}: read error after line {}", path.string(), number);
}

void require_text(const std::vector<std::string>& docs, const std::filesystem::path& path) {
  const bool any = std::any_of(docs.begin(), docs.end(), [](const std::string& d) { return !is_blank(d); });
  OURO_CHECK(any, DataError, "{}: the corpus is empty (no non-blank text)", path.string());
}

}  // namespace

bool is_blank(std::string_view text) { return text.find_first_not_of(" \t\n\r\f\v") == std::string_view::npos; }

std::vector<std::string> read_text(const std::filesystem::path& path, DocumentSplit split) {
  std::vector<std::string> docs;
  std::string paragraph;
  bool open_paragraph = false;
  for_each_line(path, [&](const std::string& line, std::size_t) {
    if (split == DocumentSplit::kLine) {
      docs.push_back(line);
    } else if (is_blank(line)) {
      if (open_paragraph) docs.push_back(std::move(paragraph));
      paragraph.clear();
      open_paragraph = false;
    } else {
      if (open_paragraph) paragraph += '\n';
      paragraph += line;
      open_paragraph = true;
    }
  });
  if (open_paragraph) docs.push_back(std::move(paragraph));
  require_text(docs, path);
  return docs;
}

std::vector<std::string> read_jsonl(const std::filesystem::path& path, std::string_view field) {
  std::vector<std::string> docs;
  for_each_line(path, [&](const std::string& line, std::size_t number) {
    if (is_blank(line)) return;
    nlohmann::json record;
    try {
      record = nlohmann::json::parse(line);
    } catch (const nlohmann::json::exception& e) {  // parse_error, or out_of_range for a number beyond a double
      throw DataError(fmt::format("{}:{}: malformed JSON: {}", path.string(), number, e.what()));
    }
    OURO_CHECK(record.is_object(), DataError, "{}:{}: expected a JSON object per line", path.string(), number);
    const auto it = record.find(std::string(field));
    OURO_CHECK(it != record.end(), DataError, "{}:{}: the record has no field \"{}\"", path.string(), number, field);
    OURO_CHECK(it->is_string(), DataError, "{}:{}: field \"{}\" is a {}, expected a string", path.string(), number,
               field, it->type_name());
    std::string text = it->get<std::string>();
    check_utf8(text, path.string(), number);
    docs.push_back(std::move(text));
  });
  require_text(docs, path);
  return docs;
}

const std::vector<CorpusFile>& wikitext2_files() {
  static const std::vector<CorpusFile> files{
      {"train.txt", "9e9fa1ad55b1c2c95b08e37dd8e653f638fac2c6de904b79e813611eefbc985f"},
      {"valid.txt", "f0737ed31fc1329026e95cb8b98e19c2a182c39c240ab909dc31abf2f8af58e8"},
      {"test.txt", "d790b833ef8cf03a90db7bf1271b7520b83c45ce07ba3c1a9699df81e239eca0"},
  };
  return files;
}

SplitCorpus read_wikitext2(const std::filesystem::path& folder, bool verify) {
  OURO_CHECK(std::filesystem::is_directory(folder), IoError, "{}: no such folder (expected wikitext-2's "
             "train.txt, valid.txt, test.txt)", folder.string());
  SplitCorpus corpus;
  std::vector<std::string>* parts[] = {&corpus.train, &corpus.valid, &corpus.test};
  for (std::size_t i = 0; i < 3; ++i) {
    const auto path = folder / std::string(wikitext2_files()[i].name);
    if (verify) verify_sha256(path, wikitext2_files()[i].sha256);
    *parts[i] = read_text(path, DocumentSplit::kLine);
  }
  return corpus;
}

}  // namespace ouro::text
