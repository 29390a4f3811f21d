// Interpolated modified Kneser-Ney. Oracles: probabilities computed by hand on a two-sentence
// corpus (worked in the comments), normalisation of every tested context over the vocabulary,
// agreement of prob / distribution / sampling frequencies (5 standard errors, fixed seed), the
// perplexity of the hand-computed model, and bad input.
#include <cmath>
#include <numeric>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ouro/core/error.hpp"
#include "ouro/text/corpus.hpp"
#include "ouro/text/kneser_ney.hpp"
#include "ouro/text/tokenizer.hpp"

namespace ouro::text {
namespace {

constexpr TokenId a = 3, b = 4;

// Corpus "a b" / "a"; ids <unk>=0 </s>=1 <s>=2 a=3 b=4 (4 predictable types).
// Bigrams (raw): <s>a 2, ab 1, b</s> 1, a</s> 1. Unigrams (continuation): a 1 ({<s>}), b 1 ({a}),
// </s> 2 ({a,b}). Order 1: n1=2 n2=1 -> Y=1/2, D1=1/2, D2=2 (clamped), total 4,
// gamma=(0.5*2+2*1)/4=3/4: p1(a)=p1(b)=0.125+0.1875=0.3125, p1(</s>)=p1(<unk>)=0.1875.
// Order 2: n1=3 n2=1 -> Y=3/5, D1=0.6, D2=2. Context a: total 2, alpha(b)=alpha(</s>)=0.2,
// gamma=0.6: p(b|a)=0.3875, p(</s>|a)=0.3125, p(a|a)=0.1875, p(<unk>|a)=0.1125.
// Context <s>: alpha(a)=0, gamma=1: p(a|<s>)=0.3125. Context b: p(</s>|b)=0.4+0.6*0.1875=0.5125.
std::vector<std::vector<TokenId>> tiny() { return {{a, b}, {a}}; }

TEST(KneserNey, HandComputedBigram) {
  const auto sentences = tiny();
  const KneserNey m = KneserNey::train(sentences, 2, 5);
  EXPECT_DOUBLE_EQ(m.discounts(1).d1, 0.5);
  EXPECT_DOUBLE_EQ(m.discounts(1).d2, 2.0);
  EXPECT_DOUBLE_EQ(m.discounts(2).d1, 0.6);
  const std::vector<TokenId> none{}, bos{kBos}, ha{kBos, a}, hb{a, b};
  EXPECT_DOUBLE_EQ(m.prob(none, a), 0.3125);
  EXPECT_DOUBLE_EQ(m.prob(none, kEos), 0.1875);
  EXPECT_DOUBLE_EQ(m.prob(none, kUnk), 0.1875);
  EXPECT_DOUBLE_EQ(m.prob(ha, b), 0.3875);
  EXPECT_DOUBLE_EQ(m.prob(ha, kEos), 0.3125);
  EXPECT_DOUBLE_EQ(m.prob(ha, a), 0.1875);
  EXPECT_DOUBLE_EQ(m.prob(ha, kUnk), 0.1125);
  EXPECT_DOUBLE_EQ(m.prob(bos, a), 0.3125);
  EXPECT_DOUBLE_EQ(m.prob(hb, kEos), 0.5125);
  EXPECT_EQ(m.prob(ha, kBos), 0.0);
  // Perplexity of "a b": p(a|<s>) p(b|a) p(</s>|b) over 3 predicted tokens (</s> counted, <s> not).
  const std::vector<std::vector<TokenId>> test{{a, b}};
  const auto score = m.score(test);
  EXPECT_EQ(score.tokens, 3u);
  EXPECT_NEAR(score.log_prob, std::log(0.3125 * 0.3875 * 0.5125), 1e-12);
  EXPECT_NEAR(score.perplexity(), std::pow(0.3125 * 0.3875 * 0.5125, -1.0 / 3.0), 1e-12);
}

// Trigrams of the same corpus: <s>a->b, <s>a-></s>, ab-></s> (raw). Their suffixes give the same
// bigram counts as before, and <s>a keeps its raw count 2 because it begins with <s>. Order 3:
// n1=3, n2=0 -> D1=1, so context "<s> a" (total 2) has alpha 0 and gamma 1: p(b|<s> a)=p(b|a).
TEST(KneserNey, HandComputedTrigramSentenceStart) {
  const auto sentences = tiny();
  const KneserNey m = KneserNey::train(sentences, 3, 5);
  EXPECT_EQ(m.ngrams(3), 3u);
  EXPECT_EQ(m.ngrams(2), 4u);
  EXPECT_EQ(m.ngrams(1), 3u);
  const std::vector<TokenId> h{kBos, a};
  EXPECT_DOUBLE_EQ(m.prob(h, b), 0.3875);
  EXPECT_DOUBLE_EQ(m.prob(h, kEos), 0.3125);
}

class WikitextSlice : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const auto folder = std::filesystem::path(OURO_SHARED_DATA) / "wikitext-2";
    if (!std::filesystem::exists(folder)) return;
    auto lines = read_text(folder / "valid.txt", DocumentSplit::kLine);
    WordTokenizer words;
    std::vector<std::vector<std::string>> docs;
    for (const auto& l : lines) docs.push_back(words.tokenize(l));
    vocab_ = new Vocabulary(Vocabulary::build(docs));
    const auto stream = encode_documents(lines, words, *vocab_);
    sentences_ = new std::vector<std::vector<TokenId>>(KneserNey::split_sentences(stream));
  }
  void SetUp() override {
    if (vocab_ == nullptr) GTEST_SKIP() << "no wikitext-2";
  }
  static inline Vocabulary* vocab_ = nullptr;
  static inline std::vector<std::vector<TokenId>>* sentences_ = nullptr;
};

