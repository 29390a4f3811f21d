// The latent-space noise predictor of the ddpm family (see latent_denoiser.hpp).
#include "latent_denoiser.hpp"

#include "unet.hpp"

namespace ouro::neural {
namespace {

namespace nn = torch::nn;

nn::LayerNorm layer_norm(std::int64_t width) { return nn::LayerNorm(nn::LayerNormOptions({width})); }

}  // namespace

LatentBlockImpl::LatentBlockImpl(std::int64_t width, std::int64_t embedding) {
  norm_ = register_module("norm", layer_norm(width));
  fc1_ = register_module("fc1", nn::Linear(width, width));
  project_ = register_module("project", nn::Linear(embedding, width));
  fc2_ = register_module("fc2", nn::Linear(width, width));
}

torch::Tensor LatentBlockImpl::forward(const torch::Tensor& h, const torch::Tensor& embedding) {
  const torch::Tensor inner = fc1_(torch::silu(norm_(h))) + project_(torch::silu(embedding));
  return h + fc2_(torch::silu(inner));
}

LatentDenoiserImpl::LatentDenoiserImpl(const LatentDenoiserShape& shape) : shape_(shape) {
  const std::int64_t w = shape.width;
  time1_ = register_module("time1", nn::Linear(w, w));
  time2_ = register_module("time2", nn::Linear(w, w));
  label_embedding_ = register_module("label_embedding", nn::Embedding(shape.classes + 1, w));
  in_ = register_module("in", nn::Linear(shape.latent, w));
  blocks_ = register_module("blocks", nn::ModuleList());
  for (int b = 0; b < shape.blocks; ++b) blocks_->push_back(LatentBlock(w, w));
  norm_out_ = register_module("norm_out", layer_norm(w));
  out_ = register_module("out", nn::Linear(w, shape.latent));
}

torch::Tensor LatentDenoiserImpl::forward(const torch::Tensor& z, const torch::Tensor& t, const torch::Tensor& labels) {
  const torch::Tensor embedding =
      time2_(torch::silu(time1_(timestep_embedding(t, shape_.width)))) + label_embedding_(labels);
  torch::Tensor h = in_(z);
  for (const auto& block : *blocks_) h = block->as<LatentBlock>()->forward(h, embedding);
  return out_(torch::silu(norm_out_(h)));
}

}  // namespace ouro::neural
