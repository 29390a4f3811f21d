// Corpus readers, SHA-256 and UTF-8 validation. Oracles: FIPS 180-4 test vectors, Python's hashlib
// digests published in the wikitext-2 README, hand-written files with known documents, and bad
// input that must name the file and line.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ouro/core/error.hpp"
#include "ouro/text/corpus.hpp"
#include "ouro/io/sha256.hpp"
#include "ouro/text/utf8.hpp"
#include "text/temp_files.hpp"
#include "support/error_of.hpp"

namespace ouro::text {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

using testing::error_of;

TEST(Sha256, FipsVectors) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(sha256_hex(std::string(1000000, 'a')), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, FileMatchesString) {
  ouro::testing::TextDir dir;
  std::string bytes;
  for (int i = 0; i < 200000; ++i) bytes += static_cast<char>(i * 7 % 256);
  EXPECT_EQ(sha256_file(dir.write("b.bin", bytes)), sha256_hex(bytes));
  EXPECT_THAT(error_of([&] { sha256_file(dir.path() / "missing"); }), HasSubstr("missing"));
}

TEST(Utf8, AcceptsValidAndRejectsMalformed) {
  EXPECT_FALSE(utf8_error("plain ascii"));
  EXPECT_FALSE(utf8_error("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"));
  EXPECT_EQ(utf8_error("ab\xff"), 2u);
  EXPECT_EQ(utf8_error("a\xc0\xaf"), 1u);          // overlong '/'
  EXPECT_EQ(utf8_error("\xed\xa0\x80"), 0u);        // surrogate U+D800
  EXPECT_EQ(utf8_error("\xf4\x90\x80\x80"), 0u);    // above U+10FFFF
  EXPECT_EQ(utf8_error("xy\xe2\x82"), 2u);          // truncated
  EXPECT_THAT(utf8_characters("a\xc3\xa9\xe2\x82\xac"), ElementsAre("a", "\xc3\xa9", "\xe2\x82\xac"));
}

TEST(Utf8, InvalidBytesBecomeReplacementCharacters) {
  const std::string fffd = "\xef\xbf\xbd";
  EXPECT_EQ(valid_utf8("caf\xc3\xa9"), "caf\xc3\xa9");
  EXPECT_EQ(valid_utf8("ab\xff"), "ab" + fffd);
  EXPECT_EQ(valid_utf8("xy\xe2\x82"), "xy" + fffd + fffd);  // half a euro sign: each byte replaced
  EXPECT_EQ(valid_utf8("\x80\xc3\xa9\xff!"), fffd + "\xc3\xa9" + fffd + "!");
  EXPECT_FALSE(utf8_error(valid_utf8("\xed\xa0\x80 \xf4\x90\x80\x80")));
}

TEST(ReadText, LinesAndParagraphs) {
  ouro::testing::TextDir dir;
  const auto file = dir.write("t.txt", "one two\r\n\nthree\nfour five\n\n\nsix\n");
  EXPECT_THAT(read_text(file, DocumentSplit::kLine), ElementsAre("one two", "", "three", "four five", "", "", "six"));
  EXPECT_THAT(read_text(file, DocumentSplit::kParagraph), ElementsAre("one two", "three\nfour five", "six"));
}

TEST(ReadText, BadInputNamesFileAndLine) {
  ouro::testing::TextDir dir;
  const auto bad = dir.write("bad.txt", "fine\nalso fine\nlatin1 caf\xe9\n");
  EXPECT_THAT(error_of([&] { read_text(bad, DocumentSplit::kLine); }), HasSubstr("bad.txt:3: invalid UTF-8 at byte 11"));
  EXPECT_THAT(error_of([&] { read_text(dir.path() / "nope.txt", DocumentSplit::kLine); }),
              HasSubstr("nope.txt: no such file"));
  const auto empty = dir.write("empty.txt", " \n\n  \n");
  EXPECT_THAT(error_of([&] { read_text(empty, DocumentSplit::kParagraph); }), HasSubstr("empty.txt: the corpus is empty"));
  EXPECT_THROW(read_text(bad, DocumentSplit::kLine), DataError);
  EXPECT_THROW(read_text(dir.path() / "nope.txt", DocumentSplit::kLine), IoError);
}

TEST(ReadJsonl, FieldAndErrors) {
  ouro::testing::TextDir dir;
  const auto good = dir.write("g.jsonl", "{\"text\": \"hello world\", \"id\": 1}\n\n{\"text\": \"caf\\u00e9\"}\n");
  EXPECT_THAT(read_jsonl(good, "text"), ElementsAre("hello world", "caf\xc3\xa9"));
  EXPECT_THAT(error_of([&] { read_jsonl(good, "body"); }), HasSubstr("g.jsonl:1: the record has no field \"body\""));
  EXPECT_THAT(error_of([&] { read_jsonl(good, "id"); }), HasSubstr("g.jsonl:1: field \"id\" is a number"));
  const auto broken = dir.write("b.jsonl", "{\"text\": \"a\"}\n{\"text\": \"b\"\n");
  EXPECT_THAT(error_of([&] { read_jsonl(broken, "text"); }), HasSubstr("b.jsonl:2: malformed JSON"));
  const auto array = dir.write("a.jsonl", "[1, 2]\n");
  EXPECT_THAT(error_of([&] { read_jsonl(array, "text"); }), HasSubstr("a.jsonl:1: expected a JSON object"));
  const auto blank = dir.write("e.jsonl", "{\"text\": \"  \"}\n");
  EXPECT_THAT(error_of([&] { read_jsonl(blank, "text"); }), HasSubstr("the corpus is empty"));
}

// Found by fuzz_corpus (fuzz/corpus/fuzz_corpus/number_beyond_double.jsonl): nlohmann refuses a
// number beyond a double with out_of_range, not parse_error, and it escaped the reader.
TEST(ReadJsonl, ANumberBeyondADoubleIsMalformedJsonNamingTheLine) {
  ouro::testing::TextDir dir;
  const auto huge = dir.write("h.jsonl", "{\"text\": \"a\"}\n{\"text\": \"b\", \"score\": 5e900}\n");
  EXPECT_THAT(error_of([&] { read_jsonl(huge, "text"); }), HasSubstr("h.jsonl:2: malformed JSON"));
}

TEST(Wikitext2, PublishedSizesAndChecksums) {
  const std::filesystem::path folder = std::filesystem::path(OURO_SHARED_DATA) / "wikitext-2";
  if (!std::filesystem::exists(folder)) GTEST_SKIP() << "no " << folder;
  const SplitCorpus corpus = read_wikitext2(folder, /*verify=*/true);
  // The README's line counts (one document per line, empty lines kept).
  EXPECT_EQ(corpus.train.size(), 36718u);
  EXPECT_EQ(corpus.valid.size(), 3760u);
  EXPECT_EQ(corpus.test.size(), 4358u);
}

TEST(Wikitext2, ChecksumMismatchAndMissingFolder) {
  ouro::testing::TextDir dir;
  dir.write("train.txt", " a b \n");
  dir.write("valid.txt", " a \n");
  dir.write("test.txt", " b \n");
  EXPECT_THAT(error_of([&] { read_wikitext2(dir.path(), true); }), HasSubstr("train.txt: sha256 is"));
  EXPECT_EQ(read_wikitext2(dir.path(), false).test.size(), 1u);
  EXPECT_THAT(error_of([&] { read_wikitext2(dir.path() / "none", true); }), HasSubstr("no such folder"));
}

}  // namespace
}  // namespace ouro::text
