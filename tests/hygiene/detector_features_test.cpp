// The detector's features: each against a recomputation from KneserNey::prob (a separate code
// path from the full distributions the features use), log_prob against KneserNey::score, and the
// curvature's defining property: on documents the observer itself sampled it is a standardised
// sum, mean 0 and standard deviation 1.
#include "ouro/hygiene/detector_features.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "ouro/core/error.hpp"
#include "ouro/core/rng.hpp"

namespace ouro::hygiene {
namespace {

using text::TokenId;

constexpr std::size_t kVocab = 12;  // ids 3..11 are words

// Sentences of a skewed first-order chain over ids 3..11: a word tends to be followed by the next.
std::vector<std::vector<TokenId>> chain_corpus(std::size_t sentences, Rng& rng) {
  std::vector<std::vector<TokenId>> out;
  for (std::size_t s = 0; s < sentences; ++s) {
    std::vector<TokenId> sentence;
    TokenId word = 3 + static_cast<TokenId>(rng.below(9));
    const std::size_t length = 3 + rng.below(8);
    for (std::size_t k = 0; k < length; ++k) {
      sentence.push_back(word);
      word = rng.uniform() < 0.6 ? 3 + (word - 3 + 1) % 9 : 3 + static_cast<TokenId>(rng.below(9));
    }
    out.push_back(sentence);
  }
  return out;
}

const ReferenceModels& models() {
  static const ReferenceModels m = [] {
    Rng rng(1, {Purpose::kUser, 0, 0, 0});
    return ReferenceModels::train(chain_corpus(400, rng), 3, kVocab);
  }();
  return m;
}

// The features recomputed token by token from prob(): p(v | h) for every v.
std::vector<double> features_from_prob(const std::vector<std::vector<TokenId>>& sentences) {
  double log_prob = 0, log_rank = 0, entropy = 0, variance = 0, cross = 0, t = 0;
  for (const auto& sentence : sentences) {
    std::vector<TokenId> history{text::kBos}, targets = sentence;
    targets.push_back(text::kEos);
    for (const TokenId x : targets) {
      double h = 0, second = 0, c = 0, above = 0;
      const double px = models().observer.prob(history, x);
      for (TokenId v = 0; v < kVocab; ++v) {
        if (v == text::kBos) continue;
        const double p = models().observer.prob(history, v), q = models().performer.prob(history, v);
        h -= p * std::log(p);
        second += p * std::log(p) * std::log(p);
        c -= q * std::log(p);
        above += p > px;
      }
      log_prob += std::log(px);
      log_rank += std::log(1 + above);
      entropy += h;
      variance += second - h * h;
      cross += c;
      t += 1;
      history.push_back(x);
    }
  }
  return {log_prob / t, log_rank / t, entropy / t, (log_prob + entropy) / std::sqrt(variance),
          (-log_prob / t) / (cross / t)};
}

std::vector<TokenId> stream_of(const std::vector<std::vector<TokenId>>& sentences, bool trailing_eos = true) {
  std::vector<TokenId> stream;
  for (std::size_t s = 0; s < sentences.size(); ++s) {
    stream.insert(stream.end(), sentences[s].begin(), sentences[s].end());
    if (trailing_eos || s + 1 < sentences.size()) stream.push_back(text::kEos);
  }
  return stream;
}

TEST(DetectorFeatures, EqualTheirDefinitionsRecomputedFromTokenProbabilities) {
  Rng rng(2, {Purpose::kUser, 0, 0, 0});
  const auto document = chain_corpus(3, rng);
  const std::vector<double> got = document_features(stream_of(document), models());
  ASSERT_EQ(got.size(), detector_feature_names().size());
  const std::vector<double> want = features_from_prob(document);
  for (std::size_t i = 0; i < want.size(); ++i)
    EXPECT_NEAR(got[i], want[i], 1e-10 * (1 + std::abs(want[i]))) << detector_feature_names()[i];
  // A trailing sentence without </s> is scored as if it had one (the token statistics count the
  // document's own tokens, so they differ).
  const std::vector<double> open_ended = document_features(stream_of(document, false), models());
  for (std::size_t i = 0; i < want.size(); ++i) EXPECT_EQ(open_ended[i], got[i]) << detector_feature_names()[i];
  // log_prob is the mean of KneserNey::score's log-probability.
  const auto score = models().observer.score(document);
  EXPECT_NEAR(got[0], score.log_prob / static_cast<double>(score.tokens), 1e-12);
}

TEST(DetectorFeatures, DistinctBigramsAndRepeatedFourGramsCountTheDocumentsOwnTokens) {
  // 3 4 5 3 4 5 3 4 </s>: bigrams 34 45 53 34 45 53 34 4</s> -> 4 distinct of 8; 4-grams 3453 4534
  // 5345 3453(repeat) 4534(repeat) 534</s> -> 2 of 6 repeat.
  const std::vector<TokenId> document{3, 4, 5, 3, 4, 5, 3, 4, text::kEos};
  const std::vector<double> f = document_features(document, models());
  EXPECT_DOUBLE_EQ(f[5], 4.0 / 8.0);
  EXPECT_DOUBLE_EQ(f[6], 2.0 / 6.0);
  // Too short for any bigram or 4-gram: all distinct, nothing repeated.
  const std::vector<double> single = document_features(std::vector<TokenId>{7}, models());
  EXPECT_EQ(single[5], 1.0);
  EXPECT_EQ(single[6], 0.0);
}

TEST(DetectorFeatures, CurvatureOfTheObserversOwnSamplesIsStandardNormal) {
  // Each document: 8 sentences drawn from the observer; the curvature is a sum of independent
  // centred terms over ~60 tokens divided by its standard deviation.
  Rng rng(3, {Purpose::kUser, 0, 0, 0});
  constexpr int kDocuments = 600;
  double sum = 0, sum_sq = 0, real_sum = 0;
  for (int d = 0; d < kDocuments; ++d) {
    std::vector<TokenId> document;
    for (int s = 0; s < 8; ++s) {
      std::vector<TokenId> history{text::kBos};
      for (TokenId x = models().observer.sample(history, rng); x != text::kEos;
           x = models().observer.sample(history, rng)) {
        document.push_back(x);
        history.push_back(x);
      }
      document.push_back(text::kEos);
    }
    const double c = document_features(document, models())[3];
    sum += c;
    sum_sq += c * c;
  }
  const double mean = sum / kDocuments, sd = std::sqrt(sum_sq / kDocuments - mean * mean);
  EXPECT_NEAR(mean, 0.0, 4.0 / std::sqrt(kDocuments));  // 4 standard errors
  EXPECT_NEAR(sd, 1.0, 0.12);                           // ~4 standard errors of a normal's sd
  // Text from another process (uniform words) sits far below the model's expectation.
  for (int d = 0; d < 50; ++d) {
    std::vector<TokenId> document;
    for (int k = 0; k < 60; ++k) document.push_back(k % 8 == 7 ? text::kEos : 3 + static_cast<TokenId>(rng.below(9)));
    real_sum += document_features(document, models())[3];
  }
  EXPECT_LT(real_sum / 50, -3.0);
}

TEST(DetectorFeatures, RefuseEmptyDocumentsForeignIdsAndOrdersWithoutAPerformer) {
  EXPECT_THROW(document_features(std::vector<TokenId>{}, models()), DataError);
  try {
    document_features(std::vector<TokenId>{3, 99}, models());
    FAIL() << "an id outside the vocabulary was scored";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("token id 99"), std::string::npos) << e.what();
  }
  const std::vector<std::vector<TokenId>> corpus{{3, 4}};
  EXPECT_THROW(ReferenceModels::train(corpus, 2, kVocab), ConfigError);
}

}  // namespace
}  // namespace ouro::hygiene
