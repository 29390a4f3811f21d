// Reward: the score r(x) that curation and quality filters rank synthetic samples by.
//
// Three forms, chosen by the [[filter]] table's `reward` keys and checked against the family's
// samples:
//  - per outcome (categorical samples): `reward = [r_0, ..., r_{K-1}]`, r(k) = r_k;
//  - linear (real vectors): `reward = { linear = [w...], offset = b }`, r(x) = w.x + b;
//  - centre (real vectors): `reward = { center = [c...], scale = s }`, r(x) = -||x - c||^2 / s.
// A reward is immutable and evaluated row by row, so filters may score candidates in any order.
#pragma once

#include <cstddef>
#include <string>

#include "ouro/core/matrix.hpp"
#include "ouro/models/capabilities.hpp"

namespace ouro {

class Config;
class Truth;

class Reward {
 public:
  enum class Form { kPerOutcome, kLinear, kCenter };

  static Reward per_outcome(Vector rewards);
  static Reward linear(Vector weights, double offset);
  static Reward center(Vector center, double scale);

  // The reward of the [[filter]] table whose keys start with `prefix` ("filter.0"), checked
  // against the family's samples and the truth's dimension or outcome count; ConfigError naming
  // the key otherwise. `family_name` names the family in messages.
  static Reward from_config(const Config& config, const std::string& prefix, const Capabilities& family,
                            std::string_view family_name, const Truth& truth);

  Form form() const { return form_; }
  // r(row). A categorical row holds its outcome index in column 0.
  double operator()(const Eigen::Ref<const Eigen::RowVectorXd>& row) const;
  // r of every row of `rows`.
  Vector of_rows(const Matrix& rows) const;
  // per outcome: the rewards r_k (the exact curation theory reads them).
  const Vector& outcome_rewards() const { return coefficients_; }

 private:
  Reward(Form form, Vector coefficients, double scalar) : form_(form), coefficients_(std::move(coefficients)), scalar_(scalar) {}

  Form form_;
  Vector coefficients_;  // rewards per outcome, weights w, or centre c
  double scalar_;        // offset b, or scale s
};

}  // namespace ouro
