// Small image sets, training settings, streams and tensor conversions shared by the neural families' tests.
#pragma once

#include <cstdint>
#include <vector>

#include <torch/torch.h>

#include "ouro/core/matrix.hpp"
#include "ouro/core/rng.hpp"
#include "neural_settings.hpp"
#include "ouro/core/samples.hpp"

namespace ouro::testing {

inline Rng test_rng(std::uint64_t block) { return Rng(7, StreamKey{Purpose::kUser, 0, 0, block}); }

// 8 x 8 gray images in [0, 1]: big enough for two stride-2 layers, small enough for fast fits.
inline const ImageShape kSmallImages{1, 8, 8, 0.0f, 1.0f};

// Short training: `epochs` from scratch, one fine-tuning epoch, minibatches of 16.
inline neural::NeuralTraining quick_training(int epochs) {
  neural::NeuralTraining t;
  t.epochs = epochs;
  t.finetune_epochs = 1;
  t.batch = 16;
  return t;
}

// n random images of `shape`, every level drawn uniformly.
inline Samples random_images(const ImageShape& shape, std::size_t n, Rng& rng) {
  std::vector<std::uint8_t> levels(n * shape.pixels());
  for (auto& q : levels) q = static_cast<std::uint8_t>(rng.below(256));
  return Samples(shape, std::move(levels));
}

// n images of a bright square on a dark ground at one of four places, a little noise on top: a set
// with structure for a short fit to learn. With `labelled`, each image's label is its place
// (0 .. 3), or `only_label` for every image when that is given.
inline Samples square_images(const ImageShape& shape, std::size_t n, Rng& rng, bool labelled = false) {
  std::vector<std::uint8_t> levels(n * shape.pixels());
  std::vector<std::int32_t> labels;
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t corner = rng.below(4);
    labels.push_back(static_cast<std::int32_t>(corner));
    const std::uint32_t top = corner / 2 * shape.height / 2, left = corner % 2 * shape.width / 2;
    for (std::uint32_t r = 0; r < shape.height; ++r)
      for (std::uint32_t c = 0; c < shape.width; ++c) {
        const bool inside = r >= top && r < top + shape.height / 2 && c >= left && c < left + shape.width / 2;
        levels[i * shape.pixels() + r * shape.width + c] = static_cast<std::uint8_t>(inside ? 230 + rng.below(26) : rng.below(26));
      }
  }
  if (!labelled) return Samples(shape, std::move(levels));
  return Samples(shape, std::move(levels), std::move(labels));
}

// A tensor as a double matrix of `rows` rows (row-major), for write_npy.
inline Matrix to_matrix(const torch::Tensor& t, std::int64_t rows) {
  const torch::Tensor c = t.detach().to(torch::kFloat64).reshape({rows, -1}).contiguous();
  return Matrix(Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
      c.data_ptr<double>(), c.size(0), c.size(1)));
}

// Every parameter of `module` flattened into one vector, in registration order.
inline torch::Tensor flat_parameters(torch::nn::Module& module) {
  std::vector<torch::Tensor> flat;
  for (const auto& p : module.parameters()) flat.push_back(p.detach().flatten());
  return torch::cat(flat);
}

// Every parameter's gradient, in the same order.
inline torch::Tensor flat_gradients(torch::nn::Module& module) {
  std::vector<torch::Tensor> flat;
  for (const auto& p : module.parameters()) flat.push_back(p.grad().flatten());
  return torch::cat(flat);
}

inline std::int64_t parameter_count(torch::nn::Module& module) {
  std::int64_t count = 0;
  for (const auto& p : module.parameters()) count += p.numel();
  return count;
}

}  // namespace ouro::testing
