// The distribution metrics by name (see distribution_metrics.hpp).
#include "ouro/metrics/distribution/distribution_metrics.hpp"

#include <algorithm>
#include <limits>
#include <optional>

#include "ouro/core/error.hpp"
#include "ouro/metrics/distribution/frechet.hpp"
#include "ouro/metrics/distribution/kid.hpp"
#include "ouro/metrics/distribution/manifold.hpp"
#include "ouro/metrics/distribution/sample_checks.hpp"
#include "ouro/metrics/distribution/wasserstein.hpp"

namespace ouro {
namespace {

using Index = Eigen::Index;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

bool is_manifold(std::string_view name) { return is_manifold_metric(name); }

bool contains(std::span<const std::string> names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// The stream block of a metric's randomness: its position in the name table, plus one.
std::uint64_t stream_block(std::string_view name) {
  const auto& names = distribution_metric_names();
  return static_cast<std::uint64_t>(std::find(names.begin(), names.end(), name) - names.begin()) + 1;
}

double manifold_value(std::string_view name, const ManifoldMetrics& m) { return manifold_metric_value(name, m); }

DistributionValue compute_one(std::string_view name, const Matrix& real, const Matrix& generated,
                              const DistributionSettings& s, Rng& rng, const ManifoldMetrics* manifold) {
  DistributionValue out{std::string(name), 0, kNaN};
  if (name == "frechet") {
    out.value = frechet_distance(real, generated, s.threads);
  } else if (is_manifold(name)) {
    if (manifold) {
      out.value = manifold_value(name, *manifold);
    } else {
      out.value = manifold_value(name, manifold_metrics(real, generated, s.k, s.threads, name == "recall"));
    }
  } else if (name == "kid") {
    const KidResult k = kid(real, generated, s.kid_subsets, s.kid_subset_size, rng, s.threads);
    out.value = k.value;
    out.standard_error = k.standard_error;
  } else if (name == "w1") {
    out.value = wasserstein1(real, generated);
  } else if (name == "w2_empirical") {
    out.value = wasserstein2(real, generated);
  } else if (name == "sliced_w2") {
    out.value = sliced_wasserstein2(real, generated, s.projections, rng, s.threads);
  } else {
    throw DataError(fmt::format("unknown distribution metric '{}'", name));
  }
  return out;
}

}  // namespace

const std::vector<std::string>& distribution_metric_names() {
  static const std::vector<std::string> names = {"frechet", "precision", "recall",       "density",  "coverage",
                                                 "kid",     "w1",        "w2_empirical", "sliced_w2"};
  return names;
}

bool is_distribution_metric(std::string_view name) { return contains(distribution_metric_names(), name); }

bool distribution_metric_applies(std::string_view name, Index dim) {
  if (name == "w1" || name == "w2_empirical") return dim == 1;
  return is_distribution_metric(name) && dim >= 1;
}

void check_distribution_inputs(std::span<const std::string> names, const Matrix& real, std::string_view real_label,
                               const Matrix& generated, std::string_view generated_label,
                               const DistributionSettings& settings) {
  for (const auto& name : names)
    OURO_CHECK(is_distribution_metric(name), DataError, "unknown distribution metric '{}'", name);
  check_sample_pair(real, real_label, generated, generated_label, 1);
  const Index k = settings.k;
  const bool any_manifold = std::any_of(names.begin(), names.end(), [](const auto& n) { return is_manifold(n); });
  if (any_manifold) {
    OURO_CHECK(k >= 1, DataError, "k = {} but the k-NN metrics need k >= 1", k);
    const std::string need = fmt::format("k-NN radii with k = {} need more than {} rows", k, k);
    check_samples(real, real_label, k + 1, need);
    if (contains(names, "recall")) check_samples(generated, generated_label, k + 1, need + " (recall)");
  }
  for (const char* two_rows : {"frechet", "kid"}) {
    if (!contains(names, two_rows)) continue;
    const std::string need = fmt::format("{} needs at least 2 rows", two_rows);
    check_samples(real, real_label, 2, need);
    check_samples(generated, generated_label, 2, need);
  }
  for (const char* one_dim : {"w1", "w2_empirical"}) {
    OURO_CHECK(!contains(names, one_dim) || real.cols() == 1, DataError,
               "{} compares one-dimensional samples, but {} has {} columns (sliced_w2 works in any dimension)",
               one_dim, real_label, real.cols());
  }
}

std::vector<DistributionValue> compute_distribution_metrics(std::span<const std::string> names, const Matrix& real,
                                                            const Matrix& generated,
                                                            const DistributionSettings& settings,
                                                            std::uint64_t seed) {
  std::optional<ManifoldMetrics> manifold;
  if (std::count_if(names.begin(), names.end(), [](const auto& n) { return is_manifold(n); }) > 1)
    manifold = manifold_metrics(real, generated, settings.k, settings.threads, contains(names, "recall"));
  std::vector<DistributionValue> values;
  for (const auto& name : names) {
    Rng rng(seed, {Purpose::kMetric, 0, 0, stream_block(name)});
    values.push_back(compute_one(name, real, generated, settings, rng, manifold ? &*manifold : nullptr));
  }
  return values;
}

DistributionValue compute_distribution_metric(std::string_view name, const Matrix& real, const Matrix& generated,
                                              const DistributionSettings& settings, Rng& rng) {
  return compute_one(name, real, generated, settings, rng, nullptr);
}

}  // namespace ouro
