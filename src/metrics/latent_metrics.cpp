// latent_std (see latent_metrics.hpp).
#include "ouro/metrics/latent_metrics.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "ouro/core/config.hpp"
#include "ouro/core/error.hpp"

namespace ouro {
namespace {

class LatentStd final : public Metric {
 public:
  explicit LatentStd(std::size_t samples) : samples_(samples) {}

  std::string_view name() const override { return "latent_std"; }
  bool applies(const Capabilities& family, const Truth&) const override { return family.latent_encoder; }
  bool needs_generation0() const override { return true; }

  double compute(const GenerativeModel& model, const MetricContext& context) const override {
    // At generation 0 the engine has not kept a generation-0 model yet: the model is that model.
    const GenerativeModel& judge = context.generation0 ? *context.generation0 : model;
    const auto n = std::min<std::size_t>(samples_, static_cast<std::size_t>(context.samples.size()));
    std::vector<std::size_t> first(n);
    std::iota(first.begin(), first.end(), std::size_t{0});
    const std::optional<Matrix> means = judge.latent_means(context.samples.select(first));
    OURO_CHECK(means.has_value(), DataError, "latent_std: a {} model has no encoder", judge.family());
    return pooled_std(*means);
  }

 private:
  std::size_t samples_;
};

}  // namespace

const std::vector<std::string>& latent_metric_names() {
  static const std::vector<std::string> names{"latent_std"};
  return names;
}

std::unique_ptr<Metric> make_latent_metric(std::string_view name, const Config& config) {
  if (name != "latent_std") return nullptr;
  return std::make_unique<LatentStd>(static_cast<std::size_t>(config.integer("metrics.latent_samples")));
}

double pooled_std(const Matrix& means) {
  const auto count = static_cast<double>(means.size());
  if (count < 2) return std::nan("");
  const double mean = means.mean();
  return std::sqrt((means.array() - mean).square().sum() / (count - 1.0));
}

}  // namespace ouro
