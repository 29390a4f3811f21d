// The committed feature networks (models/lenet-*.npy) on the real test splits, through the Eigen
// forward pass the metrics use: MNIST test accuracy >= 98.5% (the target the issue set; measured
// 98.96%), Fashion-MNIST >= 89% (LeNet-5's usual level there; measured 89.88%), and LeNet-FID
// behaving as a distance should: two disjoint halves of the MNIST test split are close (the
// real-versus-real floor at 5,000 images; measured 1.58), blurring or noising one half moves it far
// away (measured 62.4 for a 3 x 3 box blur, 113 for Gaussian noise of sd 0.3; asserted > 10x).
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "ouro/core/config.hpp"
#include "ouro/core/error.hpp"
#include "ouro/metrics/distribution/frechet.hpp"
#include "ouro/metrics/feature_network.hpp"
#include "ouro/metrics/sample_metrics.hpp"
#include "ouro/models/truth.hpp"

namespace ouro {
namespace {

struct Split {
  Matrix rows;                       // 10,000 x 784 values in [0, 1]
  std::vector<std::int32_t> labels;  // their classes
};

Split test_split(const std::string& kind) {
  const Config config = Config::from_string("[truth]\nkind = \"" + kind + "\"\npath = \"" + OURO_SHARED_DATA + "/" +
                                            kind + "\"\n");
  const auto truth = make_truth(config, 1);
  Rng unused(0, StreamKey{});
  return {truth->test_set(10000, unused), {truth->test_labels().begin(), truth->test_labels().end()}};
}

double accuracy(const std::string& kind) {
  const Split split = test_split(kind);
  const FeatureOutput out = load_shipped_feature_network(kind).forward(split.rows, "test split");
  std::size_t correct = 0;
  for (std::size_t i = 0; i < out.labels.size(); ++i) correct += out.labels[i] == split.labels[i];
  return static_cast<double>(correct) / static_cast<double>(out.labels.size());
}

TEST(ShippedFeatureNetwork, MnistAccuracyAtLeast985) { EXPECT_GE(accuracy("mnist"), 0.985); }

TEST(ShippedFeatureNetwork, FashionMnistAccuracyAtLeast89) { EXPECT_GE(accuracy("fashion-mnist"), 0.89); }

// A 3 x 3 box blur of each 28 x 28 row (edges averaged over the pixels inside the image).
Matrix blurred(const Matrix& rows) {
  Matrix out(rows.rows(), rows.cols());
  for (Eigen::Index i = 0; i < rows.rows(); ++i)
    for (int r = 0; r < 28; ++r)
      for (int c = 0; c < 28; ++c) {
        double sum = 0.0;
        int count = 0;
        for (int dr = -1; dr <= 1; ++dr)
          for (int dc = -1; dc <= 1; ++dc)
            if (r + dr >= 0 && r + dr < 28 && c + dc >= 0 && c + dc < 28) {
              sum += rows(i, (r + dr) * 28 + c + dc);
              ++count;
            }
        out(i, r * 28 + c) = sum / count;
      }
  return out;
}

TEST(ShippedFeatureNetwork, LeNetFidIsSmallBetweenRealHalvesAndGrowsUnderBlurAndNoise) {
  const Split split = test_split("mnist");
  const FeatureNetwork network = load_shipped_feature_network("mnist");
  // Even and odd rows: t10k's first half is the cleaner one (LeCun), so top and bottom halves differ.
  const Matrix first = split.rows(Eigen::seq(0, Eigen::last, 2), Eigen::all);
  const Matrix second = split.rows(Eigen::seq(1, Eigen::last, 2), Eigen::all);
  Rng rng(3, StreamKey{});
  Matrix noisy = second;
  for (double& x : noisy.reshaped()) x = std::clamp(x + 0.3 * rng.normal(), 0.0, 1.0);
  auto features = [&](const Matrix& rows) { return network.forward(rows, "images").features; };
  const Matrix f1 = features(first);
  const double floor = frechet_distance(f1, features(second));
  const double blur = frechet_distance(f1, features(blurred(second)));
  const double noise = frechet_distance(f1, features(noisy));
  RecordProperty("floor", std::to_string(floor));
  RecordProperty("blur", std::to_string(blur));
  RecordProperty("noise", std::to_string(noise));
  EXPECT_GT(blur, 10.0 * floor) << "floor " << floor << ", blur " << blur;
  EXPECT_GT(noise, 10.0 * floor) << "floor " << floor << ", noise " << noise;
}

// frechet_floor of an MNIST run: LeNet-FID between the replicate's held-out test images and as many
// training-split images, small (measured 6.79 at 2,000 per side; two test halves of 5,000 give 1.58), the
// same in whatever generation's context it is computed, and with or without the scratch.
TEST(ShippedFeatureNetwork, MnistFrechetFloorIsSmallAndTheSameInEveryGeneration) {
  const Config config = Config::from_string(std::string("[truth]\nkind = \"mnist\"\npath = \"") + OURO_SHARED_DATA +
                                            "/mnist\"\n");
  const auto truth = make_truth(config, 1);
  const Streams streams(1, 0);
  Rng test_rng = streams(Purpose::kTestData, 0);
  const TestSet test = TestSet::from(truth->test_set(2000, test_rng));
  Rng draw_rng = streams(Purpose::kUser, 0);
  const Samples synthetic = truth->draw(2000, draw_rng);  // only its size matters to the floor
  const auto floor = make_sample_metric_floor("frechet", config);
  ASSERT_EQ(floor->name(), "frechet_floor");
  class NoModel final : public GenerativeModel {
   public:
    std::string_view family() const override { return "none"; }
    Eigen::Index dim() const override { return 784; }
    Matrix sample(std::size_t, double, Rng&) const override { return {}; }
    Vector log_prob(const Matrix& x) const override { return Vector::Zero(x.rows()); }
  } model;
  Rng rng0 = streams(Purpose::kMetric, 0, 1), rng7 = streams(Purpose::kMetric, 7, 1);
  MetricScratch scratch;
  const double value = floor->compute(model, MetricContext{*truth, test, synthetic, rng0, nullptr, nullptr, &scratch,
                                                           nullptr, &streams});
  RecordProperty("mnist_lenet_fid_floor_2000", std::to_string(value));
  EXPECT_GT(value, 0.0);
  // Measured 6.79: above the 1.58 of two test halves at 5,000 (FID's bias grows as 1/N, and the
  // training and test splits differ a little), far below a blurred half's 62.
  EXPECT_LT(value, 10.0);
  EXPECT_EQ(floor->compute(model, MetricContext{*truth, test, synthetic, rng7, nullptr, nullptr, nullptr, nullptr,
                                                &streams}),
            value);
  // Without the replicate's streams the floor cannot be made generation-independent: refused.
  EXPECT_THROW(floor->compute(model, MetricContext{*truth, test, synthetic, rng0}), Error);
}

}  // namespace
}  // namespace ouro
