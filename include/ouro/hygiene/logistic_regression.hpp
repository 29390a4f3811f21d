// The synthetic-text detector's classifier: binary logistic regression over a feature matrix whose
// rows are documents, labelled 0 (people wrote it) or 1 (a model generated it)
// (docs/hygiene.md#detector-statistics-and-contamination-estimates).
//
// Features are standardised with the training set's mean and population standard deviation
// (divisor n, as scikit-learn's StandardScaler), kept in the model so that new rows are scaled the
// same way. A feature whose training values are all equal carries no information: its mean is that
// value and its scale 1, so its standardised column is exactly 0 and its weight exactly 0.
//
// The fit minimises, over the intercept b and the weights w of the standardised features z_i,
//
//   sum_i [ln(1 + exp(b + w.z_i)) - y_i (b + w.z_i)] + ||w||^2 / (2C)
//
// (scikit-learn's LogisticRegression(C=C): the intercept is not penalised) by Newton's method
// (iteratively reweighted least squares) with a backtracking line search. The objective is strictly
// convex in w for any C > 0 and the penalty keeps the optimum finite even on separable data, so
// Newton converges quadratically; the fit stops when a Newton step moves no coefficient by more
// than `tolerance` (relative to the coefficients' size).
//
// A fitted model is immutable and its scoring const.
#pragma once

#include <span>
#include <utility>

#include "ouro/core/matrix.hpp"

namespace ouro::hygiene {

struct LogisticSettings {
  double c = 1.0;             // inverse penalty strength (scikit-learn's C); > 0, finite
  double tolerance = 1e-10;   // largest Newton step, relative to 1 + the largest |coefficient|
  int max_iterations = 100;   // Newton steps (quadratic convergence needs a dozen or so)
};

class LogisticRegression {
 public:
  // Fits `features` (rows = documents) to `labels` (0 or 1, one per row). DataError when there are
  // no rows or no columns, when labels and rows differ in number, when a label is not 0 or 1, when
  // only one class is present, when a feature is NaN or infinite (naming its row and column), or when
  // Newton does not converge within max_iterations; ConfigError for C or a tolerance that is not
  // positive and finite, or max_iterations < 1.
  static LogisticRegression fit(const Matrix& features, std::span<const int> labels,
                                const LogisticSettings& settings = {});

  // A fitted model from its parameters (a saved detector): DataError unless the three vectors have
  // one equal length, every value is finite and every scale positive.
  static LogisticRegression from_parameters(Vector mean, Vector scale, Vector weights, double intercept);

  // b + w.z for the row's standardised features z: the log-odds that the document is synthetic.
  // DataError when the row's length differs from the training features' or a value is not finite.
  double decision(std::span<const double> row) const;
  // 1 / (1 + exp(-decision(row))).
  double probability(std::span<const double> row) const;

  const Vector& mean() const { return mean_; }        // per feature, from the training set
  const Vector& scale() const { return scale_; }      // population sd; 1 for a constant feature
  const Vector& weights() const { return weights_; }  // of the standardised features
  double intercept() const { return intercept_; }
  int iterations() const { return iterations_; }      // Newton steps the fit took
  Eigen::Index features() const { return mean_.size(); }

 private:
  LogisticRegression(Vector mean, Vector scale, Vector weights, double intercept, int iterations)
      : mean_(std::move(mean)), scale_(std::move(scale)), weights_(std::move(weights)), intercept_(intercept),
        iterations_(iterations) {}

  Vector mean_;
  Vector scale_;
  Vector weights_;
  double intercept_;
  int iterations_;
};

}  // namespace ouro::hygiene
