// FinishedLog: records read back bit for bit in append order from many threads; a torn last
// record (a writer killed mid-append, at any byte, or zeros after a power loss) is ignored on read
// and cut off on open, after which appends are readable again; every single-byte corruption, a log
// of another run's shape or format version and a foreign file are refused with the file named.
#include "ouro/loop/finished_log.hpp"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ouro/core/error.hpp"
#include "support/files.hpp"

namespace ouro {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

constexpr std::size_t kMetrics = 3;
constexpr std::size_t kGenerations = 4;

// The header: magic word, metrics, generations, its check word. Each record: length and its check
// word, payload, the payload's check word, "END.".
constexpr std::size_t kHeaderBytes = 32;

fs::path scratch(const std::string& name) { return ouro::testing::scratch_dir("ouro_finished_log_" + name) / "finished.log"; }

// A replicate's results whose every value differs from every other replicate's.
ReplicateResult result_of(std::size_t replicate) {
  ReplicateResult r;
  r.replicate = replicate;
  for (std::size_t i = 0; i < (kGenerations + 1) * kMetrics; ++i) r.values.push_back(replicate + i / 7.0 - 1e-300);
  r.composition.push_back({0, Origin::kOriginal, -1, 20 + replicate});
  r.composition.push_back({1, Origin::kSynthetic, 0, 5});
  r.side_rows = {"", std::string("text with\nnewlines and \0 bytes", 30) + std::to_string(replicate)};
  r.side_files = {{"samples/gen-000-rep-" + std::to_string(replicate) + ".png", std::string("\x89PNG\0\xff", 7)}};
  return r;
}

void expect_same(const ReplicateResult& a, const ReplicateResult& b) {
  EXPECT_EQ(a.replicate, b.replicate);
  ASSERT_EQ(a.values.size(), b.values.size());
  EXPECT_EQ(std::memcmp(a.values.data(), b.values.data(), a.values.size() * sizeof(double)), 0);
  ASSERT_EQ(a.composition.size(), b.composition.size());
  for (std::size_t i = 0; i < a.composition.size(); ++i) {
    EXPECT_EQ(a.composition[i].generation, b.composition[i].generation);
    EXPECT_EQ(a.composition[i].origin, b.composition[i].origin);
    EXPECT_EQ(a.composition[i].origin_generation, b.composition[i].origin_generation);
    EXPECT_EQ(a.composition[i].count, b.composition[i].count);
  }
  EXPECT_EQ(a.side_rows, b.side_rows);
  EXPECT_EQ(a.side_files, b.side_files);
}

std::uintmax_t size_of(const fs::path& path) { return fs::file_size(path); }

void chop(const fs::path& path, std::uintmax_t bytes) { fs::resize_file(path, size_of(path) - bytes); }

void append_and_close(FinishedLog& log, std::initializer_list<std::size_t> replicates) {
  log.open();
  for (const std::size_t r : replicates) log.append(result_of(r));
  log.close();
}

void expect_refused(const FinishedLog& log, const std::string& what) {
  try {
    log.read();
    FAIL() << "read a log that is " << what;
  } catch (const DataError& e) {
    EXPECT_THAT(e.what(), HasSubstr(log.path().string())) << what;
  }
}

TEST(FinishedLog, AbsentIsEmptyAndRecordsReadBackExactly) {
  FinishedLog log(scratch("round_trip"), kMetrics, kGenerations);
  EXPECT_TRUE(log.read().empty());
  log.open();
  EXPECT_TRUE(log.read().empty());  // the header alone
  for (const std::size_t r : {3u, 0u, 7u}) log.append(result_of(r));
  log.close();
  EXPECT_EQ(log.replicates(), (std::vector<std::size_t>{3, 0, 7}));
  const std::vector<ReplicateResult> back = log.read();
  ASSERT_EQ(back.size(), 3u);
  expect_same(back[0], result_of(3));
  expect_same(back[1], result_of(0));
  expect_same(back[2], result_of(7));
}

TEST(FinishedLog, ConcurrentAppendsAreEachWholeAndKeptOnReopen) {
  const fs::path path = scratch("threads");
  FinishedLog log(path, kMetrics, kGenerations);
  log.open();
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < 4; ++t) {
    threads.emplace_back([&log, t] {
      for (std::size_t i = 0; i < 50; ++i) log.append(result_of(t * 50 + i));
    });
  }
  for (std::thread& thread : threads) thread.join();
  log.close();
  log.open();  // reopening an intact log keeps every record
  log.append(result_of(200));
  log.close();
  std::vector<ReplicateResult> back = log.read();
  ASSERT_EQ(back.size(), 201u);
  std::sort(back.begin(), back.end(), [](const auto& a, const auto& b) { return a.replicate < b.replicate; });
  for (std::size_t r = 0; r <= 200; ++r) expect_same(back[r], result_of(r));
}

