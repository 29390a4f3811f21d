// The small conditional UNet of the ddpm family (see unet.hpp).
#include "unet.hpp"

#include <cmath>
#include <numeric>

namespace ouro::neural {
namespace {

namespace nn = torch::nn;
namespace F = torch::nn::functional;

// Groups of GroupNorm: 8 where the width allows, as small UNets use, else the largest divisor.
nn::GroupNorm group_norm(std::int64_t channels) {
  return nn::GroupNorm(nn::GroupNormOptions(std::gcd<std::int64_t>(channels, 8), channels));
}

nn::Conv2d conv3(std::int64_t in, std::int64_t out, std::int64_t stride = 1) {
  return nn::Conv2d(nn::Conv2dOptions(in, out, 3).stride(stride).padding(1));
}

torch::Tensor upsample(const torch::Tensor& x) {
  return F::interpolate(x, F::InterpolateFuncOptions().scale_factor(std::vector<double>{2.0, 2.0}).mode(torch::kNearest));
}

}  // namespace

torch::Tensor timestep_embedding(const torch::Tensor& t, std::int64_t dim) {
  const std::int64_t half = dim / 2;
  const torch::Tensor frequencies =
      torch::exp(-std::log(10000.0) * torch::arange(half, torch::kFloat32) / static_cast<double>(half)).to(t.device());
  const torch::Tensor angles = t.to(torch::kFloat32).unsqueeze(1) * frequencies.unsqueeze(0);
  torch::Tensor embedding = torch::cat({torch::sin(angles), torch::cos(angles)}, 1);
  if (dim % 2 == 1) embedding = F::pad(embedding, F::PadFuncOptions({0, 1}));
  return embedding;
}

ResidualBlockImpl::ResidualBlockImpl(std::int64_t in, std::int64_t out, std::int64_t embedding) {
  norm1_ = register_module("norm1", group_norm(in));
  conv1_ = register_module("conv1", conv3(in, out));
  project_ = register_module("project", nn::Linear(embedding, out));
  norm2_ = register_module("norm2", group_norm(out));
  conv2_ = register_module("conv2", conv3(out, out));
  if (in != out) skip_ = register_module("skip", nn::Conv2d(nn::Conv2dOptions(in, out, 1)));
}

torch::Tensor ResidualBlockImpl::forward(const torch::Tensor& x, const torch::Tensor& embedding) {
  torch::Tensor h = conv1_(torch::silu(norm1_(x)));
  h = h + project_(torch::silu(embedding)).unsqueeze(-1).unsqueeze(-1);
  h = conv2_(torch::silu(norm2_(h)));
  return h + (skip_ ? skip_(x) : x);
}

UnetImpl::UnetImpl(const UnetShape& shape) : shape_(shape) {
  const std::int64_t f = shape.features, e = 4 * f;
  time1_ = register_module("time1", nn::Linear(f, e));
  time2_ = register_module("time2", nn::Linear(e, e));
  label_embedding_ = register_module("label_embedding", nn::Embedding(shape.classes + 1, e));
  conv_in_ = register_module("conv_in", conv3(shape.channels, f));
  res_a_ = register_module("res_a", ResidualBlock(f, f, e));
  down1_ = register_module("down1", conv3(f, f, 2));
  res_b_ = register_module("res_b", ResidualBlock(f, 2 * f, e));
  down2_ = register_module("down2", conv3(2 * f, 2 * f, 2));
  res_c_ = register_module("res_c", ResidualBlock(2 * f, 2 * f, e));
  res_mid_ = register_module("res_mid", ResidualBlock(2 * f, 2 * f, e));
  up2_ = register_module("up2", conv3(2 * f, 2 * f));
  res_up2_ = register_module("res_up2", ResidualBlock(4 * f, 2 * f, e));
  up1_ = register_module("up1", conv3(2 * f, f));
  res_up1_ = register_module("res_up1", ResidualBlock(2 * f, f, e));
  norm_out_ = register_module("norm_out", group_norm(f));
  conv_out_ = register_module("conv_out", conv3(f, shape.channels));
}

torch::Tensor UnetImpl::forward(const torch::Tensor& x, const torch::Tensor& t, const torch::Tensor& labels) {
  const torch::Tensor embedding =
      time2_(torch::silu(time1_(timestep_embedding(t, shape_.features)))) + label_embedding_(labels);
  const torch::Tensor a = res_a_(conv_in_(x), embedding);
  const torch::Tensor b = res_b_(down1_(a), embedding);
  torch::Tensor h = res_mid_(res_c_(down2_(b), embedding), embedding);
  h = res_up2_(torch::cat({up2_(upsample(h)), b}, 1), embedding);
  h = res_up1_(torch::cat({up1_(upsample(h)), a}, 1), embedding);
  return conv_out_(torch::silu(norm_out_(h)));
}

}  // namespace ouro::neural
