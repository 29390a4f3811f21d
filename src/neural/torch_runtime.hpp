// What every neural family does the same way on LibTorch: threads, device, parameter initialisation
// from the project's Rng, moving images between Samples and tensors, and parameters to and from
// bytes.
//
// Determinism: torch's own random generator is process-global and shared by the replicates that run
// in parallel, so it is never used. Initial weights, minibatch order and every noise tensor are
// drawn from the replicate's Philox stream (ouro::Rng) and copied into tensors, and torch runs one
// intra-op thread, so a fit is a pure function of its data and stream whatever `--threads` is.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <torch/torch.h>

#include "ouro/core/rng.hpp"
#include "ouro/core/samples.hpp"

namespace ouro {

class Config;

namespace neural {

// One intra-op and one inter-op thread for torch (the engine runs one model per core). Idempotent.
void use_one_thread();

// run.device: CPU, or CUDA when the linked LibTorch has it (ConfigError naming run.device otherwise).
torch::Device device_from_config(const Config& config);

// A float tensor of `shape` filled with standard normals from `rng`.
torch::Tensor normal_tensor(torch::IntArrayRef shape, Rng& rng);
// A float tensor of `shape` filled with uniforms on [0, 1) from `rng` (dropout masks).
torch::Tensor uniform_tensor(torch::IntArrayRef shape, Rng& rng);

// Every parameter of `module` initialised as torch.nn's layers reset their own, but from `rng`:
// Conv2d, ConvTranspose2d and Linear weights and biases uniform on +-1/sqrt(fan_in), Embedding
// weights standard normal, BatchNorm/LayerNorm/GroupNorm weights 1 and biases 0.
void init_parameters(torch::nn::Module& module, Rng& rng);

// The images `indices` of `samples` as an N x C x H x W float tensor of their values.
torch::Tensor images_tensor(const Samples& samples, std::span<const std::size_t> indices);
// Images from a N x C x H x W tensor of values in shape's range (clamped to it: a decoder's output
// may round past the ends) as 8-bit levels.
Samples images_from_tensor(const torch::Tensor& values, const ImageShape& shape);

// Image values in shape's [low, high] mapped linearly to [-1, 1], the range a diffusion model or a
// tanh generator works in, and back.
torch::Tensor to_signed_unit(const torch::Tensor& values, const ImageShape& shape);
torch::Tensor from_signed_unit(const torch::Tensor& x, const ImageShape& shape);

// A random order of 0..n-1 (Fisher-Yates on `rng`), for one epoch's minibatches.
std::vector<std::size_t> shuffled_indices(std::size_t n, Rng& rng);

// The module's parameters and buffers, in registration order, as little-endian float32 bytes
// prefixed by their count; load_parameters checks count and sizes (DataError naming `what`).
std::string save_parameters(const torch::nn::Module& module);
void load_parameters(torch::nn::Module& module, std::string_view bytes, std::string_view what);
// Copies every parameter and buffer of `from` into `to` (same architecture).
void copy_parameters(const torch::nn::Module& from, torch::nn::Module& to);

// "libtorch 1.13.1, CPU" (with ", CUDA" when the build has it).
std::string describe_torch();

}  // namespace neural
}  // namespace ouro
