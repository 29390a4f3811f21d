// gzip writing and line reading (io/gzip.hpp): lines round-trip through several deflate chunks,
// the same text compresses to the same bytes, GNU gzip reads what the writer wrote, plain files
// read alike, and a cut or damaged stream is refused naming the file.
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "io/temp_dir.hpp"
#include "ouro/core/error.hpp"
#include "ouro/io/gzip.hpp"

namespace ouro {
namespace {

using ::testing::HasSubstr;
using testing::TempDir;

// 20,000 lines of varied text: about 400 KB, more than one 64 KB deflate chunk in and out.
std::vector<std::string> sample_lines() {
  std::vector<std::string> lines;
  for (int i = 0; i < 20000; ++i) lines.push_back(std::to_string(i % 7) + "," + std::to_string(i) + ",metric," + std::to_string(i * 0.37));
  return lines;
}

std::string gzip_file(const std::filesystem::path& path, const std::vector<std::string>& lines) {
  {
    std::ofstream out(path, std::ios::binary);
    GzipWriter gz(out);
    for (const std::string& line : lines) gz.write(line + "\n");
    gz.finish();
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

std::vector<std::string> read_lines(const std::filesystem::path& path) {
  TextLines in(path);
  std::vector<std::string> lines;
  std::string line;
  while (in.next(line)) lines.push_back(line);
  return lines;
}

TEST(Gzip, LinesRoundTripAndTheBytesAreDeterministic) {
  const TempDir dir;
  const auto lines = sample_lines();
  const std::string first = gzip_file(dir / "a.csv.gz", lines);
  EXPECT_EQ(read_lines(dir / "a.csv.gz"), lines);
  EXPECT_EQ(gzip_file(dir / "b.csv.gz", lines), first);
  EXPECT_LT(first.size(), 400'000u / 3);
  EXPECT_EQ(static_cast<unsigned char>(first[0]), 0x1f);  // the gzip magic
  EXPECT_EQ(static_cast<unsigned char>(first[1]), 0x8b);
}

TEST(Gzip, GnuGzipReadsWhatTheWriterWrote) {
  const TempDir dir;
  const auto lines = sample_lines();
  gzip_file(dir / "a.csv.gz", lines);
  const std::string command = "gzip -dc '" + (dir / "a.csv.gz").string() + "' > '" + (dir / "a.csv").string() + "'";
  ASSERT_EQ(std::system(command.c_str()), 0);
  std::ifstream in(dir / "a.csv");
  std::string line;
  std::vector<std::string> read;
  while (std::getline(in, line)) read.push_back(line);
  EXPECT_EQ(read, lines);
}

TEST(Gzip, PlainFilesReadAlikeWithOrWithoutAFinalNewline) {
  const TempDir dir;
  std::ofstream(dir / "plain.csv") << "a,b\n1,2\n\n3,4";
  EXPECT_EQ(read_lines(dir / "plain.csv"), (std::vector<std::string>{"a,b", "1,2", "", "3,4"}));
  EXPECT_THROW(TextLines(dir / "missing.csv"), IoError);
}

TEST(Gzip, ACutOrDamagedStreamIsRefusedNamingTheFile) {
  const TempDir dir;
  const std::string bytes = gzip_file(dir / "a.csv.gz", sample_lines());
  std::ofstream(dir / "cut.csv.gz", std::ios::binary) << bytes.substr(0, bytes.size() / 2);
  try {
    read_lines(dir / "cut.csv.gz");
    FAIL() << "a cut gzip file was read to its end";
  } catch (const DataError& e) {
    EXPECT_THAT(e.what(), HasSubstr("cut.csv.gz: damaged gzip stream"));
  }
  std::string damaged = bytes;
  for (std::size_t i = 100; i < 200; ++i) damaged[i] = static_cast<char>(damaged[i] ^ 0x5a);
  std::ofstream(dir / "damaged.csv.gz", std::ios::binary) << damaged;
  EXPECT_THROW(read_lines(dir / "damaged.csv.gz"), DataError);
}

}  // namespace
}  // namespace ouro
