// Classifier metrics of synthetic images (classifier_metrics.hpp): label histograms of the feature
// network's classifier, shared with the distribution metrics through ImageFeatures.
#include "ouro/metrics/classifier_metrics.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "ouro/core/config.hpp"
#include "ouro/core/error.hpp"
#include "ouro/metrics/image_features.hpp"

namespace ouro {
namespace {

constexpr int kClasses = static_cast<int>(FeatureNetwork::kClasses);

void check_some(std::span<const int> labels, std::string_view what) {
  OURO_CHECK(!labels.empty(), DataError, "{}: no samples to count classifier labels of", what);
}

class ClassifierMetric final : public Metric {
 public:
  ClassifierMetric(std::string name, double share, std::shared_ptr<ImageFeatures> features)
      : name_(std::move(name)), share_(share), features_(std::move(features)) {}

  std::string_view name() const override { return name_; }

  bool applies(const Capabilities& family, const Truth& truth) const override {
    const bool labelled = name_ != "label_agreement" || (family.labelled_samples && truth.classes() > 0);
    return family.feature_embedding && is_image_truth(truth) && labelled;
  }

  double compute(const GenerativeModel&, const MetricContext& context) const override {
    FeatureOutput holder;
    const std::vector<int>& labels = features_->sample_features(context, holder).labels;
    if (name_ == "class_coverage") return class_coverage(labels, kClasses, share_);
    if (name_ == "label_entropy") return label_entropy(labels, kClasses);
    if (name_ == "label_tv") {
      FeatureOutput test_holder;
      return label_tv(labels, features_->test_features(context, test_holder).labels, kClasses);
    }
    if (name_ == "label_agreement") {
      OURO_CHECK(context.samples.has_labels(), DataError,
                 "label_agreement: the synthetic samples carry no labels; it needs a family that generates each "
                 "image for a chosen class (leave label_agreement out of metrics.names otherwise)");
      const auto conditioned = context.samples.labels();
      return label_agreement(labels, std::vector<int>(conditioned.begin(), conditioned.end()));
    }
    throw Error(fmt::format("internal: unknown classifier metric '{}'", name_));
  }

 private:
  std::string name_;
  double share_;
  std::shared_ptr<ImageFeatures> features_;
};

}  // namespace

std::vector<double> label_counts(std::span<const int> labels, int classes) {
  std::vector<double> counts(static_cast<std::size_t>(classes), 0.0);
  for (std::size_t i = 0; i < labels.size(); ++i) {
    OURO_CHECK(labels[i] >= 0 && labels[i] < classes, DataError, "label {} of sample {} is outside [0, {})", labels[i],
               i, classes);
    counts[static_cast<std::size_t>(labels[i])] += 1.0;
  }
  return counts;
}

double class_coverage(std::span<const int> labels, int classes, double share) {
  check_some(labels, "class_coverage");
  OURO_CHECK(share > 0.0 && share <= 1.0, DataError, "class_coverage: metrics.class_share = {} is outside (0, 1]",
             share);
  const auto n = static_cast<double>(labels.size());
  const std::vector<double> counts = label_counts(labels, classes);
  // Compared as counts (count >= share n) so that a share of exactly 1/n counts one sample.
  const auto covered = std::count_if(counts.begin(), counts.end(), [&](double c) { return c > 0 && c >= share * n; });
  return static_cast<double>(covered) / classes;
}

double label_entropy(std::span<const int> labels, int classes) {
  check_some(labels, "label_entropy");
  const auto n = static_cast<double>(labels.size());
  double h = 0.0;
  for (const double c : label_counts(labels, classes))
    if (c > 0) h -= (c / n) * std::log(c / n);
  return h;
}

double label_tv(std::span<const int> labels, std::span<const int> reference, int classes) {
  check_some(labels, "label_tv");
  check_some(reference, "label_tv (held-out test set)");
  const std::vector<double> p = label_counts(labels, classes);
  const std::vector<double> q = label_counts(reference, classes);
  const auto n = static_cast<double>(labels.size());
  const auto m = static_cast<double>(reference.size());
  double tv = 0.0;
  for (std::size_t k = 0; k < p.size(); ++k) tv += std::abs(p[k] / n - q[k] / m);
  return tv / 2.0;
}

double label_agreement(std::span<const int> labels, std::span<const int> conditioned) {
  check_some(labels, "label_agreement");
  OURO_CHECK(labels.size() == conditioned.size(), DataError,
             "label_agreement: {} classifier labels but {} conditioning labels", labels.size(), conditioned.size());
  std::size_t agree = 0;
  for (std::size_t i = 0; i < labels.size(); ++i) agree += labels[i] == conditioned[i] ? 1 : 0;
  return static_cast<double>(agree) / static_cast<double>(labels.size());
}

const std::vector<std::string>& classifier_metric_names() {
  static const std::vector<std::string> names = {"class_coverage", "label_entropy", "label_tv",
                                                 "label_agreement"};
  return names;
}

std::unique_ptr<Metric> make_classifier_metric(std::string_view name, const Config& config) {
  const auto& names = classifier_metric_names();
  if (std::find(names.begin(), names.end(), name) == names.end()) return nullptr;
  return std::make_unique<ClassifierMetric>(std::string(name), config.real("metrics.class_share"),
                                            ImageFeatures::from_config(config));
}

}  // namespace ouro
