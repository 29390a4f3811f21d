// The LeNet feature network's forward pass (see feature_network.hpp): im2col + GEMM in float over
// blocks of images, with Eigen's products (single-threaded: the engine runs replicates in parallel,
// and a call must give the same bytes for any thread count).
//
// ReLU and bias commute with max-pooling (both are monotone, and float rounding is monotone too, so
// max(a, b) + c equals max(a + c, b + c) exactly), so each convolution pools its raw products first
// and adds the bias and clips a quarter of the values; the result is bit-for-bit the same.
#include "ouro/metrics/feature_network.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "ouro/core/error.hpp"
#include "ouro/io/array_file.hpp"
#include "ouro/io/sha256.hpp"

#ifndef OURO_MODELS_DIR
#define OURO_MODELS_DIR "models"
#endif

namespace ouro {
namespace {

using Index = Eigen::Index;

constexpr int kKernel = 5;
constexpr int kTaps = kKernel * kKernel;
constexpr int kChannels1 = 6, kChannels2 = 16;
constexpr int kPad1 = 2;
constexpr int kPooled1 = 14;              // 28 / 2
constexpr int kConv2 = kPooled1 - 4;      // 10: valid 5x5 convolution of 14 x 14
constexpr int kPooled2 = kConv2 / 2;      // 5
constexpr Index kFlat = kChannels2 * kPooled2 * kPooled2;  // 400
constexpr Index kHidden1 = 120;
// Images per GEMM: large enough that each product is a real GEMM, small enough that conv1's patch
// matrix (25 x 784 per image) stays a few MB. Blocks start at fixed positions, so results never
// depend on the caller's threads.
constexpr Index kBlock = 32;

// The tensors in the file's order: name, element count.
struct Tensor {
  const char* name;
  Index rows, cols;
};
constexpr Tensor kTensors[] = {
    {"conv1.weight", kChannels1, kTaps},
    {"conv1.bias", kChannels1, 1},
    {"conv2.weight", kChannels2, kChannels1 * kTaps},
    {"conv2.bias", kChannels2, 1},
    {"fc1.weight", kHidden1, kFlat},
    {"fc1.bias", kHidden1, 1},
    {"fc2.weight", FeatureNetwork::kFeatures, kHidden1},
    {"fc2.bias", FeatureNetwork::kFeatures, 1},
    {"fc3.weight", FeatureNetwork::kClasses, FeatureNetwork::kFeatures},
    {"fc3.bias", FeatureNetwork::kClasses, 1},
};

constexpr Index total_parameters() {
  Index n = 0;
  for (const Tensor& t : kTensors) n += t.rows * t.cols;
  return n;
}
static_assert(total_parameters() == FeatureNetwork::kParameters);

// Max over each 2x2 cell of `in` (channels x (images * side * side), column = image * side^2 +
// row * side + col), plus the channel's bias, clipped at 0; written to out[((b * channels + c) *
// half + y) * half + x].
void pool_bias_relu(const Eigen::MatrixXf& in, const Eigen::VectorXf& bias, Index images, int side, float* out) {
  const int half = side / 2;
  const Index channels = in.rows();
  for (Index b = 0; b < images; ++b) {
    const Index base = b * side * side;
    for (Index c = 0; c < channels; ++c) {
      float* dst = out + (b * channels + c) * half * half;
      for (int y = 0; y < half; ++y) {
        for (int x = 0; x < half; ++x) {
          const Index p = base + (2 * y) * side + 2 * x;
          const float m = std::max(std::max(in(c, p), in(c, p + 1)), std::max(in(c, p + side), in(c, p + side + 1)));
          dst[y * half + x] = std::max(m + bias(c), 0.0f);
        }
      }
    }
  }
}

void relu(Eigen::MatrixXf& x) { x = x.cwiseMax(0.0f); }

}  // namespace

FeatureNetwork::FeatureNetwork(std::span<const float> weights, std::string source) : source_(std::move(source)) {
  OURO_CHECK(static_cast<Index>(weights.size()) == kParameters, DataError,
             "{}: {} values, but the LeNet feature network has {} parameters (conv1, conv2, fc1, fc2, fc3 weights "
             "and biases in PyTorch layouts, concatenated)",
             source_, weights.size(), kParameters);
  std::size_t at = 0;
  RowMajorF* weight_of[] = {&conv1_w_, &conv2_w_, &fc1_w_, &fc2_w_, &fc3_w_};
  Eigen::VectorXf* bias_of[] = {&conv1_b_, &conv2_b_, &fc1_b_, &fc2_b_, &fc3_b_};
  for (std::size_t t = 0; t < std::size(kTensors); ++t) {
    const Tensor& tensor = kTensors[t];
    const auto count = static_cast<std::size_t>(tensor.rows * tensor.cols);
    for (std::size_t k = 0; k < count; ++k) {
      OURO_CHECK(std::isfinite(weights[at + k]), DataError, "{}: {} value {} (value {} of the file) is {}", source_,
                 tensor.name, k, at + k, weights[at + k]);
    }
    if (t % 2 == 0) {
      *weight_of[t / 2] = Eigen::Map<const RowMajorF>(weights.data() + at, tensor.rows, tensor.cols);
    } else {
      *bias_of[t / 2] = Eigen::Map<const Eigen::VectorXf>(weights.data() + at, tensor.rows);
    }
    at += count;
  }
}

FeatureNetwork FeatureNetwork::load(const std::filesystem::path& path) {
  const std::string name = path.string();
  std::string extension = path.extension().string();
  OURO_CHECK(extension == ".npy", IoError, "{}: a feature network's weights are a .npy file of {} float32 values",
             name, kParameters);
  const Matrix values = read_array(path);
  OURO_CHECK(values.cols() == 1 && values.rows() == kParameters, DataError,
             "{}: holds {} x {} values, but the LeNet feature network's weights are one dimension of {} values "
             "(conv1, conv2, fc1, fc2, fc3 weights and biases in PyTorch layouts, concatenated)",
             name, values.rows(), values.cols(), kParameters);
  std::vector<float> weights(static_cast<std::size_t>(kParameters));
  for (Index i = 0; i < kParameters; ++i) weights[static_cast<std::size_t>(i)] = static_cast<float>(values(i, 0));
  return FeatureNetwork(weights, name);
}

FeatureOutput FeatureNetwork::allocate(Index n) {
  FeatureOutput out;
  out.features.resize(n, kFeatures);
  out.logits.resize(n, kClasses);
  out.labels.resize(static_cast<std::size_t>(n));
  return out;
}

void FeatureNetwork::forward_block(const ColumnsF& input, Index first, FeatureOutput& out) const {
  const Index images = input.cols();

  // conv1: patches (25 taps) x (image, row, col) of the zero-padded input.
  Eigen::MatrixXf patches(kTaps, images * kPixels);
  for (Index b = 0; b < images; ++b) {
    const float* image = input.col(b).data();
    for (int y = 0; y < kSide; ++y) {
      for (int x = 0; x < kSide; ++x) {
        float* column = patches.col(b * kPixels + y * kSide + x).data();
        for (int ky = 0; ky < kKernel; ++ky) {
          const int iy = y + ky - kPad1;
          for (int kx = 0; kx < kKernel; ++kx) {
            const int ix = x + kx - kPad1;
            const bool inside = iy >= 0 && iy < kSide && ix >= 0 && ix < kSide;
            column[ky * kKernel + kx] = inside ? image[iy * kSide + ix] : 0.0f;
          }
        }
      }
    }
  }
  Eigen::MatrixXf conv(kChannels1, images * kPixels);
  conv.noalias() = conv1_w_ * patches;
  std::vector<float> pooled1(static_cast<std::size_t>(images * kChannels1 * kPooled1 * kPooled1));
  pool_bias_relu(conv, conv1_b_, images, kSide, pooled1.data());

  // conv2: patches (channel, 5x5 taps) x (image, row, col) of the valid 10 x 10 positions.
  constexpr Index kPositions2 = kConv2 * kConv2;
  patches.resize(kChannels1 * kTaps, images * kPositions2);
  for (Index b = 0; b < images; ++b) {
    const float* maps = pooled1.data() + b * kChannels1 * kPooled1 * kPooled1;
    for (int y = 0; y < kConv2; ++y) {
      for (int x = 0; x < kConv2; ++x) {
        float* column = patches.col(b * kPositions2 + y * kConv2 + x).data();
        for (int c = 0; c < kChannels1; ++c) {
          const float* map = maps + c * kPooled1 * kPooled1;
          for (int ky = 0; ky < kKernel; ++ky)
            for (int kx = 0; kx < kKernel; ++kx)
              column[c * kTaps + ky * kKernel + kx] = map[(y + ky) * kPooled1 + (x + kx)];
        }
      }
    }
  }
  conv.resize(kChannels2, images * kPositions2);
  conv.noalias() = conv2_w_ * patches;
  // Pooled straight into the flattened (channel, row, col) columns fc1 reads.
  Eigen::MatrixXf flat(kFlat, images);
  pool_bias_relu(conv, conv2_b_, images, kConv2, flat.data());

  Eigen::MatrixXf hidden1(kHidden1, images);
  hidden1.noalias() = fc1_w_ * flat;
  hidden1.colwise() += fc1_b_;
  relu(hidden1);
  Eigen::MatrixXf features(kFeatures, images);
  features.noalias() = fc2_w_ * hidden1;
  features.colwise() += fc2_b_;
  relu(features);
  Eigen::MatrixXf logits(kClasses, images);
  logits.noalias() = fc3_w_ * features;
  logits.colwise() += fc3_b_;

  out.features.middleRows(first, images) = features.transpose().cast<double>();
  out.logits.middleRows(first, images) = logits.transpose().cast<double>();
  for (Index b = 0; b < images; ++b) {
    Index best = 0;
    for (Index k = 1; k < kClasses; ++k)
      if (logits(k, b) > logits(best, b)) best = k;
    out.labels[static_cast<std::size_t>(first + b)] = static_cast<int>(best);
  }
}

FeatureOutput FeatureNetwork::forward(const Samples& images, std::string_view what) const {
  const ImageShape& shape = images.image_shape();
  OURO_CHECK(shape.channels == 1 && shape.height == kSide && shape.width == kSide, DataError,
             "{}: images of {} x {} x {}, but the LeNet feature network reads 1 x 28 x 28 images", what,
             shape.channels, shape.height, shape.width);
  const Index n = images.size();
  FeatureOutput out = allocate(n);
  ColumnsF block;
  for (Index first = 0; first < n; first += kBlock) {
    const Index count = std::min(kBlock, n - first);
    block.resize(kPixels, count);
    for (Index b = 0; b < count; ++b) {
      const auto levels = images.image(first + b);
      float* column = block.col(b).data();
      for (Index p = 0; p < kPixels; ++p) column[p] = static_cast<float>(levels[static_cast<std::size_t>(p)]) / 255.0f;
    }
    forward_block(block, first, out);
  }
  return out;
}

FeatureOutput FeatureNetwork::forward(const Matrix& rows, std::string_view what) const {
  OURO_CHECK(rows.cols() == kPixels, DataError,
             "{}: rows of {} values, but the LeNet feature network reads 28 x 28 = 784 pixel values per image", what,
             rows.cols(), kPixels);
  for (Index i = 0; i < rows.rows(); ++i) {
    for (Index j = 0; j < kPixels; ++j) {
      const double v = rows(i, j);
      OURO_CHECK(v >= 0.0 && v <= 1.0, DataError,
                 "{}: image {}, pixel {} (counting from 0) is {}; the LeNet feature network reads values in [0, 1]",
                 what, i, j, v);
    }
  }
  const Index n = rows.rows();
  FeatureOutput out = allocate(n);
  ColumnsF block;
  for (Index first = 0; first < n; first += kBlock) {
    const Index count = std::min(kBlock, n - first);
    block = rows.middleRows(first, count).transpose().cast<float>();
    forward_block(block, first, out);
  }
  return out;
}

const std::vector<FeatureNetworkFile>& feature_network_files() {
  // The sha256 of each committed file; `ouro features train --data NAME` (seed 1, 10 epochs, the
  // defaults) re-creates the same bytes with the same LibTorch. An empty value is not checked.
  static const std::vector<FeatureNetworkFile> files = {
      {"mnist", "lenet-mnist.npy", "dbb1bf0da4bb3c4648e26977dc5876b9fb03099f9d69e294d7d0d8de855e2daa", "mnist"},
      {"fashion-mnist", "lenet-fashion-mnist.npy", "35035f6f0ecca0be8dfaea22a3dee0e33734f5c98345b6e7a2116ebb93061f9c", "fashion-mnist"},
  };
  return files;
}

std::filesystem::path models_folder() { return std::filesystem::path(OURO_MODELS_DIR); }

FeatureNetwork load_shipped_feature_network(std::string_view truth_kind) {
  const auto& files = feature_network_files();
  const auto it = std::find_if(files.begin(), files.end(), [&](const auto& f) { return f.truth == truth_kind; });
  if (it == files.end()) {
    std::string known;
    for (const auto& f : files) known += fmt::format("{}{}", known.empty() ? "" : ", ", f.truth);
    throw ConfigError(fmt::format("metrics.features: no LeNet feature network is trained for a {} truth (only for {}); "
                                  "set metrics.features to the path of a weights .npy",
                                  truth_kind, known));
  }
  const std::filesystem::path path = models_folder() / it->file;
  const std::string command = fmt::format("ouro features train --data {}", it->data);
  std::error_code error;
  OURO_CHECK(std::filesystem::is_regular_file(path, error), IoError,
             "{}: no such file; the LeNet feature network of {} images is made by `{}` (or set metrics.features "
             "to a weights .npy of your own)",
             path.string(), it->truth, command);
  if (!it->sha256.empty()) {
    const std::string actual = sha256_file(path);
    OURO_CHECK(actual == it->sha256, IoError,
               "{}: sha256 is {}, expected {}; the file is not the network this version was built with (re-create it "
               "with `{}`, or set metrics.features to use it anyway)",
               path.string(), actual, it->sha256, command);
  }
  return FeatureNetwork::load(path);
}

}  // namespace ouro
