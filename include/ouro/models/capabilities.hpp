// Capabilities: what a model family's fitted models offer, declared by the family before anything
// is fitted.
//
// Metrics, side outputs, filters and the loop ask for capabilities, never for concrete classes: a
// metric that needs the fitted distribution's moments applies to every family that declares
// `moments`, and a new family gets every metric its declarations allow without any metric
// changing. Because a family states its capabilities up front, a config is validated without
// fitting a model, and asking for a metric, filter or warm start the family cannot supply is a
// ConfigError naming the key and the family.
#pragma once

#include <string_view>

namespace ouro {

// What one sample of a family is (the encoding of a Dataset row; see dataset.hpp).
enum class SampleKind {
  kRealVector,   // a point of R^d
  kCategorical,  // an outcome index k in [0, K), stored as the single column value k
  kRegression,   // an example (x, y) stored as [x_1 .. x_d, y]
  kTokens,       // a block of token ids
  kImage,        // an image (C x H x W levels; see samples.hpp)
};

std::string_view sample_kind_name(SampleKind kind);

struct Capabilities {
  SampleKind samples = SampleKind::kRealVector;
  // GenerativeModel::log_prob() is the exact log density or mass (false for models with no
  // tractable likelihood, such as a VAE or a GAN; nll_real does not apply to them).
  bool density = true;
  // GenerativeModel::moments(): the mean and covariance of the fitted distribution over R^d.
  bool moments = false;
  // The fitted model is exactly the Gaussian of its moments (closed-form distances between laws).
  bool gaussian_law = false;
  // GenerativeModel::probabilities(): the outcome probabilities of a discrete model.
  bool probabilities = false;
  // GenerativeModel::coefficients(): the weights of a regression model.
  bool coefficients = false;
  // GenerativeModel::score_sentences(): per-token log-probabilities of token sequences
  // (what perplexity metrics need).
  bool token_scoring = false;
  // Samples are points of a feature space that the distribution metrics (Frechet, precision,
  // recall, KID, ...) compare with held-out real data; for real vectors the sample itself.
  bool feature_embedding = false;
  // fit() accepts a starting model of the same family (model.init = "previous" | "initial").
  bool warm_start = false;
  // Samples are independent draws that a filter may drop and replace with further draws. False
  // where each sample is tied to something else (a regression label to its design point).
  bool exchangeable_samples = true;
  // Two samples can be compared for exact equality (bit-equal rows), as dedup needs.
  bool exact_equality = true;
  // GenerativeModel::latent_means(): an encoder mapping samples to latent means (a VAE's), for
  // diagnostics that judge later generations' samples with generation 0's encoder (latent_std).
  bool latent_encoder = false;
  // Each sample is generated for a chosen class and carries that label (a class-conditional
  // generator's images), for diagnostics that compare it with a classifier's (label_agreement).
  bool labelled_samples = false;
  // Fits after generation 0 read the loop's generation-0 model (ModelFamily::fit's generation0):
  // a part fitted once on the original data and then frozen, as a latent diffusion model's
  // autoencoder.
  bool fits_from_generation0 = false;
};

// Where a generation's fit starts (model.init).
enum class ModelInit {
  kScratch,   // from nothing (the family's own initialisation)
  kPrevious,  // from the previous generation's model
  kInitial,   // from generation 0's model
};

}  // namespace ouro
