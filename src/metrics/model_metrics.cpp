// Model metrics: each is a name, an applicability rule and a formula over the model's exact
// summaries (see model_metrics.hpp for the definitions).
#include "ouro/metrics/model_metrics.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <numeric>
#include <optional>

#include <Eigen/Eigenvalues>

#include "ouro/metrics/distribution/frechet.hpp"

namespace ouro {
namespace {

using Applies = std::function<bool(const Capabilities&, const Truth&)>;
using Compute = std::function<double(const GenerativeModel&, const MetricContext&)>;

class ModelMetric final : public Metric {
 public:
  ModelMetric(std::string name, Applies applies, Compute compute)
      : name_(std::move(name)), applies_(std::move(applies)), compute_(std::move(compute)) {}
  std::string_view name() const override { return name_; }
  bool applies(const Capabilities& family, const Truth& truth) const override { return applies_(family, truth); }
  double compute(const GenerativeModel& model, const MetricContext& context) const override {
    return compute_(model, context);
  }

 private:
  std::string name_;
  Applies applies_;
  Compute compute_;
};

// log det of a symmetric positive semi-definite matrix; -inf when it is singular.
double log_determinant(const Matrix& cov) {
  if (cov.size() == 1) return cov(0, 0) > 0.0 ? std::log(cov(0, 0)) : -std::numeric_limits<double>::infinity();
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(cov, Eigen::EigenvaluesOnly);
  double sum = 0.0;
  for (const double value : solver.eigenvalues()) {
    if (!(value > 0.0)) return -std::numeric_limits<double>::infinity();
    sum += std::log(value);
  }
  return sum;
}

// Applicability rules: what the family declares and what the truth knows exactly. (A family of
// discrete or regression models is built from its truth, so their sizes agree.)
bool has_moments(const Capabilities& family, const Truth& truth) {
  return family.moments && truth.moments().has_value();
}
bool is_gaussian_against_gaussian(const Capabilities& family, const Truth& truth) {
  return family.gaussian_law && truth.kind() == "gaussian" && truth.moments().has_value();
}
bool is_one_dimensional(const Capabilities& family, const Truth& truth) { return family.moments && truth.dim() == 1; }
bool is_discrete(const Capabilities& family, const Truth& truth) {
  return family.probabilities && truth.probabilities() != nullptr;
}
bool is_regression(const Capabilities& family, const Truth& truth) {
  return family.coefficients && truth.coefficients() != nullptr;
}

// The model's and the truth's moments: the engine's cached copies when it passed them, otherwise
// computed into `storage`.
const Moments& model_moments(const GenerativeModel& model, const MetricContext& context,
                             std::optional<Moments>& storage) {
  if (context.model_moments) return *context.model_moments;
  storage = model.moments();
  return *storage;
}
const Moments& truth_moments(const MetricContext& context, std::optional<Moments>& storage) {
  if (context.truth_moments) return *context.truth_moments;
  storage = context.truth.moments();
  return *storage;
}

// Runs `f(model moments, truth moments)`.
template <typename F>
double with_moments(const GenerativeModel& model, const MetricContext& context, F f) {
  std::optional<Moments> model_storage;
  std::optional<Moments> truth_storage;
  return f(model_moments(model, context, model_storage), truth_moments(context, truth_storage));
}

// Runs `f(model moments)`.
template <typename F>
double with_model_moments(const GenerativeModel& model, const MetricContext& context, F f) {
  std::optional<Moments> storage;
  return f(model_moments(model, context, storage));
}

double entropy(const Vector& q) {
  double sum = 0.0;
  for (const double v : q)
    if (v > 0.0) sum -= v * std::log(v);
  return sum;
}

std::vector<std::unique_ptr<Metric>> all_model_metrics() {
  std::vector<std::unique_ptr<Metric>> m;
  auto add = [&](std::string name, Applies applies, Compute compute) {
    m.push_back(std::make_unique<ModelMetric>(std::move(name), std::move(applies), std::move(compute)));
  };
  add("nll_real", [](const Capabilities& family, const Truth&) { return family.density; },
      [](const GenerativeModel& model, const MetricContext& c) { return -model.mean_log_prob(c.test); });
  add("mean_shift", has_moments, [](const GenerativeModel& model, const MetricContext& c) {
    return with_moments(model, c, [](const Moments& g, const Moments& t) { return (g.mean - t.mean).squaredNorm(); });
  });
  add("trace_ratio", has_moments, [](const GenerativeModel& model, const MetricContext& c) {
    return with_moments(model, c, [](const Moments& g, const Moments& t) { return g.cov.trace() / t.cov.trace(); });
  });
  add("logdet_ratio", has_moments, [](const GenerativeModel& model, const MetricContext& c) {
    return with_moments(model, c, [](const Moments& g, const Moments& t) {
      return log_determinant(g.cov) - log_determinant(t.cov);
    });
  });
  add("w2", is_gaussian_against_gaussian, [](const GenerativeModel& model, const MetricContext& c) {
    return with_moments(model, c, [](const Moments& g, const Moments& t) {
      // In 1-D the Gaussians' W2 is (mu_g - mu)^2 + (sigma_g - sigma)^2, with no eigensolver call.
      if (g.cov.size() == 1)
        return std::pow(g.mean(0) - t.mean(0), 2) +
               std::pow(std::sqrt(std::max(0.0, g.cov(0, 0))) - std::sqrt(t.cov(0, 0)), 2);
      return frechet_distance(g.mean, g.cov, t.mean, t.cov);
    });
  });
  add("mean", is_one_dimensional, [](const GenerativeModel& model, const MetricContext& c) {
    return with_model_moments(model, c, [](const Moments& g) { return g.mean(0); });
  });
  add("variance", is_one_dimensional, [](const GenerativeModel& model, const MetricContext& c) {
    return with_model_moments(model, c, [](const Moments& g) { return g.cov(0, 0); });
  });
  add("std", is_one_dimensional, [](const GenerativeModel& model, const MetricContext& c) {
    return with_model_moments(model, c, [](const Moments& g) { return std::sqrt(std::max(0.0, g.cov(0, 0))); });
  });
  add("support", is_discrete, [](const GenerativeModel& model, const MetricContext&) {
    const Vector& q = *model.probabilities();
    return static_cast<double>(std::count_if(q.begin(), q.end(), [](double v) { return v > 0.0; }));
  });
  add("entropy", is_discrete,
      [](const GenerativeModel& model, const MetricContext&) { return entropy(*model.probabilities()); });
  add("gini_simpson", is_discrete, [](const GenerativeModel& model, const MetricContext&) {
    return 1.0 - model.probabilities()->squaredNorm();
  });
  add("tv", is_discrete, [](const GenerativeModel& model, const MetricContext& c) {
    return 0.5 * (*model.probabilities() - *c.truth.probabilities()).cwiseAbs().sum();
  });
  add("tail_mass", is_discrete, [](const GenerativeModel& model, const MetricContext& c) {
    const Vector& q = *model.probabilities();
    double mass = 0.0;
    for (const Eigen::Index k : tail_outcomes(*c.truth.probabilities())) mass += q(k);
    return mass;
  });
  add("test_mse", is_regression, [](const GenerativeModel& model, const MetricContext& c) {
    return (*model.coefficients() - *c.truth.coefficients()).squaredNorm();
  });
  return m;
}

}  // namespace

std::vector<Eigen::Index> tail_outcomes(const Vector& truth_probs, double share) {
  std::vector<Eigen::Index> order(static_cast<std::size_t>(truth_probs.size()));
  std::iota(order.begin(), order.end(), Eigen::Index{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](Eigen::Index a, Eigen::Index b) { return truth_probs(a) < truth_probs(b); });
  const double budget = share * truth_probs.sum();
  std::vector<Eigen::Index> tail;
  double mass = 0.0;
  for (const Eigen::Index k : order) {
    if (!tail.empty() && mass + truth_probs(k) > budget) break;
    tail.push_back(k);
    mass += truth_probs(k);
  }
  return tail;
}

const std::vector<std::string>& model_metric_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& metric : all_model_metrics()) out.emplace_back(metric->name());
    return out;
  }();
  return names;
}

std::unique_ptr<Metric> make_model_metric(std::string_view name) {
  for (auto& metric : all_model_metrics())
    if (metric->name() == name) return std::move(metric);
  return nullptr;
}

}  // namespace ouro
