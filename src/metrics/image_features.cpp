// The feature network of a run's image metrics and the features it gives (image_features.hpp).
#include "ouro/metrics/image_features.hpp"

#include "ouro/core/config.hpp"

namespace ouro {

ImageFeatures::ImageFeatures(std::filesystem::path weights, std::string truth_kind)
    : weights_(std::move(weights)), truth_kind_(std::move(truth_kind)) {}

std::shared_ptr<ImageFeatures> ImageFeatures::from_config(const Config& config) {
  // metrics.features has no default: unset means the truth's own network.
  std::filesystem::path weights;
  if (config.has("metrics.features")) weights = config.text("metrics.features");
  return std::make_shared<ImageFeatures>(weights, config.text("truth.kind"));
}

const FeatureNetwork& ImageFeatures::network() const {
  std::call_once(loaded_, [&] {
    network_ = std::make_unique<FeatureNetwork>(weights_.empty() ? load_shipped_feature_network(truth_kind_)
                                                                 : FeatureNetwork::load(weights_));
  });
  return *network_;
}

// The scratch keys name the network's file, so two networks in one process never share features.
const FeatureOutput& ImageFeatures::test_features(const MetricContext& context, FeatureOutput& holder) const {
  const auto make = [&] { return network().forward(context.test.x, "held-out test set"); };
  if (!context.scratch) return holder = make();
  return context.scratch->replicate_entry<FeatureOutput>("features of the test set by " + network().source(), make);
}

const FeatureOutput& ImageFeatures::sample_features(const MetricContext& context, FeatureOutput& holder) const {
  const auto make = [&] { return network().forward(context.samples, "synthetic samples"); };
  if (!context.scratch) return holder = make();
  return context.scratch->generation_entry<FeatureOutput>("features of the samples by " + network().source(), make);
}

bool is_image_truth(const Truth& truth) {
  const ImageShape* shape = truth.image_shape();
  return shape != nullptr && shape->channels == 1 && shape->height == FeatureNetwork::kSide &&
         shape->width == FeatureNetwork::kSide;
}

}  // namespace ouro
