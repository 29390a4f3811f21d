// GPT-2's byte-level BPE tokenizer. Oracles: GPT-2's byte table at the bytes whose symbols are well
// known (space `Ġ`, newline `Ċ`); the pre-tokeniser against GPT-2's pattern worked by hand on
// contractions, numbers, punctuation, runs of spaces, newlines, non-ASCII letters (é, Greek, CJK) and
// emoji; merges worked by hand, including a lower-ranked pair that must win over an earlier one and
// repeated pairs merged left to right; exact round trips on wikitext-2's test split with a byte-level
// vocabulary and with one of a few hundred learned merges; ids in vocab.json's order and the corpus
// Vocabulary at a fixed offset of 3; and each bad file with its message.
#include <algorithm>
#include <set>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ouro/core/config.hpp"
#include "ouro/core/error.hpp"
#include "ouro/core/rng.hpp"
#include "ouro/models/ngram_corpus.hpp"
#include "ouro/models/truth.hpp"
#include "ouro/text/gpt2_tokenizer.hpp"
#include "ouro/text/vocabulary.hpp"
#include "support/error_of.hpp"
#include "text/gpt2_fixtures.hpp"
#include "text/temp_files.hpp"

namespace ouro::text {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::ThrowsMessage;
using testing::TextDir;

const std::string kG = "\xc4\xa0";  // U+0120 'Ġ', GPT-2's symbol for a space byte

TEST(Gpt2ByteTable, KnownSymbols) {
  EXPECT_EQ(gpt2_byte_symbol(' '), kG);
  EXPECT_EQ(gpt2_byte_symbol('\n'), "\xc4\x8a");   // U+010A 'Ċ'
  EXPECT_EQ(gpt2_byte_symbol(0), "\xc4\x80");      // U+0100 'Ā'
  EXPECT_EQ(gpt2_byte_symbol(0x7F), "\xc4\xa1");   // U+0121
  EXPECT_EQ(gpt2_byte_symbol(0xAD), "\xc5\x83");   // U+0143, the last one
  EXPECT_EQ(gpt2_byte_symbol('a'), "a");
  EXPECT_EQ(gpt2_byte_symbol(0xE9), "\xc3\xa9");   // printable Latin-1 stands for itself
  std::set<std::string> distinct;
  for (int b = 0; b < 256; ++b) distinct.insert(gpt2_byte_symbol(static_cast<unsigned char>(b)));
  EXPECT_EQ(distinct.size(), 256u);
}

TEST(Gpt2Pretokenize, ContractionsAreCaseSensitive) {
  EXPECT_THAT(gpt2_pretokenize("I'm here, isn't it? They'll've we'd you're"),
              ElementsAre("I", "'m", " here", ",", " isn", "'t", " it", "?", " They", "'ll", "'ve", " we", "'d", " you",
                          "'re"));
  EXPECT_THAT(gpt2_pretokenize("I'M 's 'x"), ElementsAre("I", "'", "M", " '", "s", " '", "x"));
}

TEST(Gpt2Pretokenize, NumbersAndPunctuation) {
  EXPECT_THAT(gpt2_pretokenize("abc123 4567.89 x\xc2\xb2"), ElementsAre("abc", "123", " 4567", ".", "89", " x", "\xc2\xb2"));
  EXPECT_THAT(gpt2_pretokenize("Hello!!! ...ok @-@ (a)"), ElementsAre("Hello", "!!!", " ...", "ok", " @-@", " (", "a", ")"));
}

TEST(Gpt2Pretokenize, SpacesAndNewlines) {
  // A run of whitespace before text leaves its last space to lead the next word.
  EXPECT_THAT(gpt2_pretokenize("a   b"), ElementsAre("a", "  ", " b"));
  EXPECT_THAT(gpt2_pretokenize("a  "), ElementsAre("a", "  "));
  EXPECT_THAT(gpt2_pretokenize("  a"), ElementsAre(" ", " a"));
  EXPECT_THAT(gpt2_pretokenize("a\n\nb"), ElementsAre("a", "\n", "\n", "b"));
  EXPECT_THAT(gpt2_pretokenize("a\n\n b"), ElementsAre("a", "\n\n", " b"));
  EXPECT_THAT(gpt2_pretokenize("a\tb\n"), ElementsAre("a", "\t", "b", "\n"));
  EXPECT_THAT(gpt2_pretokenize("a\xc2\xa0" "b"), ElementsAre("a", "\xc2\xa0", "b"));  // NBSP is White_Space
  EXPECT_THAT(gpt2_pretokenize(" "), ElementsAre(" "));
  EXPECT_TRUE(gpt2_pretokenize("").empty());
}

TEST(Gpt2Pretokenize, NonAsciiLettersAndEmoji) {
  EXPECT_THAT(gpt2_pretokenize("caf\xc3\xa9 na\xc3\xafve"), ElementsAre("caf\xc3\xa9", " na\xc3\xafve"));
  // "Καλημέρα κόσμε"
  EXPECT_THAT(gpt2_pretokenize("\xce\x9a\xce\xb1\xce\xbb\xce\xb7\xce\xbc\xce\xad\xcf\x81\xce\xb1 \xce\xba\xcf\x8c\xcf\x83\xce\xbc\xce\xb5"),
              ElementsAre("\xce\x9a\xce\xb1\xce\xbb\xce\xb7\xce\xbc\xce\xad\xcf\x81\xce\xb1", " \xce\xba\xcf\x8c\xcf\x83\xce\xbc\xce\xb5"));
  // "東京2024年": CJK ideographs are letters, the digits a number run between them.
  EXPECT_THAT(gpt2_pretokenize("\xe6\x9d\xb1\xe4\xba\xac" "2024\xe5\xb9\xb4"),
              ElementsAre("\xe6\x9d\xb1\xe4\xba\xac", "2024", "\xe5\xb9\xb4"));
  // "hi 👋🏽!": the emoji, its skin-tone modifier and '!' are one run of neither letters nor numbers.
  EXPECT_THAT(gpt2_pretokenize("hi \xf0\x9f\x91\x8b\xf0\x9f\x8f\xbd!"), ElementsAre("hi", " \xf0\x9f\x91\x8b\xf0\x9f\x8f\xbd!"));
  // A byte that is not UTF-8 is a character of its own class, so any byte string splits.
  EXPECT_THAT(gpt2_pretokenize("a\xff\xfe" "b"), ElementsAre("a", "\xff\xfe", "b"));
}

// A tokenizer over the byte vocabulary plus `merges` (their results appended in order).
Gpt2Tokenizer with_merges(const std::vector<std::pair<std::string, std::string>>& merges,
                          std::vector<std::string> extra = {}) {
  auto vocabulary = testing::byte_vocabulary();
  std::vector<Gpt2Merge> list;
  for (const auto& [a, b] : merges) {
    if (std::find(vocabulary.begin(), vocabulary.end(), a + b) == vocabulary.end()) vocabulary.push_back(a + b);
    list.push_back({a, b, list.size() + 2});
  }
  for (auto& e : extra) vocabulary.push_back(std::move(e));
  return Gpt2Tokenizer(std::move(vocabulary), list);
}

TEST(Gpt2Tokenizer, LowestRankMergesFirstNotLeftmost) {
  // "abc": the leftmost pair (a b) ranks after (b c), so b c merges first and a + bc never can.
  const auto t = with_merges({{"b", "c"}, {"a", "b"}});
  EXPECT_THAT(t.tokenize("abc"), ElementsAre("a", "bc"));
  EXPECT_THAT(t.tokenize("abd"), ElementsAre("ab", "d"));
  // The same merges in the other order: a b first.
  EXPECT_THAT(with_merges({{"a", "b"}, {"b", "c"}}).tokenize("abc"), ElementsAre("ab", "c"));
}

TEST(Gpt2Tokenizer, RepeatedPairsMergeLeftToRightThenOnward) {
  const auto t = with_merges({{"a", "a"}, {"aa", "aa"}, {"aa", "a"}});
  EXPECT_THAT(t.tokenize("aaa"), ElementsAre("aaa"));       // a a -> aa a (left to right) -> aaa
  EXPECT_THAT(t.tokenize("aaaa"), ElementsAre("aaaa"));     // aa aa (rank 1) before aa a (rank 2)
  EXPECT_THAT(t.tokenize("aaaaa"), ElementsAre("aaaa", "a"));  // aa aa a: rank 1 wins, then no pair
}

TEST(Gpt2Tokenizer, WordsWithLeadingSpaceAndMultiStepMerges) {
  // " hello world": pre-tokens " hello", " world"; worked by hand through the ranks below.
  const std::string G = kG;
  const auto t = with_merges({{"l", "l"}, {G, "h"}, {"e", "ll"}, {G, "w"}, {"o", "r"}, {G + "h", "ell"}, {"ell", "o"}});
  // Ġ h e l l o: l l (0) -> Ġ h e ll o; Ġ h (1) -> Ġh e ll o; e ll (2) -> Ġh ell o; Ġh ell (5) -> Ġhell o.
  // (ell o, rank 6, would have applied before Ġh ell if it ranked earlier.)
  EXPECT_THAT(t.tokenize(" hello"), ElementsAre(G + "hell", "o"));
  // Without the space, h e l l o: l l -> e ll -> h ell o, and now ell o (6) applies: h ello.
  // Ġ w o r l d: Ġ w (3) -> Ġw o r l d; o r (4) -> Ġw or l d.
  EXPECT_THAT(t.tokenize("hello world"), ElementsAre("h", "ello", G + "w", "or", "l", "d"));
  // Merge results take ids after the 256 bytes in rank order: ll 256, Ġh 257, ell 258, Ġw 259, or 260,
  // Ġhell 261, ello 262.
  EXPECT_THAT(t.ids(t.tokenize(" hello")), ElementsAre(261, 111));
  EXPECT_THAT(t.tokens(std::vector<std::int32_t>{261, 111}), ElementsAre(G + "hell", "o"));
  EXPECT_EQ(t.detokenize(t.tokenize("hello world")), "hello world");
  EXPECT_EQ(t.id_count(), 256u + 7);
  EXPECT_EQ(t.merge_count(), 7u);
}

TEST(Gpt2Tokenizer, EndOfTextIsOneToken) {
  const auto t = with_merges({{"a", "b"}}, {"<|endoftext|>"});
  EXPECT_THAT(t.tokenize("ab<|endoftext|> ab<|endoftext|>"),
              ElementsAre("ab", "<|endoftext|>", kG, "ab", "<|endoftext|>"));
  EXPECT_EQ(t.ids({"<|endoftext|>"}).at(0), 257);
  EXPECT_EQ(t.detokenize(t.tokenize("x<|endoftext|>y")), "x<|endoftext|>y");
  // Without it in the vocabulary it is plain text: three pre-tokens, one byte token each character.
  EXPECT_THAT(gpt2_pretokenize("<|endoftext|>"), ElementsAre("<|", "endoftext", "|>"));
  EXPECT_EQ(with_merges({}).tokenize("<|endoftext|>").size(), 13u);
}

TEST(Gpt2Tokenizer, IdsOfUnknownTokensAndIdsOutOfRangeAreRefused) {
  const auto t = with_merges({});
  EXPECT_THAT([&] { (void)t.ids({"a", "zz"}); }, ThrowsMessage<DataError>(HasSubstr("'zz'")));
  EXPECT_THAT([&] { (void)t.tokens(std::vector<std::int32_t>{256}); },
              ThrowsMessage<DataError>(HasSubstr("id 256 is outside vocab.json's 0..255")));
}

TEST(Gpt2Tokenizer, RoundTripsEveryByteString) {
  const auto t = with_merges({{kG, "t"}, {"h", "e"}, {kG + "t", "he"}});
  std::string all;
  for (int b = 0; b < 256; ++b) all.push_back(static_cast<char>(b));
  for (const std::string& s : {all, std::string("the the  \n\n\tthe"), std::string("\xe2\x82\xac 5 caf\xc3\xa9 \xf0\x9f\x91\x8b"),
                              std::string("\xff\xfe broken \xc3")})
    EXPECT_EQ(t.detokenize(t.tokenize(s)), s);
}

TEST(Gpt2Tokenizer, WikitextTestSplitRoundTripsWithBytesAndWithLearnedMerges) {
  const auto lines = testing::wikitext_test_lines();
  if (lines.empty()) GTEST_SKIP() << "no wikitext-2 under " << OURO_SHARED_DATA;
  auto vocabulary = testing::byte_vocabulary();
  const Gpt2Tokenizer bytes(vocabulary, {});
  std::vector<std::string> head(lines.begin(), lines.begin() + std::min<std::size_t>(lines.size(), 1500));
  auto merges = testing::train_merges(head, 300, &vocabulary);
  ASSERT_EQ(merges.size(), 300u);
  std::vector<Gpt2Merge> list;
  for (const auto& [a, b] : merges) list.push_back({a, b, list.size() + 2});
  const Gpt2Tokenizer learned(vocabulary, list);
  std::size_t byte_tokens = 0, learned_tokens = 0, chars = 0;
  for (const auto& line : lines) {
    const auto a = bytes.tokenize(line);
    const auto b = learned.tokenize(line);
    ASSERT_EQ(bytes.detokenize(a), line);
    ASSERT_EQ(learned.detokenize(b), line);
    byte_tokens += a.size();
    learned_tokens += b.size();
    chars += line.size();
    (void)learned.ids(b);  // every token is in the vocabulary
  }
  EXPECT_EQ(byte_tokens, chars);  // one token per byte
  // 300 merges learned on the split's own head compress it well below a token per byte.
  EXPECT_LT(static_cast<double>(learned_tokens), 0.55 * static_cast<double>(byte_tokens));
}

TEST(Gpt2Tokenizer, ManyThreadsGiveTheSameTokens) {
  const auto lines = testing::wikitext_test_lines();
  if (lines.empty()) GTEST_SKIP() << "no wikitext-2 under " << OURO_SHARED_DATA;
  auto vocabulary = testing::byte_vocabulary();
  std::vector<std::string> head(lines.begin(), lines.begin() + std::min<std::size_t>(lines.size(), 400));
  std::vector<Gpt2Merge> list;
  for (const auto& [a, b] : testing::train_merges(head, 100, &vocabulary)) list.push_back({a, b, list.size() + 2});
  const Gpt2Tokenizer t(vocabulary, list);
  std::vector<std::vector<std::string>> serial;
  for (const auto& line : head) serial.push_back(t.tokenize(line));
  const Gpt2Tokenizer fresh(vocabulary, list);  // an empty cache
  std::vector<std::vector<std::string>> parallel(head.size());
  std::vector<std::thread> threads;
  for (std::size_t k = 0; k < 4; ++k)
    threads.emplace_back([&, k] {
      for (std::size_t i = k; i < head.size(); i += 4) parallel[i] = fresh.tokenize(head[i]);
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(parallel, serial);
}

TEST(Gpt2Tokenizer, LoadsFilesAndFixesTheCorpusVocabularyAtOffsetThree) {
  TextDir dir;
  auto tokens = testing::byte_vocabulary();
  tokens.push_back("ab");
  tokens.push_back("<|endoftext|>");
  const auto t = Gpt2Tokenizer::load(testing::write_vocab_json(dir, tokens), testing::write_merges_txt(dir, {{"a", "b"}}));
  EXPECT_EQ(t.name(), "gpt2");
  ASSERT_EQ(t.fixed_vocabulary().size(), 258u);
  const auto vocabulary = Vocabulary::from_list(t.fixed_vocabulary());
  EXPECT_EQ(vocabulary.size(), 3u + 258);
  const auto pieces = t.tokenize("ab a");
  const auto gpt2_ids = t.ids(pieces);
  const auto corpus_ids = vocabulary.encode(pieces);
  ASSERT_EQ(corpus_ids.size(), gpt2_ids.size());
  for (std::size_t i = 0; i < pieces.size(); ++i) EXPECT_EQ(corpus_ids[i], static_cast<TokenId>(gpt2_ids[i]) + 3);
  EXPECT_EQ(vocabulary.id("<|endoftext|>"), 3u + 257);
  EXPECT_THAT([&] { (void)Vocabulary::from_list(std::vector<std::string>{"a", "</s>"}); },
              ThrowsMessage<DataError>(AllOf(HasSubstr("token 1"), HasSubstr("'</s>'"), HasSubstr("reserved"))));
  EXPECT_THAT([&] { (void)Vocabulary::from_list(std::vector<std::string>{"a", "b", "a"}); },
              ThrowsMessage<DataError>(AllOf(HasSubstr("token 2"), HasSubstr("repeats"))));
}

TEST(Gpt2Tokenizer, BadFilesAreRefusedNamingFileAndLine) {
  TextDir dir;
  const auto tokens = testing::byte_vocabulary();
  const auto vocab = testing::write_vocab_json(dir, tokens);
  const auto merges = testing::write_merges_txt(dir, {});
  EXPECT_THAT([&] { (void)Gpt2Tokenizer::load(dir.path() / "none.json", merges); },
              ThrowsMessage<IoError>(HasSubstr("none.json")));
  EXPECT_THAT([&] { (void)Gpt2Tokenizer::load(vocab, dir.path() / "none.txt"); },
              ThrowsMessage<IoError>(HasSubstr("none.txt")));
  const auto bad_json = dir.write("bad.json", "{\"a\": 0, \"b\": ");
  EXPECT_THAT([&] { (void)read_gpt2_vocabulary(bad_json); },
              ThrowsMessage<DataError>(AllOf(HasSubstr("bad.json"), HasSubstr("not valid JSON"))));
  EXPECT_THAT([&] { (void)read_gpt2_vocabulary(dir.write("list.json", "[\"a\"]")); },
              ThrowsMessage<DataError>(AllOf(HasSubstr("list.json"), HasSubstr("array"))));
  EXPECT_THAT([&] { (void)read_gpt2_vocabulary(dir.write("gap.json", R"({"a": 0, "b": 2})")); },
              ThrowsMessage<DataError>(AllOf(HasSubstr("gap.json"), HasSubstr("'b' has id 2"), HasSubstr("0..1"))));
  EXPECT_THAT([&] { (void)read_gpt2_vocabulary(dir.write("twice.json", R"({"a": 1, "b": 1})")); },
              ThrowsMessage<DataError>(AllOf(HasSubstr("twice.json"), HasSubstr("share id 1"))));
  EXPECT_THAT([&] { (void)read_gpt2_vocabulary(dir.write("str.json", R"({"a": "0"})")); },
              ThrowsMessage<DataError>(AllOf(HasSubstr("str.json"), HasSubstr("'a'"))));
  const auto one_part = dir.write("one.txt", "#version: 0.2\na b\nc\n");
  EXPECT_THAT([&] { (void)Gpt2Tokenizer::load(vocab, one_part); },
              ThrowsMessage<DataError>(AllOf(HasSubstr("one.txt:3"), HasSubstr("'c'"))));
  EXPECT_THAT([&] { (void)read_gpt2_merges(dir.write("three.txt", "a b c\n")); },
              ThrowsMessage<DataError>(HasSubstr("three.txt:1: merge line 'a b c'")));
  // a b makes "ab", which the byte vocabulary lacks.
  const auto missing = dir.write("missing.txt", "#version: 0.2\n\na b\n");
  EXPECT_THAT([&] { (void)Gpt2Tokenizer::load(vocab, missing); },
              ThrowsMessage<DataError>(AllOf(HasSubstr("missing.txt:3"), HasSubstr("'a b' makes 'ab'"))));
}

TEST(Gpt2CorpusTruth, VocabularyIsTheWholeVocabJsonAtOffsetThree) {
  TextDir dir;
  std::string text;
  for (int i = 0; i < 30; ++i) text += "the quick brown fox jumps over the lazy dog\n";
  const auto file = dir.write("c.txt", text);
  auto tokens = testing::byte_vocabulary();
  const auto merges = testing::train_merges({"the quick brown fox jumps over the lazy dog"}, 20, &tokens);
  tokens.push_back("<|endoftext|>");
  const auto vocab = testing::write_vocab_json(dir, tokens);
  const auto merges_file = testing::write_merges_txt(dir, merges);
  const std::string toml = "[truth]\nkind = \"corpus\"\ncorpus = \"text\"\nblock_tokens = 8\npath = \"" + file.string() +
                           "\"\ntokenizer = \"gpt2\"\ntokenizer_vocab = \"" + vocab.string() +
                           "\"\ntokenizer_merges = \"" + merges_file.string() + "\"\n";
  const auto truth = make_truth(Config::from_string(toml), 1);
  const auto& corpus = dynamic_cast<const CorpusTruth&>(*truth);
  EXPECT_EQ(corpus.tokenizer().name(), "gpt2");
  ASSERT_EQ(corpus.vocabulary().size(), 3 + tokens.size());
  for (std::size_t i = 0; i < tokens.size(); ++i) ASSERT_EQ(corpus.vocabulary().token(static_cast<TokenId>(3 + i)), tokens[i]);
  EXPECT_EQ(corpus.test_oov_rate(), 0.0);
  // Every id in the training blocks is </s> or 3 + a vocab.json id; the text renders back.
  const auto& gpt2 = dynamic_cast<const Gpt2Tokenizer&>(corpus.tokenizer());
  const auto pieces = gpt2.tokenize("the quick brown fox jumps over the lazy dog");
  const auto ids = gpt2.ids(pieces);
  Rng rng(1, {});
  const Matrix test = truth->test_set(1, rng);
  for (std::size_t j = 0; j < 8 && j < ids.size(); ++j) EXPECT_EQ(test(0, static_cast<Eigen::Index>(j)), ids[j] + 3);
  EXPECT_EQ(corpus.render(test.row(0)), gpt2.detokenize(std::vector<std::string>(pieces.begin(), pieces.begin() + 8)));

  const auto message = [](const std::string& t) {
    return testing::error_of([&] { make_truth(Config::from_string(t), 1); });
  };
  const std::string base = "[truth]\nkind = \"corpus\"\ncorpus = \"text\"\npath = \"" + file.string() + "\"\n";
  EXPECT_THAT(message(base + "tokenizer = \"gpt2\"\ntokenizer_merges = \"" + merges_file.string() + "\"\n"),
              AllOf(HasSubstr("truth.tokenizer"), HasSubstr("set truth.tokenizer_vocab")));
  EXPECT_THAT(message(base + "tokenizer = \"gpt2\"\ntokenizer_vocab = \"" + vocab.string() + "\"\n"),
              HasSubstr("set truth.tokenizer_merges"));
  EXPECT_THAT(message(base + "tokenizer = \"word\"\ntokenizer_vocab = \"" + vocab.string() + "\"\n"),
              AllOf(HasSubstr("truth.tokenizer_vocab"), HasSubstr("used only with truth.tokenizer = \"gpt2\"")));
  EXPECT_THAT(message(base + "tokenizer = \"char\"\ntokenizer_merges = \"" + merges_file.string() + "\"\n"),
              HasSubstr("truth.tokenizer_merges"));
  const auto bad_merges = dir.write("bad.txt", "#version: 0.2\nq z\n");
  EXPECT_THAT(message(base + "tokenizer = \"gpt2\"\ntokenizer_vocab = \"" + vocab.string() +
                      "\"\ntokenizer_merges = \"" + bad_merges.string() + "\"\n"),
              AllOf(HasSubstr("truth.tokenizer_merges"), HasSubstr("bad.txt:2"), HasSubstr("'qz'")));
  EXPECT_THAT(message(base + "tokenizer = \"gpt2\"\ntokenizer_vocab = \"" + (dir.path() / "no.json").string() +
                      "\"\ntokenizer_merges = \"" + merges_file.string() + "\"\n"),
              AllOf(HasSubstr("truth.tokenizer_vocab"), HasSubstr("no.json")));
}

}  // namespace
}  // namespace ouro::text
