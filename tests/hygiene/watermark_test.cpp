// The watermark's detection statistics from their definitions: T and G counted n-gram by n-gram with
// is_green, z and its p-values against closed forms, the strict threshold at z = 4.0 exactly, and
// their behaviour on text: unwatermarked documents give z ~ N(0, 1) (mean and standard deviation
// within 4 standard errors over 1,000 documents); documents sampled with delta = 2, gamma = 0.25 and
// 200 tokens are flagged (z > 4) for nearly all. Bad settings and ids outside the vocabulary throw.
// Equality with the reference implementation is watermark_python_test.cpp's.
#include "ouro/hygiene/watermark.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "ouro/core/error.hpp"
#include "ouro/core/rng.hpp"
#include "ouro/hygiene/torch_randperm.hpp"

namespace ouro::hygiene {
namespace {

using text::TokenId;

WatermarkSettings settings_for(WatermarkScheme scheme, std::int64_t vocab = 1000, double gamma = 0.25) {
  WatermarkSettings s;
  s.scheme = scheme;
  s.vocab_size = vocab;
  s.gamma = gamma;
  return s;
}

std::vector<TokenId> uniform_document(std::size_t n, std::int64_t vocab, Rng& rng) {
  std::vector<TokenId> out(n);
  for (auto& t : out) t = static_cast<TokenId>(rng.below(static_cast<std::uint64_t>(vocab)));
  return out;
}

TEST(TorchRandperm, IsAPermutationWhosePrefixIsItsFirstEntries) {
  const auto full = torch_randperm(1000, 12345);
  EXPECT_EQ(std::set<std::int64_t>(full.begin(), full.end()).size(), 1000u);
  EXPECT_EQ(*std::min_element(full.begin(), full.end()), 0);
  EXPECT_EQ(*std::max_element(full.begin(), full.end()), 999);
  const auto prefix = torch_randperm_prefix(1000, 12345, 250);
  EXPECT_EQ(prefix, std::vector<std::int64_t>(full.begin(), full.begin() + 250));
  for (std::int64_t v = 0; v < 1000; ++v)
    EXPECT_EQ(torch_randperm_prefix_contains(1000, 12345, 250, v),
              std::find(prefix.begin(), prefix.end(), v) != prefix.end())
        << v;
  EXPECT_TRUE(torch_randperm_prefix_contains(1000, 12345, 1000, 999));
  EXPECT_FALSE(torch_randperm_prefix_contains(1000, 12345, 0, 0));
  // Only the low 32 bits of the seed reach mt19937.
  EXPECT_EQ(torch_randperm(50, 7), torch_randperm(50, 7 + (1ULL << 32)));
  EXPECT_NE(torch_randperm(50, 7), torch_randperm(50, 8));
}

TEST(Watermark, GreenListsHoldFloorOfGammaTimesTheVocabularyDistinctIds) {
  for (const auto scheme : {WatermarkScheme::kSimple1, WatermarkScheme::kSelfHash}) {
    const Watermark w(settings_for(scheme, 1001, 0.25));
    EXPECT_EQ(w.green_list_size(), 250u);
    const std::vector<TokenId> context = {5, 17, 300, 999};
    const auto green = w.green_list(context);
    EXPECT_EQ(green.size(), 250u);
    EXPECT_EQ(std::set<TokenId>(green.begin(), green.end()).size(), 250u);
    for (const TokenId id : green) EXPECT_LT(id, 1001u);
  }
}

TEST(Watermark, SeedsReadOnlyTheirContextWindow) {
  const Watermark simple(settings_for(WatermarkScheme::kSimple1));
  EXPECT_EQ(simple.seed(std::vector<TokenId>{4, 9}), simple.seed(std::vector<TokenId>{9}));
  EXPECT_EQ(simple.seed(std::vector<TokenId>{9}), 15485863ULL * 9);
  const Watermark self(settings_for(WatermarkScheme::kSelfHash));
  EXPECT_EQ(self.seed(std::vector<TokenId>{1, 2, 3, 4, 5}), self.seed(std::vector<TokenId>{2, 3, 4, 5}));
  EXPECT_NE(self.seed(std::vector<TokenId>{2, 3, 4, 5}), self.seed(std::vector<TokenId>{2, 3, 4, 6}));
  // The min-hash is symmetric in the three tokens before the anchor.
  EXPECT_EQ(self.seed(std::vector<TokenId>{2, 3, 4, 5}), self.seed(std::vector<TokenId>{4, 2, 3, 5}));
}

// T and G recounted from is_green: each distinct n-gram once, or every occurrence.
void expect_counts_from_definition(const Watermark& w, const std::vector<TokenId>& doc) {
  const std::size_t n = w.self_salted() ? 4 : 2;
  std::set<std::vector<TokenId>> seen;
  std::size_t t = 0, g = 0;
  for (std::size_t i = 0; i + n <= doc.size(); ++i) {
    const std::vector<TokenId> ngram(doc.begin() + static_cast<std::ptrdiff_t>(i),
                                     doc.begin() + static_cast<std::ptrdiff_t>(i + n));
    if (!seen.insert(ngram).second && !w.settings().count_repeats) continue;
    ++t;
    g += w.is_green(ngram) ? 1 : 0;
  }
  const WatermarkScore s = w.score(doc);
  EXPECT_EQ(s.scored, t);
  EXPECT_EQ(s.green, g);
  const double gamma = w.settings().gamma;
  EXPECT_DOUBLE_EQ(s.z, (g - gamma * t) / std::sqrt(t * gamma * (1 - gamma)));
  EXPECT_DOUBLE_EQ(s.p_normal, 0.5 * std::erfc(s.z / std::sqrt(2.0)));
  EXPECT_EQ(s.flagged, s.z > 4.0);
}

TEST(Watermark, CountsDistinctNgramsByDefaultAndEveryOccurrenceWithCountRepeats) {
  Rng rng(3, {Purpose::kUser, 0, 0, 0});
  auto doc = uniform_document(60, 50, rng);
  doc.insert(doc.end(), doc.begin(), doc.begin() + 20);  // a repeated passage
  for (const auto scheme : {WatermarkScheme::kSimple1, WatermarkScheme::kSelfHash}) {
    for (const bool repeats : {false, true}) {
      auto settings = settings_for(scheme, 50);
      settings.count_repeats = repeats;
      expect_counts_from_definition(Watermark(settings), doc);
    }
    auto repeats = settings_for(scheme, 50);
    repeats.count_repeats = true;
    const std::size_t n = scheme == WatermarkScheme::kSelfHash ? 4 : 2;
    EXPECT_EQ(Watermark(repeats).score(doc).scored, doc.size() - n + 1);
    EXPECT_LT(Watermark(settings_for(scheme, 50)).score(doc).scored, doc.size() - n + 1);
  }
}

TEST(Watermark, DocumentsShorterThanTheSeedsContextPlusOneAreNotScored) {
  const Watermark self(settings_for(WatermarkScheme::kSelfHash));
  const WatermarkScore s = self.score(std::vector<TokenId>{1, 2, 3, 4});
  EXPECT_EQ(s.scored, 0u);
  EXPECT_TRUE(std::isnan(s.z));
  EXPECT_FALSE(s.flagged);
  EXPECT_EQ(self.score(std::vector<TokenId>{1, 2, 3, 4, 5}).scored, 2u);
  const Watermark simple(settings_for(WatermarkScheme::kSimple1));
  EXPECT_EQ(simple.score(std::vector<TokenId>{7}).scored, 0u);
  EXPECT_EQ(simple.score(std::vector<TokenId>{7, 8}).scored, 1u);
}

TEST(Watermark, TheThresholdIsStrictAtZEqualToFourExactly) {
  // gamma = 1/2 and 16 distinct bigrams, all green: z = (16 - 8) / sqrt(16 / 4) = 4 exactly.
  const Watermark w(settings_for(WatermarkScheme::kSimple1, 100, 0.5));
  std::vector<TokenId> doc = {0};
  std::set<std::pair<TokenId, TokenId>> used;
  while (doc.size() < 17) {
    for (const TokenId next : w.green_list(doc)) {
      if (used.insert({doc.back(), next}).second) {
        doc.push_back(next);
        break;
      }
    }
  }
  const WatermarkScore s = w.score(doc);
  ASSERT_EQ(s.scored, 16u);
  ASSERT_EQ(s.green, 16u);
  EXPECT_EQ(s.z, 4.0);
  EXPECT_FALSE(s.flagged);
  auto lower = w.settings();
  lower.z_threshold = 3.999;
  EXPECT_TRUE(Watermark(lower).score(doc).flagged);
}

TEST(Watermark, TailProbabilitiesMatchClosedForms) {
  EXPECT_NEAR(normal_upper_tail(4.0), 3.1671241833119863e-05, 1e-18);
  EXPECT_DOUBLE_EQ(normal_upper_tail(0.0), 0.5);
  // P(Bin(4, 1/4) >= 3) = (4 * 3 + 1) / 256.
  EXPECT_NEAR(binomial_upper_tail(3, 4, 0.25), 13.0 / 256.0, 1e-15);
  EXPECT_EQ(binomial_upper_tail(0, 10, 0.3), 1.0);
  EXPECT_NEAR(binomial_upper_tail(10, 10, 0.3), std::pow(0.3, 10), 1e-20);
  // A deep tail keeps its relative precision: P(Bin(200, 1/4) >= 150) ~ 1e-44 by the direct sum.
  double direct = 0.0;
  for (int k = 150; k <= 200; ++k)
    direct += std::exp(std::lgamma(201.0) - std::lgamma(k + 1.0) - std::lgamma(201.0 - k) + k * std::log(0.25) +
                       (200 - k) * std::log(0.75));
  EXPECT_NEAR(binomial_upper_tail(150, 200, 0.25) / direct, 1.0, 1e-10);
}

// z over unwatermarked documents of uniformly random tokens: the null distribution N(0, 1).
TEST(Watermark, UnwatermarkedDocumentsGiveStandardNormalZ) {
  for (const auto scheme : {WatermarkScheme::kSimple1, WatermarkScheme::kSelfHash}) {
    const Watermark w(settings_for(scheme, 1000, 0.25));
    Rng rng(11, {Purpose::kUser, 0, 0, 0});
    constexpr int kDocuments = 1000;
    double sum = 0.0, sum_sq = 0.0;
    for (int d = 0; d < kDocuments; ++d) {
      const double z = w.score(uniform_document(200, 1000, rng)).z;
      sum += z;
      sum_sq += z * z;
    }
    const double mean = sum / kDocuments;
    const double sd = std::sqrt(sum_sq / kDocuments - mean * mean);
    EXPECT_NEAR(mean, 0.0, 4.0 / std::sqrt(kDocuments)) << watermark_scheme_name(scheme);
    EXPECT_NEAR(sd, 1.0, 4.0 / std::sqrt(2.0 * kDocuments)) << watermark_scheme_name(scheme);
  }
}

// Documents sampled from a random bigram model (logits N(0, 2^2) per previous token, a natural
// text's entropy of a few nats) with the watermark's bias: delta = 2, gamma = 0.25, 200 tokens.
TEST(Watermark, WatermarkedSamplesOf200TokensAreFlaggedForNearlyAll) {
  constexpr std::int64_t kVocab = 1000;
  Rng model_rng(5, {Purpose::kUser, 0, 0, 0});
  std::vector<std::vector<float>> logits(kVocab, std::vector<float>(kVocab));
  for (auto& row : logits)
    for (auto& x : row) x = static_cast<float>(2.0 * model_rng.normal());
  for (const auto scheme : {WatermarkScheme::kSimple1, WatermarkScheme::kSelfHash}) {
    auto settings = settings_for(scheme, kVocab, 0.25);
    settings.delta = 2.0;
    const Watermark w(settings);
    Rng rng(6, {Purpose::kUser, 0, 0, 0});
    constexpr int kDocuments = 100;
    int flagged = 0;
    for (int d = 0; d < kDocuments; ++d) {
      std::vector<TokenId> doc = uniform_document(3, kVocab, rng);  // the prompt
      while (doc.size() < 203) {
        std::vector<float> step = logits[doc.back()];
        w.bias_logits(doc, step);
        const float top = *std::max_element(step.begin(), step.end());
        double total = 0.0;
        for (const float x : step) total += std::exp(x - top);
        double u = rng.uniform() * total;
        TokenId next = 0;
        while (next + 1 < kVocab && (u -= std::exp(step[next] - top)) > 0.0) ++next;
        doc.push_back(next);
      }
      flagged += w.score(std::vector<TokenId>(doc.begin() + 3, doc.end())).flagged ? 1 : 0;
    }
    EXPECT_GE(flagged, 95) << watermark_scheme_name(scheme);
  }
}

TEST(Watermark, BadSettingsAndIdsOutsideTheVocabularyAreErrorsThatNameThem) {
  auto bad = settings_for(WatermarkScheme::kSimple1);
  bad.gamma = 1.0;
  EXPECT_THROW(Watermark{bad}, ConfigError);
  bad.gamma = 0.0;
  EXPECT_THROW(Watermark{bad}, ConfigError);
  bad = settings_for(WatermarkScheme::kSimple1);
  bad.key = 1ULL << 63;
  EXPECT_THROW(Watermark{bad}, ConfigError);
  bad = settings_for(WatermarkScheme::kSimple1, 1);
  EXPECT_THROW(Watermark{bad}, ConfigError);
  bad = settings_for(WatermarkScheme::kSimple1, 3, 0.25);  // floor(0.75) = 0 green ids
  EXPECT_THROW(Watermark{bad}, ConfigError);
  bad = settings_for(WatermarkScheme::kSimple1);
  bad.delta = -1.0;
  EXPECT_THROW(Watermark{bad}, ConfigError);
  const Watermark w(settings_for(WatermarkScheme::kSimple1, 10));
  try {
    w.score(std::vector<TokenId>{1, 2, 10});
    FAIL() << "expected DataError";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("token 10 (position 2)"), std::string::npos) << e.what();
  }
  WatermarkScheme scheme;
  EXPECT_TRUE(parse_watermark_scheme("selfhash", &scheme));
  EXPECT_EQ(scheme, WatermarkScheme::kSelfHash);
  EXPECT_FALSE(parse_watermark_scheme("lefthash", &scheme));
}

}  // namespace
}  // namespace ouro::hygiene
