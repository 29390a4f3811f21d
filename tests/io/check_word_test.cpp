// Check words and file stamps: XXH3's published value for the empty input, the same word whether
// the bytes come whole or in pieces, stamps that match a file and name it when it changed.
#include "ouro/io/check_word.hpp"

#include <fstream>
#include <random>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "io/temp_dir.hpp"
#include "ouro/core/error.hpp"

namespace ouro {
namespace {

using ::testing::HasSubstr;
using testing::TempDir;

TEST(CheckWord, IsXxh3OfTheBytes) {
  // XXH3_64bits of no bytes with the default seed, as published with xxHash.
  EXPECT_EQ(check_word(""), 0x2D06800538D394C2ULL);
  EXPECT_EQ(check_word_text(0x2D06800538D394C2ULL), "2d06800538d394c2");
  EXPECT_NE(check_word("a"), check_word("b"));
}

TEST(CheckWord, PiecesGiveTheWordOfTheWhole) {
  std::mt19937 random(3);
  std::string bytes(10000, '\0');
  for (char& c : bytes) c = static_cast<char>(random());
  for (const std::size_t piece : {1u, 7u, 64u, 240u, 4096u}) {
    CheckWordStream stream;
    for (std::size_t at = 0; at < bytes.size(); at += piece) {
      const std::string_view part = std::string_view(bytes).substr(at, piece);
      stream.add(part.data(), part.size());
    }
    EXPECT_EQ(stream.word(), check_word(bytes)) << "pieces of " << piece;
  }
}

TEST(FileStamp, MatchesTheFileAndNamesItWhenChanged) {
  TempDir dir;
  const auto path = dir / "metrics.csv";
  const std::string text = "replicate,generation,metric,value\n0,0,mean,1.5\n";
  std::ofstream(path, std::ios::binary) << text;
  const FileStamp stamp = stamp_of_file(path);
  EXPECT_EQ(stamp.bytes, text.size());
  EXPECT_EQ(stamp.check, check_word(text));
  EXPECT_NO_THROW(check_file_stamp(path, stamp.to_json(), "rerun"));

  std::ofstream(path, std::ios::binary) << "replicate,generation,metric,value\n0,0,mean,1.6\n";
  try {
    check_file_stamp(path, stamp.to_json(), "rerun it");
    FAIL() << "a changed file passed";
  } catch (const DataError& e) {
    EXPECT_THAT(e.what(), HasSubstr(path.string()));
    EXPECT_THAT(e.what(), HasSubstr("check word"));
    EXPECT_THAT(e.what(), HasSubstr("rerun it"));
  }
  std::ofstream(path, std::ios::binary) << "short\n";
  EXPECT_THROW(check_file_stamp(path, stamp.to_json(), "rerun"), DataError);
  std::filesystem::remove(path);
  try {
    check_stamped_files(dir.path(), {{"metrics.csv", stamp.to_json()}}, "rerun");
    FAIL() << "a missing file passed";
  } catch (const DataError& e) {
    EXPECT_THAT(e.what(), HasSubstr("metrics.csv: missing"));
  }
}

}  // namespace
}  // namespace ouro
