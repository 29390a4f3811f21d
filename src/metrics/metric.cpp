// The metric registry: which metrics exist, which a run records by default, and validation of a
// user's `metrics.names` against the run's family and truth.
//
// Defaults per family (docs/metrics.md): every model metric that applies; gmm and kde runs also
// record the sample metrics that compare their samples with the held-out real data (all but kid,
// whose subset resampling costs more than the rest together), and image families the classifier
// metrics too. Gaussian runs get sample metrics only on request, since their model metrics are exact.
#include "ouro/metrics/metric.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "ouro/core/config.hpp"
#include "ouro/core/suggestion.hpp"
#include "ouro/metrics/classifier_metrics.hpp"
#include "ouro/metrics/latent_metrics.hpp"
#include "ouro/metrics/model_metrics.hpp"
#include "ouro/metrics/sample_metrics.hpp"
#include "text/contamination_metrics.hpp"
#include "text/text_metrics.hpp"
#include "text/watermark_metrics.hpp"

namespace ouro {
namespace {

std::unique_ptr<Metric> make_named_metric(std::string_view name, const Config& config) {
  if (auto metric = make_model_metric(name)) return metric;
  if (auto metric = make_text_metric(name)) return metric;
  if (auto metric = make_watermark_metric(name, config)) return metric;
  if (auto metric = make_contamination_metric(name, config)) return metric;
  if (auto metric = make_latent_metric(name, config)) return metric;
  if (auto metric = make_classifier_metric(name, config)) return metric;
  return make_sample_metric(name, config);
}

// Families whose models are exactly Gaussian have exact model metrics, so their sample metrics
// are recorded only on request; other families with a feature space record them by default.
bool records_sample_metrics_by_default(const Capabilities& family) {
  return family.feature_embedding && !family.gaussian_law;
}

std::vector<std::string> default_metric_names(const Capabilities& family, const Config& config) {
  std::vector<std::string> names = model_metric_names();
  names.insert(names.end(), text_metric_names().begin(), text_metric_names().end());
  names.insert(names.end(), watermark_metric_names().begin(), watermark_metric_names().end());
  // synthetic_share applies to every run; by default it comes with the detector's estimate only.
  if (config.has("metrics.detector"))
    names.insert(names.end(), contamination_metric_names().begin(), contamination_metric_names().end());
  names.insert(names.end(), latent_metric_names().begin(), latent_metric_names().end());
  if (records_sample_metrics_by_default(family)) {
    for (const auto& name : sample_metric_names())
      if (name != "kid") names.push_back(name);
    // label_agreement needs samples generated for a chosen class, which only conditional families make.
    for (const auto& name : classifier_metric_names())
      if (name != "label_agreement" || family.labelled_samples) names.push_back(name);
  }
  return names;
}

// What a metric the family cannot supply would need, for the error message.
std::string capability_summary(const Capabilities& c) {
  std::vector<std::string> offered;
  if (c.moments) offered.push_back("moments");
  if (c.probabilities) offered.push_back("outcome probabilities");
  if (c.coefficients) offered.push_back("regression coefficients");
  if (c.token_scoring) offered.push_back("per-token scoring");
  if (c.feature_embedding) offered.push_back("a feature space for sample metrics");
  if (c.latent_encoder) offered.push_back("a latent encoder");
  return fmt::format("{} samples{}{}", sample_kind_name(c.samples), offered.empty() ? "" : ", ",
                     fmt::join(offered, ", "));
}

// Each recorded sample metric's real-versus-real floor, right after it (metrics.floors: for image
// truths by default, where the sample metrics are the only measure of a generation and their noise
// floor is far from zero; "all" adds them for real-row truths too).
void add_floors(const Config& config, const Truth& truth, std::vector<std::unique_ptr<Metric>>& metrics) {
  const std::string& floors = config.text("metrics.floors");
  if (floors == "none" || (floors == "images" && truth.image_shape() == nullptr)) return;
  std::vector<std::unique_ptr<Metric>> with_floors;
  for (auto& metric : metrics) {
    auto floor = make_sample_metric_floor(metric->name(), config);
    with_floors.push_back(std::move(metric));
    if (floor) with_floors.push_back(std::move(floor));
  }
  metrics = std::move(with_floors);
}

}  // namespace

std::vector<std::string> metric_names() {
  std::vector<std::string> names = model_metric_names();
  names.insert(names.end(), text_metric_names().begin(), text_metric_names().end());
  names.insert(names.end(), watermark_metric_names().begin(), watermark_metric_names().end());
  names.insert(names.end(), contamination_metric_names().begin(), contamination_metric_names().end());
  names.insert(names.end(), latent_metric_names().begin(), latent_metric_names().end());
  const auto samples = sample_metric_names();
  names.insert(names.end(), samples.begin(), samples.end());
  names.insert(names.end(), classifier_metric_names().begin(), classifier_metric_names().end());
  return names;
}

std::vector<std::unique_ptr<Metric>> make_metrics(const Config& config, const ModelFamily& family,
                                                  const Truth& truth) {
  const std::vector<std::string>& requested = config.texts("metrics.names");
  const Capabilities capabilities = family.capabilities();
  std::vector<std::unique_ptr<Metric>> metrics;
  if (requested.empty()) {
    for (const auto& name : default_metric_names(capabilities, config)) {
      auto metric = make_named_metric(name, config);
      if (metric && metric->applies(capabilities, truth)) metrics.push_back(std::move(metric));
    }
    add_floors(config, truth, metrics);
    return metrics;
  }
  for (const auto& name : requested) {
    auto metric = make_named_metric(name, config);
    if (!metric) {
      // Only the metrics this run could record are listed, and the suggestion is one of them.
      std::vector<std::string> applicable;
      for (const std::string& known : metric_names()) {
        const auto candidate = make_named_metric(known, config);
        if (candidate && candidate->applies(capabilities, truth)) applicable.push_back(known);
      }
      config.fail("metrics.names", fmt::format("unknown metric '{}'{}; the metrics of a {} model of a {} truth are {}",
                                               name, did_you_mean(name, applicable),
                                               family.name(), truth.kind(), fmt::join(applicable, ", ")));
    }
    if (!metric->applies(capabilities, truth))
      config.fail("metrics.names", fmt::format("metric '{}' does not apply to a {} model ({}) of a {} truth in {} "
                                               "dimension(s); see docs/metrics.md for what each metric needs",
                                               name, family.name(), capability_summary(capabilities), truth.kind(),
                                               truth.dim()));
    const bool duplicate = std::any_of(metrics.begin(), metrics.end(),
                                       [&](const auto& m) { return m->name() == name; });
    if (duplicate) config.fail("metrics.names", fmt::format("metric '{}' is listed twice", name));
    metrics.push_back(std::move(metric));
  }
  add_floors(config, truth, metrics);
  return metrics;
}

}  // namespace ouro
