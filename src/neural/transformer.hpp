// The transformer family (model.family = "transformer"): a GPT-2-style language model
// (transformer_net.hpp) fitted on token blocks, as Shumailov et al. fine-tuned OPT-125m on
// wikitext-2.
//
// Training: each block b (a token sequence as a CorpusTruth draws it) is read as `<s> b`, and the
// model learns every next token with cross-entropy; `</s>` inside a block is an ordinary token, so
// the model sees context across sentence ends. AdamW (model.lr, model.weight_decay) with a linear
// warm-up over the first model.warmup share of the fit's steps and a cosine decay to 0 after it,
// gradients clipped to norm model.clip, dropout model.dropout, shuffled minibatches of
// model.batch blocks.
//
// Epoch selection (model.select): "last" keeps the weights of the last epoch; "real-valid" scores
// the original validation split after every epoch and keeps the epoch of lowest perplexity, as
// Shumailov et al.'s code does. That choice reads real data in every generation, so a "fully
// synthetic" loop with it is not: the docs say so.
//
// Pretrained weights (model.checkpoint, gpt2_checkpoint.hpp) replace the random initialisation: a fit
// without a starting model (model.init = "scratch", and generation 0 always) fine-tunes them, as
// Shumailov et al. fine-tune the pretrained OPT-125m in every generation.
//
// Generation (model.generation, as the ngram family's): prompted row i continues training block
// (i mod rows) from its first model.prompt_tokens tokens, unconditional rows start at `<s>`; each
// sample is a block's length of new tokens. With model.beams = 1 each token is drawn from the
// logits after the repetition penalty, then the sampler chain (temperature lambda, top-k, top-p);
// with model.beams > 1 the continuation is a beam search (text/beam_search.hpp) over the
// log-softmax of the same penalised logits at temperature lambda. A [watermark] adds its bias to
// those logits, for sampling and for every beam (hygiene/watermark.hpp). A key/value cache makes
// each new token cost one position.
//
// Scoring: a sentence `<s> w.. </s>` (or a generated sequence after `<s>`) is scored token by
// token; one longer than the context is scored in windows of model.context positions advancing
// by half a context, each token predicted once, with at least half a context before it.
#pragma once

#include <memory>

#include <optional>

#include "gpt2_checkpoint.hpp"
#include "neural_settings.hpp"
#include "ouro/hygiene/watermark.hpp"
#include "ouro/models/generative_model.hpp"
#include "ouro/text/sampler.hpp"
#include "transformer_net.hpp"

namespace ouro::neural {

struct TransformerSettings {
  TransformerShape shape;
  text::Generation generation = text::Generation::kPrompted;
  std::size_t prompt_tokens = 64;
  std::size_t top_k = 0;
  double top_p = 1.0;
  std::size_t beams = 1;
  double repetition_penalty = 1.0;
  double warmup = 0.05;  // share of the fit's optimiser steps
  double clip = 1.0;     // gradient norm; 0: no clipping
  // model.train_steps / model.finetune_steps: a fit's length in optimiser steps instead of epochs
  // (0: NeuralTraining's epochs).
  std::size_t train_steps = 0;
  std::size_t finetune_steps = 0;
  // model.checkpoint: GPT-2 weights that fits without a starting model start from (instead of
  // GPT-2's random initialisation), with the corpus vocabulary's offset and the separator's row.
  std::optional<Gpt2Checkpoint> checkpoint;
  std::int64_t vocab_offset = 0;
  std::int64_t separator = 0;
  // model.select = "real-valid": the original validation split's sentences (vocabulary ids, without
  // <s> and </s>), scored after every epoch; a fit keeps its epoch of lowest perplexity on them.
  // Null: the last epoch.
  std::shared_ptr<const std::vector<std::vector<std::uint32_t>>> validation;
  // [watermark]: when set, every generated token's logits get the watermark's bias (after the
  // repetition penalty, before temperature and top-k/top-p, as the reference's logits processor
  // sits in the chain), seeded by the sample's tokens so far, its prompt included.
  std::optional<hygiene::WatermarkSettings> watermark;
};

// What a fit recorded, epoch by epoch.
struct TransformerFitLog {
  std::vector<double> epoch_losses;             // mean cross-entropy per predicted token (nats)
  std::vector<double> validation_perplexities;  // with model.select = "real-valid"; empty otherwise
  std::size_t selected_epoch = 0;               // 1-based epoch whose weights the model holds; 0: the last
};

class TransformerFamily final : public ModelFamily {
 public:
  // `length`: tokens per sample (the truth's block length).
  TransformerFamily(Eigen::Index length, TransformerSettings settings, NeuralTraining training);

