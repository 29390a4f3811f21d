// Tokenizers: word-level (whitespace, as wikitext-2 ships it: `<unk>` and `@-@` stay tokens) and
// character-level (one token per Unicode code point; whitespace characters are tokens too, so
// detokenizing is concatenation and round-trips exactly). Subword tokenizers implement the same
// interface: sentencepiece (subword_tokenizer.hpp) and GPT-2's byte-level BPE (gpt2_tokenizer.hpp).
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ouro::text {

class Tokenizer {
 public:
  virtual ~Tokenizer() = default;
  virtual std::string_view name() const = 0;
  virtual std::vector<std::string> tokenize(std::string_view document) const = 0;
  // Text from tokens: words are joined with single spaces, characters concatenated.
  virtual std::string detokenize(const std::vector<std::string>& tokens) const = 0;
  // A tokenizer that comes with a fixed vocabulary (gpt2: vocab.json) lists its token strings in its
  // own id order; the corpus Vocabulary then holds exactly these after the three reserved ids
  // (Vocabulary::from_list), so a corpus id is 3 + the tokenizer's id and a pretrained model's
  // embedding rows map by that fixed offset. Empty for tokenizers whose vocabulary is built from
  // the corpus.
  virtual std::span<const std::string> fixed_vocabulary() const { return {}; }
};

class WordTokenizer final : public Tokenizer {
 public:
  std::string_view name() const override { return "word"; }
  std::vector<std::string> tokenize(std::string_view document) const override;
  std::string detokenize(const std::vector<std::string>& tokens) const override;
};

class CharTokenizer final : public Tokenizer {
 public:
  std::string_view name() const override { return "char"; }
  std::vector<std::string> tokenize(std::string_view document) const override;
  std::string detokenize(const std::vector<std::string>& tokens) const override;
};

// The white-space separated words of `text` (space, tab, line breaks, form feed, vertical tab), as
// views into it, replacing the contents of `words`: what WordTokenizer returns as strings.
void split_words(std::string_view text, std::vector<std::string_view>& words);

// "word" or "char"; ConfigError-free: returns nullptr for an unknown name (callers name the key).
std::unique_ptr<Tokenizer> make_tokenizer(std::string_view name);

}  // namespace ouro::text
