// Word and character tokenizers (see tokenizer.hpp).
#include "ouro/text/tokenizer.hpp"

#include "ouro/text/utf8.hpp"

namespace ouro::text {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

}  // namespace

void split_words(std::string_view text, std::vector<std::string_view>& words) {
  words.clear();
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && is_space(text[i])) ++i;
    const std::size_t start = i;
    while (i < text.size() && !is_space(text[i])) ++i;
    if (i > start) words.push_back(text.substr(start, i - start));
  }
}

std::vector<std::string> WordTokenizer::tokenize(std::string_view document) const {
  std::vector<std::string_view> words;
  split_words(document, words);
  return {words.begin(), words.end()};
}

std::string WordTokenizer::detokenize(const std::vector<std::string>& tokens) const {
  std::string out;
  for (const auto& token : tokens) {
    if (!out.empty()) out += ' ';
    out += token;
  }
  return out;
}

std::vector<std::string> CharTokenizer::tokenize(std::string_view document) const { return utf8_characters(document); }

std::string CharTokenizer::detokenize(const std::vector<std::string>& tokens) const {
  std::string out;
  for (const auto& token : tokens) out += token;
  return out;
}

std::unique_ptr<Tokenizer> make_tokenizer(std::string_view name) {
  if (name == "word") return std::make_unique<WordTokenizer>();
  if (name == "char") return std::make_unique<CharTokenizer>();
  return nullptr;
}

}  // namespace ouro::text
