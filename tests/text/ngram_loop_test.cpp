// The ngram family and the corpus truth through the loop's interfaces. Oracles: exact block
// layout of a hand-written corpus, the prompted protocol on a deterministic model (a corpus whose
// every bigram is forced), sampling bias as temperature (frequencies against the exact tempered
// distribution, 5 standard errors), determinism, and configuration errors naming the key.
#include <cmath>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ouro/core/config.hpp"
#include "ouro/core/error.hpp"
#include "ouro/models/ngram.hpp"
#include "ouro/models/ngram_corpus.hpp"
#include "text/temp_files.hpp"

namespace ouro {
namespace {

using ::testing::HasSubstr;
using text::kEos;

std::unique_ptr<CorpusTruth> truth_of(const std::vector<std::string>& train, const std::vector<std::string>& test,
                                      std::size_t block, const std::vector<std::string>& valid = {}) {
  return std::make_unique<CorpusTruth>("<test>", train, valid, test, std::make_unique<text::WordTokenizer>(), block, 0);
}

TEST(CorpusTruth, BlocksVocabularyAndOov) {
  const auto t = truth_of({"a b c", "d"}, {"a z", "b"}, 3);
  // Stream: a b c </s> d </s> -> ids 3 4 5 1 6 1 -> blocks [3 4 5] [1 6 1].
  EXPECT_EQ(t->dim(), 3);
  EXPECT_EQ(t->blocks(), 2u);
  EXPECT_EQ(t->train_tokens(), 6u);
  EXPECT_EQ(t->train_counts()[kEos], 2u);
  Rng rng(1, {});
  const Matrix s = t->sample(2, rng);
  EXPECT_DOUBLE_EQ(s.sum(), 3 + 4 + 5 + 1 + 6 + 1);
  // Test stream: a <unk> </s> b </s> (5 tokens, 1 out of vocabulary), padded block [1 -1 -1]... no:
  // blocks [3 0 1] [4 1 -1].
  const Matrix test = t->test_set(2, rng);
  EXPECT_EQ(test(1, 2), -1.0);
  EXPECT_EQ(test(0, 1), 0.0);
  EXPECT_DOUBLE_EQ(t->test_oov_rate(), 1.0 / 5.0);
  EXPECT_EQ(t->test_sentences().size(), 2u);
  EXPECT_EQ(t->render(test.row(0)), "a <unk>\n");
  EXPECT_THROW(t->sample(3, rng), DataError);
  EXPECT_THROW(t->test_set(3, rng), DataError);
  EXPECT_TRUE(t->valid_sentences().empty());
  // A validation split is encoded with the training vocabulary, one sentence per document.
  const auto v = truth_of({"a b c", "d"}, {"a"}, 3, {"d a", "z"});
  EXPECT_EQ(v->valid_sentences(), (std::vector<std::vector<text::TokenId>>{{6, 3}, {text::kUnk}}));
}

TEST(NgramFamily, PromptedContinuationOfADeterministicChain) {
  // Training text "p q r s" repeated: with order 2 each word's successor is fixed, but smoothing
  // leaves mass elsewhere; a long repeated corpus makes the forced successor's probability > 0.99.
  std::vector<std::string> train(400, "p q r s");
  const auto t = truth_of(train, {"p q"}, 5);
  NgramSettings settings;
  settings.order = 2;
  settings.vocab_size = t->vocabulary().size();
  settings.prompt_tokens = 2;
  NgramFamily family(t->dim(), settings);
  Matrix data(1, 5);
  data << 3, 4, 5, 6, kEos;  // p q r s </s>
  Rng fit_rng(1, {});
  Matrix many = data.replicate(300, 1);
  const auto model = family.fit(many, fit_rng);
  Rng rng(2, {});
  const Matrix s = model->sample(4, 1.0, rng);
  ASSERT_EQ(s.cols(), 5);
  // Prompt "p q": the continuation starts after q with r s </s> p q.
  int matches = 0;
  const double expected[] = {5, 6, kEos, 3, 4};
  for (Eigen::Index i = 0; i < s.rows(); ++i)
    for (Eigen::Index j = 0; j < 5; ++j) matches += s(i, j) == expected[j];
  EXPECT_GE(matches, 19);
  // Unconditional generation starts at <s>: p q r s </s>.
  settings.generation = text::Generation::kUnconditional;
  const auto model2 = NgramFamily(t->dim(), settings).fit(many, fit_rng);
  Rng rng2(3, {});
  const Matrix u = model2->sample(1, 1.0, rng2);
  EXPECT_EQ(u(0, 0), 3.0);
  // Same stream, same samples.
  Rng again(2, {});
  EXPECT_EQ(model->sample(4, 1.0, again), s);
}

TEST(NgramFamily, BiasIsTemperatureOnTheModelDistribution) {
  const auto t = truth_of({"x y", "x z", "x y", "x y", "w"}, {"x"}, 3);
  NgramSettings settings;
  settings.order = 2;
  settings.vocab_size = t->vocabulary().size();
  settings.generation = text::Generation::kUnconditional;
  Matrix rows(2, 3);
  rows << 3, 4, kEos, 3, 5, kEos;  // x y </s> / x z </s>
  Matrix data(8, 3);
  data << rows, rows, rows.topRows(1).replicate(4, 1);
  Rng fit_rng(1, {});
  const auto model = NgramFamily(3, settings).fit(data, fit_rng);
  const auto& ngram = dynamic_cast<const NgramModel&>(*model);
  std::vector<double> p;
  const std::vector<text::TokenId> bos{text::kBos};
  ngram.lm().distribution(bos, p);
  const double lambda = 0.5;
  std::vector<double> q(p.size());
  double z = 0;
  for (std::size_t i = 0; i < p.size(); ++i) z += q[i] = std::pow(p[i], 1 / lambda);
  Rng rng(5, {});
  constexpr int kDraws = 20000;
  const Matrix s = model->sample(kDraws, lambda, rng);
  std::vector<int> freq(p.size(), 0);
  for (Eigen::Index i = 0; i < s.rows(); ++i) ++freq[static_cast<std::size_t>(s(i, 0))];
  for (std::size_t i = 0; i < p.size(); ++i) {
    const double e = q[i] / z, se = std::sqrt(std::max(e * (1 - e), 1e-12) / kDraws);
    EXPECT_NEAR(freq[i] / double(kDraws), e, 5 * se) << i;
  }
}

TEST(NgramFamily, LogProbAndBadRows) {
  const auto t = truth_of({"a b"}, {"a"}, 3);
  NgramSettings settings;
  settings.vocab_size = t->vocabulary().size();
  settings.order = 2;
  Matrix data(1, 3);
  data << 3, 4, kEos;
  Rng rng(1, {});
  const auto model = NgramFamily(3, settings).fit(data, rng);
  const auto& lm = dynamic_cast<const NgramModel&>(*model).lm();
  const std::vector<text::TokenId> h0{text::kBos}, h1{text::kBos, 3}, h2{3, 4};
  EXPECT_NEAR(model->log_prob(data)[0], std::log(lm.prob(h0, 3)) + std::log(lm.prob(h1, 4)) + std::log(lm.prob(h2, kEos)),
              1e-12);
  Matrix bad(1, 3);
  bad << 3, 99, kEos;
  EXPECT_THAT([&] { try { NgramFamily(3, settings).fit(bad, rng); } catch (const DataError& e) { return std::string(e.what()); } return std::string(); }(),
              HasSubstr("row 0 column 1 holds 99"));
}

// score_sequences runs on the model's backoff form; it must give, bit for bit, what scoring each
// token with KneserNey::prob and the full history gives (sentences restarted after </s>, an id
// outside the vocabulary scored 0 and leaving no context), for sequences sampled at several
// temperatures from models of orders 2 to 5.
TEST(NgramFamily, ScoreSequencesEqualsTheHistoryComputationBitForBit) {
  std::vector<std::string> train;
  Rng words(7, {});
  for (int s = 0; s < 300; ++s) {
    std::string line;
    for (std::size_t w = 0, n = 1 + words.below(10); w < n; ++w) line += fmt::format("w{} ", words.below(1 + words.below(40)));
    train.push_back(line);
  }
  const auto t = truth_of(train, {"w1 w2"}, 16);
  for (int order = 2; order <= 5; ++order) {
    SCOPED_TRACE(order);
    NgramSettings settings;
    settings.vocab_size = t->vocabulary().size();
    settings.order = order;
    settings.generation = text::Generation::kUnconditional;
    Rng rng(order, {});
    const auto model = NgramFamily(16, settings).fit(t->sample(100, rng), rng);
    const auto& lm = dynamic_cast<const NgramModel&>(*model).lm();
    Samples sequences = model->draw(50, 0.7, rng);
    std::vector<std::int32_t> odd{3, 4, static_cast<std::int32_t>(settings.vocab_size) + 5, 3, static_cast<std::int32_t>(kEos), 4};
    std::vector<std::int32_t> ids;
    std::vector<std::size_t> offsets{0};
    for (Eigen::Index i = 0; i < sequences.size(); ++i) {
      for (const auto id : sequences.tokens(i)) ids.push_back(id);
      offsets.push_back(ids.size());
    }
    ids.insert(ids.end(), odd.begin(), odd.end());
    offsets.push_back(ids.size());
    const Samples all(std::move(ids), std::move(offsets));
    const auto scores = model->score_sequences(all);
    ASSERT_TRUE(scores);
    for (Eigen::Index i = 0; i < all.size(); ++i) {
      std::vector<text::TokenId> history{text::kBos};
      double expected = 0.0;
      for (const auto id : all.tokens(i)) {
        const auto token = static_cast<text::TokenId>(id);
        expected += std::log(lm.prob(history, token));
        if (token == kEos) {
          history.assign(1, text::kBos);
        } else {
          history.push_back(token);
        }
      }
      EXPECT_EQ((*scores)[static_cast<std::size_t>(i)].log_prob, expected) << "sequence " << i;
    }
  }
}

TEST(NgramConfig, FamilyAndTruthErrorsNameTheKey) {
  ouro::testing::TextDir dir;
  const auto file = dir.write("c.txt", "a b\nc d\ne f\n");
  const auto message = [](const std::string& toml) {
    try {
      const Config config = Config::from_string(toml);
      const auto truth = make_truth(config, 1);
      make_family(config, *truth);
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("<no error>");
  };
  const std::string corpus = "[truth]\nkind = \"corpus\"\ncorpus = \"text\"\npath = \"" + file.string() + "\"\n";
  EXPECT_EQ(message(corpus + "[model]\nfamily = \"ngram\"\n"), "<no error>");
  EXPECT_THAT(message(corpus + "[model]\nfamily = \"ngram\"\norder = 7\n"), HasSubstr("model.order"));
  EXPECT_THAT(message(corpus + "[model]\nfamily = \"ngram\"\norder = 1\n"), HasSubstr("model.order"));
  EXPECT_THAT(message(corpus + "[model]\nfamily = \"gaussian\"\n"), HasSubstr("corpus"));
  EXPECT_THAT(message("[model]\nfamily = \"ngram\"\n"), HasSubstr("an ngram model needs a corpus truth"));
  EXPECT_THAT(message("[truth]\nkind = \"corpus\"\n[model]\nfamily = \"ngram\"\n"), HasSubstr("truth.path"));
  EXPECT_THAT(message("[truth]\nkind = \"corpus\"\npath = \"" + (dir.path() / "none").string() + "\"\n"),
              HasSubstr("no such folder"));
  EXPECT_THAT(message("[truth]\nkind = \"corpus\"\ncorpus = \"jsonl\"\npath = \"" + file.string() + "\"\n"),
              HasSubstr("c.txt:1: malformed JSON"));
}

}  // namespace
}  // namespace ouro
