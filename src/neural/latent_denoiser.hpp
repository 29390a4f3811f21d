// The noise predictor of the `ddpm` family's latent space (model.space = "latent"): a residual MLP
// eps(z_t, t, c) over the k latent coordinates of a frozen autoencoder, for CPU budgets where a
// UNet over pixels is too slow to sample.
//
// With width W (8 x model.features) and k latent dimensions:
//   embedding  e = MLP(sinusoid(t, W)) + Embedding(c), W wide; class `classes` is "no condition"
//   in         Linear(k -> W)
//   blocks     4 x [h + Linear(SiLU(Linear(SiLU(LayerNorm(h))) + Linear(SiLU(e))))], W -> W
//   out        LayerNorm, SiLU, Linear(W -> k)
#pragma once

#include <cstdint>

#include <torch/torch.h>

namespace ouro::neural {

struct LatentDenoiserShape {
  int latent = 20;  // k
  int width = 256;  // W
  int classes = 10;
  int blocks = 4;
};

class LatentBlockImpl : public torch::nn::Module {
 public:
  LatentBlockImpl(std::int64_t width, std::int64_t embedding);
  torch::Tensor forward(const torch::Tensor& h, const torch::Tensor& embedding);

 private:
  torch::nn::LayerNorm norm_{nullptr};
  torch::nn::Linear fc1_{nullptr}, project_{nullptr}, fc2_{nullptr};
};
TORCH_MODULE(LatentBlock);

class LatentDenoiserImpl : public torch::nn::Module {
 public:
  explicit LatentDenoiserImpl(const LatentDenoiserShape& shape);
  // The predicted noise of latents z_t (N x k) at steps t (N) with labels (N; classes for none).
  torch::Tensor forward(const torch::Tensor& z, const torch::Tensor& t, const torch::Tensor& labels);

 private:
  LatentDenoiserShape shape_;
  torch::nn::Linear time1_{nullptr}, time2_{nullptr}, in_{nullptr}, out_{nullptr};
  torch::nn::Embedding label_embedding_{nullptr};
  torch::nn::ModuleList blocks_{nullptr};
  torch::nn::LayerNorm norm_out_{nullptr};
};
TORCH_MODULE(LatentDenoiser);

}  // namespace ouro::neural
