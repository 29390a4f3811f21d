// The backoff form of n-gram models and its files. Oracles: the hand-computed bigram model of
// kneser_ney_test.cpp written out as ARPA and read back; a hand-written ARPA model scored by the
// backoff rule worked in the comments; the in-memory Kneser-Ney model, which the backoff form
// must equal bit for bit (orders 2 to 6, and wikitext-2 at orders 3 and 5); normalisation of
// every context tested; round trips through ARPA (1e-9) and the binary form (bit for bit);
// malformed files refused naming the line; KenLM's OOV and perplexity conventions.
#include <cmath>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ouro/core/error.hpp"
#include "ouro/core/rng.hpp"
#include "ouro/text/backoff_model.hpp"
#include "ouro/text/corpus.hpp"
#include "ouro/text/kneser_ney.hpp"
#include "ouro/text/lm_file.hpp"
#include "ouro/text/lm_query.hpp"
#include "ouro/text/tokenizer.hpp"
#include "support/error_of.hpp"
#include "support/files.hpp"

namespace ouro::text {
namespace {

using ::testing::HasSubstr;
using testing::error_of;
using testing::scratch_dir;

constexpr TokenId a = 3, b = 4;

Vocabulary tiny_vocabulary() {
  Vocabulary v;
  v.add("a");
  v.add("b");
  return v;
}

// p(w | history) from the backoff model, the state built by scoring the history from <s>.
double backoff_prob(const BackoffModel& m, const std::vector<TokenId>& history, TokenId w) {
  BackoffModel::State state = m.sentence_start(), next;
  for (TokenId h : history) {
    m.prob(state, h, next);
    std::swap(state, next);
  }
  return m.prob(state, w, next);
}

// Random sentences over `types` words with a Zipf-like skew, so that every order has repeated and
// single n-grams.
std::vector<std::vector<TokenId>> random_corpus(std::size_t sentences, std::size_t types, std::uint64_t seed) {
  Rng rng(seed, {});
  std::vector<std::vector<TokenId>> out(sentences);
  for (auto& s : out) {
    const std::size_t length = 1 + rng.below(12);
    for (std::size_t i = 0; i < length; ++i) {
      const double u = rng.uniform();
      s.push_back(static_cast<TokenId>(3 + static_cast<std::size_t>(std::pow(u, 3.0) * static_cast<double>(types))));
    }
  }
  return out;
}

TEST(BackoffModel, EqualsTheKneserNeyModelBitForBitAtEveryOrder) {
  const auto train = random_corpus(400, 60, 11);
  const auto test = random_corpus(200, 66, 12);  // words 63..68 never trained: the uniform floor
  for (int order = kMinOrder; order <= kMaxOrder; ++order) {
    SCOPED_TRACE(order);
    const KneserNey kn = KneserNey::train(train, order, 3 + 66);
    const BackoffModel bo = BackoffModel::from(kn);
    EXPECT_EQ(bo.order(), order);
    for (int n = 2; n <= order; ++n) EXPECT_EQ(bo.ngrams(n), kn.ngrams(n));
    const auto expected = kn.score(test), actual = bo.score(test);
    EXPECT_EQ(actual.tokens, expected.tokens);
    EXPECT_EQ(actual.log_prob, expected.log_prob);  // the same arithmetic, so the same bits
    // Token by token against prob() with the full history.
    for (const auto& sentence : test) {
      std::vector<TokenId> history{kBos};
      BackoffModel::State state = bo.sentence_start(), next;
      for (std::size_t j = 0; j <= sentence.size(); ++j) {
        const TokenId w = j < sentence.size() ? sentence[j] : kEos;
        ASSERT_EQ(bo.prob(state, w, next), kn.prob(history, w));
        std::swap(state, next);
        history.push_back(w);
      }
    }
  }
}

TEST(BackoffModel, EveryContextSumsToOne) {
  const auto train = random_corpus(300, 40, 21);
  const KneserNey kn = KneserNey::train(train, 4, 3 + 40);
  const BackoffModel bo = BackoffModel::from(kn);
  for (const auto& sentence : random_corpus(30, 40, 22)) {
    BackoffModel::State state = bo.sentence_start(), next;
    for (TokenId h : sentence) {
      double total = 0.0;
      for (TokenId w = 0; w < bo.vocab_size(); ++w) total += bo.prob(state, w, next);
      ASSERT_NEAR(total, 1.0, 1e-12);
      bo.prob(state, h, next);
      std::swap(state, next);
    }
  }
}

TEST(BackoffModel, WikitextScoresEqualTheInMemoryModelAtOrdersThreeAndFive) {
  const auto corpus = read_wikitext2(std::filesystem::path(OURO_SHARED_DATA) / "wikitext-2");
  const WordTokenizer words;
  std::vector<std::vector<std::string>> docs;
  for (const auto& line : corpus.train) docs.push_back(words.tokenize(line));
  const Vocabulary vocab = Vocabulary::build(docs);
  const auto train = KneserNey::split_sentences(encode_documents(corpus.train, words, vocab));
  const auto test = KneserNey::split_sentences(encode_documents(corpus.test, words, vocab));
  for (const int order : {3, 5}) {
    const KneserNey kn = KneserNey::train(train, order, vocab.size());
    const auto expected = kn.score(test);
    const auto actual = BackoffModel::from(kn).score(test);
    EXPECT_EQ(actual.log_prob, expected.log_prob) << "order " << order;
    EXPECT_EQ(actual.tokens, expected.tokens);
  }
}

// The bigram model of kneser_ney_test.cpp's HandComputedBigram, as ARPA.
TEST(Arpa, TheHandComputedBigramModelIsWrittenAsWorkedOut) {
  const std::vector<std::vector<TokenId>> sentences{{a, b}, {a}};
  const KneserNey kn = KneserNey::train(sentences, 2, 5);
  std::ostringstream out;
  write_arpa(kn, tiny_vocabulary(), out);
  const std::string l = fmt::format("{:.12g}", std::log10(0.1875));
  // Unigrams: every id; <s> never predicted (-99); back-offs for contexts (gamma(a) = 0.6,
  // gamma(b) = 0.6; gamma(<s>) = 1 is not written). Bigrams: the interpolated probabilities.
  const std::string expected = fmt::format(
      "\\data\\\nngram 1=5\nngram 2=4\n\n\\1-grams:\n{0}\t<unk>\n{0}\t</s>\n-99\t<s>\n{1}\ta\t{2}\n{1}\tb\t{2}\n\n"
      "\\2-grams:\n",
      l, fmt::format("{:.12g}", std::log10(0.3125)), fmt::format("{:.12g}", std::log10(0.6)));
  EXPECT_THAT(out.str(), ::testing::StartsWith(expected));
  EXPECT_THAT(out.str(), HasSubstr(fmt::format("{:.12g}\ta b\n", std::log10(0.3875))));
  EXPECT_THAT(out.str(), HasSubstr(fmt::format("{:.12g}\tb </s>\n", std::log10(0.5125))));
  EXPECT_THAT(out.str(), HasSubstr(fmt::format("{:.12g}\t<s> a\n", std::log10(0.3125))));
  EXPECT_THAT(out.str(), ::testing::EndsWith("\n\\end\\\n"));
}

TEST(Arpa, RoundTripsEveryProbabilityToOnePartInTenToTheNine) {
  const auto train = random_corpus(300, 50, 31);
  const auto test = random_corpus(100, 50, 32);
  Vocabulary vocab;
  for (int i = 0; i < 50; ++i) vocab.add(fmt::format("w{}", i));
  const auto dir = scratch_dir("arpa-round-trip");
  for (const int order : {2, 4, 6}) {
    const KneserNey kn = KneserNey::train(train, order, vocab.size());
    {
      std::ofstream out(dir / "m.arpa");
      write_arpa(kn, vocab, out);
    }
    const WordModel read = read_arpa(dir / "m.arpa");
    ASSERT_EQ(read.vocabulary.size(), vocab.size());
    for (TokenId id = 0; id < vocab.size(); ++id) ASSERT_EQ(read.vocabulary.token(id), vocab.token(id));
    for (const auto& sentence : test) {
      std::vector<TokenId> history{kBos};
      for (std::size_t j = 0; j <= sentence.size(); ++j) {
        const TokenId w = j < sentence.size() ? sentence[j] : kEos;
        const double expected = kn.prob(history, w);
        ASSERT_NEAR(backoff_prob(read.model, std::vector<TokenId>(history.begin() + 1, history.end()), w), expected,
                    1e-9 * expected);
        history.push_back(w);
      }
    }
  }
}

// A hand-written bigram model in SRILM's layout (spaces, blank lines, a comment before \data\, no
// <unk>): listed bigrams take their own probability; an unlisted one backs off,
// p(c | a) = backoff(a) p(c) = 10^-0.5 * 10^-1.
TEST(Arpa, AHandWrittenModelScoresByTheBackoffRule) {
  const auto dir = scratch_dir("arpa-hand");
  std::ofstream(dir / "m.arpa") << "written by hand\n\n\\data\\\nngram 1=4\nngram 2=2\n\n\\1-grams:\n"
                                   "-0.5 </s>\n-99 <s> -0.25\n-0.7 a -0.5\n-1 c\n\n"
                                   "\\2-grams:\n-0.2 <s> a\n-0.1 a </s>\n\n\\end\\\n";
  const WordModel m = read_arpa(dir / "m.arpa");
  ASSERT_EQ(m.vocabulary.size(), 5u);  // <unk> added
  const TokenId ida = m.vocabulary.id("a"), idc = m.vocabulary.id("c");
  EXPECT_NEAR(backoff_prob(m.model, {}, ida), std::pow(10.0, -0.2), 1e-15);
  EXPECT_NEAR(backoff_prob(m.model, {ida}, kEos), std::pow(10.0, -0.1), 1e-15);
  EXPECT_NEAR(backoff_prob(m.model, {ida}, idc), std::pow(10.0, -0.5 - 1.0), 1e-15);
  EXPECT_NEAR(backoff_prob(m.model, {}, idc), std::pow(10.0, -0.25 - 1.0), 1e-15);
  EXPECT_NEAR(backoff_prob(m.model, {idc}, ida), std::pow(10.0, -0.7), 1e-15);  // c: no back-off listed
  EXPECT_NEAR(backoff_prob(m.model, {}, kUnk), std::pow(10.0, -0.25 - 100.0), 1e-115);  // KenLM's -100

  // KenLM's query conventions: "a zz <unk>" has two OOVs (zz unknown, <unk> itself); 4 tokens.
  LmQuery query(m);
  const QueryScore s = query.score("a zz <unk>");
  EXPECT_EQ(s.tokens, 4u);
  EXPECT_EQ(s.oov, 2u);
  const double unk_after_a = -0.5 - 100.0, unk_after_unk = -100.0, eos_after_unk = -0.5;
  EXPECT_NEAR(s.log10_prob, -0.2 + unk_after_a + unk_after_unk + eos_after_unk, 1e-9);
  EXPECT_NEAR(s.oov_log10_prob, unk_after_a + unk_after_unk, 1e-9);
  EXPECT_NEAR(s.perplexity(), std::pow(10.0, -s.log10_prob / 4.0), 1e-9);
  EXPECT_NEAR(s.perplexity_without_oov(), std::pow(10.0, (0.2 + 0.5) / 2.0), 1e-9);
}

TEST(BinaryLm, RoundTripsBitForBitAndRefusesDamage) {
  const auto train = random_corpus(300, 50, 41);
  Vocabulary vocab;
  for (int i = 0; i < 50; ++i) vocab.add(fmt::format("w{}", i));
  const KneserNey kn = KneserNey::train(train, 4, vocab.size());
  const auto dir = scratch_dir("binary-lm");
  write_binary_lm({vocab, BackoffModel::from(kn)}, dir / "m.bin");
  const WordModel read = read_lm(dir / "m.bin");
  const auto test = random_corpus(100, 50, 42);
  EXPECT_EQ(read.model.score(test).log_prob, kn.score(test).log_prob);
  EXPECT_EQ(read.vocabulary.token(3 + 17), "w17");

  std::string bytes = testing::read_file(dir / "m.bin");
  bytes[bytes.size() / 2] ^= 1;
  std::ofstream(dir / "damaged.bin", std::ios::binary) << bytes;
  EXPECT_THAT(error_of([&] { read_lm(dir / "damaged.bin"); }), HasSubstr("damaged.bin: the check word does not match"));
  std::ofstream(dir / "short.bin", std::ios::binary) << bytes.substr(0, 100);
  EXPECT_THAT(error_of([&] { read_lm(dir / "short.bin"); }), HasSubstr("short.bin: the file ends inside"));
}

struct Malformed {
  const char* name;
  std::string text;
  std::string message;
};

TEST(Arpa, MalformedFilesAreRefusedNamingTheLine) {
  const std::string head = "\\data\\\nngram 1=4\nngram 2=1\n\n\\1-grams:\n-1 <unk>\n-1 </s>\n-99 <s> -0.1\n-1 a -0.2\n\n";
  const std::vector<Malformed> cases = {
      {"no-data", "\\1-grams:\n-1 a\n", "no \\data\\ header"},
      {"order-1", "\\data\\\nngram 1=3\n\n\\1-grams:\n", "order 1"},
      {"skipped-order", "\\data\\\nngram 1=3\nngram 3=1\n", "m.arpa:3: the header lists order 3 where order 2"},
      {"bad-count", "\\data\\\nngram 1=x\nngram 2=1\n", "m.arpa:2: 'x' is not an n-gram count"},
      {"fewer", head + "\\2-grams:\n\n\\end\\\n", "m.arpa:12: the 2-gram section ends after 0 entries; the header counts 1"},
      {"more", head + "\\2-grams:\n-0.5 <s> a\n-0.5 a </s>\n\\end\\\n", "m.arpa:13: expected \\end\\, found '-0.5 a </s>' (more n-grams"},
      {"missing-section", "\\data\\\nngram 1=4\nngram 2=1\n\n\\2-grams:\n", "m.arpa:5: expected the \\1-grams: section"},
      {"no-end", head + "\\2-grams:\n-0.5 <s> a\n", "the file ends without \\end\\"},
      {"bad-number", head + "\\2-grams:\n-0.5x <s> a\n\\end\\\n", "m.arpa:12: the probability '-0.5x' is not a log10 probability"},
      {"positive", head + "\\2-grams:\n0.5 <s> a\n\\end\\\n", "m.arpa:12: the probability '0.5'"},
      {"bad-backoff", "\\data\\\nngram 1=4\nngram 2=1\n\n\\1-grams:\n-1 <unk>\n-1 </s>\n-99 <s> nan\n", "m.arpa:8: the back-off 'nan' is not a number"},
      {"fields", head + "\\2-grams:\n-0.5 <s> a b c\n\\end\\\n", "m.arpa:12: a 2-gram line holds a log10 probability, 2 words"},
      {"unknown-word", head + "\\2-grams:\n-0.5 <s> zz\n\\end\\\n", "m.arpa:12: the word 'zz' is not among the unigrams"},
      {"duplicate-unigram", "\\data\\\nngram 1=4\nngram 2=1\n\n\\1-grams:\n-1 <unk>\n-1 </s>\n-99 <s>\n-1 </s>\n", "m.arpa:9: the unigram '</s>' is listed twice"},
      {"duplicate-bigram", "\\data\\\nngram 1=4\nngram 2=2\n\n\\1-grams:\n-1 <unk>\n-1 </s>\n-99 <s>\n-1 a\n\n\\2-grams:\n-1 a </s>\n-1 a </s>\n\\end\\\n", "m.arpa:13: 2-gram 2 is listed twice"},
      {"no-bos", "\\data\\\nngram 1=2\nngram 2=0\n\n\\1-grams:\n-1 </s>\n-1 a\n\n\\2-grams:\n\\end\\\n", "must list </s> and <s>"},
  };
  const auto dir = scratch_dir("arpa-malformed");
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    std::ofstream(dir / "m.arpa") << c.text;
    EXPECT_THAT(error_of([&] { read_arpa(dir / "m.arpa"); }), HasSubstr(c.message));
  }
  EXPECT_THAT(error_of([&] { read_lm(dir / "absent.arpa"); }), HasSubstr("cannot read the language model"));
}

}  // namespace
}  // namespace ouro::text
