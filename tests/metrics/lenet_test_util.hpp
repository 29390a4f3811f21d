// Helpers for the LeNet feature-network tests: seeded random weights at PyTorch's default scale
// (uniform in +/- 1/sqrt(fan_in), as nn.Conv2d and nn.Linear initialise), written as the float32
// .npy the trainer writes, and random MNIST-like images (mostly black, some bright strokes).
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "ouro/core/rng.hpp"
#include "ouro/core/samples.hpp"
#include "ouro/metrics/feature_network.hpp"

namespace ouro::testing {

// The 61,706 parameters, tensor after tensor (weight then bias), each uniform in +/- 1/sqrt(fan_in).
inline std::vector<float> random_lenet_weights(std::uint64_t seed) {
  Rng rng(seed, {Purpose::kUser, 0, 0, 7});
  // (count, fan_in) of conv1.w, conv1.b, conv2.w, conv2.b, fc1.w, fc1.b, fc2.w, fc2.b, fc3.w, fc3.b.
  const std::pair<int, int> tensors[] = {{150, 25},    {6, 25},    {2400, 150}, {16, 150}, {48000, 400},
                                         {120, 400},   {10080, 120}, {84, 120}, {840, 84},  {10, 84}};
  std::vector<float> w;
  for (const auto& [count, fan_in] : tensors) {
    const double bound = 1.0 / std::sqrt(static_cast<double>(fan_in));
    for (int i = 0; i < count; ++i) w.push_back(static_cast<float>(bound * (2.0 * rng.uniform() - 1.0)));
  }
  return w;
}

// A little-endian float32 .npy of `shape` (one or two dimensions) holding `values`.
inline void write_float32_npy(const std::filesystem::path& path, const std::vector<float>& values,
                              const std::string& shape) {
  std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }";
  header.append((64 - (10 + header.size() + 1) % 64) % 64, ' ');
  header += '\n';
  std::ofstream out(path, std::ios::binary);
  out.write("\x93NUMPY\x01\x00", 8);
  const unsigned char length[2] = {static_cast<unsigned char>(header.size() & 0xff),
                                   static_cast<unsigned char>(header.size() >> 8)};
  out.write(reinterpret_cast<const char*>(length), 2);
  out << header;
  out.write(reinterpret_cast<const char*>(values.data()), static_cast<std::streamsize>(values.size() * 4));
}

// n 28 x 28 images: each pixel black with probability 0.7, otherwise a uniform level.
inline Samples random_images(Eigen::Index n, std::uint64_t seed) {
  Rng rng(seed, {Purpose::kUser, 0, 0, 8});
  std::vector<std::uint8_t> levels(static_cast<std::size_t>(n) * 784);
  for (auto& q : levels) q = rng.uniform() < 0.7 ? 0 : static_cast<std::uint8_t>(rng.next_u64() % 256);
  return Samples(ImageShape{1, 28, 28, 0.0f, 1.0f}, std::move(levels));
}

// The images as rows of 784 values q / 255.
inline Matrix image_rows(const Samples& images) {
  Matrix rows(images.size(), 784);
  for (Eigen::Index i = 0; i < images.size(); ++i) {
    const auto levels = images.image(i);
    for (Eigen::Index j = 0; j < 784; ++j) rows(i, j) = levels[static_cast<std::size_t>(j)] / 255.0;
  }
  return rows;
}

}  // namespace ouro::testing
