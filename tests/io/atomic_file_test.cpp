// AtomicFile: a file appears complete on commit, and not at all otherwise.
#include <fstream>
#include <stdexcept>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "io/temp_dir.hpp"
#include "ouro/core/error.hpp"
#include "ouro/io/atomic_file.hpp"

namespace ouro {
namespace {

using testing::TempDir;

std::string contents(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(AtomicFile, NothingAppearsUntilCommit) {
  TempDir dir;
  const auto path = dir / "metrics.csv";
  AtomicFile file(path);
  file.stream() << "a,b\n1,2\n";
  EXPECT_FALSE(std::filesystem::exists(path));
  EXPECT_TRUE(std::filesystem::exists(file.temporary_path()));
  EXPECT_THAT(file.temporary_path().filename().string(), ::testing::StartsWith("metrics.csv.tmp-"));
  file.commit();
  EXPECT_TRUE(file.committed());
  EXPECT_EQ(contents(path), "a,b\n1,2\n");
  EXPECT_FALSE(std::filesystem::exists(file.temporary_path()));
}

TEST(AtomicFile, AbandonedWriterRemovesItsTemporaryAndKeepsTheOldFile) {
  TempDir dir;
  const auto path = dir / "run.json";
  {
    std::ofstream(path) << "old";
  }
  std::filesystem::path temporary;
  try {
    AtomicFile file(path);
    temporary = file.temporary_path();
    file.stream() << "half of the new con";
    throw std::runtime_error("worker failed");
  } catch (const std::runtime_error&) {
  }
  EXPECT_FALSE(std::filesystem::exists(temporary));
  EXPECT_EQ(contents(path), "old");
}

TEST(AtomicFile, CommitReplacesAnExistingFile) {
  TempDir dir;
  const auto path = dir / "x.csv";
  {
    std::ofstream(path) << "old contents that are longer";
  }
  AtomicFile file(path);
  file.stream() << "new";
  file.commit();
  EXPECT_EQ(contents(path), "new");
}

TEST(AtomicFile, MissingFolderIsAnIoErrorNamingThePath) {
  TempDir dir;
  try {
    AtomicFile file(dir / "missing" / "metrics.csv");
    FAIL();
  } catch (const IoError& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("missing/metrics.csv"));
  }
}

TEST(AtomicFile, RenameOntoAFolderFailsCleanly) {
  TempDir dir;
  std::filesystem::create_directories(dir / "taken" / "child");
  AtomicFile file(dir / "taken");
  file.stream() << "x";
  EXPECT_THROW(file.commit(), IoError);
  EXPECT_FALSE(std::filesystem::exists(file.temporary_path()));
  EXPECT_TRUE(std::filesystem::is_directory(dir / "taken"));
}

}  // namespace
}  // namespace ouro
