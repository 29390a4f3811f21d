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
// of a regression, `score_sentences()` of a language model) and nullopt/nullptr otherwise, so
// metrics never need a family's internals. The family declares up front which views its models
// fill (Capabilities), so that a run is validated before anything is fitted.
//
// Warm starts: fit() may be handed a starting model of the same family (the previous generation's
// or generation 0's), which a family declaring Capabilities::warm_start continues from, as a
// fine-tuning loop does; the others refuse one.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ouro/core/matrix.hpp"
#include "ouro/core/rng.hpp"
#include "ouro/core/samples.hpp"
#include "ouro/models/capabilities.hpp"

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
// The log-probability a language model gives token sequences, and the tokens it predicted.
struct TokenScore {
  double log_prob = 0.0;  // natural log
  std::size_t tokens = 0;
  double perplexity() const;
};

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

  // n samples with sampling bias `bias` (lambda in (0, 1]; 1 samples the fitted model as is), as
  // real rows (token models: ids padded with -1).
  virtual Matrix sample(std::size_t n, double bias, Rng& rng) const = 0;
  // The same draws in the family's own storage (Capabilities::samples): what the loop keeps.
  virtual Samples draw(std::size_t n, double bias, Rng& rng) const { return Samples(sample(n, bias, rng)); }

  // log p(row) for every row of x.
  virtual Vector log_prob(const Matrix& x) const = 0;

  // Mean of log_prob over the test rows. The default averages log_prob; families with sufficient
  // statistics override it with an exact closed form.
  virtual double mean_log_prob(const TestSet& test) const;

  virtual std::optional<Moments> moments() const { return std::nullopt; }
  virtual const Vector* probabilities() const { return nullptr; }
  virtual const Vector* coefficients() const { return nullptr; }
  // Sentences of token ids (vocabulary ids, without <s> or </s>), each scored as `<s> w.. </s>`:
  // </s> counted, <s> not. Declared by Capabilities::token_scoring.
  virtual std::optional<TokenScore> score_sentences(std::span<const std::vector<std::uint32_t>> sentences) const {
    (void)sentences;
    return std::nullopt;
  }
  // Each token sequence's score as the model generated it (started at <s>, </s> counted where it
  // occurs). Declared by Capabilities::token_scoring.
  virtual std::optional<std::vector<TokenScore>> score_sequences(const Samples& sequences) const {
    (void)sequences;
    return std::nullopt;
  }

  // The encoder's latent means of `images`, one row each (Capabilities::latent_encoder).
  virtual std::optional<Matrix> latent_means(const Samples& images) const {
    (void)images;
    return std::nullopt;
  }

  // The model's exact parameters as bytes, so that a loop warm-starting from it can be
  // checkpointed and resumed to the same results (families declaring warm_start; empty otherwise).
  virtual std::string encode() const { return {}; }
};

class ModelFamily {
 public:
  virtual ~ModelFamily() = default;

  virtual std::string_view name() const = 0;

  // What this family's models offer (see capabilities.hpp).
  virtual Capabilities capabilities() const = 0;

  // Fits a model to the rows of `data`, continuing from `start` when given (a model this family
  // fitted; only for families declaring warm_start, DataError otherwise). `generation0` is the
  // loop's generation-0 model for fits after generation 0 of families declaring
  // fits_from_generation0 (what they keep from it, such as a frozen autoencoder), null otherwise.
  // Throws DataError when the data cannot support a fit (too few rows for the dimension, NaN, a
  // wrong encoding), naming the problem.
  std::unique_ptr<GenerativeModel> fit(const Samples& data, Rng& rng, const GenerativeModel* start = nullptr,
                                       const GenerativeModel* generation0 = nullptr) const;
  // The same, on real rows (a copy; the loop fits Samples).
  std::unique_ptr<GenerativeModel> fit(const Matrix& data, Rng& rng, const GenerativeModel* start = nullptr) const {
    return fit(Samples(data), rng, start);
  }

  // The fewest training rows this family can fit in `dim` sample columns; the loop checks its
  // sizes against it before running, so impossible settings fail at once with the key named.
  virtual std::size_t min_samples(Eigen::Index dim) const = 0;

  // The inverse of GenerativeModel::encode for this family's models (DataError naming what is
  // wrong with malformed bytes). Families without warm starts have nothing to decode.
  virtual std::unique_ptr<GenerativeModel> decode(std::string_view bytes) const;

 protected:
  // fit() after its checks: `start` is null or a model of this family, and only when warm_start;
  // `generation0` likewise, and only when fits_from_generation0.
  virtual std::unique_ptr<GenerativeModel> fit_model(const Samples& data, Rng& rng,
                                                     const GenerativeModel* start,
                                                     const GenerativeModel* generation0) const = 0;
};

// log_prob() of a token model (Capabilities::token_scoring): each row of ids padded with -1 scored
// as the model generated it, the log-probability of its score_sequences().
Vector padded_sequence_log_probs(const GenerativeModel& model, const Matrix& rows);

// Reads model.init; a value other than "scratch" for a family without warm starts is a ConfigError
// naming the key and the family.
ModelInit model_init(const Config& config, const ModelFamily& family);

// Builds the family named by `model.family`, validating its settings against the truth (a
// categorical model needs a categorical truth, a regression model a regression truth).
std::unique_ptr<ModelFamily> make_family(const Config& config, const Truth& truth);

}  // namespace ouro
