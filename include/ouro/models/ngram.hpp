// The ngram family (model.family = "ngram"): an interpolated modified Kneser-Ney language model
// fitted on token blocks (token sequences as a CorpusTruth draws them; rows of ids padded with -1
// are read too), sampled through the sampler chain with the loop's bias lambda as the temperature.
//
// Fitting: each block is read as text: </s> ends a sentence, and the start of a block is a
// sentence start (<s>): a block cut from running text begins mid-sentence, but the loop
// shuffles blocks and synthetic blocks are independent, so no context from a previous row exists.
//
// Sampling (model.generation):
//  - prompted (Shumailov et al. 2024): synthetic row i continues training row (i mod rows): its first
//    model.prompt_tokens tokens are the history (</s> in the prompt restarts it at <s>), and the
//    model generates a continuation of the block length, which is the synthetic sample;
//  - unconditional: every row starts at <s>.
// After a generated </s> the history restarts at <s>. Without top_k/top_p each token is an exact draw
// from the model at temperature lambda (a binary search per level, plus rejection when lambda < 1:
// KneserNey::sample_tempered); with them the full distribution goes through temperature -> top-k ->
// top-p -> draw. With a watermark ([watermark], hygiene/watermark.hpp) the full distribution is
// biased first (green ids' weights times e^delta, before temperature, as the reference biases
// logits), then goes through the chain.
//
// score_sequences gives each sequence's natural-log probability as generated (start = <s>, history
// restarted after </s>); log_prob(row) is the same for a row of ids padded with -1. It scores with
// the model's backoff form (text/backoff_model.hpp), built on its first call and kept: the loop
// scores every generation's synthetic blocks with the generation-0 model (ppl_gen0), so the
// conversion, which costs about as much as scoring the training set once, is paid once per model.
// The backoff form's probabilities are the model's bit for bit, so the figures do not depend on it.
#pragma once

#include <memory>
#include <mutex>
#include <optional>

#include "ouro/hygiene/watermark.hpp"
#include "ouro/models/generative_model.hpp"
#include "ouro/text/backoff_model.hpp"
#include "ouro/text/kneser_ney.hpp"
#include "ouro/text/sampler.hpp"

namespace ouro {

struct NgramSettings {
  int order = 3;
  std::size_t vocab_size = 0;
  text::Generation generation = text::Generation::kPrompted;
  std::size_t prompt_tokens = 64;
  std::size_t top_k = 0;
  double top_p = 1.0;
  // [watermark]: when set, every sampled token's distribution is biased towards its green list
  // (hygiene/watermark.hpp), seeded by the sample's tokens so far, its prompt included.
  std::optional<hygiene::WatermarkSettings> watermark;
};

class NgramModel final : public GenerativeModel {
 public:
  // `prompts`: the training blocks (token sequences); `length`: tokens per generated sample.
  NgramModel(text::KneserNey lm, Samples prompts, Eigen::Index length, NgramSettings settings);

  std::string_view family() const override { return "ngram"; }
  Eigen::Index dim() const override { return length_; }
  Samples draw(std::size_t n, double bias, Rng& rng) const override;
  // draw() as rows of ids.
  Matrix sample(std::size_t n, double bias, Rng& rng) const override;
  // Rows of ids padded with -1: each row's score_sequences() log-probability.
  Vector log_prob(const Matrix& x) const override;
  std::optional<TokenScore> score_sentences(std::span<const std::vector<std::uint32_t>> sentences) const override;
  std::optional<std::vector<TokenScore>> score_sequences(const Samples& sequences) const override;

  const text::KneserNey& lm() const { return lm_; }
  const NgramSettings& settings() const { return settings_; }

 private:
  // The backoff form of lm_, built on first use (thread-safe: replicates may share a model).
  const text::BackoffModel& backoff() const;

  text::KneserNey lm_;
  mutable std::once_flag backoff_built_;
  mutable std::unique_ptr<text::BackoffModel> backoff_;
  Samples prompts_;  // the training blocks
  Eigen::Index length_;
  NgramSettings settings_;
};

class NgramFamily final : public ModelFamily {
 public:
  NgramFamily(Eigen::Index dim, NgramSettings settings) : dim_(dim), settings_(settings) {}
  std::string_view name() const override { return "ngram"; }
  Capabilities capabilities() const override {
    return {.samples = SampleKind::kTokens, .token_scoring = true};
  }
  std::size_t min_samples(Eigen::Index /*dim*/) const override { return 1; }

  // Sentences of token blocks (see the file comment): ids checked against the vocabulary.
  static std::vector<std::vector<text::TokenId>> sentences(const Samples& blocks, std::size_t vocab_size);

 protected:
  std::unique_ptr<GenerativeModel> fit_model(const Samples& data, Rng& rng,
                                             const GenerativeModel* start,
                                             const GenerativeModel* generation0) const override;

 private:
  Eigen::Index dim_;
  NgramSettings settings_;
};

}  // namespace ouro
