// GPT-2's byte-level BPE tokenizer (Radford et al. 2019; OpenAI's encoder.py), loaded from the
// `vocab.json` and `merges.txt` that ship with every GPT-2 checkpoint, behind the Tokenizer
// interface (truth.tokenizer = "gpt2").
//
// Encoding, as encoder.py does it:
//   1. Pre-tokenisation: the text is cut by GPT-2's pattern
//        's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
//      (first alternative that matches, longest run), with Unicode letter/number categories and the
//      White_Space property from ICU. A byte that is not valid UTF-8 counts as a "neither" character
//      of its own, so every byte string tokenizes.
//   2. Each piece's UTF-8 bytes become characters through GPT-2's bytes_to_unicode table (printable
//      Latin-1 bytes map to themselves, the other 68 to U+0100..U+0143: a space is `Ġ`, a newline `Ċ`).
//   3. Byte-pair merges: while two adjacent symbols form a pair in merges.txt, the pair of lowest rank
//      (earliest line) is merged, every occurrence left to right, and the search starts again.
// tokenize() returns the resulting symbols spelled exactly as vocab.json spells them; a literal
// `<|endoftext|>` in the text is one token when vocab.json holds it. detokenize() concatenates and
// maps the characters back to bytes, so detokenize(tokenize(s)) == s for every byte string s.
//
// Merged pieces are cached per pre-token (bounded, behind a mutex): tokenize() and detokenize() are
// const and safe to call from many threads, and the cache never changes a result.
//
// ids: vocab.json maps token strings to ids 0..n-1 (each once; GPT-2's holds 50,257 with
// `<|endoftext|>` = 50256). fixed_vocabulary() lists the tokens in that id order, so the corpus
// Vocabulary built from it gives token t the project id 3 + vocab.json's id (ids 0..2 are reserved,
// see vocabulary.hpp): a pretrained GPT-2's embedding row r is project id r + 3.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ouro/text/tokenizer.hpp"

namespace ouro::text {

// One line of merges.txt: the pair and the line it came from (counting from 1), for messages.
struct Gpt2Merge {
  std::string left;
  std::string right;
  std::size_t line = 0;
};

// vocab.json's tokens in id order. Throws IoError naming the file when it cannot be read, DataError
// naming it when it is not a JSON object of token -> non-negative integer id, or the ids are not
// 0..n-1 each exactly once (the message names the token at fault).
std::vector<std::string> read_gpt2_vocabulary(const std::filesystem::path& vocab_json);

// merges.txt's pairs in rank order: a first line starting `#version` is skipped, as are empty lines;
// every other line is two space-separated symbols. Throws IoError naming the file when it cannot be
// read, DataError "<file>:<line>: ..." for a line without exactly two parts.
std::vector<Gpt2Merge> read_gpt2_merges(const std::filesystem::path& merges_txt);

// GPT-2's pre-tokeniser alone (step 1): the pieces of `text`, in order; their concatenation is `text`.
std::vector<std::string> gpt2_pretokenize(std::string_view text);

// GPT-2's bytes_to_unicode: the UTF-8 spelling of the character that stands for `byte`.
const std::string& gpt2_byte_symbol(unsigned char byte);

class Gpt2Tokenizer final : public Tokenizer {
 public:
  // `vocabulary` in id order (read_gpt2_vocabulary), `merges` in rank order (read_gpt2_merges).
  // Throws DataError "<merges_source>:<line>: ..." when a merge's result (left + right) is not in the
  // vocabulary. A repeated pair keeps its first rank.
  Gpt2Tokenizer(std::vector<std::string> vocabulary, const std::vector<Gpt2Merge>& merges,
                std::string_view merges_source = "merges.txt");
  // Reads both files (errors as above, naming the file).
  static Gpt2Tokenizer load(const std::filesystem::path& vocab_json, const std::filesystem::path& merges_txt);

  Gpt2Tokenizer(Gpt2Tokenizer&&) noexcept;
  Gpt2Tokenizer& operator=(Gpt2Tokenizer&&) noexcept;
  ~Gpt2Tokenizer() override;

  std::string_view name() const override { return "gpt2"; }
  std::vector<std::string> tokenize(std::string_view document) const override;
  // Tokens concatenated, each character mapped back to its byte; a character outside the byte table
  // (a token that tokenize() never makes) is kept as its own UTF-8 bytes.
  std::string detokenize(const std::vector<std::string>& tokens) const override;
  // vocab.json's tokens in id order.
  std::span<const std::string> fixed_vocabulary() const override;

  // vocab.json's id of each token. Throws DataError naming the first token it does not hold.
  std::vector<std::int32_t> ids(const std::vector<std::string>& tokens) const;
  // Tokens for vocab.json ids. Throws DataError naming an id outside 0..id_count()-1.
  std::vector<std::string> tokens(std::span<const std::int32_t> ids) const;
  // The number of ids in vocab.json (50,257 for GPT-2).
  std::size_t id_count() const;
  // Merges kept (distinct pairs).
  std::size_t merge_count() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ouro::text