TEST(FinishedLog, TornLastRecordIsIgnoredThenCutOffBeforeTheNextAppend) {
  const fs::path path = scratch("torn");
  FinishedLog log(path, kMetrics, kGenerations);
  append_and_close(log, {1, 2});
  const std::string good = ouro::testing::read_file(path);
  const std::uintmax_t whole = good.size();
  // Every possible tear of the last record: the first record alone survives.
  const std::uintmax_t record = (whole - kHeaderBytes) / 2;  // two records of one size
  const auto restore = [&] { std::ofstream(path, std::ios::binary | std::ios::trunc) << good; };
  for (std::uintmax_t cut = 1; cut <= record; cut += cut < 40 ? 1 : 37) {
    restore();
    chop(path, cut);
    const auto back = log.read();
    ASSERT_EQ(back.size(), 1u) << "cut " << cut;
    expect_same(back[0], result_of(1));
  }
  restore();
  chop(path, 5);
  log.open();
  log.append(result_of(3));
  log.close();
  const auto back = log.read();
  ASSERT_EQ(back.size(), 2u);
  expect_same(back[0], result_of(1));
  expect_same(back[1], result_of(3));

  // A header torn while it was written: an empty log, rewritten whole on open.
  fs::resize_file(path, 5);
  EXPECT_TRUE(log.read().empty());
  log.open();
  log.append(result_of(4));
  log.close();
  ASSERT_EQ(log.read().size(), 1u);
}

TEST(FinishedLog, DamageOtherShapesAndForeignFilesAreRefusedByName) {
  const fs::path path = scratch("bad");
  FinishedLog log(path, kMetrics, kGenerations);
  append_and_close(log, {1, 2});

  EXPECT_THROW(FinishedLog(path, kMetrics + 1, kGenerations).read(), DataError);
  EXPECT_THROW(FinishedLog(path, kMetrics, kGenerations + 1).read(), DataError);

  // One flipped bit in the first record's values, with the second record after it: damage.
  std::string bytes = ouro::testing::read_file(path);
  bytes[kHeaderBytes + 16 + 8 + 8 + 3] ^= 0x10;
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
  try {
    log.read();
    FAIL() << "read a damaged record";
  } catch (const DataError& e) {
    EXPECT_THAT(e.what(), HasSubstr("damaged"));
    EXPECT_THAT(e.what(), HasSubstr("byte " + std::to_string(kHeaderBytes)));
  }
  EXPECT_THROW(log.open(), DataError);

  std::ofstream(path, std::ios::binary | std::ios::trunc) << "replicate,generation,metric,value\n0,0,mean,1\n";
  expect_refused(log, "a CSV file");
  std::ofstream(path, std::ios::binary | std::ios::trunc) << "CSV";
  expect_refused(log, "a short foreign file");
}

// Every single-byte change of a two-record log (three bit patterns at every byte) is refused naming
// the file: none is taken for a torn append, none changes a result.
TEST(FinishedLog, EverySingleByteCorruptionIsRefusedNamingTheFile) {
  const fs::path path = scratch("every_byte");
  FinishedLog log(path, kMetrics, kGenerations);
  append_and_close(log, {1, 2});
  const std::string good = ouro::testing::read_file(path);
  std::size_t tried = 0, refused = 0;
  for (std::size_t at = 0; at < good.size(); ++at) {
    for (const unsigned char flip : {0x01, 0x80, 0xFF}) {
      std::string bad = good;
      bad[at] = static_cast<char>(static_cast<unsigned char>(bad[at]) ^ flip);
      std::ofstream(path, std::ios::binary | std::ios::trunc) << bad;
      ++tried;
      try {
        log.read();
        ADD_FAILURE() << "a flip of " << int(flip) << " at byte " << at << " was read";
      } catch (const DataError& e) {
        if (std::string(e.what()).find(path.string()) != std::string::npos) ++refused;
        else ADD_FAILURE() << "the error does not name the file: " << e.what();
      }
    }
  }
  EXPECT_EQ(refused, tried);
  RecordProperty("file_bytes", static_cast<int>(good.size()));
  RecordProperty("corruptions_refused", static_cast<int>(refused));
}

// Every cut of the file is a torn append (or header): the records before it are read, and a power
// loss's zeros in place of the last record's bytes read as torn too.
TEST(FinishedLog, EveryCutAndZeroedTailReadsAsTheRecordsBeforeIt) {
  const fs::path path = scratch("every_cut");
  FinishedLog log(path, kMetrics, kGenerations);
  append_and_close(log, {1, 2});
  const std::string good = ouro::testing::read_file(path);
  const std::size_t record = (good.size() - kHeaderBytes) / 2;
  for (std::size_t size = 0; size < good.size(); ++size) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << good.substr(0, size);
    const std::size_t expected = size < kHeaderBytes + record ? 0 : 1;
    ASSERT_EQ(log.read().size(), expected) << "cut at " << size;
  }
  for (const std::size_t zeros : {std::size_t{4}, std::size_t{16}, record}) {
    std::string bad = good;
    std::fill(bad.end() - static_cast<std::ptrdiff_t>(zeros), bad.end(), '\0');
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bad;
    ASSERT_EQ(log.read().size(), 1u) << zeros << " zeros at the end";
  }
  std::ofstream(path, std::ios::binary | std::ios::trunc) << std::string(good.size(), '\0');
  EXPECT_TRUE(log.read().empty());
}

TEST(FinishedLog, AnotherFormatVersionIsRefusedByName) {
  const fs::path path = scratch("version");
  FinishedLog log(path, kMetrics, kGenerations);
  append_and_close(log, {1});
  std::string bytes = ouro::testing::read_file(path);
  bytes[7] = '2';
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
  try {
    log.read();
    FAIL() << "read a log of another version";
  } catch (const DataError& e) {
    EXPECT_THAT(e.what(), HasSubstr("finished-replicate log of format 2; this ouro reads format 4"));
    EXPECT_THAT(e.what(), HasSubstr(path.string()));
  }
}

}  // namespace
}  // namespace ouro
