// Scoring text with an n-gram model file (lm_file.hpp) the way KenLM's `query` does, so that the
// figures compare one to one: each document is one sentence `<s> w1 .. wk </s>`, its words split
// on white space; a word the vocabulary lacks is scored as `<unk>` and counted as an OOV, as is
// `<unk>` itself written in the text (KenLM counts every word it maps to id 0) and `<s>`, which
// only ever starts a context. Perplexity including OOVs is 10^(-log10 total / tokens) over words
// and `</s>`s; excluding OOVs leaves out the OOVs' log probabilities and their count.
//
// Words are looked up in an open-addressing table of their 64-bit XXH3 hashes (one memory access
// per word, where the Vocabulary's map needs several); as in KenLM the words themselves are not
// compared, so an unknown word whose hash equals a known word's (odds about V / 2^64) would be
// scored as that word.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

#include "ouro/text/lm_file.hpp"

namespace ouro::text {

struct QueryScore {
  std::size_t sentences = 0;
  std::size_t tokens = 0;  // words + one </s> per sentence
  std::size_t oov = 0;
  double log10_prob = 0.0;
  double oov_log10_prob = 0.0;  // the part of log10_prob the OOVs contribute

  double perplexity() const;
  double perplexity_without_oov() const;
  QueryScore& operator+=(const QueryScore& other);
};

class LmQuery {
 public:
  // Keeps a reference to `model`, which must outlive the query.
  explicit LmQuery(const WordModel& model);
  // The score of one document (one sentence).
  QueryScore score(std::string_view document);

 private:
  TokenId id(std::string_view word) const;

  const WordModel& model_;
  std::vector<std::pair<std::uint64_t, TokenId>> slots_;  // (hash, id); hash 0 = empty
  std::uint64_t mask_ = 0;
  std::vector<std::string_view> words_;  // scratch: the document's words
  std::vector<TokenId> ids_;    // scratch: the document's ids
  std::vector<double> probs_;   // scratch: their probabilities
};

}  // namespace ouro::text
