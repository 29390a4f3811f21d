// Recorder: replicates arriving out of order are written in order, numbers round-trip, summary
// statistics are exact, and nothing appears under a final name before finish().
#include <filesystem>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "ouro/loop/recorder.hpp"
#include "ouro/loop/training_share.hpp"
#include "support/files.hpp"

namespace ouro {
namespace {

using ouro::testing::read_file;

ReplicateResult result_for(std::size_t r) {
  ReplicateResult result;
  result.replicate = r;
  result.values = {static_cast<double>(r), 0.1, static_cast<double>(r) + 1, -std::numeric_limits<double>::infinity()};
  result.composition = {{0, Origin::kOriginal, 0, 5}, {1, Origin::kSynthetic, 0, 5}};
  return result;
}

TEST(Recorder, WritesReplicatesInOrderAndAtomically) {
  const auto dir = ouro::testing::scratch_dir("ouro_recorder_test");
  {
    Recorder recorder(dir, {"a", "b"}, 1, 3, true);
    recorder.add(result_for(2));
    recorder.add(result_for(0));
    EXPECT_FALSE(std::filesystem::exists(dir / "metrics.csv"));
    recorder.add(result_for(1));
    recorder.finish({{"a", {0.5, 1.5}}}, nlohmann::json{{"k", 1}});
    const MetricStat s = recorder.stat(0, 0);
    EXPECT_DOUBLE_EQ(s.mean, 1.0);
    EXPECT_DOUBLE_EQ(s.standard_error, std::sqrt(1.0 / 3));
  }
  const std::string metrics = read_file(dir / "metrics.csv");
  EXPECT_EQ(metrics.substr(0, metrics.find('\n')), "replicate,generation,metric,value");
  EXPECT_NE(metrics.find("0,0,a,0\n0,0,b,0.1\n0,1,a,1\n0,1,b,-inf\n1,0,a,1\n"), std::string::npos);
  EXPECT_EQ(read_file(dir / "theory.csv"), "generation,metric,expected\n0,a,0.5\n1,a,1.5\n");
  EXPECT_EQ(read_file(dir / "composition.csv"),
            "replicate,generation,origin,origin_generation,count\nall,0,original,0,5\nall,1,synthetic,0,5\n");
  EXPECT_EQ(nlohmann::json::parse(read_file(dir / "run.json"))["k"], 1);
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    EXPECT_EQ(entry.path().filename().string().find(".tmp"), std::string::npos) << entry.path();
  }
}

TEST(Recorder, SideFilesAreWrittenIntoTheirFolderAndStampedInRunJson) {
  const auto dir = ouro::testing::scratch_dir("ouro_recorder_side_files");
  {
    Recorder recorder(dir, {"a", "b"}, 1, 2, false);
    ReplicateResult second = result_for(1);
    second.side_files = {{"samples/gen-000-rep-1.png", std::string("one\0", 4)}};
    ReplicateResult first = result_for(0);
    first.side_files = {{"samples/gen-000-rep-0.png", "zero"}, {"samples/gen-001-rep-0.png", "zero, one"}};
    recorder.add(std::move(second));
    EXPECT_FALSE(std::filesystem::exists(dir / "samples")) << "replicate 1 waits for replicate 0";
    recorder.add(std::move(first));
    recorder.finish({}, nlohmann::json::object());
  }
  EXPECT_EQ(read_file(dir / "samples/gen-000-rep-0.png"), "zero");
  EXPECT_EQ(read_file(dir / "samples/gen-001-rep-0.png"), "zero, one");
  EXPECT_EQ(read_file(dir / "samples/gen-000-rep-1.png"), std::string("one\0", 4));
  const auto files = nlohmann::json::parse(read_file(dir / "run.json"))["files"];
  ASSERT_TRUE(files.contains("samples/gen-000-rep-1.png"));
  EXPECT_EQ(files["samples/gen-000-rep-1.png"]["bytes"], 4);
  for (const auto& entry : std::filesystem::directory_iterator(dir / "samples")) {
    EXPECT_EQ(entry.path().filename().string().find(".tmp"), std::string::npos) << entry.path();
  }
}

TEST(Recorder, AbandonedRunLeavesNoFinalFiles) {
  const auto dir = ouro::testing::scratch_dir("ouro_recorder_abandoned");
  {
    Recorder recorder(dir, {"a", "b"}, 1, 2, false);
    recorder.add(result_for(0));
  }
  EXPECT_TRUE(std::filesystem::is_empty(dir));
}

TEST(Recorder, NumbersRoundTrip) {
  for (const double v : {0.1, 1e-300, 123456789.125, -2.5e17, 1.0 / 3}) {
    std::string text;
    append_number(text, v);
    EXPECT_EQ(std::stod(text), v) << text;
  }
}

// Every value in its longest shortest-round-trip form (24 characters), one-letter names and
// one-digit prefixes: the rows exactly fill the buffer format() sizes for them, and read back.
TEST(Recorder, LongestNumbersFillTheirRowsAndReadBack) {
  const auto dir = ouro::testing::scratch_dir("ouro_recorder_longest");
  const std::vector<double> longest = {-2.2250738585072014e-308, -1.7976931348623157e+308, -1.2345678901234567e-100,
                                       -2.2092781970116107e+295};
  {
    Recorder recorder(dir, {"a", "b"}, 1, 1, true);
    ReplicateResult result = result_for(0);
    result.values = longest;
    recorder.add(result);
    recorder.finish({}, nlohmann::json::object());
  }
  const std::string metrics = read_file(dir / "metrics.csv");
  std::size_t at = metrics.find('\n') + 1;
  for (const double expected : longest) {
    const std::size_t end = metrics.find('\n', at);
    ASSERT_NE(end, std::string::npos);
    const std::string value = metrics.substr(metrics.rfind(',', end) + 1, end - metrics.rfind(',', end) - 1);
    EXPECT_EQ(value.size(), 24u) << value;
    EXPECT_EQ(std::stod(value), expected) << value;
    at = end + 1;
  }
  EXPECT_EQ(at, metrics.size());
}

// The real share table by hand: accumulate with n0 = 100, nr = 10 accumulating, ns = 90 at generation
// 2 holds 20 fresh, 100 original and 180 synthetic rows of 300; a shared composition comes from
// replicate 0 alone and holds for all three replicates.
TEST(TrainingShare, SharedCompositionByHand) {
  Recorder recorder({}, {"a"}, 2, 3, true);
  for (std::size_t r = 0; r < 3; ++r) {
    ReplicateResult result;
    result.replicate = r;
    result.values = {0.0, 0.0, 0.0};
    result.composition = {{0, Origin::kOriginal, 0, 100}};
    if (r == 0) {
      result.composition.push_back({2, Origin::kFresh, 1, 10});
      result.composition.push_back({2, Origin::kFresh, 2, 10});
      result.composition.push_back({2, Origin::kOriginal, 0, 100});
      result.composition.push_back({2, Origin::kSynthetic, 0, 90});
      result.composition.push_back({2, Origin::kSynthetic, 1, 90});
    }
    recorder.add(result);
  }
  EXPECT_EQ(recorder.origin_rows(2).fresh, 60u);
  const std::size_t generations[] = {0, 2};
  EXPECT_EQ(training_share_table(recorder, generations),
            "training set     generation       rows   original      fresh  synthetic\n"
            "                          0        100     100.0%       0.0%       0.0%\n"
            "                          2        300      33.3%       6.7%      60.0%\n");
}

// Compositions that differ between replicates (accumulate-subsample, filters): every replicate's
// rows count; the training sets have one size, so the share of the sum is the mean share.
TEST(TrainingShare, PerReplicateCompositionsArePooled) {
  Recorder recorder({}, {"a"}, 1, 2, false);
  for (std::size_t r = 0; r < 2; ++r) {
    ReplicateResult result;
    result.replicate = r;
    result.values = {0.0, 0.0};
    result.composition = {{0, Origin::kOriginal, 0, 10},
                          {1, Origin::kOriginal, 0, r == 0 ? 4u : 2u},
                          {1, Origin::kSynthetic, 0, r == 0 ? 6u : 8u}};
    recorder.add(result);
  }
  const std::size_t generations[] = {1};
  EXPECT_EQ(training_share_table(recorder, generations),
            "training set     generation       rows   original      fresh  synthetic\n"
            "                          1         10      30.0%       0.0%      70.0%\n");
}

// record_every = 2 over generations 0..5: the files hold generations 0, 2, 4 and the last (5);
// the summary statistics still see every generation.
TEST(Recorder, RecordEveryKeepsEveryKthGenerationAndTheLast) {
  const auto dir = ouro::testing::scratch_dir("ouro_recorder_every");
  {
    Recorder recorder(dir, {"a"}, 5, 1, true, {}, {}, 2);
    ReplicateResult result;
    result.values = {0.5, 1.5, 2.5, 3.5, 4.5, 5.5};
    for (std::int32_t g = 0; g <= 5; ++g) result.composition.push_back({g, Origin::kOriginal, 0, 7});
    recorder.add(result);
    recorder.finish({{"a", {0.0, 1.0, 2.0, 3.0, 4.0, 5.0}}}, nlohmann::json::object());
    EXPECT_DOUBLE_EQ(recorder.stat(3, 0).mean, 3.5);
    EXPECT_EQ(recorder.origin_rows(3).original, 7u);
  }
  EXPECT_EQ(read_file(dir / "metrics.csv"),
            "replicate,generation,metric,value\n0,0,a,0.5\n0,2,a,2.5\n0,4,a,4.5\n0,5,a,5.5\n");
  EXPECT_EQ(read_file(dir / "theory.csv"), "generation,metric,expected\n0,a,0\n2,a,2\n4,a,4\n5,a,5\n");
  EXPECT_EQ(read_file(dir / "composition.csv"),
            "replicate,generation,origin,origin_generation,count\nall,0,original,0,7\nall,2,original,0,7\n"
            "all,4,original,0,7\nall,5,original,0,7\n");
}

}  // namespace
}  // namespace ouro
