// Logistic regression by Newton's method (the objective and conventions are in
// logistic_regression.hpp).
#include "ouro/hygiene/logistic_regression.hpp"

#include <algorithm>
#include <cmath>

#include "ouro/core/error.hpp"

namespace ouro::hygiene {
namespace {

// ln(1 + e^x) without overflow for large x or loss of the small term for very negative x.
double softplus(double x) { return std::max(x, 0.0) + std::log1p(std::exp(-std::abs(x))); }

double sigmoid(double x) {
  if (x >= 0.0) return 1.0 / (1.0 + std::exp(-x));
  const double e = std::exp(x);
  return e / (1.0 + e);
}

// The penalised negative log-likelihood at coefficients beta = (b, w) for the design z = [1 | Z].
double objective(const Matrix& z, const Vector& y, const Vector& beta, double c) {
  const Vector eta = z * beta;
  double f = 0.0;
  for (Eigen::Index i = 0; i < eta.size(); ++i) f += softplus(eta[i]) - y[i] * eta[i];
  return f + beta.tail(beta.size() - 1).squaredNorm() / (2.0 * c);
}

}  // namespace

LogisticRegression LogisticRegression::fit(const Matrix& features, std::span<const int> labels,
                                           const LogisticSettings& settings) {
  OURO_CHECK(std::isfinite(settings.c) && settings.c > 0.0, ConfigError,
             "logistic regression: C must be positive and finite, got {}", settings.c);
  OURO_CHECK(std::isfinite(settings.tolerance) && settings.tolerance > 0.0, ConfigError,
             "logistic regression: the tolerance must be positive and finite, got {}", settings.tolerance);
  OURO_CHECK(settings.max_iterations >= 1, ConfigError,
             "logistic regression: max_iterations must be at least 1, got {}", settings.max_iterations);
  const Eigen::Index n = features.rows(), d = features.cols();
  OURO_CHECK(n > 0 && d > 0, DataError, "logistic regression: the feature matrix is empty ({} rows, {} columns)", n,
             d);
  OURO_CHECK(static_cast<std::size_t>(n) == labels.size(), DataError,
             "logistic regression: {} feature rows but {} labels", n, labels.size());
  std::size_t positives = 0;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    OURO_CHECK(labels[i] == 0 || labels[i] == 1, DataError,
               "logistic regression: label {} of row {} is not 0 (real) or 1 (synthetic)", labels[i], i);
    positives += static_cast<std::size_t>(labels[i]);
  }
  OURO_CHECK(positives > 0 && positives < labels.size(), DataError,
             "logistic regression: the labels hold one class only ({} of {} rows synthetic); both are needed",
             positives, labels.size());
  for (Eigen::Index i = 0; i < n; ++i)
    for (Eigen::Index j = 0; j < d; ++j)
      OURO_CHECK(std::isfinite(features(i, j)), DataError,
                 "logistic regression: feature {} of row {} is {}; features must be finite", j, i, features(i, j));

  Vector mean(d), scale(d);
  for (Eigen::Index j = 0; j < d; ++j) {
    const auto column = features.col(j);
    if (column.minCoeff() == column.maxCoeff()) {
      // Taking the value itself as the mean (not sum / n, which can round away from it) makes the
      // standardised column exactly 0.
      mean[j] = column[0];
      scale[j] = 1.0;
      continue;
    }
    mean[j] = column.mean();
    scale[j] = std::sqrt((column.array() - mean[j]).square().sum() / static_cast<double>(n));
  }
  Matrix z(n, d + 1);
  z.col(0).setOnes();
  for (Eigen::Index j = 0; j < d; ++j) z.col(j + 1) = (features.col(j).array() - mean[j]) / scale[j];
  Vector y(n);
  for (Eigen::Index i = 0; i < n; ++i) y[i] = labels[static_cast<std::size_t>(i)];

