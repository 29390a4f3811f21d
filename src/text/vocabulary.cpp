// Vocabulary (see vocabulary.hpp).
#include "ouro/text/vocabulary.hpp"

#include "ouro/core/error.hpp"
#include "ouro/text/tokenizer.hpp"

namespace ouro::text {

Vocabulary::Vocabulary() {
  add("<unk>");
  add("</s>");
  add("<s>");
}

Vocabulary Vocabulary::build(const std::vector<std::vector<std::string>>& documents, std::size_t min_count) {
  Vocabulary vocabulary;
  if (min_count <= 1) {
    for (const auto& doc : documents)
      for (const auto& token : doc) vocabulary.add(token);
    return vocabulary;
  }
  std::unordered_map<std::string_view, std::size_t> counts;
  for (const auto& doc : documents)
    for (const auto& token : doc) ++counts[token];
  for (const auto& doc : documents)
    for (const auto& token : doc)
      if (counts[token] >= min_count) vocabulary.add(token);
  return vocabulary;
}

Vocabulary Vocabulary::from_list(std::span<const std::string> tokens) {
  Vocabulary vocabulary;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const std::size_t before = vocabulary.size();
    const TokenId id = vocabulary.add(tokens[i]);
    OURO_CHECK(vocabulary.size() > before, DataError,
               "token {} of the fixed vocabulary, '{}', {} (id {}); every token must be distinct and none may be "
               "spelled <unk>, </s> or <s>",
               i, tokens[i], id < 3 ? "is spelled as a reserved token" : "repeats an earlier one", id);
  }
  return vocabulary;
}

TokenId Vocabulary::add(std::string_view token) {
  if (const auto it = ids_.find(token); it != ids_.end()) return it->second;
  OURO_CHECK(tokens_.size() < 0xFFFFFFF0u, DataError, "vocabulary overflow: more than 2^32 - 16 types");
  const auto id = static_cast<TokenId>(tokens_.size());
  tokens_.emplace_back(token);
  ids_.emplace(std::string(token), id);
  return id;
}

TokenId Vocabulary::id(std::string_view token) const {
  const auto it = ids_.find(token);
  return it == ids_.end() ? kUnk : it->second;
}

bool Vocabulary::contains(std::string_view token) const { return ids_.find(token) != ids_.end(); }

std::vector<TokenId> Vocabulary::encode(const std::vector<std::string>& tokens, std::size_t* oov) const {
  std::vector<TokenId> ids;
  ids.reserve(tokens.size());
  for (const auto& token : tokens) {
    const auto it = ids_.find(token);
    if (it == ids_.end()) {
      if (oov != nullptr) ++*oov;
      ids.push_back(kUnk);
    } else {
      ids.push_back(it->second);
    }
  }
  return ids;
}

std::vector<TokenId> encode_documents(const std::vector<std::string>& documents, const Tokenizer& tokenizer,
                                      const Vocabulary& vocabulary, std::size_t* oov) {
  std::vector<TokenId> stream;
  for (const auto& doc : documents) {
    const auto ids = vocabulary.encode(tokenizer.tokenize(doc), oov);
    stream.insert(stream.end(), ids.begin(), ids.end());
    stream.push_back(kEos);
  }
  return stream;
}

}  // namespace ouro::text
