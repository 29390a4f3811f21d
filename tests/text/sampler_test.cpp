// The sampler chain. Oracles: the exact transformed distributions on a small list (worked by
// hand), and sampled frequencies against them within 5 standard errors (fixed seed).
#include <cmath>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ouro/core/error.hpp"
#include "ouro/text/sampler.hpp"

namespace ouro::text {
namespace {

using ::testing::ElementsAre;

Candidates list() { return Candidates::from_dense({0.1, 0.0, 0.4, 0.2, 0.3}); }

std::vector<double> normalised(const Candidates& c, std::size_t dense_size) {
  std::vector<double> p(dense_size, 0.0);
  double total = 0.0;
  for (double w : c.weights) total += w;
  for (std::size_t i = 0; i < c.size(); ++i) p[c.ids[i]] = c.weights[i] / total;
  return p;
}

void expect_frequencies(const SamplerSettings& s, const std::vector<double>& exact) {
  Rng rng(11, {Purpose::kUser, 0, 0, 0});
  constexpr int kDraws = 100000;
  std::vector<int> freq(exact.size(), 0);
  for (int i = 0; i < kDraws; ++i) {
    Candidates c = list();
    ++freq[sample_chain(c, s, rng)];
  }
  for (std::size_t k = 0; k < exact.size(); ++k) {
    const double se = std::sqrt(std::max(exact[k] * (1 - exact[k]), 1e-12) / kDraws);
    EXPECT_NEAR(freq[k] / double(kDraws), exact[k], 5 * se) << "token " << k;
  }
}

TEST(Sampler, FromDenseDropsZeros) { EXPECT_THAT(list().ids, ElementsAre(0u, 2u, 3u, 4u)); }

TEST(Sampler, TemperatureIsPowerOneOverT) {
  Candidates c = list();
  apply_temperature(c, 0.5);  // p^2: .01 .16 .04 .09 / .30
  const auto p = normalised(c, 5);
  EXPECT_NEAR(p[0], 0.01 / 0.30, 1e-12);
  EXPECT_NEAR(p[2], 0.16 / 0.30, 1e-12);
  EXPECT_NEAR(p[4], 0.09 / 0.30, 1e-12);
  expect_frequencies({0.5, 0, 1.0}, {0.01 / 0.3, 0, 0.16 / 0.3, 0.04 / 0.3, 0.09 / 0.3});
}

TEST(Sampler, TopKKeepsHeaviest) {
  Candidates c = list();
  apply_top_k(c, 2);
  EXPECT_THAT(c.ids, ElementsAre(2u, 4u));
  expect_frequencies({1.0, 2, 1.0}, {0, 0, 0.4 / 0.7, 0, 0.3 / 0.7});
}

TEST(Sampler, TopPKeepsSmallestPrefixReachingP) {
  Candidates c = list();
  apply_top_p(c, 0.75);  // .4 + .3 = .7 < .75, + .2 = .9
  EXPECT_THAT(c.ids, ElementsAre(2u, 4u, 3u));
  Candidates d = list();
  apply_top_p(d, 0.7);  // reaches exactly .7 with two
  EXPECT_EQ(d.size(), 2u);
  expect_frequencies({1.0, 0, 0.75}, {0, 0, 0.4 / 0.9, 0.2 / 0.9, 0.3 / 0.9});
}

TEST(Sampler, ChainOrderTemperatureThenTopKThenTopP) {
  // T=0.5 -> (.01 .16 .04 .09)/.30; top-3 drops id 0 -> (.16 .09 .04)/.29; top-p .6 keeps
  // .16/.29 = .552 < .6, then + .09/.29 = .862: ids 2 and 4 with weights .16 and .09.
  expect_frequencies({0.5, 3, 0.6}, {0, 0, 0.16 / 0.25, 0, 0.09 / 0.25});
}

TEST(Sampler, BadSettings) {
  Candidates c = list();
  EXPECT_THROW(apply_temperature(c, 0.0), ConfigError);
  EXPECT_THROW(apply_top_p(c, 0.0), ConfigError);
  EXPECT_THROW(apply_top_p(c, 1.5), ConfigError);
  Rng rng(1, {});
  EXPECT_THROW(draw(Candidates{}, rng), DataError);
}

TEST(RepetitionPenalty, DividesPositiveAndMultipliesNegativeLogitsOfSeenTokensOnce) {
  std::vector<float> logits{2.0f, -1.0f, 0.5f, 0.0f, 3.0f};
  // Token 0 occurs twice (penalised once), 1 negative, 3 zero, 4 unseen.
  const std::vector<TokenId> history{0, 1, 0, 3};
  apply_repetition_penalty(logits, history, 2.0);
  EXPECT_THAT(logits, ElementsAre(1.0f, -2.0f, 0.5f, 0.0f, 3.0f));
  std::vector<float> unchanged{2.0f, -1.0f};
  apply_repetition_penalty(unchanged, std::vector<TokenId>{0, 1}, 1.0);
  EXPECT_THAT(unchanged, ElementsAre(2.0f, -1.0f));
  EXPECT_THROW(apply_repetition_penalty(unchanged, std::vector<TokenId>{2}, 2.0), DataError);
  EXPECT_THROW(apply_repetition_penalty(unchanged, std::vector<TokenId>{0}, 0.0), ConfigError);
}

}  // namespace
}  // namespace ouro::text
