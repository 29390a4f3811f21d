// The LeNet feature network's forward pass: a hand-built network whose features and logits are
// known in closed form, the image and row paths agreeing bit for bit, blocking changing values only by rounding,
// and the errors for a missing, short or malformed weights file and for images of another shape.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "lenet_test_util.hpp"
#include "ouro/core/error.hpp"
#include "ouro/io/array_file.hpp"
#include "ouro/metrics/feature_network.hpp"
#include "support/files.hpp"
#include "support/error_of.hpp"

namespace ouro {
namespace {

using testing::image_rows;
using testing::random_images;
using testing::random_lenet_weights;

using testing::error_of;

// Offsets of each tensor in the weights vector.
constexpr std::size_t kConv1W = 0, kConv2W = 156, kFc1W = 2572, kFc2W = 50692, kFc3W = 60856, kFc3B = 61696;

// conv1 channel 0 and conv2 channel 0 pass the centre pixel through, fc1's unit 0 sums the 16 x 5 x 5
// inputs of channel 0, fc2's unit 0 copies it and fc3's class 3 reads feature 0: a lone pixel of
// value v (inside conv2's valid region) gives feature 0 = v, logit 3 = v, every other value 0.
std::vector<float> pass_through_weights() {
  std::vector<float> w(FeatureNetwork::kParameters, 0.0f);
  w[kConv1W + 12] = 1.0f;                              // conv1.weight[0][0][2][2]
  w[kConv2W + 12] = 1.0f;                              // conv2.weight[0][0][2][2]
  for (int k = 0; k < 25; ++k) w[kFc1W + k] = 1.0f;    // fc1.weight[0][channel 0's 25 inputs]
  w[kFc2W + 0] = 1.0f;                                 // fc2.weight[0][0]
  w[kFc3W + 3 * 84 + 0] = 1.0f;                        // fc3.weight[3][0]
  return w;
}

TEST(FeatureNetwork, LonePixelPassesThroughTheHandBuiltNetwork) {
  const FeatureNetwork net(pass_through_weights(), "hand-built");
  // Pixel (y, x) pools to (y/2, x/2), which conv2's centre tap reads when 2 <= y/2 <= 11.
  std::vector<std::uint8_t> levels(3 * 784, 0);
  levels[0 * 784 + 10 * 28 + 13] = 255;  // image 0: white at (10, 13)
  levels[1 * 784 + 20 * 28 + 6] = 51;    // image 1: 0.2 at (20, 6)
  // image 2: black everywhere
  const Samples images(ImageShape{1, 28, 28, 0.0f, 1.0f}, std::move(levels));
  const FeatureOutput out = net.forward(images, "hand images");
  const double expected[] = {1.0, 51.0f / 255.0f, 0.0};
  for (Eigen::Index i = 0; i < 3; ++i) {
    EXPECT_EQ(out.features(i, 0), expected[i]) << i;
    EXPECT_EQ(out.features.row(i).tail(83).cwiseAbs().maxCoeff(), 0.0) << i;
    EXPECT_EQ(out.logits(i, 3), expected[i]) << i;
    EXPECT_EQ(out.logits.row(i).cwiseAbs().sum(), expected[i]) << i;
  }
  EXPECT_EQ(out.labels, (std::vector<int>{3, 3, 0}));  // all-zero logits tie: the lowest class
}

TEST(FeatureNetwork, PixelsOutsideConv2sValidRegionVanish) {
  // A pixel at row 2 pools to row 1, which conv2's centre tap never reads.
  const FeatureNetwork net(pass_through_weights(), "hand-built");
  std::vector<std::uint8_t> levels(784, 0);
  levels[2 * 28 + 14] = 255;
  const FeatureOutput out = net.forward(Samples(ImageShape{1, 28, 28, 0.0f, 1.0f}, std::move(levels)), "edge");
  EXPECT_EQ(out.features.cwiseAbs().sum(), 0.0);
}

TEST(FeatureNetwork, BiasesAloneGiveTheirClosedForm) {
  // Zero weights: features = relu(fc2.bias), logits = fc3.weight relu(fc2.bias) + fc3.bias.
  std::vector<float> w(FeatureNetwork::kParameters, 0.0f);
  const std::size_t fc2_b = kFc3W - 84;
  for (int j = 0; j < 84; ++j) w[fc2_b + j] = (j % 3 == 0) ? -0.5f : 0.25f * static_cast<float>(j % 5);
  for (int k = 0; k < 10; ++k) w[kFc3B + k] = 0.125f * static_cast<float>(k);
  w[kFc3W + 0 * 84 + 1] = 8.0f;  // class 0 reads feature 1 (= 0.25) times 8: logit 0 = 2 > 9 * 0.125
  const FeatureNetwork net(w, "biases");
  const FeatureOutput out = net.forward(random_images(5, 3), "noise");
  for (Eigen::Index i = 0; i < 5; ++i) {
    for (int j = 0; j < 84; ++j) EXPECT_EQ(out.features(i, j), std::max(0.0f, w[fc2_b + j])) << j;
    EXPECT_EQ(out.logits(i, 0), 2.0);
    for (int k = 1; k < 10; ++k) EXPECT_EQ(out.logits(i, k), 0.125 * k);
    EXPECT_EQ(out.labels[static_cast<std::size_t>(i)], 0);
  }
}

TEST(FeatureNetwork, ImagesAndRowsGiveTheSameBits) {
  const FeatureNetwork net(random_lenet_weights(11), "random");
  const Samples images = random_images(75, 12);  // two full blocks of 32 and a partial one
  const FeatureOutput a = net.forward(images, "images");
  const FeatureOutput b = net.forward(image_rows(images), "rows");
  EXPECT_EQ(a.features, b.features);
  EXPECT_EQ(a.logits, b.logits);
  EXPECT_EQ(a.labels, b.labels);
  EXPECT_GT(a.features.cwiseAbs().maxCoeff(), 0.0);
  // The first three images alone (one partial block) agree with their values inside a full block to
  // float rounding (Eigen's product blocking depends on the block's width, so not bit for bit), and
  // a second pass gives the same bits.
  const std::vector<std::size_t> first = {0, 1, 2};
  const FeatureOutput c = net.forward(images.select(first), "three images");
  EXPECT_LT((c.features - a.features.topRows(3)).cwiseAbs().maxCoeff(), 1e-6);
  EXPECT_LT((c.logits - a.logits.topRows(3)).cwiseAbs().maxCoeff(), 1e-6);
  EXPECT_EQ(net.forward(images, "again").features, a.features);
}

TEST(FeatureNetwork, ImageRangeIsReadAsIntensity) {
  // Level q is q / 255 to the network whatever range the samples declare.
  const FeatureNetwork net(random_lenet_weights(13), "random");
  const Samples unit = random_images(4, 14);
  const std::vector<std::uint8_t> levels(unit.levels().begin(), unit.levels().end());
  const Samples signed_range(ImageShape{1, 28, 28, -1.0f, 1.0f}, levels);
  EXPECT_EQ(net.forward(unit, "a").features, net.forward(signed_range, "b").features);
}

TEST(FeatureNetwork, BadShapesAndValuesAreNamed) {
  const FeatureNetwork net(random_lenet_weights(15), "random");
  const Samples small(ImageShape{1, 14, 14, 0.0f, 1.0f}, std::vector<std::uint8_t>(196, 0));
  EXPECT_NE(error_of([&] { net.forward(small, "tiny images"); }).find("tiny images: images of 1 x 14 x 14"),
            std::string::npos);
  const Samples colour(ImageShape{3, 28, 28, 0.0f, 1.0f}, std::vector<std::uint8_t>(3 * 784, 0));
  EXPECT_NE(error_of([&] { net.forward(colour, "colour"); }).find("3 x 28 x 28"), std::string::npos);
  EXPECT_NE(error_of([&] { net.forward(Matrix::Zero(2, 100), "short rows"); }).find("short rows: rows of 100 values"),
            std::string::npos);
  Matrix rows = Matrix::Zero(3, 784);
  rows(2, 17) = 1.5;
  EXPECT_NE(error_of([&] { net.forward(rows, "big"); }).find("big: image 2, pixel 17 (counting from 0) is 1.5"),
            std::string::npos);
  rows(2, 17) = std::nan("");
  EXPECT_NE(error_of([&] { net.forward(rows, "nan"); }).find("nan: image 2, pixel 17"), std::string::npos);
}

TEST(FeatureNetwork, WeightsFileErrorsNameTheFileAndLength) {
  const auto dir = testing::scratch_dir("feature-network-load");
  EXPECT_NE(error_of([&] { FeatureNetwork::load(dir / "absent.npy"); }).find("absent.npy: no such file"),
            std::string::npos);
  std::vector<float> w = random_lenet_weights(16);
  w.pop_back();
  testing::write_float32_npy(dir / "short.npy", w, "(61705,)");
  const std::string short_error = error_of([&] { FeatureNetwork::load(dir / "short.npy"); });
  EXPECT_NE(short_error.find("short.npy: holds 61705 x 1 values"), std::string::npos) << short_error;
  EXPECT_NE(short_error.find("61706"), std::string::npos) << short_error;
  w.push_back(0.5f);
  testing::write_float32_npy(dir / "square.npy", w, "(2, 30853)");
  EXPECT_NE(error_of([&] { FeatureNetwork::load(dir / "square.npy"); }).find("holds 2 x 30853 values"),
            std::string::npos);
  testing::write_float32_npy(dir / "good.npy", w, "(61706,)");
  const FeatureNetwork loaded = FeatureNetwork::load(dir / "good.npy");
  const FeatureNetwork direct(w, "direct");
  const Samples images = random_images(6, 17);
  EXPECT_EQ(loaded.forward(images, "a").features, direct.forward(images, "b").features);
  EXPECT_EQ(loaded.source(), (dir / "good.npy").string());
  std::filesystem::copy_file(dir / "good.npy", dir / "weights.csv");
  EXPECT_NE(error_of([&] { FeatureNetwork::load(dir / "weights.csv"); }).find("weights.csv: a feature network's "
                                                                               "weights are a .npy file"),
            std::string::npos);
  w[100] = std::nanf("");
  EXPECT_NE(error_of([&] { FeatureNetwork(w, "nan weights"); }).find("nan weights: conv1.weight value 100 (value 100"),
            std::string::npos);
  w.resize(10);
  EXPECT_NE(error_of([&] { FeatureNetwork(w, "ten"); }).find("ten: 10 values"), std::string::npos);
}

TEST(FeatureNetwork, ShippedNetworkIsFoundOrNamesTheCommandThatMakesIt) {
  for (const auto& file : feature_network_files()) {
    const auto path = models_folder() / file.file;
    if (std::filesystem::exists(path)) {
      EXPECT_NO_THROW(load_shipped_feature_network(file.truth)) << path;
      continue;
    }
    const std::string message = error_of([&] { load_shipped_feature_network(file.truth); });
    EXPECT_NE(message.find(path.string() + ": no such file"), std::string::npos) << message;
    EXPECT_NE(message.find("`ouro features train --data " + std::string(file.data) + "`"), std::string::npos)
        << message;
  }
  EXPECT_THROW(load_shipped_feature_network("gaussian"), ConfigError);
  EXPECT_NE(error_of([] { load_shipped_feature_network("gaussian"); }).find("no LeNet feature network is trained for a "
                                                                          "gaussian truth (only for mnist, fashion-mnist)"),
            std::string::npos);
}

}  // namespace
}  // namespace ouro
