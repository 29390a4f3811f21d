// Vocabulary: the map between token strings and 32-bit ids that n-gram models count with.
//
// Ids 0..2 are reserved: 0 = `<unk>` (every token not in the vocabulary; wikitext-2's own `<unk>`
// token is the same type), 1 = `</s>` (end of a document/sentence, predicted and counted in
// perplexity), 2 = `<s>` (start context only, never predicted). Other types get ids in first-seen
// order, so a vocabulary built from the same documents is always the same; a tokenizer with a fixed
// vocabulary (GPT-2's) gives its types in its own id order instead (from_list).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace ouro::text {

using TokenId = std::uint32_t;

inline constexpr TokenId kUnk = 0;
inline constexpr TokenId kEos = 1;
inline constexpr TokenId kBos = 2;

class Tokenizer;

class Vocabulary {
 public:
  Vocabulary();

  // Types of the tokenized documents with at least `min_count` occurrences (rarer ones become
  // `<unk>`), in first-seen order.
  static Vocabulary build(const std::vector<std::vector<std::string>>& documents, std::size_t min_count = 1);
  // The three reserved ids, then `tokens` in their order: token i gets id 3 + i (a tokenizer's fixed
  // vocabulary, Tokenizer::fixed_vocabulary()). Throws DataError naming the token and its index when
  // one repeats or is spelled as a reserved token, since the offset would then no longer hold.
  static Vocabulary from_list(std::span<const std::string> tokens);

  // Adds `token` if new; returns its id.
  TokenId add(std::string_view token);
  // The id of `token`, kUnk when unseen.
  TokenId id(std::string_view token) const;
  bool contains(std::string_view token) const;
  const std::string& token(TokenId id) const { return tokens_.at(id); }
  // Types including the three reserved ids.
  std::size_t size() const { return tokens_.size(); }

  // Ids of `tokens`; counts tokens that were not in the vocabulary into *oov (when given). A token
  // spelled `<unk>` in the text is not counted as out of vocabulary: the corpus already mapped it.
  std::vector<TokenId> encode(const std::vector<std::string>& tokens, std::size_t* oov = nullptr) const;

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::vector<std::string> tokens_;
  std::unordered_map<std::string, TokenId, Hash, std::equal_to<>> ids_;
};

// A corpus as one id stream: each document's tokens followed by kEos (the customary LM pipeline,
// `line.split() + ['<eos>']`). *oov counts tokens outside the vocabulary.
std::vector<TokenId> encode_documents(const std::vector<std::string>& documents, const Tokenizer& tokenizer,
                                      const Vocabulary& vocabulary, std::size_t* oov = nullptr);

}  // namespace ouro::text
