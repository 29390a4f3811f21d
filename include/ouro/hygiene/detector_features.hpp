// Features that tell text a model generated from text people wrote, computed by the project's own
// n-gram models trained on real text only (docs/hygiene.md#detector-features). A synthetic-text
// detector (a logistic regression over these features) reads them; so can a user who wants to see
// why a document was flagged.
//
// Two interpolated Kneser-Ney models of the real reference text score every document: the
// observer, of order N, and the performer, of order N-1 (a weaker model of the same text, the
// second model Binoculars needs). A document is a token stream in which kEos ends a sentence; each
// sentence is read as `<s> w.. </s>` and its T predicted tokens (words and </s>) are scored:
//
//   log_prob    (1/T) sum_t ln p(x_t | h_t)                                   (observer)
//   log_rank    (1/T) sum_t ln r_t, r_t = 1 + #{v : p(v | h_t) > p(x_t | h_t)}  (GLTR's rank)
//   entropy     (1/T) sum_t H_t, H_t = -sum_v p(v | h_t) ln p(v | h_t)
//   curvature   sum_t (ln p(x_t | h_t) - mu_t) / sqrt(sum_t s_t^2), mu_t = -H_t and
//               s_t^2 = sum_v p (ln p)^2 - mu_t^2: Fast-DetectGPT's conditional probability
//               curvature, exact here because the model's own conditionals are the sampling law
//               (0 when every conditional is degenerate)
//   binoculars  [-(1/T) sum_t ln p(x_t | h_t)] / [(1/T) sum_t sum_v q(v | h_t) (-ln p(v | h_t))]:
//               log-perplexity over the cross-perplexity of performer q against observer p
//   distinct_2  distinct bigrams / bigrams of the document's tokens (</s> included; 1 below two
//               tokens)
//   repetition  share of 4-grams that repeat an earlier 4-gram of the document (0 below four tokens)
//
// Text a model sampled has higher log_prob, lower log_rank and a curvature near its own mean 0
// only when the observer is that model; real text sits below the model's expectation (negative
// curvature is rare for samples, common for people's text under a smoothed model).
#pragma once

#include <span>
#include <string>
#include <vector>

#include "ouro/text/kneser_ney.hpp"

namespace ouro::hygiene {

struct ReferenceModels {
  text::KneserNey observer;   // order N
  text::KneserNey performer;  // order N - 1

  // Both models of `sentences` (token ids without boundary markers) over `vocab_size` ids;
  // order in [3, 6] (the performer needs an order of at least 2).
  static ReferenceModels train(std::span<const std::vector<text::TokenId>> sentences, int order,
                               std::size_t vocab_size);
};

// The features' names, in the order document_features returns them.
const std::vector<std::string>& detector_feature_names();

// The features of one document (kEos ends each sentence; a trailing fragment is a sentence too).
// DataError when the document holds no token at all, or an id outside the models' vocabulary.
std::vector<double> document_features(std::span<const text::TokenId> document, const ReferenceModels& models);

}  // namespace ouro::hygiene
