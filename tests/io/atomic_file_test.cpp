// AtomicFile: a file appears complete on commit, and not at all otherwise; its stamp is that of the
// bytes committed, however they were written; its steps are reported in order to an observer.
#include <fstream>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

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

TEST(AtomicFile, StampIsThatOfTheCommittedBytesWrittenInPiecesOfAnySize) {
  TempDir dir;
  std::mt19937 random(5);
  std::string expected;
  AtomicFile file(dir / "samples.jsonl", Durability::kUnsynced);
  // Pieces from one byte to beyond the 256 KiB buffer, through put() and write().
  for (const std::size_t size : {1u, 3u, 1000u, 300000u, 17u, 700000u, 2u}) {
    std::string piece(size, '\0');
    for (char& c : piece) c = static_cast<char>('a' + random() % 26);
    if (size == 1) file.stream().put(piece[0]);
    else file.stream().write(piece.data(), static_cast<std::streamsize>(piece.size()));
    expected += piece;
  }
  file.commit();
  EXPECT_EQ(contents(dir / "samples.jsonl"), expected);
  EXPECT_EQ(file.stamp(), stamp_of_file(dir / "samples.jsonl"));
  EXPECT_EQ(file.stamp().bytes, expected.size());
}

std::vector<WriteStep> observed_steps;
void record_step(const std::filesystem::path& destination, WriteStep step) {
  if (destination.filename() == "observed.csv") observed_steps.push_back(step);
}

TEST(AtomicFile, ReportsItsStepsToTheObserver) {
  TempDir dir;
  observed_steps.clear();
  set_write_observer(&record_step);
  {
    AtomicFile file(dir / "observed.csv");
    file.stream() << std::string(600000, 'x');
    file.commit();
  }
  set_write_observer(nullptr);
  // Opened, three blocks of at most 256 KiB, synced, renamed.
  EXPECT_EQ(observed_steps, (std::vector<WriteStep>{WriteStep::kOpened, WriteStep::kWrote, WriteStep::kWrote,
                                                    WriteStep::kWrote, WriteStep::kSynced, WriteStep::kRenamed}));
}

}  // namespace
}  // namespace ouro
