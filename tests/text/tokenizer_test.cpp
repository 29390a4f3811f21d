// Tokenizers and the vocabulary. Oracles: hand-written token lists, exact round trips, and the
// wikitext-2 README's published token count (2,088,628 train tokens counting one <eos> per line)
// and vocabulary size (33,278 types counting <eos>).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ouro/text/corpus.hpp"
#include "ouro/text/tokenizer.hpp"
#include "ouro/text/vocabulary.hpp"

namespace ouro::text {
namespace {

using ::testing::ElementsAre;

TEST(WordTokenizer, SplitsOnWhitespaceKeepingWikitextTokens) {
  WordTokenizer words;
  EXPECT_THAT(words.tokenize(" = Valkyria Chronicles <unk> = \n"), ElementsAre("=", "Valkyria", "Chronicles", "<unk>", "="));
  EXPECT_THAT(words.tokenize(" 1 @,@ 000 @-@ year \t"), ElementsAre("1", "@,@", "000", "@-@", "year"));
  EXPECT_TRUE(words.tokenize("   ").empty());
  const std::string text = "the cat sat on the <unk>";
  EXPECT_EQ(words.detokenize(words.tokenize(text)), text);
}

TEST(CharTokenizer, CodePointsRoundTrip) {
  CharTokenizer chars;
  const std::string text = "Caf\xc3\xa9 d\xe2\x82\xac\n x";
  const auto tokens = chars.tokenize(text);
  EXPECT_THAT(tokens, ElementsAre("C", "a", "f", "\xc3\xa9", " ", "d", "\xe2\x82\xac", "\n", " ", "x"));
  EXPECT_EQ(chars.detokenize(tokens), text);
  EXPECT_EQ(make_tokenizer("char")->name(), "char");
  EXPECT_EQ(make_tokenizer("bpe"), nullptr);
}

TEST(Vocabulary, ReservedIdsFirstSeenOrderAndUnk) {
  const Vocabulary v = Vocabulary::build({{"b", "a", "b"}, {"<unk>", "c"}});
  EXPECT_EQ(v.token(kUnk), "<unk>");
  EXPECT_EQ(v.token(kEos), "</s>");
  EXPECT_EQ(v.token(kBos), "<s>");
  EXPECT_EQ(v.size(), 6u);
  EXPECT_EQ(v.id("b"), 3u);
  EXPECT_EQ(v.id("a"), 4u);
  EXPECT_EQ(v.id("<unk>"), kUnk);  // the corpus's own <unk> is the reserved type
  EXPECT_EQ(v.id("zebra"), kUnk);
  std::size_t oov = 0;
  EXPECT_THAT(v.encode({"a", "zebra", "<unk>", "c", "yak"}, &oov), ElementsAre(4u, kUnk, kUnk, 5u, kUnk));
  EXPECT_EQ(oov, 2u);  // zebra and yak; the spelled <unk> was already in the corpus
}

TEST(Vocabulary, MinCountMapsRareTypesToUnk) {
  const Vocabulary v = Vocabulary::build({{"x", "y", "x"}, {"z", "x", "y"}}, 2);
  EXPECT_TRUE(v.contains("x"));
  EXPECT_TRUE(v.contains("y"));
  EXPECT_FALSE(v.contains("z"));
  EXPECT_EQ(v.size(), 5u);
}

TEST(Vocabulary, EncodeDocumentsAppendsEos) {
  WordTokenizer words;
  Vocabulary v = Vocabulary::build({{"a", "b"}});
  std::size_t oov = 0;
  EXPECT_THAT(encode_documents({" a b ", " ", "b q"}, words, v, &oov),
              ElementsAre(3u, 4u, kEos, kEos, 4u, kUnk, kEos));
  EXPECT_EQ(oov, 1u);
}

TEST(Vocabulary, Wikitext2PublishedCounts) {
  const std::filesystem::path folder = std::filesystem::path(OURO_SHARED_DATA) / "wikitext-2";
  if (!std::filesystem::exists(folder)) GTEST_SKIP() << "no " << folder;
  const SplitCorpus corpus = read_wikitext2(folder, false);
  WordTokenizer words;
  std::vector<std::vector<std::string>> docs;
  for (const auto& line : corpus.train) docs.push_back(words.tokenize(line));
  const Vocabulary v = Vocabulary::build(docs);
  std::size_t oov = 0;
  const auto stream = encode_documents(corpus.train, words, v, &oov);
  EXPECT_EQ(stream.size(), 2088628u);
  // 33,278 types counting <eos>: ours has <unk> (a corpus type), </s> (= <eos>) and <s> (extra).
  EXPECT_EQ(v.size(), 33278u + 1u);
  EXPECT_EQ(oov, 0u);
  std::size_t test_oov = 0;
  encode_documents(corpus.test, words, v, &test_oov);
  EXPECT_EQ(test_oov, 0u);  // the README: valid and test add no new types
}

}  // namespace
}  // namespace ouro::text
