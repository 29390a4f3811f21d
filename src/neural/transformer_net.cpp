// The GPT-2 network (see transformer_net.hpp).
#include "transformer_net.hpp"

#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "ouro/core/error.hpp"
#include "torch_runtime.hpp"

namespace ouro::neural {
namespace {

namespace nn = torch::nn;

constexpr double kLayerNormEps = 1e-5;
constexpr double kInitStd = 0.02;

nn::LayerNorm layer_norm(std::int64_t width) {
  return nn::LayerNorm(nn::LayerNormOptions({width}).eps(kLayerNormEps));
}

// Appends `fresh` to a cache tensor along the positions axis (2), or starts it.
torch::Tensor append(torch::Tensor* cache, const torch::Tensor& fresh) {
  if (cache == nullptr) return fresh;
  *cache = cache->defined() ? torch::cat({*cache, fresh}, 2) : fresh;
  return *cache;
}

}  // namespace

torch::Tensor dropout(const torch::Tensor& x, double p, Rng& rng) {
  if (p <= 0.0) return x;
  torch::Tensor keep = uniform_tensor(x.sizes(), rng).to(x.device()).ge(p).to(x.scalar_type());
  return x * keep * (1.0 / (1.0 - p));
}

void KvCache::reorder(const torch::Tensor& rows) {
  for (torch::Tensor& k : keys) k = k.index_select(0, rows);
  for (torch::Tensor& v : values) v = v.index_select(0, rows);
}

TransformerBlockImpl::TransformerBlockImpl(const TransformerShape& shape) : shape_(shape) {
  const std::int64_t w = shape.width;
  ln_1_ = register_module("ln_1", layer_norm(w));
  c_attn_ = register_module("c_attn", nn::Linear(w, 3 * w));
  attn_proj_ = register_module("attn_proj", nn::Linear(w, w));
  ln_2_ = register_module("ln_2", layer_norm(w));
  c_fc_ = register_module("c_fc", nn::Linear(w, 4 * w));
  mlp_proj_ = register_module("mlp_proj", nn::Linear(4 * w, w));
}

torch::Tensor TransformerBlockImpl::attention(const torch::Tensor& x, torch::Tensor* cache_keys,
                                              torch::Tensor* cache_values, Rng* rng) {
  const std::int64_t batch = x.size(0), fresh = x.size(1), heads = shape_.heads, head_width = shape_.width / heads;
  // (batch, positions, width) -> (batch, heads, positions, head width)
  auto split_heads = [&](const torch::Tensor& t) { return t.view({batch, fresh, heads, head_width}).transpose(1, 2); };
  const std::vector<torch::Tensor> qkv = c_attn_(x).split(shape_.width, /*dim=*/2);
  const torch::Tensor q = split_heads(qkv[0]);
  const torch::Tensor k = append(cache_keys, split_heads(qkv[1]));
  const torch::Tensor v = append(cache_values, split_heads(qkv[2]));
  const std::int64_t total = k.size(2), past = total - fresh;
  torch::Tensor scores = torch::matmul(q, k.transpose(-2, -1)) * (1.0 / std::sqrt(static_cast<double>(head_width)));
  // New position i (absolute past + i) sees keys 0 .. past + i.
  const torch::Tensor future = torch::ones({fresh, total}, torch::kBool).triu(past + 1).to(x.device());
  scores = scores.masked_fill(future, -std::numeric_limits<float>::infinity());
  torch::Tensor weights = torch::softmax(scores, -1);
  if (rng != nullptr) weights = dropout(weights, shape_.dropout, *rng);
  const torch::Tensor out = torch::matmul(weights, v).transpose(1, 2).contiguous().view({batch, fresh, shape_.width});
  return attn_proj_(out);
}

torch::Tensor TransformerBlockImpl::forward(const torch::Tensor& x, torch::Tensor* cache_keys,
                                            torch::Tensor* cache_values, Rng* rng) {
  torch::Tensor a = attention(ln_1_(x), cache_keys, cache_values, rng);
  if (rng != nullptr) a = dropout(a, shape_.dropout, *rng);
  const torch::Tensor h = x + a;
  torch::Tensor m = mlp_proj_(torch::gelu(c_fc_(ln_2_(h)), "tanh"));
  if (rng != nullptr) m = dropout(m, shape_.dropout, *rng);
  return h + m;
}

TransformerNetImpl::TransformerNetImpl(const TransformerShape& shape) : shape_(shape) {
  OURO_CHECK(shape.vocab > 0 && shape.layers > 0 && shape.heads > 0 && shape.context > 0 && shape.width > 0 &&
                 shape.width % shape.heads == 0,
             ConfigError, "transformer: invalid shape (vocab {}, layers {}, heads {}, width {}, context {})",
             shape.vocab, shape.layers, shape.heads, shape.width, shape.context);
  wte_ = register_module("wte", nn::Embedding(shape.vocab, shape.width));
  wpe_ = register_module("wpe", nn::Embedding(shape.context, shape.width));
  for (std::int64_t l = 0; l < shape.layers; ++l) {
    blocks_.push_back(register_module(fmt::format("h{}", l), TransformerBlock(shape)));
  }
  ln_f_ = register_module("ln_f", layer_norm(shape.width));
}

torch::Tensor TransformerNetImpl::forward(const torch::Tensor& ids, KvCache* cache, Rng* rng) {
  const std::int64_t past = cache == nullptr ? 0 : cache->positions();
  const std::int64_t fresh = ids.size(1);
  OURO_CHECK(past + fresh <= shape_.context, DataError,
             "transformer: a sequence of {} tokens exceeds the model's context of {} positions", past + fresh,
             shape_.context);
  if (cache != nullptr && cache->keys.empty()) {
    cache->keys.resize(blocks_.size());
    cache->values.resize(blocks_.size());
  }
  const torch::Tensor positions = torch::arange(past, past + fresh, torch::kInt64).to(ids.device());
  torch::Tensor x = wte_(ids) + wpe_(positions).unsqueeze(0);
  if (rng != nullptr) x = dropout(x, shape_.dropout, *rng);
  for (std::size_t l = 0; l < blocks_.size(); ++l) {
    x = blocks_[l]->forward(x, cache ? &cache->keys[l] : nullptr, cache ? &cache->values[l] : nullptr, rng);
  }
  return torch::matmul(ln_f_(x), wte_->weight.t());
}

void TransformerNetImpl::initialise(Rng& rng) {
  torch::NoGradGuard no_grad;
  const double projection_std = kInitStd / std::sqrt(2.0 * static_cast<double>(shape_.layers));
  for (auto& item : named_parameters(/*recurse=*/true)) {
    torch::Tensor& p = item.value();
    const std::string& name = item.key();
    if (name.ends_with("bias")) {
      p.zero_();
    } else if (p.dim() == 1) {  // LayerNorm weights
      p.fill_(1.0);
    } else {
      const bool projection = name.ends_with("attn_proj.weight") || name.ends_with("mlp_proj.weight");
      p.copy_(normal_tensor(p.sizes(), rng) * (projection ? projection_std : kInitStd));
    }
  }
}

std::vector<std::pair<std::string, torch::Tensor>> TransformerNetImpl::gpt2_named_tensors() {
  std::vector<std::pair<std::string, torch::Tensor>> out{{"wte.weight", wte_->weight}, {"wpe.weight", wpe_->weight}};
  for (std::size_t l = 0; l < blocks_.size(); ++l) {
    for (const auto& item : blocks_[l]->named_parameters(/*recurse=*/true)) {
      std::string name = item.key();  // "ln_1.weight", "c_attn.bias", "attn_proj.weight", ...
      if (name.starts_with("c_attn") || name.starts_with("attn_proj")) {
        name = "attn." + (name.starts_with("attn_proj") ? "c_proj" + name.substr(9) : name);
      } else if (name.starts_with("c_fc") || name.starts_with("mlp_proj")) {
        name = "mlp." + (name.starts_with("mlp_proj") ? "c_proj" + name.substr(8) : name);
      }
      out.emplace_back(fmt::format("h.{}.{}", l, name), item.value());
    }
  }
  out.emplace_back("ln_f.weight", ln_f_->weight);
  out.emplace_back("ln_f.bias", ln_f_->bias);
  return out;
}

}  // namespace ouro::neural
