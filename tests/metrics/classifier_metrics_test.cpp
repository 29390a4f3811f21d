// Image metrics: the classifier metrics on hand-counted label lists, and the distribution and
// classifier metrics of image samples computed on LeNet features (random weights through
// metrics.features): the scratch giving the same values as without it, and the FID of two halves of
// one image set far below that of the set against its noised copy.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "lenet_test_util.hpp"
#include "ouro/core/config.hpp"
#include "ouro/core/error.hpp"
#include "ouro/metrics/classifier_metrics.hpp"
#include "ouro/metrics/sample_metrics.hpp"
#include "support/files.hpp"

namespace ouro {
namespace {

TEST(ClassifierMetrics, HandCountedHistograms) {
  // 20 labels: class 0 x10, class 1 x5, class 2 x4, class 3 x1.
  std::vector<int> labels;
  for (int k = 0; k < 10; ++k) labels.push_back(0);
  for (int k = 0; k < 5; ++k) labels.push_back(1);
  for (int k = 0; k < 4; ++k) labels.push_back(2);
  labels.push_back(3);
  EXPECT_EQ(label_counts(labels, 10), (std::vector<double>{10, 5, 4, 1, 0, 0, 0, 0, 0, 0}));
  EXPECT_DOUBLE_EQ(class_coverage(labels, 10, 0.01), 0.4);   // 1 of 20 >= 0.2: four classes
  EXPECT_DOUBLE_EQ(class_coverage(labels, 10, 0.05), 0.4);   // exactly 1/20 still counts
  EXPECT_DOUBLE_EQ(class_coverage(labels, 10, 0.06), 0.3);
  EXPECT_DOUBLE_EQ(class_coverage(labels, 10, 0.25), 0.2);   // only 10 and 5 reach 5
  const double h = -(0.5 * std::log(0.5) + 0.25 * std::log(0.25) + 0.2 * std::log(0.2) + 0.05 * std::log(0.05));
  EXPECT_NEAR(label_entropy(labels, 10), h, 1e-15);
  std::vector<int> balanced;
  for (int k = 0; k < 30; ++k) balanced.push_back(k % 10);
  EXPECT_NEAR(label_entropy(balanced, 10), std::log(10.0), 1e-15);
  EXPECT_DOUBLE_EQ(class_coverage(balanced, 10, 0.01), 1.0);
  // TV against the balanced histogram: (|.5-.1| + |.25-.1| + |.2-.1| + |.05-.1| + 6 x .1) / 2 = 0.65.
  EXPECT_NEAR(label_tv(labels, balanced, 10), 0.65, 1e-15);
  EXPECT_EQ(label_tv(labels, labels, 10), 0.0);
  EXPECT_DOUBLE_EQ(label_agreement(std::vector<int>{1, 2, 3, 4}, std::vector<int>{1, 2, 0, 4}), 0.75);
  EXPECT_THROW(label_entropy(std::vector<int>{}, 10), DataError);
  EXPECT_THROW(label_counts(std::vector<int>{10}, 10), DataError);
  EXPECT_THROW(label_agreement(std::vector<int>{1}, std::vector<int>{1, 2}), DataError);
}

class StubModel final : public GenerativeModel {
 public:
  std::string_view family() const override { return "stub"; }
  Eigen::Index dim() const override { return 784; }
  Matrix sample(std::size_t, double, Rng&) const override { return {}; }
  Vector log_prob(const Matrix& x) const override { return Vector::Zero(x.rows()); }
};

class MnistLikeTruth final : public Truth {
 public:
  std::string_view kind() const override { return "mnist"; }
  Eigen::Index dim() const override { return 784; }
  Matrix sample(std::size_t, Rng&) const override { return {}; }
  const ImageShape* image_shape() const override { return &shape_; }
  int classes() const override { return 10; }