  std::string_view name() const override { return "transformer"; }
  Capabilities capabilities() const override;
  std::size_t min_samples(Eigen::Index dim) const override;
  std::unique_ptr<GenerativeModel> decode(std::string_view bytes) const override;

 protected:
  std::unique_ptr<GenerativeModel> fit_model(const Samples& data, Rng& rng, const GenerativeModel* start,
                                             const GenerativeModel* generation0) const override;

 private:
  Eigen::Index length_;
  TransformerSettings settings_;
  NeuralTraining training_;
  TransformerNet pretrained_{nullptr};  // the checkpoint's weights, loaded once
};

// A trained transformer (immutable: evaluation mode, no gradients).
class TransformerModel final : public GenerativeModel {
 public:
  // `prompts`: the training blocks that prompted generation continues.
  TransformerModel(TransformerNet net, Samples prompts, Eigen::Index length, TransformerSettings settings,
                   torch::Device device, TransformerFitLog log);

  std::string_view family() const override { return "transformer"; }
  Eigen::Index dim() const override { return length_; }
  Samples draw(std::size_t n, double bias, Rng& rng) const override;
  Matrix sample(std::size_t n, double bias, Rng& rng) const override;
  Vector log_prob(const Matrix& x) const override;
  std::optional<TokenScore> score_sentences(std::span<const std::vector<std::uint32_t>> sentences) const override;
  std::optional<std::vector<TokenScore>> score_sequences(const Samples& sequences) const override;
  std::string encode() const override;

  const TransformerNet& net() const { return net_; }
  const Samples& prompts() const { return prompts_; }
  const TransformerFitLog& fit_log() const { return log_; }

  // Natural-log probability of tokens 1.. of each sequence given the tokens before it (token 0 is
  // the start, usually <s>), in context windows (see the file comment).
  std::vector<double> sequence_log_probs(const std::vector<std::vector<std::int64_t>>& sequences) const;

 private:
  // The prompt (with <s>) of synthetic row i.
  std::vector<std::int64_t> prompt(std::size_t row) const;
  // `length` new tokens after each prompt of `prompts` (all of one length), sampled by the chain.
  std::vector<std::vector<std::int64_t>> sample_continuations(const std::vector<std::vector<std::int64_t>>& prompts,
                                                              double bias, Rng& rng) const;
  // `length` new tokens after `prompt` by beam search.
  std::vector<std::int64_t> beam_continuation(const std::vector<std::int64_t>& prompt, double bias) const;
  // Row r of the last position's logits (rows x vocab, float, on the CPU) as the next token is drawn
  // from: the repetition penalty over `history` (the sample's tokens after <s>), <s> ruled out
  // (never generated), then the watermark's bias.
  std::vector<float> next_token_logits(const torch::Tensor& logits, std::int64_t r,
                                       std::span<const text::TokenId> history) const;

  mutable TransformerNet net_;  // see VaeModel: forward() is not const, but only reads in eval mode
  Samples prompts_;
  Eigen::Index length_;
  TransformerSettings settings_;
  std::optional<hygiene::Watermark> watermark_;  // from settings_.watermark
  torch::Device device_;
  TransformerFitLog log_;
};

}  // namespace ouro::neural
