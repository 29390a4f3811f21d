// `ouro metric` end to end through the real executable: text and JSON output on .npy (float32 and
// float64) and .csv files, `all`, the options, values equal to the library's, and bad input (a
// missing file, mismatched dimensions, too few rows for k, NaN, an empty file, an unsupported
// dtype, an unknown metric) ending with a message that names the file or value and a non-zero exit.
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/cli_runner.hpp"
#include "distribution_test_util.hpp"
#include "ouro/io/array_file.hpp"
#include "ouro/metrics/distribution/distribution_metrics.hpp"

namespace ouro {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using testing::dist_rng;
using testing::gaussian_rows;

using testing::Outcome;
using testing::run_cli;

class MetricCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("ouro_metric_cli_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    Rng rng = dist_rng(70);
    real_ = gaussian_rows(300, 3, rng);
    gen_ = gaussian_rows(250, 3, rng, 0.3);
    write_npy(dir_ / "real.npy", real_);
    write_npy(dir_ / "gen.npy", gen_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  void write_text(const std::string& name, const std::string& text) const { std::ofstream(dir_ / name) << text; }
  // A minimal .npy v1.0 file with the given dtype descriptor and raw bytes of `rows` x 1 values.
  void write_raw_npy(const std::string& name, const std::string& descr, std::size_t rows, const std::string& bytes) const {
    std::string header = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + std::to_string(rows) + ",), }";
    while ((10 + header.size() + 1) % 64 != 0) header += ' ';
    header += '\n';
    std::ofstream out(dir_ / name, std::ios::binary);
    out.write("\x93NUMPY\x01\x00", 8);
    const auto len = static_cast<std::uint16_t>(header.size());
    out.put(static_cast<char>(len & 0xff));
    out.put(static_cast<char>(len >> 8));
    out << header << bytes;
  }

  fs::path dir_;
  Matrix real_;
  Matrix gen_;
};

TEST_F(MetricCli, JsonValuesEqualTheLibrary) {
  const Outcome o = run_cli("metric all " + path("real.npy") + " " + path("gen.npy") +
                            " --format json --k 4 --kid-subsets 10 --kid-subset-size 50 --projections 16 --seed 9");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  const auto json = nlohmann::json::parse(o.output);
  EXPECT_EQ(json["real"]["rows"], 300);
  EXPECT_EQ(json["generated"]["rows"], 250);
  EXPECT_EQ(json["dim"], 3);
  EXPECT_EQ(json["settings"]["k"], 4);
  EXPECT_FALSE(json["metrics"].contains("w1"));  // three dimensions

  DistributionSettings settings;
  settings.k = 4;
  settings.kid_subsets = 10;
  settings.kid_subset_size = 50;
  settings.projections = 16;
  const std::vector<std::string> names = {"frechet", "precision", "recall", "density", "coverage", "kid", "sliced_w2"};
  const auto values = compute_distribution_metrics(names, real_, gen_, settings, 9);
  for (const auto& v : values) EXPECT_EQ(json["metrics"][v.name].get<double>(), v.value) << v.name;
  EXPECT_EQ(json["standard_errors"]["kid"].get<double>(), values[5].standard_error);
}

TEST_F(MetricCli, OneMetricAsTextAndTheSameValueFromAll) {
  const Outcome one = run_cli("metric coverage " + path("real.npy") + " " + path("gen.npy"));
  ASSERT_EQ(one.exit_code, 0) << one.output;
  EXPECT_THAT(one.output, HasSubstr("coverage"));
  EXPECT_THAT(one.output, HasSubstr("300 rows"));
  EXPECT_THAT(one.output, HasSubstr("k = 5"));
  const Outcome kid1 = run_cli("metric kid " + path("real.npy") + " " + path("gen.npy") + " --format json --threads 1");
  const Outcome all = run_cli("metric all " + path("real.npy") + " " + path("gen.npy") + " --format json --threads 2");
  ASSERT_EQ(kid1.exit_code, 0) << kid1.output;
  ASSERT_EQ(all.exit_code, 0) << all.output;
  // A metric's value does not depend on which others are asked for, nor on the thread count.
  EXPECT_EQ(nlohmann::json::parse(kid1.output)["metrics"]["kid"], nlohmann::json::parse(all.output)["metrics"]["kid"]);
}

TEST_F(MetricCli, ReadsCsvAndFloat32AndOneDimensionalFiles) {
  write_text("a.csv", "x\n0\n1\n2\n3\n4\n5\n6\n");
  // float32 little-endian 0.5, 1.5, ..., 6.5 as a 1-D array.
  std::string bytes;
  for (int i = 0; i < 7; ++i) {
    const float v = static_cast<float>(i) + 0.5f;
    char b[4];
    std::memcpy(b, &v, 4);
    bytes.append(b, 4);
  }
  write_raw_npy("b.npy", "<f4", 7, bytes);
  const Outcome o = run_cli("metric all " + path("a.csv") + " " + path("b.npy") + " --format json --k 2");
  ASSERT_EQ(o.exit_code, 0) << o.output;
  const auto json = nlohmann::json::parse(o.output);
  EXPECT_DOUBLE_EQ(json["metrics"]["w1"].get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(json["metrics"]["w2_empirical"].get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(json["metrics"]["precision"].get<double>(), 1.0);
}

TEST_F(MetricCli, BadInputNamesTheFile) {
  const std::string gen = " " + path("gen.npy");
  Outcome o = run_cli("metric frechet " + path("missing.npy") + gen);
  EXPECT_NE(o.exit_code, 0);
  EXPECT_THAT(o.output, HasSubstr("missing.npy"));

  Rng rng = dist_rng(71);
  write_npy(dir_ / "two.npy", gaussian_rows(40, 2, rng));
  o = run_cli("metric precision " + path("two.npy") + gen);
  EXPECT_NE(o.exit_code, 0);
  EXPECT_THAT(o.output, HasSubstr("two.npy has 2 columns"));

  write_npy(dir_ / "few.npy", gaussian_rows(5, 3, rng));
  o = run_cli("metric precision " + path("few.npy") + gen + " --k 5");
  EXPECT_NE(o.exit_code, 0);
  EXPECT_THAT(o.output, HasSubstr("few.npy: 5 rows"));
  EXPECT_THAT(o.output, HasSubstr("k = 5"));
  o = run_cli("metric recall" + gen + " " + path("few.npy") + " --k 5");
  EXPECT_NE(o.exit_code, 0);
  EXPECT_THAT(o.output, HasSubstr("few.npy"));

  write_text("nan.csv", "1,2,3\n4,nan,6\n7,8,9\n");
  o = run_cli("metric frechet " + path("nan.csv") + gen);
  EXPECT_NE(o.exit_code, 0);
  EXPECT_THAT(o.output, HasSubstr("nan.csv"));

  write_text("empty.csv", "");
  o = run_cli("metric frechet " + path("empty.csv") + gen);
  EXPECT_NE(o.exit_code, 0);
  EXPECT_THAT(o.output, HasSubstr("empty.csv"));

  write_raw_npy("complex.npy", "<c16", 1, std::string(16, '\0'));
  o = run_cli("metric frechet " + path("complex.npy") + gen);
  EXPECT_NE(o.exit_code, 0);
  EXPECT_THAT(o.output, HasSubstr("complex.npy"));

  o = run_cli("metric fid " + path("real.npy") + gen);
  EXPECT_NE(o.exit_code, 0);
  EXPECT_THAT(o.output, HasSubstr("fid"));

  o = run_cli("metric w1 " + path("real.npy") + gen);
  EXPECT_NE(o.exit_code, 0);
  EXPECT_THAT(o.output, HasSubstr("one-dimensional"));
}

}  // namespace
}  // namespace ouro
