// Truth: the real data distribution that the initial data, fresh real data and test sets come from.
//
// A truth is either a known law (gaussian, categorical, gmm, regression), with exact summaries that
// metrics and theory compare against, or a data file, whose non-test rows are the real pool and
// whose test rows are held out once per run (the same split for every replicate), or a labelled
// image data set (mnist, fashion-mnist) whose train split is the pool and t10k split the test set. A truth is
// immutable once built: sampling is const and thread-safe, with randomness from the caller's Rng.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>

#include "ouro/core/matrix.hpp"
#include "ouro/core/rng.hpp"
#include "ouro/core/samples.hpp"
#include "ouro/io/column_selection.hpp"
#include "ouro/models/generative_model.hpp"

namespace ouro {

class Config;
class CorpusTruth;

class Truth {
 public:
  virtual ~Truth() = default;

  virtual std::string_view kind() const = 0;
  // Columns of one sample (categorical: 1; regression: d + 1).
  virtual Eigen::Index dim() const = 0;

  // n real samples. File truths draw n distinct rows of the real pool (DataError if n exceeds it).
  virtual Matrix sample(std::size_t n, Rng& rng) const = 0;

  // The held-out test set. Laws draw it from `rng`; file truths return their fixed holdout.
  virtual Matrix test_set(std::size_t n, Rng& rng) const { return sample(n, rng); }

  // n real samples in the truth's own storage (what the loop trains on): real rows by default,
  // token sequences for a corpus. The same draws as sample().
  virtual Samples draw(std::size_t n, Rng& rng) const { return Samples(sample(n, rng)); }

  // Exact mean and covariance of the law (files: of the real pool). nullopt for categorical.
  virtual std::optional<Moments> moments() const { return std::nullopt; }
  // categorical: the outcome probabilities.
  virtual const Vector* probabilities() const { return nullptr; }
  // regression: the true weights w*.
  virtual const Vector* coefficients() const { return nullptr; }
  // regression: the label noise variance sigma^2 (0 for other kinds).
  virtual double noise_variance() const { return 0.0; }
  // corpus: the text truth itself (vocabulary, test sentences, rendering), for text metrics and
  // side outputs; nullptr for every other kind.
  virtual const CorpusTruth* corpus() const { return nullptr; }
  // A file truth: the file and columns it read (values empty: the rows are the truth's); else null.
  virtual const DataColumns* data_columns() const { return nullptr; }
  // Image truths (mnist, fashion-mnist): the shape and value range of every image; nullptr for the
  // other kinds. sample() and test_set() then give images as rows of shape->pixels() values, and
  // draw() gives them as labelled images.
  virtual const ImageShape* image_shape() const { return nullptr; }
  // The class label of each held-out test image, in test_set()'s row order (row i has label
  // test_labels()[i]; the span may be longer than the test set asked for); empty when unlabelled.
  virtual std::span<const std::int32_t> test_labels() const { return {}; }
  // Image truths: the whole held-out split as labelled images, in test_set()'s order; else nullptr.
  virtual const Samples* test_images() const { return nullptr; }
  // The number of classes the labels run over (labels are 0 .. classes() - 1); 0 when unlabelled.
  virtual int classes() const { return 0; }
  // Log density/mass of each row under the truth, where the law is known (files: nullopt).
  virtual std::optional<Vector> log_prob(const Matrix& x) const { (void)x; return std::nullopt; }
};

// Builds the truth described by the [truth] section; `seed` keys the truth's own randomness (w* of
// a regression truth, the test split of a file). Throws ConfigError/IoError/DataError naming the key
// or file.
std::unique_ptr<Truth> make_truth(const Config& config, std::uint64_t seed);

}  // namespace ouro
