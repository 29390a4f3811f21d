// The GPT-2 network: a decoder-only transformer in GPT-2's layout, with a key/value cache for
// decoding.
//
// Layout (Radford et al. 2019; the names of GPT-2's checkpoints, so its weights map one to one):
//   wte (vocab x width) token embedding, wpe (context x width) position embedding,
//   `layers` blocks, each  x += attn(ln_1(x));  x += mlp(ln_2(x))
//     attn: c_attn Linear(width -> 3 width) into q, k, v of `heads` heads, causal softmax(q k^T /
//           sqrt(width / heads)) v, c_proj Linear(width -> width)
//     mlp:  c_fc Linear(width -> 4 width), GELU (tanh approximation, GPT-2's "gelu_new"),
//           c_proj Linear(4 width -> width)
//   ln_f, then logits = x wte^T (the output head is tied to the token embedding).
// LayerNorm eps is 1e-5, as GPT-2's. Dropout (`dropout`) acts where GPT-2's does: on the summed
// embeddings, the attention probabilities and each block's two residual branches; its masks are
// drawn from the caller's Rng (torch's generator is process-global, see torch_runtime.hpp), and
// forward() without an Rng is the evaluation pass, with no dropout.
//
// GPT-2's checkpoints store the four Linear weights of a block as Conv1D, (in x out); these are
// torch's Linear, (out x in): the checkpoint loader transposes them.
//
// KvCache: forward(ids, cache) appends each layer's keys and values for the new positions and
// attends over everything cached, so decoding one token at a time costs one position's work per
// step and gives the logits a full forward pass over the whole sequence gives (to float rounding).
// reorder() follows a beam search's choice of parent beams.
#pragma once

#include <cstdint>
#include <vector>

#include <torch/torch.h>

#include "ouro/core/rng.hpp"

namespace ouro::neural {

struct TransformerShape {
  std::int64_t vocab = 0;     // token ids 0..vocab-1
  std::int64_t layers = 2;
  std::int64_t heads = 4;
  std::int64_t width = 128;   // divisible by heads
  std::int64_t context = 256;  // positions
  double dropout = 0.1;
};

// Keys and values of every layer for the positions already seen, (batch, heads, positions, head width).
struct KvCache {
  std::vector<torch::Tensor> keys, values;
  std::int64_t positions() const { return keys.empty() || !keys[0].defined() ? 0 : keys[0].size(2); }
  // Keeps the batch rows `rows` (a beam search's parents), in that order.
  void reorder(const torch::Tensor& rows);
};

class TransformerBlockImpl : public torch::nn::Module {
 public:
  explicit TransformerBlockImpl(const TransformerShape& shape);
  // x: (batch, new positions, width). `cache_keys`/`cache_values`: this layer's cache (undefined
  // when empty), extended in place. `rng`: dropout masks (null: evaluation).
  torch::Tensor forward(const torch::Tensor& x, torch::Tensor* cache_keys, torch::Tensor* cache_values, Rng* rng);

 private:
  torch::Tensor attention(const torch::Tensor& x, torch::Tensor* cache_keys, torch::Tensor* cache_values, Rng* rng);

  TransformerShape shape_;
  torch::nn::LayerNorm ln_1_{nullptr}, ln_2_{nullptr};
  torch::nn::Linear c_attn_{nullptr}, attn_proj_{nullptr}, c_fc_{nullptr}, mlp_proj_{nullptr};
};
TORCH_MODULE(TransformerBlock);

class TransformerNetImpl : public torch::nn::Module {
 public:
  explicit TransformerNetImpl(const TransformerShape& shape);

  // Logits (batch, positions, vocab) of the next token after each position of `ids` (batch,
  // positions; int64), which continue the `cache` (null: positions start at 0). `rng`: dropout.
  torch::Tensor forward(const torch::Tensor& ids, KvCache* cache = nullptr, Rng* rng = nullptr);

  // GPT-2's initialisation from `rng`: weights N(0, 0.02), the residual projections N(0, 0.02 /
  // sqrt(2 layers)), biases 0, LayerNorms 1 and 0.
  void initialise(Rng& rng);

  const TransformerShape& shape() const { return shape_; }
  // Named tensors in GPT-2's checkpoint names ("wte.weight", "h.0.attn.c_attn.weight", ...), the
  // Linear weights as torch holds them (out x in).
  std::vector<std::pair<std::string, torch::Tensor>> gpt2_named_tensors();

 private:
  TransformerShape shape_;
  torch::nn::Embedding wte_{nullptr}, wpe_{nullptr};
  std::vector<TransformerBlock> blocks_;
  torch::nn::LayerNorm ln_f_{nullptr};
};
TORCH_MODULE(TransformerNet);

// Inverted dropout of `x` with probability p, the mask drawn from `rng` (identity for p = 0).
torch::Tensor dropout(const torch::Tensor& x, double p, Rng& rng);

}  // namespace ouro::neural
