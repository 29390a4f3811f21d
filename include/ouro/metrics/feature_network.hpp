// FeatureNetwork: the small classifier whose penultimate activations are the feature space of the
// image metrics ("LeNet-FID": Frechet distance, precision/recall, density/coverage and KID of MNIST-
// like images are computed on these 84 features, as FID computes on Inception features).
//
// The architecture is fixed (LeNet-5 as torch.nn modules, cross-correlation as nn.Conv2d computes it):
//   input 1 x 28 x 28, values in [0, 1]
//   conv1 1 -> 6, 5x5, padding 2, ReLU, max-pool 2x2      -> 6 x 14 x 14
//   conv2 6 -> 16, 5x5, no padding, ReLU, max-pool 2x2    -> 16 x 5 x 5, flattened (channel, row, col)
//   fc1 400 -> 120, ReLU; fc2 120 -> 84, ReLU             -> the 84 *features*
//   fc3 84 -> 10                                          -> logits; the label is the argmax (ties: lowest)
// Its weights are one float32 .npy of 61,706 values in PyTorch layouts (conv (out, in, kh, kw),
// linear (out, in)), each tensor flattened in C order, concatenated as conv1.weight, conv1.bias,
// conv2.weight, conv2.bias, fc1.weight, fc1.bias, fc2.weight, fc2.bias, fc3.weight, fc3.bias; the
// LibTorch trainer (`ouro features train`) writes exactly this, and this forward pass reads it
// without LibTorch, so metrics never load torch.
//
// The forward pass runs in float (the weights' own width, and torch's): the convolutions as im2col
// and one GEMM per layer over a block of 32 images. It is single-threaded and the blocks start at
// fixed positions, so features are identical for any thread count (an image's features in another
// block differ only by float rounding, about 1e-7). An image's level q enters the network as q / 255, whatever value range the samples
// declare (the range's low end is black, its high end white); rows of 784 values are taken as they
// are and must lie in [0, 1].
#pragma once

#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <Eigen/Dense>

#include "ouro/core/matrix.hpp"
#include "ouro/core/samples.hpp"

namespace ouro {

// What the network computes for n images.
struct FeatureOutput {
  Matrix features;          // n x 84: the activations after fc2's ReLU
  Matrix logits;            // n x 10
  std::vector<int> labels;  // argmax of each row of logits, ties to the lowest class
};

class FeatureNetwork {
 public:
  static constexpr int kSide = 28;
  static constexpr Eigen::Index kPixels = kSide * kSide;
  static constexpr Eigen::Index kFeatures = 84;
  static constexpr Eigen::Index kClasses = 10;
  static constexpr Eigen::Index kParameters = 61706;

  // The network of `weights` (kParameters values in the file's order); `source` names them in
  // messages. DataError naming the source when the count is wrong or a weight is not finite.
  FeatureNetwork(std::span<const float> weights, std::string source);

  // Reads a weights .npy (float32, one dimension; float64 is accepted and rounded to float).
  // IoError naming the file when it is missing or unreadable, DataError naming the file and its
  // length when it does not hold exactly kParameters values.
  static FeatureNetwork load(const std::filesystem::path& path);

  // Features, logits and labels of 1 x 28 x 28 images (DataError naming `what` for another shape).
  FeatureOutput forward(const Samples& images, std::string_view what) const;
  // The same for rows of 784 values in [0, 1], row-major 28 x 28 (DataError naming `what` and the
  // row and column of a value outside [0, 1] or not finite).
  FeatureOutput forward(const Matrix& rows, std::string_view what) const;

  const std::string& source() const { return source_; }

 private:
  using RowMajorF = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  using ColumnsF = Eigen::MatrixXf;

  // Runs a block of images given as columns of 784 input values; appends to `out` at `first`.
  void forward_block(const ColumnsF& input, Eigen::Index first, FeatureOutput& out) const;
  static FeatureOutput allocate(Eigen::Index n);

  std::string source_;
  RowMajorF conv1_w_, conv2_w_, fc1_w_, fc2_w_, fc3_w_;
  Eigen::VectorXf conv1_b_, conv2_b_, fc1_b_, fc2_b_, fc3_b_;
};

// The trained networks the project ships, by the truth they were trained on.
struct FeatureNetworkFile {
  std::string_view truth;   // truth.kind: "mnist", "fashion-mnist"
  std::string_view file;    // under the models folder: "lenet-mnist.npy"
  std::string_view sha256;  // of the file's bytes; empty until the trained file is committed
  std::string_view data;    // the `--data` of the command that re-creates it
};
const std::vector<FeatureNetworkFile>& feature_network_files();

// The folder the shipped networks live in: the repository's models/ (OURO_MODELS_DIR at build time).
std::filesystem::path models_folder();

// The shipped network for `truth_kind`, verified against its sha256 (when the table has one).
// IoError naming the file and the command that re-creates it (`ouro features train --data ...`)
// when it is missing, or when its checksum differs; ConfigError when no network is trained for
// that truth.
FeatureNetwork load_shipped_feature_network(std::string_view truth_kind);

}  // namespace ouro
