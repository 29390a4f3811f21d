// Sealed JSON files: what is written reads back; every single-byte change of a small file is either
// refused naming the file or reads back as the same content (a change of whitespace alone); another
// kind of file, another format version and an unsealed file are refused by name.
#include "ouro/io/json_file.hpp"

#include <fstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "io/temp_dir.hpp"
#include "ouro/core/error.hpp"

namespace ouro {
namespace {

using ::testing::HasSubstr;
using testing::TempDir;
using testing::write_text;

const nlohmann::json kValue = {{"version", "0.1.0"},
                               {"config", {{"run", {{"seed", 7}, {"generations", 12}}}, {"loop", {{"bias", 0.8}}}}},
                               {"metrics", {"mean_error", "cov_trace"}}};

TEST(JsonFile, ReadsBackWhatWasWritten) {
  TempDir dir;
  write_json_file(dir / "run.json", kValue, kRunFileFormat);
  EXPECT_EQ(read_json_file(dir / "run.json", kRunFileFormat), kValue);
}

TEST(JsonFile, EverySingleByteChangeIsRefusedOrChangesNothing) {
  TempDir dir;
  const auto path = dir / "config.json";
  const std::string good = sealed_json_text(kValue, kRunConfigFormat);
  std::size_t tried = 0, refused = 0, harmless = 0;
  for (std::size_t at = 0; at < good.size(); ++at) {
    for (const unsigned char flip : {0x01, 0x20, 0x80}) {
      std::string bad = good;
      bad[at] = static_cast<char>(static_cast<unsigned char>(bad[at]) ^ flip);
      write_text(path, bad);
      ++tried;
      try {
        EXPECT_EQ(read_json_file(path, kRunConfigFormat), kValue) << "a flip at byte " << at << " changed the content";
        ++harmless;
      } catch (const DataError& e) {
        if (std::string(e.what()).find(path.string()) != std::string::npos) ++refused;
        else ADD_FAILURE() << "the error does not name the file: " << e.what();
      }
    }
  }
  EXPECT_EQ(refused + harmless, tried);
  EXPECT_GT(refused, tried * 9 / 10);
  RecordProperty("corruptions_refused", static_cast<int>(refused));
  RecordProperty("whitespace_changes_read_unchanged", static_cast<int>(harmless));
}

// Found by fuzz_corpus's JSONL reader and checked here for the run's own JSON: a number beyond a
// double is nlohmann's out_of_range, not a parse_error, and escaped read_json_file.
TEST(JsonFile, ANumberBeyondADoubleIsDamageNamingTheFile) {
  TempDir dir;
  write_text(dir / "run.json", "{\"format\": \"ouro.run/1\", \"seed\": 1e999}\n");
  try {
    read_json_file(dir / "run.json", kRunFileFormat);
    FAIL() << "read";
  } catch (const DataError& e) {
    EXPECT_THAT(e.what(), HasSubstr("run.json: damaged: not valid JSON"));
    EXPECT_THAT(e.what(), HasSubstr(std::string(kStartOverRemedy)));
  }
}

TEST(JsonFile, OtherKindsVersionsAndUnsealedFilesAreRefusedByName) {
  TempDir dir;
  const auto path = dir / "sweep.json";
  write_json_file(path, kValue, kRunFileFormat);
  try {
    read_json_file(path, kSweepFileFormat);
    FAIL() << "a run.json was read as a sweep.json";
  } catch (const DataError& e) {
    EXPECT_THAT(e.what(), HasSubstr("not a ouro.sweep/1 file (its format is \"ouro.run/1\")"));
  }
  write_text(path, sealed_json_text(kValue, "ouro.sweep/0"));
  try {
    read_json_file(path, kSweepFileFormat);
    FAIL() << "an older format was read";
  } catch (const DataError& e) {
    EXPECT_THAT(e.what(), HasSubstr("written in format ouro.sweep/0; this ouro reads ouro.sweep/1"));
  }
  write_text(path, kValue.dump(2));
  try {
    read_json_file(path, kSweepFileFormat, "rerun the sweep");
    FAIL() << "an unsealed file was read";
  } catch (const DataError& e) {
    EXPECT_THAT(e.what(), HasSubstr("written by an older ouro"));
    EXPECT_THAT(e.what(), HasSubstr("rerun the sweep"));
  }
  write_text(path, "[1, 2]");
  EXPECT_THROW(read_json_file(path, kSweepFileFormat), DataError);
  write_text(path, "{\"format\": \"ouro.sweep/1\", \"cells\": [");
  try {
    read_json_file(path, kSweepFileFormat);
    FAIL() << "a cut file was read";
  } catch (const DataError& e) {
    EXPECT_THAT(e.what(), HasSubstr("damaged: cut short (its 37 bytes end inside the JSON)"));
  }
  write_text(path, "{\"format\": \"ouro.sweep/1\", \"cells\": [}");
  try {
    read_json_file(path, kSweepFileFormat);
    FAIL() << "a broken file was read";
  } catch (const DataError& e) {
    EXPECT_THAT(e.what(), HasSubstr("damaged: not valid JSON at byte 38 of 38"));
  }
  EXPECT_THROW(read_json_file(dir / "absent.json", kSweepFileFormat), IoError);
}

}  // namespace
}  // namespace ouro