TEST_F(WikitextSlice, EveryContextSumsToOneForOrders2To6) {
  for (int order = 2; order <= 6; ++order) {
    const KneserNey m = KneserNey::train(*sentences_, order, vocab_->size());
    std::vector<double> dense;
    // Histories from the training text (seen contexts at every order), a sentence start and an
    // unseen history.
    std::vector<std::vector<TokenId>> histories{{}, {kBos}, {kUnk, kUnk, kUnk, kUnk, kUnk}};
    for (std::size_t s = 5; s < sentences_->size() && histories.size() < 25; s += 157) {
      const auto& sent = (*sentences_)[s];
      if (sent.size() < 6) continue;
      std::vector<TokenId> h{kBos};
      h.insert(h.end(), sent.begin(), sent.begin() + 5);
      histories.push_back(h);
    }
    for (const auto& h : histories) {
      double sum = 0.0;
      for (TokenId w = 0; w < vocab_->size(); ++w) sum += m.prob(h, w);
      EXPECT_NEAR(sum, 1.0, 1e-9) << "order " << order;
      m.distribution(h, dense);
      EXPECT_NEAR(std::accumulate(dense.begin(), dense.end(), 0.0), 1.0, 1e-9);
      for (TokenId w : {TokenId{0}, TokenId{1}, TokenId{7}, h.empty() ? TokenId{9} : h.back()})
        EXPECT_NEAR(dense[w], m.prob(h, w), 1e-14);
    }
  }
}

TEST_F(WikitextSlice, ExactSamplerMatchesProbabilities) {
  const KneserNey m = KneserNey::train(*sentences_, 3, vocab_->size());
  const std::vector<TokenId> h{kBos, vocab_->id("The")};
  Rng rng(7, {Purpose::kUser, 0, 0, 0});
  constexpr int kDraws = 200000;
  std::vector<int> freq(vocab_->size(), 0);
  for (int i = 0; i < kDraws; ++i) ++freq[m.sample(h, rng)];
  std::vector<double> p;
  m.distribution(h, p);
  int checked = 0;
  for (TokenId w = 0; w < vocab_->size(); ++w) {
    if (p[w] < 0.005) continue;
    const double se = std::sqrt(p[w] * (1 - p[w]) / kDraws);
    EXPECT_NEAR(freq[w] / double(kDraws), p[w], 5 * se) << vocab_->token(w);
    ++checked;
  }
  EXPECT_GE(checked, 5);
  EXPECT_EQ(freq[kBos], 0);
}

TEST_F(WikitextSlice, HigherOrderFitsTrainingTextBetter) {
  double previous = 1e300;
  for (int order = 2; order <= 4; ++order) {
    const KneserNey m = KneserNey::train(*sentences_, order, vocab_->size());
    const double ppl = m.score(*sentences_).perplexity();
    EXPECT_LT(ppl, previous);
    previous = ppl;
  }
}

