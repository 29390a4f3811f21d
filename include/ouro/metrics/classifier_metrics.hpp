// Classifier metrics: what the feature network's classifier says about a generation's synthetic
// images. Mode collapse on MNIST shows first as digits that stop being generated; these metrics
// count them from the classifier's labels (the argmax of its logits, feature_network.hpp):
//   class_coverage   share of the 10 classes that receive at least `metrics.class_share` of the
//                    samples' labels (default 0.01, a tenth of a balanced class's share)
//   label_entropy    entropy, in nats, of the samples' label histogram (log 10 = 2.303 when balanced)
//   label_tv         total variation between the samples' label histogram and the held-out test
//                    images' (both labelled by the same classifier, so its errors largely cancel)
//   label_agreement  share of samples whose label equals the class the generator was conditioned on
//                    (labelled samples only; recorded only when metrics.names asks for it)
// They apply to image families (Capabilities::feature_embedding) of image truths (label_agreement:
// of labelled ones).
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ouro/metrics/metric.hpp"

namespace ouro {

// How many of `labels` fall in each class 0 .. classes - 1 (DataError for a label outside).
std::vector<double> label_counts(std::span<const int> labels, int classes);

// The definitions above, on labels (DataError for no labels; label_agreement: for lists of different
// lengths). `share` is class_coverage's threshold in (0, 1].
double class_coverage(std::span<const int> labels, int classes, double share);
double label_entropy(std::span<const int> labels, int classes);
double label_tv(std::span<const int> labels, std::span<const int> reference, int classes);
double label_agreement(std::span<const int> labels, std::span<const int> conditioned);

// Names of the classifier metrics, in output order.
const std::vector<std::string>& classifier_metric_names();

// The classifier metric called `name`, configured from [metrics]; nullptr for another name.
std::unique_ptr<Metric> make_classifier_metric(std::string_view name, const Config& config);

}  // namespace ouro
