// CorpusTruth (truth.kind = "corpus"): real text as the truth of a self-consuming loop.
//
// The training split is tokenized into one id stream (each document's tokens, then </s>) and cut
// into consecutive blocks of truth.block_tokens ids; a sample is one block, a token sequence (the
// last block may be shorter). draw(n) takes n distinct blocks uniformly (sample(n) gives the same
// draws as rows padded with -1); test_set(n) returns the first n blocks of the test split, in order. Text
// metrics reach the vocabulary, the test split as sentences (for standard perplexity) and the
// training unigram counts through this class (Truth::corpus()).
//
// The vocabulary is built from the training tokens used (truth.max_tokens slices the training
// split), so test tokens outside it become <unk> and test_oov_rate() says how many.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "ouro/models/truth.hpp"
#include "ouro/text/tokenizer.hpp"
#include "ouro/text/vocabulary.hpp"

namespace ouro {

class CorpusTruth final : public Truth {
 public:
  // Documents of the training, validation (may be empty: only wikitext-2 has one) and test splits,
  // already read.
  CorpusTruth(std::string source, const std::vector<std::string>& train, const std::vector<std::string>& valid,
              const std::vector<std::string>& test, std::unique_ptr<text::Tokenizer> tokenizer,
              std::size_t block_tokens, std::size_t max_tokens);

  std::string_view kind() const override { return "corpus"; }
  Eigen::Index dim() const override { return static_cast<Eigen::Index>(block_tokens_); }
  // n distinct blocks, drawn uniformly: token sequences (the last block of the split may be shorter).
  Samples draw(std::size_t n, Rng& rng) const override;
  // The same draws as rows of block length, padded with -1.
  Matrix sample(std::size_t n, Rng& rng) const override;
  Matrix test_set(std::size_t n, Rng& rng) const override;
  const CorpusTruth* corpus() const override { return this; }

  const text::Vocabulary& vocabulary() const { return vocabulary_; }
  const text::Tokenizer& tokenizer() const { return *tokenizer_; }
  // The test split as sentences (documents), for perplexity as SRILM/KenLM compute it.
  const std::vector<std::vector<text::TokenId>>& test_sentences() const { return test_sentences_; }
  std::size_t test_tokens() const { return test_tokens_; }
  // The validation split as sentences (empty when the corpus has none), for model selection.
  const std::vector<std::vector<text::TokenId>>& valid_sentences() const { return valid_sentences_; }
  double test_oov_rate() const { return test_oov_rate_; }
  // Occurrences of each id in the training tokens used (</s> included).
  const std::vector<std::size_t>& train_counts() const { return train_counts_; }
  std::size_t train_tokens() const { return train_tokens_; }
  std::size_t blocks() const { return static_cast<std::size_t>(pool_.size()); }

  // The text of one token sequence (ids -> tokens, </s> as a line break), valid UTF-8: bytes that
  // do not form a character (half of one, from a byte-level model) become U+FFFD.
  std::string render(std::span<const std::int32_t> tokens) const;
  // The same for a row of ids padded with -1 (a test-set row).
  std::string render(const Eigen::Ref<const Eigen::RowVectorXd>& row) const;

 private:
  std::string source_;
  std::unique_ptr<text::Tokenizer> tokenizer_;
  std::size_t block_tokens_;
  text::Vocabulary vocabulary_;
  Samples pool_;  // the training blocks
  Matrix test_blocks_;
  std::vector<std::vector<text::TokenId>> test_sentences_;
  std::vector<std::vector<text::TokenId>> valid_sentences_;
  std::size_t test_tokens_ = 0;
  double test_oov_rate_ = 0.0;
  std::vector<std::size_t> train_counts_;
  std::size_t train_tokens_ = 0;
};

// Blocks of `block` ids from a stream, the last padded with -1.
Matrix token_blocks(const std::vector<text::TokenId>& stream, std::size_t block);

}  // namespace ouro
