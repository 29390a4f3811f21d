// Sample metrics for the loop engine: each distribution metric as an ouro::Metric comparing the
// generation's synthetic samples (generated) with the replicate's held-out real test set (real).
//
// They apply to families whose samples live in a feature space (Capabilities::feature_embedding:
// gaussian, gmm, kde, and the image families), never to categorical, regression or token samples;
// w1 and w2_empirical only in one dimension. Real rows are compared as they are; images are
// compared by their LeNet features (image_features.hpp), the test images' computed once per
// replicate and the samples' once per generation. The engine runs replicates in parallel, so a
// metric uses one thread of its own (the values would be the same with more).
#include "ouro/metrics/sample_metrics.hpp"

#include <fmt/format.h>

#include "ouro/core/config.hpp"
#include "ouro/core/error.hpp"
#include "ouro/core/fnv1a.hpp"
#include "ouro/metrics/image_features.hpp"
#include "ouro/metrics/distribution/manifold.hpp"
#include "ouro/metrics/distribution/distribution_metrics.hpp"

namespace ouro {
namespace {

class SampleMetric final : public Metric {
 public:
  SampleMetric(std::string name, DistributionSettings settings, std::shared_ptr<ImageFeatures> features)
      : name_(std::move(name)), settings_(settings), features_(std::move(features)) {}

  std::string_view name() const override { return name_; }

  bool applies(const Capabilities& family, const Truth& truth) const override {
    return family.feature_embedding && distribution_metric_applies(name_, truth.dim());
  }

  double compute(const GenerativeModel&, const MetricContext& context) const override {
    if (context.samples.storage() != SampleStorage::kImage)
      return compare(context.test.x, "held-out test set", context.samples.real(), "synthetic samples", "", context);
    FeatureOutput test_holder, sample_holder;
    const Matrix& real = features_->test_features(context, test_holder).features;
    const Matrix& generated = features_->sample_features(context, sample_holder).features;
    return compare(real, "held-out test set (LeNet features)", generated, "synthetic samples (LeNet features)",
                   " features", context);
  }

 private:
  // `space` tells the scratch's entries of features from those of raw rows.
  double compare(const Matrix& real, std::string_view real_label, const Matrix& generated,
                 std::string_view generated_label, std::string_view space, const MetricContext& context) const {
    const std::string names[] = {name_};
    check_distribution_inputs(names, real, real_label, generated, generated_label, settings_);
    if (context.scratch && is_manifold_metric(name_))
      return manifold_metric_value(name_, shared_manifold(real, generated, space, *context.scratch));
    return compute_distribution_metric(name_, real, generated, settings_, context.rng).value;
  }

  // One k-NN pass per generation for all four manifold metrics, with the test set's radii computed
  // once per replicate (the test set does not change between generations).
  const ManifoldMetrics& shared_manifold(const Matrix& real, const Matrix& generated, std::string_view space,
                                         MetricScratch& scratch) const {
    const std::string key = fmt::format("manifold k={}{}", settings_.k, space);
    return scratch.generation_entry<ManifoldMetrics>(key, [&] {
      ManifoldCache& radii = scratch.replicate_entry<ManifoldCache>(key, [] { return ManifoldCache{}; });
      const bool with_recall = generated.rows() > settings_.k;
      return manifold_metrics(real, generated, settings_.k, 1, with_recall, &radii);
    });
  }

  std::string name_;
  DistributionSettings settings_;
  std::shared_ptr<ImageFeatures> features_;
};

class FloorMetric final : public Metric {
 public:
  explicit FloorMetric(std::unique_ptr<Metric> base) : base_(std::move(base)), name_(floor_metric_name(base_->name())) {}

  std::string_view name() const override { return name_; }
  bool applies(const Capabilities& family, const Truth& truth) const override { return base_->applies(family, truth); }

  double compute(const GenerativeModel& model, const MetricContext& context) const override {
    OURO_CHECK(context.streams != nullptr, Error, "internal: {} computed without the replicate's streams", name_);
    const auto n = static_cast<std::size_t>(context.samples.size());
    const auto value = [&] {
      Rng rng = (*context.streams)(Purpose::kMetric, 0, fnv1a64(name_));
      const Samples real = context.truth.draw(n, rng);
      // No scratch: its entries hold the generation's synthetic samples' features and k-NN pass.
      const MetricContext floor{context.truth, context.test, real, rng};
      return base_->compute(model, floor);
    };
    if (!context.scratch) return value();
    return context.scratch->replicate_entry<double>(fmt::format("{} n={}", name_, n), value);
  }

 private:
  std::unique_ptr<Metric> base_;
  std::string name_;
};

}  // namespace

std::string floor_metric_name(std::string_view name) { return std::string(name) + "_floor"; }

std::unique_ptr<Metric> make_sample_metric_floor(std::string_view name, const Config& config) {
  auto base = make_sample_metric(name, config);
  if (!base) return nullptr;
  return std::make_unique<FloorMetric>(std::move(base));
}

std::vector<std::string> sample_metric_names() { return distribution_metric_names(); }

std::unique_ptr<Metric> make_sample_metric(std::string_view name, const Config& config) {
  if (!is_distribution_metric(name)) return nullptr;
  DistributionSettings settings;
  settings.k = static_cast<int>(config.integer("metrics.k"));
  settings.kid_subsets = static_cast<int>(config.integer("metrics.kid_subsets"));
  settings.kid_subset_size = static_cast<Eigen::Index>(config.integer("metrics.kid_subset_size"));
  settings.projections = static_cast<int>(config.integer("metrics.projections"));
  settings.threads = 1;
  return std::make_unique<SampleMetric>(std::string(name), settings, ImageFeatures::from_config(config));
}

}  // namespace ouro