  const double c = settings.c;
  Vector beta = Vector::Zero(d + 1);
  double f = objective(z, y, beta, c);
  for (int iteration = 1; iteration <= settings.max_iterations; ++iteration) {
    const Vector eta = z * beta;
    Vector residual(n), curvature(n);
    for (Eigen::Index i = 0; i < n; ++i) {
      const double p = sigmoid(eta[i]);
      residual[i] = p - y[i];
      curvature[i] = p * (1.0 - p);
    }
    Vector gradient = z.transpose() * residual;
    gradient.tail(d) += beta.tail(d) / c;
    Matrix hessian = z.transpose() * curvature.asDiagonal() * z;
    hessian.diagonal().tail(d).array() += 1.0 / c;
    const Eigen::LDLT<Matrix> solver(hessian);
    OURO_CHECK(solver.info() == Eigen::Success && solver.isPositive(), DataError,
               "logistic regression: the Hessian is not positive definite at Newton step {} (every "
               "probability saturated at 0 or 1)",
               iteration);
    const Vector step = -solver.solve(gradient);
    const double size = step.cwiseAbs().maxCoeff();
    if (size <= settings.tolerance * (1.0 + beta.cwiseAbs().maxCoeff())) {
      beta += step;
      const Vector w = beta.tail(d);
      return LogisticRegression(std::move(mean), std::move(scale), w, beta[0], iteration);
    }
    // Backtracking (Armijo) keeps early steps from overshooting where the loss is far from
    // quadratic. Once the predicted decrease is at rounding level of the objective, comparing
    // objectives decides nothing, and the full Newton step is taken.
    const double decrease = -gradient.dot(step);
    double t = 1.0;
    if (decrease > 1e-9 * (1.0 + std::abs(f))) {
      for (;;) {
        const double candidate = objective(z, y, beta + t * step, c);
        if (candidate <= f - 1e-4 * t * decrease) {
          f = candidate;
          break;
        }
        t *= 0.5;
        OURO_CHECK(t > 1e-12, DataError,
                   "logistic regression: the line search found no decrease at Newton step {} (step size {})",
                   iteration, size);
      }
      beta += t * step;
    } else {
      beta += step;
      f = objective(z, y, beta, c);
    }
  }
  throw DataError(fmt::format(
      "logistic regression: Newton's method did not converge to tolerance {} within {} steps (C = {})",
      settings.tolerance, settings.max_iterations, c));
}

double LogisticRegression::decision(std::span<const double> row) const {
  OURO_CHECK(static_cast<Eigen::Index>(row.size()) == mean_.size(), DataError,
             "logistic regression: a row of {} features, but the model was fitted on {}", row.size(), mean_.size());
  double eta = intercept_;
  for (std::size_t j = 0; j < row.size(); ++j) {
    OURO_CHECK(std::isfinite(row[j]), DataError, "logistic regression: feature {} of the row is {}", j, row[j]);
    const auto k = static_cast<Eigen::Index>(j);
    eta += weights_[k] * (row[j] - mean_[k]) / scale_[k];
  }
  return eta;
}

double LogisticRegression::probability(std::span<const double> row) const { return sigmoid(decision(row)); }

LogisticRegression LogisticRegression::from_parameters(Vector mean, Vector scale, Vector weights, double intercept) {
  OURO_CHECK(mean.size() > 0 && scale.size() == mean.size() && weights.size() == mean.size(), DataError,
             "logistic regression: {} means, {} scales and {} weights; expected one of each per feature",
             mean.size(), scale.size(), weights.size());
  OURO_CHECK(mean.allFinite() && weights.allFinite() && std::isfinite(intercept), DataError,
             "logistic regression: a mean, weight or the intercept is not finite");
  OURO_CHECK(scale.allFinite() && (scale.array() > 0.0).all(), DataError,
             "logistic regression: every scale must be positive and finite");
  return LogisticRegression(std::move(mean), std::move(scale), std::move(weights), intercept, 0);
}

}  // namespace ouro::hygiene
