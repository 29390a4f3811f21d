// The categorical family: see categorical.hpp for the encoding, smoothing and temperature rules.
#include "ouro/models/categorical.hpp"

#include <cmath>
#include <limits>
#include <vector>

#include "model_checks.hpp"
#include "ouro/core/error.hpp"
#include "ouro/models/alias_table.hpp"

namespace ouro {
namespace {

// The outcome index held by row `row` of x, or a DataError naming the row and its value.
Eigen::Index outcome_at(const Matrix& x, Eigen::Index row, Eigen::Index outcomes, std::string_view what) {
  const double value = x(row, 0);
  const bool valid = std::isfinite(value) && value >= 0.0 && value < static_cast<double>(outcomes) &&
                     value == std::floor(value);
  OURO_CHECK(valid, DataError, "{}: row {} holds {}, expected an outcome index (an integer in [0, {}))", what, row,
             value, outcomes);
  return static_cast<Eigen::Index>(value);
}

class Categorical final : public GenerativeModel {
 public:
  explicit Categorical(Vector p) : p_(std::move(p)), log_p_(p_.array().log().matrix()) {}

  std::string_view family() const override { return "categorical"; }
  Eigen::Index dim() const override { return 1; }

  Matrix sample(std::size_t n, double bias, Rng& rng) const override {
    detail::check_bias(bias, "categorical");
    const AliasTable table(bias == 1.0 ? p_ : tempered(bias));
    Matrix out(static_cast<Eigen::Index>(n), 1);
    double* data = out.data();
    for (std::size_t i = 0; i < n; ++i) data[i] = table.draw(rng);
    return out;
  }

  Vector log_prob(const Matrix& x) const override {
    detail::check_columns(x, 1, "categorical log_prob");
    Vector out(x.rows());
    for (Eigen::Index i = 0; i < x.rows(); ++i) out(i) = log_p_(outcome_at(x, i, p_.size(), "categorical log_prob"));
    return out;
  }

  const Vector* probabilities() const override { return &p_; }

 private:
  // p^(1/lambda) up to a constant, computed as exp((log p_k - log p_max) / lambda) so that small
  // lambda cannot underflow every weight; log 0 = -inf maps to weight 0.
  Vector tempered(double bias) const {
    const double top = log_p_.maxCoeff();
    return ((log_p_.array() - top) / bias).exp().matrix();
  }

  Vector p_;
  Vector log_p_;
};

}  // namespace

CategoricalFamily::CategoricalFamily(Eigen::Index outcomes, double smoothing)
    : outcomes_(outcomes), smoothing_(smoothing) {
  OURO_CHECK(outcomes >= 1, DataError, "categorical family: needs at least 1 outcome, got {}", outcomes);
  OURO_CHECK(std::isfinite(smoothing) && smoothing >= 0.0, DataError,
             "categorical family: smoothing must be a finite number >= 0, got {}", smoothing);
}

std::size_t CategoricalFamily::min_samples(Eigen::Index dim) const {
  (void)dim;
  return 1;
}

std::unique_ptr<GenerativeModel> CategoricalFamily::fit_model(const Samples& samples, Rng& rng,
                                                              const GenerativeModel* /*start*/,
                                                              const GenerativeModel* /*generation0*/) const {
  const Matrix& data = samples.real();
  (void)rng;
  detail::check_fit_input(data, 1, 1, "categorical fit", "");
  Vector p = Vector::Constant(outcomes_, smoothing_);
  for (Eigen::Index i = 0; i < data.rows(); ++i) p(outcome_at(data, i, outcomes_, "categorical fit")) += 1.0;
  p /= static_cast<double>(data.rows()) + static_cast<double>(outcomes_) * smoothing_;
  return std::make_unique<Categorical>(std::move(p));
}

std::unique_ptr<GenerativeModel> make_categorical_model(Vector p) {
  OURO_CHECK(p.size() >= 1 && p.allFinite() && (p.array() >= 0.0).all() && p.sum() > 0.0, DataError,
             "categorical model: probabilities must be finite, non-negative and not all 0");
  p /= p.sum();
  return std::make_unique<Categorical>(std::move(p));
}

}  // namespace ouro
