// ImageFeatures: the feature network a run's image metrics embed samples with, and the features
// (and classifier labels) of the held-out test images and of a generation's synthetic images.
//
// When a run's samples are images, the distribution metrics (frechet, precision, recall, density,
// coverage, kid, sliced_w2) compare LeNet features of the synthetic images with LeNet features of the
// held-out test images, as FID compares Inception features; the classifier metrics (class_coverage,
// label_entropy, label_tv, label_agreement) read the network's labels. The network is
// `metrics.features` when set, otherwise the one trained for the truth (models/lenet-<truth>.npy).
// It is loaded on first use, once per metric object, so runs whose samples are not images never
// read it.
//
// The test set's features are computed once per replicate (MetricScratch::replicate_entry), the
// samples' once per generation (generation_entry), and shared by every metric that reads them;
// without a scratch each metric computes them itself, with the same values.
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "ouro/metrics/feature_network.hpp"
#include "ouro/metrics/metric.hpp"

namespace ouro {

class ImageFeatures {
 public:
  // The network at `weights`, or, when it is empty, the one trained for the truth `truth_kind`.
  ImageFeatures(std::filesystem::path weights, std::string truth_kind);
  // From metrics.features and truth.kind.
  static std::shared_ptr<ImageFeatures> from_config(const Config& config);

  // Loads the network on the first call (thread-safe); IoError/ConfigError as
  // FeatureNetwork::load and load_shipped_feature_network.
  const FeatureNetwork& network() const;

  // What the network gives for the held-out test set (rows of 784 values in [0, 1]) and for the
  // generation's synthetic images. With a scratch the result lives there (and the reference stays
  // valid for the generation); without one it lives in `holder`.
  const FeatureOutput& test_features(const MetricContext& context, FeatureOutput& holder) const;
  const FeatureOutput& sample_features(const MetricContext& context, FeatureOutput& holder) const;

 private:
  std::filesystem::path weights_;
  std::string truth_kind_;
  mutable std::once_flag loaded_;
  mutable std::unique_ptr<FeatureNetwork> network_;
};

// True when a truth's samples are 1 x 28 x 28 images, which the feature network reads (mnist,
// fashion-mnist).
bool is_image_truth(const Truth& truth);

}  // namespace ouro