 private:
  ImageShape shape_{1, 28, 28, 0.0f, 1.0f};
};

// Each level moved by uniform noise of +/- `amount` levels (clipped to [0, 255]).
Samples noised(const Samples& images, int amount, std::uint64_t seed) {
  Rng rng(seed, {Purpose::kUser, 0, 0, 9});
  std::vector<std::uint8_t> levels(images.levels().begin(), images.levels().end());
  for (auto& q : levels) {
    const int shift = static_cast<int>(rng.next_u64() % static_cast<std::uint64_t>(2 * amount + 1)) - amount;
    q = static_cast<std::uint8_t>(std::clamp(static_cast<int>(q) + shift, 0, 255));
  }
  return Samples(images.image_shape(), std::move(levels));
}

TEST(ImageMetrics, FeaturesOfImagesFeedTheDistributionAndClassifierMetrics) {
  const auto dir = testing::scratch_dir("image-metrics");
  testing::write_float32_npy(dir / "weights.npy", testing::random_lenet_weights(31), "(61706,)");
  Config config;
  config.set("metrics.features=\"" + (dir / "weights.npy").string() + "\"");
  config.set("metrics.k=3");
  const Samples all = testing::random_images(600, 32);
  std::vector<std::size_t> first, second;
  for (std::size_t i = 0; i < 600; ++i) (i < 300 ? first : second).push_back(i);
  const TestSet test = TestSet::from(testing::image_rows(all.select(first)));
  const Samples same = all.select(second);
  const Samples noisy = noised(same, 255, 33);
  const MnistLikeTruth truth;
  const StubModel model;
  Capabilities images;
  images.feature_embedding = true;

  const auto fid = make_sample_metric("frechet", config);
  ASSERT_TRUE(fid->applies(images, truth));
  Rng rng(1, {Purpose::kUser, 0, 0, 1});
  const double fid_same = fid->compute(model, MetricContext{truth, test, same, rng});
  const double fid_noisy = fid->compute(model, MetricContext{truth, test, noisy, rng});
  // Two halves of one set differ by sampling noise only; the copy noised by up to +/- 255 levels
  // (clipped) shifts every feature. Even with random conv weights the FID must grow at least 5x.
  EXPECT_GT(fid_noisy, 5.0 * fid_same) << fid_same << " vs " << fid_noisy;

  // The scratch (features once per replicate / generation) gives exactly the values without it.
  MetricScratch scratch;
  for (const Samples* samples : {&same, &noisy}) {
    scratch.next_generation();
    for (const char* name : {"frechet", "precision", "recall", "density", "coverage", "kid", "class_coverage",
                             "label_entropy", "label_tv"}) {
      auto metric = make_sample_metric(name, config);
      if (!metric) metric = make_classifier_metric(name, config);
      ASSERT_NE(metric, nullptr) << name;
      ASSERT_TRUE(metric->applies(images, truth)) << name;
      Rng a(2, {Purpose::kUser, 0, 0, 2});
      Rng b(2, {Purpose::kUser, 0, 0, 2});
      const double shared = metric->compute(model, MetricContext{truth, test, *samples, a, nullptr, nullptr, &scratch});
      const double alone = metric->compute(model, MetricContext{truth, test, *samples, b});
      EXPECT_EQ(shared, alone) << name;
      EXPECT_TRUE(std::isfinite(shared)) << name;
    }
  }
  // label_agreement reads the labels the samples were generated for, and refuses unlabelled ones.
  std::vector<std::int32_t> conditioned(same.size(), 0);
  const auto net_labels = FeatureNetwork::load(dir / "weights.npy").forward(same, "same").labels;
  for (std::size_t i = 0; i < conditioned.size(); ++i) conditioned[i] = i % 2 == 0 ? net_labels[i] : (net_labels[i] + 1) % 10;
  const Samples labelled(same.image_shape(), std::vector<std::uint8_t>(same.levels().begin(), same.levels().end()),
                         conditioned);
  Rng d(4, {Purpose::kUser, 0, 0, 4});
  EXPECT_DOUBLE_EQ(make_classifier_metric("label_agreement", config)
                       ->compute(model, MetricContext{truth, test, labelled, d}),
                   0.5);  // every even sample's label agrees, no odd one's
  EXPECT_THROW(make_classifier_metric("label_agreement", config)->compute(model, MetricContext{truth, test, same, d}),
               DataError);
  // The classifier metrics equal their definitions on the network's labels.
  const FeatureNetwork net = FeatureNetwork::load(dir / "weights.npy");
  const auto labels = net.forward(same, "same").labels;
  Rng c(3, {Purpose::kUser, 0, 0, 3});
  const MetricContext context{truth, test, same, c};
  EXPECT_EQ(make_classifier_metric("label_entropy", config)->compute(model, context), label_entropy(labels, 10));
  EXPECT_EQ(make_classifier_metric("class_coverage", config)->compute(model, context),
            class_coverage(labels, 10, 0.01));
  EXPECT_EQ(make_classifier_metric("label_tv", config)->compute(model, context),
            label_tv(labels, net.forward(test.x, "test").labels, 10));
}

TEST(ImageMetrics, MissingNetworkFileIsNamed) {
  Config config;
  config.set("metrics.features=\"/nonexistent/lenet.npy\"");
  const MnistLikeTruth truth;
  const StubModel model;
  const TestSet test = TestSet::from(testing::image_rows(testing::random_images(10, 1)));
  const Samples samples = testing::random_images(10, 2);
  Rng rng(1, {Purpose::kUser, 0, 0, 1});
  try {
    make_sample_metric("frechet", config)->compute(model, MetricContext{truth, test, samples, rng});
    FAIL() << "no error";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/lenet.npy: no such file"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace ouro
