// GenerativeModel and ModelFamily: the interface between the loop engine and a model family.
//
// A ModelFamily holds a family's settings (estimator, smoothing, bandwidth rule, ...) and fits
// models; a GenerativeModel is the immutable result of one fit. Because a fitted model never
// changes, sampling and scoring are const and safe to call from several threads at once; all
// randomness comes in through the caller's Rng, so the caller decides which stream is used.
//
// Shapes: a sample is one row (see Dataset for each family's encoding). `sample(n, ...)` returns an
// n x dim() matrix; `log_prob(x)` returns one value per row of x (natural log of the density, or of
// the mass for discrete families; -inf where the model gives the row no mass).
//
// Summaries for metrics are optional views: a family returns what it can describe exactly
// (`moments()` of the fitted distribution, `probabilities()` of a discrete model, `coefficients()`
// of a regression) and nullopt/nullptr otherwise, so metrics never need a family's internals.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string_view>

#include "ouro/core/matrix.hpp"
#include "ouro/core/rng.hpp"

namespace ouro {

class Config;
class Truth;

// Mean and covariance of a distribution over R^d.
struct Moments {
  Vector mean;
  Matrix cov;
};

// Held-out real samples with statistics computed once, so that families with sufficient statistics
// can score the whole set in O(d^3) instead of O(n d^2).
struct TestSet {
  Matrix x;
  Vector mean;         // column means
  Matrix scatter;      // (1/n) sum (x_i - mean)(x_i - mean)^T
  static TestSet from(Matrix x);
};

class GenerativeModel {
 public:
  virtual ~GenerativeModel() = default;

  virtual std::string_view family() const = 0;
  // Columns of one sample.
  virtual Eigen::Index dim() const = 0;

  // n samples with sampling bias `bias` (lambda in (0, 1]; 1 samples the fitted model as is).
  virtual Matrix sample(std::size_t n, double bias, Rng& rng) const = 0;

  // log p(row) for every row of x.
  virtual Vector log_prob(const Matrix& x) const = 0;

  // Mean of log_prob over the test rows. The default averages log_prob; families with sufficient
  // statistics override it with an exact closed form.
  virtual double mean_log_prob(const TestSet& test) const;

  virtual std::optional<Moments> moments() const { return std::nullopt; }
  virtual const Vector* probabilities() const { return nullptr; }
  virtual const Vector* coefficients() const { return nullptr; }
};

class ModelFamily {
 public:
  virtual ~ModelFamily() = default;

  virtual std::string_view name() const = 0;

  // Fits a model to the rows of `data`. Throws DataError when the data cannot support a fit (too
  // few rows for the dimension, NaN, a wrong encoding), naming the problem.
  virtual std::unique_ptr<GenerativeModel> fit(const Matrix& data, Rng& rng) const = 0;

  // The fewest training rows this family can fit in `dim` sample columns; the loop checks its
  // sizes against it before running, so impossible settings fail at once with the key named.
  virtual std::size_t min_samples(Eigen::Index dim) const = 0;
};

// Builds the family named by `model.family`, validating its settings against the truth (a
// categorical model needs a categorical truth, a regression model a regression truth).
std::unique_ptr<ModelFamily> make_family(const Config& config, const Truth& truth);

}  // namespace ouro
