// Rewards of curation and quality filters: see reward.hpp.
#include "ouro/filters/reward.hpp"

#include <cmath>

#include <fmt/format.h>

#include "ouro/core/config.hpp"
#include "ouro/core/error.hpp"
#include "ouro/models/truth.hpp"

namespace ouro {
namespace {

Vector to_vector(const std::vector<double>& values) {
  return Eigen::Map<const Vector>(values.data(), static_cast<Eigen::Index>(values.size()));
}

}  // namespace

Reward Reward::per_outcome(Vector rewards) { return Reward(Form::kPerOutcome, std::move(rewards), 0.0); }
Reward Reward::linear(Vector weights, double offset) { return Reward(Form::kLinear, std::move(weights), offset); }
Reward Reward::center(Vector center, double scale) {
  OURO_CHECK(scale > 0.0, ConfigError, "reward scale must be > 0, got {}", scale);
  return Reward(Form::kCenter, std::move(center), scale);
}

Reward Reward::from_config(const Config& config, const std::string& prefix, const Capabilities& family,
                           std::string_view family_name, const Truth& truth) {
  const std::string list_key = prefix + ".reward";
  const std::string linear_key = prefix + ".reward.linear";
  const std::string center_key = prefix + ".reward.center";
  const std::string kind_key = prefix + ".kind";
  const bool has_list = config.has(list_key);
  const bool has_linear = config.has(linear_key);
  const bool has_center = config.has(center_key);

  if (family.samples == SampleKind::kCategorical) {
    if (!has_list) {
      config.fail(kind_key, fmt::format("a {} model's samples are outcomes: give one reward per outcome, "
                                        "reward = [r_0, ..., r_(K-1)] with K = {}",
                                        family_name, truth.probabilities()->size()));
    }
    if (has_linear || has_center) {
      config.fail(has_linear ? linear_key : center_key,
                  "a categorical model's reward is a list of one value per outcome, not a table");
    }
    const std::vector<double>& values = config.reals(list_key);
    const auto outcomes = static_cast<std::size_t>(truth.probabilities()->size());
    if (values.size() != outcomes) {
      config.fail(list_key, fmt::format("expected one reward per outcome: {} values for the truth's {} outcomes",
                                        values.size(), outcomes));
    }
    for (const double v : values)
      if (!std::isfinite(v)) config.fail(list_key, "rewards must be finite");
    return per_outcome(to_vector(values));
  }

  if (family.samples == SampleKind::kRealVector) {
    if (has_list) {
      config.fail(list_key, fmt::format("a {} model's samples are vectors: write reward = {{ linear = [w...], "
                                        "offset = b }} or reward = {{ center = [c...], scale = s }}", family_name));
    }
    if (has_linear == has_center) {
      config.fail(kind_key, has_linear ? "give reward.linear or reward.center, not both"
                                       : fmt::format("a {} model's samples are vectors: give reward = {{ linear = "
                                                     "[w...], offset = b }} or reward = {{ center = [c...], scale = s }}",
                                                     family_name));
    }
    const std::string& key = has_linear ? linear_key : center_key;
    const std::vector<double>& values = config.reals(key);
    if (static_cast<Eigen::Index>(values.size()) != truth.dim()) {
      config.fail(key, fmt::format("expected {} values, one per dimension of the samples; got {}", truth.dim(),
                                   values.size()));
    }
    for (const double v : values)
      if (!std::isfinite(v)) config.fail(key, "reward coefficients must be finite");
    if (has_linear) return linear(to_vector(values), config.real(prefix + ".reward.offset"));
    return center(to_vector(values), config.real(prefix + ".reward.scale"));
  }

  config.fail(kind_key, fmt::format("a {} model's samples are {} samples, which no reward form scores (rewards "
                                    "score categorical outcomes and real vectors)",
                                    family_name, sample_kind_name(family.samples)));
}

double Reward::operator()(const Eigen::Ref<const Eigen::RowVectorXd>& row) const {
  switch (form_) {
    case Form::kPerOutcome: {
      const auto k = static_cast<Eigen::Index>(row(0));
      OURO_CHECK(k >= 0 && k < coefficients_.size() && row(0) == static_cast<double>(k), DataError,
                 "reward: outcome {} outside the {} rewarded outcomes", row(0), coefficients_.size());
      return coefficients_(k);
    }
    case Form::kLinear:
      OURO_CHECK(row.size() == coefficients_.size(), DataError, "reward: a sample of {} values for {} weights",
                 row.size(), coefficients_.size());
      return row.dot(coefficients_.transpose()) + scalar_;
    case Form::kCenter:
      OURO_CHECK(row.size() == coefficients_.size(), DataError, "reward: a sample of {} values for a centre of {}",
                 row.size(), coefficients_.size());
      return -(row - coefficients_.transpose()).squaredNorm() / scalar_;
  }
  return 0.0;
}

Vector Reward::of_rows(const Matrix& rows) const {
  Vector out(rows.rows());
  for (Eigen::Index i = 0; i < rows.rows(); ++i) out(i) = (*this)(rows.row(i));
  return out;
}

}  // namespace ouro