// A corpus whose count-of-counts make the D2 estimate negative (collapsed loops produce such
// corpora). Bigram counts: <s>x, xy, y</s> twice (n2 = 3); <s>z, z</s> once (n1 = 2); <s>w, w</s>
// three times for five words w (n3 = 10). Y = 2/8, D2 = 2 - 3Y*10/3 = -0.5: without the fallback
// D2 = 0, context x (only successor y, count 2) keeps no back-off mass and p(z | x) = 0.
TEST(KneserNey, NonPositiveDiscountFallsBackSoEveryWordKeepsMass) {
  constexpr TokenId x = 3, y = 4, z = 5;
  std::vector<std::vector<TokenId>> sentences{{x, y}, {x, y}, {z}};
  for (TokenId w = 6; w <= 10; ++w) sentences.insert(sentences.end(), 3, {w});
  const KneserNey m = KneserNey::train(sentences, 2, 11);
  EXPECT_DOUBLE_EQ(m.discounts(2).d1, 0.25);
  EXPECT_DOUBLE_EQ(m.discounts(2).d2, 1.0);  // the fallback c/2
  EXPECT_DOUBLE_EQ(m.discounts(2).d3, 3.0);  // 3 - 0, at most c
  const std::vector<TokenId> hx{x};
  // alpha(y | x) = (2 - 1)/2, gamma(x) = 1/2: everything else comes from the unigram level.
  EXPECT_GT(m.prob(hx, z), 0.0);
  EXPECT_NEAR(m.prob(hx, y), 0.5 + 0.5 * m.prob(std::vector<TokenId>{}, y), 1e-12);
  double total = 0;
  for (TokenId w = 0; w < 11; ++w) total += m.prob(hx, w);
  EXPECT_NEAR(total, 1.0, 1e-12);
}

TEST(KneserNey, BadInput) {
  const auto sentences = tiny();
  EXPECT_THROW(KneserNey::train(sentences, 1, 5), ConfigError);
  EXPECT_THROW(KneserNey::train(sentences, 7, 5), ConfigError);
  const std::vector<std::vector<TokenId>> empty;
  EXPECT_THROW(KneserNey::train(empty, 3, 5), DataError);
  const std::vector<std::vector<TokenId>> outside{{a, 9}};
  EXPECT_THROW(KneserNey::train(outside, 3, 5), DataError);
  const std::vector<std::vector<TokenId>> bos{{a, kBos}};
  EXPECT_THROW(KneserNey::train(bos, 3, 5), DataError);
}

TEST(KneserNey, SplitSentences) {
  const std::vector<TokenId> stream{3, 4, kEos, kEos, 5};
  const auto s = KneserNey::split_sentences(stream);
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[0], (std::vector<TokenId>{3, 4}));
  EXPECT_TRUE(s[1].empty());
  EXPECT_EQ(s[2], (std::vector<TokenId>{5}));
}

}  // namespace
}  // namespace ouro::text

namespace ouro::text {
namespace {

TEST_F(WikitextSlice, TemperedRejectionSamplerMatchesPowerDistribution) {
  const KneserNey m = KneserNey::train(*sentences_, 3, vocab_->size());
  for (const auto& h : std::vector<std::vector<TokenId>>{{kBos, vocab_->id("The")}, {vocab_->id("of"), vocab_->id("the")}}) {
    for (double temperature : {0.5, 0.8}) {
      std::vector<double> p;
      m.distribution(h, p);
      double z = 0;
      for (double& x : p) z += x = std::pow(x, 1 / temperature);
      Rng rng(9, {Purpose::kUser, 0, 0, 0});
      constexpr int kDraws = 100000;
      std::vector<int> freq(vocab_->size(), 0);
      for (int i = 0; i < kDraws; ++i) ++freq[m.sample_tempered(h, temperature, rng)];
      int checked = 0;
      for (TokenId w = 0; w < vocab_->size(); ++w) {
        const double q = p[w] / z;
        if (q < 0.005) continue;
        EXPECT_NEAR(freq[w] / double(kDraws), q, 5 * std::sqrt(q * (1 - q) / kDraws)) << vocab_->token(w);
        ++checked;
      }
      EXPECT_GE(checked, 3);
    }
  }
}

}  // namespace
}  // namespace ouro::text
