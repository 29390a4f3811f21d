// A small class-conditional UNet: the noise predictor eps(x_t, t, c) of the `ddpm` family.
//
// With width f (model.features) and images C x H x W (H, W divisible by 4):
//   embedding  e = MLP(sinusoid(t, f)) + Embedding(c), 4f wide; class `classes` is "no condition"
//   down       conv_in C->f; res f->f @H          (a)
//              conv 3x3 stride 2; res f->2f @H/2  (b)
//              conv 3x3 stride 2; res 2f->2f @H/4; res 2f->2f (middle)
//   up         nearest x2, conv 2f->2f; res [., b] 4f->2f @H/2
//              nearest x2, conv 2f->f;  res [., a] 2f->f  @H
//   out        GroupNorm, SiLU, conv f->C
// Each residual block is GroupNorm, SiLU, conv 3x3, + Linear(SiLU(e)), GroupNorm, SiLU, conv 3x3,
// plus the input (through a 1x1 conv when the width changes), as in Ho et al.'s UNet without its
// attention layers, which a 28 x 28 digit does not need at this size.
#pragma once

#include <cstdint>

#include <torch/torch.h>

namespace ouro::neural {

struct UnetShape {
  int channels = 1;
  int height = 28;
  int width = 28;
  int features = 32;  // f
  int classes = 10;   // conditioning labels 0 .. classes-1; `classes` itself means none
};

class ResidualBlockImpl : public torch::nn::Module {
 public:
  ResidualBlockImpl(std::int64_t in, std::int64_t out, std::int64_t embedding);
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& embedding);

 private:
  torch::nn::GroupNorm norm1_{nullptr}, norm2_{nullptr};
  torch::nn::Conv2d conv1_{nullptr}, conv2_{nullptr}, skip_{nullptr};
  torch::nn::Linear project_{nullptr};
};
TORCH_MODULE(ResidualBlock);

class UnetImpl : public torch::nn::Module {
 public:
  explicit UnetImpl(const UnetShape& shape);

  // The predicted noise for images x_t (N x C x H x W, values in [-1, 1] scale), timesteps t (N,
  // int64) and labels (N, int64; shape.classes for none).
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& t, const torch::Tensor& labels);

  const UnetShape& shape() const { return shape_; }

 private:
  UnetShape shape_;
  torch::nn::Linear time1_{nullptr}, time2_{nullptr};
  torch::nn::Embedding label_embedding_{nullptr};
  torch::nn::Conv2d conv_in_{nullptr}, down1_{nullptr}, down2_{nullptr}, up2_{nullptr}, up1_{nullptr},
      conv_out_{nullptr};
  ResidualBlock res_a_{nullptr}, res_b_{nullptr}, res_c_{nullptr}, res_mid_{nullptr}, res_up2_{nullptr},
      res_up1_{nullptr};
  torch::nn::GroupNorm norm_out_{nullptr};
};
TORCH_MODULE(Unet);

// The sinusoidal timestep embedding of Vaswani et al. as DDPM uses it: for i < dim/2,
// sin(t / 10000^(i/(dim/2))) then the cosines, N x dim.
torch::Tensor timestep_embedding(const torch::Tensor& t, std::int64_t dim);

}  // namespace ouro::neural
