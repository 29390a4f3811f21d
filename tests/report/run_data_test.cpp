// Reading run folders and the report's data: a hand-written two-replicate run checked number by
// number (means, SE and quantile bands, theory, composition, log-scale choice, config differences),
// and every kind of bad folder ending in an error that names the file and line, with no report left.
#include <cmath>
#include <fstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "io/temp_dir.hpp"
#include "ouro/core/error.hpp"
#include "ouro/report/html_report.hpp"
#include "ouro/report/run_data.hpp"
#include "support/run_folder.hpp"

namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using namespace ouro::report;
using nlohmann::json;

void write(const fs::path& path, const std::string& text) { std::ofstream(path) << text; }

// Two replicates, three generations. "var" halves each generation (log scale: 1 .. 1e-3 spans three
// decades); "mean" changes sign (linear scale).
void write_run(const fs::path& dir, const std::string& keep = "replace") {
  fs::create_directories(dir);
  write(dir / "metrics.csv",
        "replicate,generation,metric,value\n"
        "0,0,var,1\n0,0,mean,-1\n0,1,var,0.1\n0,1,mean,0.5\n0,2,var,0.001\n0,2,mean,2\n"
        "1,0,var,3\n1,0,mean,1\n1,1,var,0.3\n1,1,mean,1.5\n1,2,var,nan\n1,2,mean,4\n");
  write(dir / "theory.csv", "generation,metric,expected\n0,var,2\n1,var,0.2\n2,var,0.002\n");
  write(dir / "composition.csv",
        "replicate,generation,origin,origin_generation,count\n"
        "0,0,original,0,10\n0,1,original,0,4\n0,1,synthetic,0,6\n0,2,original,0,4\n0,2,synthetic,1,3\n"
        "0,2,synthetic,0,3\n"
        "1,0,original,0,10\n1,1,original,0,4\n1,1,synthetic,0,6\n1,2,original,0,4\n1,2,synthetic,1,6\n");
  json info = {{"version", "0.1.0"}, {"seed", 7}, {"threads", 2}, {"metrics", {"var", "mean"}},
               {"config", {{"loop", {{"keep", keep}, {"initial", 10}}}, {"run", {{"generations", 2}}}}},
               {"timings_seconds", {{"wall", 1.5}, {"worker_stages", {{"fit", 0.25}}}}}};
  ouro::testing::seal_run_folder(dir, info);
}

const json& metric(const json& data, const std::string& name) {
  for (const json& m : data["metrics"]) {
    if (m["name"] == name) return m;
  }
  throw std::runtime_error("no metric " + name);
}

TEST(LoadRun, ReadsEveryFile) {
  ouro::testing::TempDir tmp;
  write_run(tmp / "r1");
  const RunData run = load_run(tmp / "r1");
  EXPECT_EQ(run.name, "r1");
  EXPECT_EQ(run.generations, 3u);
  EXPECT_EQ(run.replicates, 2u);
  ASSERT_EQ(run.metrics.size(), 2u);
  EXPECT_EQ(run.metrics[0].name, "var");  // run.json's order
  EXPECT_EQ(run.metrics[0].values[1], (std::vector<double>{0.1, 0.3}));
  EXPECT_TRUE(std::isnan(run.metrics[0].values[2][1]));
  ASSERT_EQ(run.theory.at("var").size(), 3u);
  EXPECT_DOUBLE_EQ(run.theory.at("var")[2], 0.002);
  // Generation 2: original 4+4, previous generation 3+6, older 3 -> means 4, 4.5, 1.5.
  std::map<std::pair<std::size_t, std::string>, double> comp;
  for (const auto& p : run.composition) comp[{p.generation, p.layer}] = p.rows;
  EXPECT_DOUBLE_EQ((comp[{0, "original"}]), 10.0);
  EXPECT_DOUBLE_EQ((comp[{1, "synthetic, previous generation"}]), 6.0);
  EXPECT_DOUBLE_EQ((comp[{2, "original"}]), 4.0);
  EXPECT_DOUBLE_EQ((comp[{2, "synthetic, previous generation"}]), 4.5);
  EXPECT_DOUBLE_EQ((comp[{2, "synthetic, older generations"}]), 1.5);
}

TEST(ReportData, StandardErrorBands) {
  ouro::testing::TempDir tmp;
  write_run(tmp / "r1");
  const json data = report_data({load_run(tmp / "r1")}, {});
  EXPECT_EQ(data["band"], "se");
  const json& var = metric(data, "var");
  EXPECT_TRUE(var["log"].get<bool>());  // all positive, 3 decades
  // Generation 0: values 1, 3 -> mean 2, SE = sqrt(2)/sqrt(2) = 1 -> band [1, 3].
  // Row: run, generation, mean, band low, band high, count, median, standard error.
  EXPECT_EQ(var["rows"][0], json::parse("[0, 0, 2.0, 1.0, 3.0, 2, 2.0, 1.0]"));
  // Generation 1: 0.1, 0.3 -> mean 0.2, SE 0.1.
  EXPECT_NEAR(var["rows"][1][2].get<double>(), 0.2, 1e-12);
  EXPECT_NEAR(var["rows"][1][3].get<double>(), 0.1, 1e-12);
  EXPECT_NEAR(var["rows"][1][4].get<double>(), 0.3, 1e-12);
  // Generation 2: one finite value: mean 0.001, no SE -> no band, count 1.
  EXPECT_NEAR(var["rows"][2][2].get<double>(), 0.001, 1e-15);
  EXPECT_TRUE(var["rows"][2][3].is_null());
  EXPECT_EQ(var["rows"][2][5], 1);
  EXPECT_EQ(var["theory"].size(), 3u);
  EXPECT_NEAR(var["theory"][2][2].get<double>(), 0.002, 1e-15);

  const json& mean = metric(data, "mean");
  EXPECT_FALSE(mean["log"].get<bool>());
  EXPECT_TRUE(mean["theory"].empty());
  // Generation 0: -1, 1 -> mean 0, SE 1.
  EXPECT_EQ(mean["rows"][0], json::parse("[0, 0, 0.0, -1.0, 1.0, 2, 0.0, 1.0]"));
  EXPECT_EQ(data["runs"][0]["timings"]["worker_stages.fit"], 0.25);
  // The configured run.generations (2), not the number of recorded generations 0..2 (3).
  EXPECT_EQ(data["runs"][0]["generations"], 2);
  // Names the engine does not record carry no description; neither metric is constant.
  EXPECT_FALSE(var.contains("description"));
  EXPECT_FALSE(var.contains("constant"));
  EXPECT_FALSE(mean.contains("constant"));
  EXPECT_EQ(data["runs"][0]["seed"], 7);
}

TEST(ReportData, QuantileBands) {
  ouro::testing::TempDir tmp;
  write_run(tmp / "r1");
  const json data = report_data({load_run(tmp / "r1")}, {Band::kQuantile, "t"});
  EXPECT_EQ(data["title"], "t");
  const json& mean = metric(data, "mean");
  // Generation 1: 0.5, 1.5 -> q10 = 0.5 + 0.1 = 0.6, q90 = 1.4.
  EXPECT_NEAR(mean["rows"][1][3].get<double>(), 0.6, 1e-12);
  EXPECT_NEAR(mean["rows"][1][4].get<double>(), 1.4, 1e-12);
  EXPECT_NEAR(mean["rows"][1][2].get<double>(), 1.0, 1e-12);
}

// A registered metric carries its description, unit and direction; one equal in every row is
// marked constant with its value.
TEST(ReportData, DescribesMetricsAndMarksAConstantOne) {
  ouro::testing::TempDir tmp;
  write_run(tmp / "r1");
  write(tmp / "r1" / "metrics.csv",
        "replicate,generation,metric,value\n0,0,oov_rate,0.238056\n1,0,oov_rate,0.238056\n0,1,oov_rate,0.238056\n"
        "1,1,oov_rate,0.238056\n0,0,nll_real,1.5\n1,0,nll_real,2.5\n0,1,nll_real,3\n1,1,nll_real,4\n");
  ouro::testing::reseal_run_folder(tmp / "r1");
  const json data = report_data({load_run(tmp / "r1")}, {});
  const json& oov = metric(data, "oov_rate");
  EXPECT_EQ(oov["constant"], 0.238056);
  EXPECT_EQ(oov["unit"], "share");
  EXPECT_EQ(oov["better"], "lower is better");
  EXPECT_THAT(oov["description"].get<std::string>(), HasSubstr("outside the vocabulary"));
  const json& nll = metric(data, "nll_real");
  EXPECT_FALSE(nll.contains("constant"));
  EXPECT_EQ(nll["unit"], "nats per sample");
}

// A theory gap is flagged at the last generation with theory, and says whether the replicates
// are heavy-tailed: 40 replicates, 38 at 1 and two at 20 and 30 (mean 2.2, s.e. 0.857); theory 1
// is 1.4 s.e. away: no gap; theory 6 is 4.4 s.e. away: a gap, and the two far replicates (the
// farthest 5%) carry all of the total distance from the median 1 (19 + 29): heavy-tailed.
TEST(ReportData, FlagsATheoryGapAndSaysWhenTheValuesAreHeavyTailed) {
  ouro::testing::TempDir tmp;
  const auto run_with_theory = [&](const std::string& name, double expected) {
    write_run(tmp / name);
    std::string metrics = "replicate,generation,metric,value\n";
    for (int r = 0; r < 40; ++r) metrics += fmt::format("{},0,x,1\n{},1,x,{}\n", r, r, r == 0 ? 20 : r == 1 ? 30 : 1);
    write(tmp / name / "metrics.csv", metrics);
    write(tmp / name / "theory.csv", fmt::format("generation,metric,expected\n0,x,1\n1,x,{}\n", expected));
    ouro::testing::reseal_run_folder(tmp / name);
    return metric(report_data({load_run(tmp / name)}, {}), "x");
  };
  const json near = run_with_theory("near", 1.0);
  EXPECT_TRUE(near["theory_gaps"].empty()) << near["theory_gaps"];
  const json far = run_with_theory("far", 6.0);
  ASSERT_EQ(far["theory_gaps"].size(), 1u);
  const json& gap = far["theory_gaps"][0];
  EXPECT_EQ(gap["generation"], 1);
  EXPECT_NEAR(gap["mean"].get<double>(), 88.0 / 40.0, 1e-9);
  EXPECT_EQ(gap["median"], 1.0);
  // s.e. = sqrt(sum (v - 2.2)^2 / 39 / 40)
  double squares = 38 * 1.2 * 1.2 + 17.8 * 17.8 + 27.8 * 27.8;
  EXPECT_NEAR(gap["standard_errors"].get<double>(), (6.0 - 2.2) / std::sqrt(squares / 39 / 40), 1e-4);
  EXPECT_TRUE(gap["heavy_tailed"].get<bool>());
  EXPECT_NEAR(gap["tail_share"].get<double>(), 1.0, 1e-9);
  EXPECT_EQ(report_data({load_run(tmp / "far")}, {})["heavy_tail_docs"], "docs/metrics.md#heavy-tailed-metrics");
}

// Runs that share a folder name are told apart by the config values that differ.
TEST(ReportData, RunsWithOneFolderNameGetDistinctNames) {
  ouro::testing::TempDir tmp;
  write_run(tmp / "a" / "run");
  write_run(tmp / "b" / "run", "accumulate");
  const json data = report_data({load_run(tmp / "a" / "run"), load_run(tmp / "b" / "run")}, {});
  EXPECT_EQ(data["runs"][0]["name"], "run (keep=replace)");
  EXPECT_EQ(data["runs"][1]["name"], "run (keep=accumulate)");
  EXPECT_EQ(short_key("loop.bias", {"loop.bias", "loop.real_samples"}), "bias");
  EXPECT_EQ(short_key("a.size", {"a.size", "b.size"}), "a.size");
}

TEST(ReportData, LogBandClippedAtSmallestValue) {
  ouro::testing::TempDir tmp;
  write_run(tmp / "r1");
  // Replicate values 1 and 1e-4 at generation 0 of "var": mean ~0.5, SE ~0.5 -> lower end ~0, cut.
  write(tmp / "r1" / "metrics.csv",
        "replicate,generation,metric,value\n0,0,var,1\n1,0,var,0.0001\n0,1,var,0.0001\n1,1,var,0.0001\n");
  ouro::testing::reseal_run_folder(tmp / "r1");
  const json data = report_data({load_run(tmp / "r1")}, {});
  const json& var = metric(data, "var");
  ASSERT_TRUE(var["log"].get<bool>());
  EXPECT_GT(var["rows"][0][3].get<double>(), 0.0);
}

TEST(ReportData, ComparesRunsAndListsDifferingKeys) {
  ouro::testing::TempDir tmp;
  write_run(tmp / "replace");
  write_run(tmp / "accumulate", "accumulate");
  const json data = report_data({load_run(tmp / "replace"), load_run(tmp / "accumulate")}, {});
  ASSERT_EQ(data["runs"].size(), 2u);
  EXPECT_EQ(data["title"], "ouroboros report: replace, accumulate");
  ASSERT_EQ(data["config_differences"].size(), 1u);
  EXPECT_EQ(data["config_differences"][0]["key"], "loop.keep");
  EXPECT_EQ(data["config_differences"][0]["values"], json::parse(R"(["replace", "accumulate"])"));
  // One row per run and generation, tagged with the run index.
  const json& var = metric(data, "var");
  EXPECT_EQ(var["rows"].size(), 6u);
  EXPECT_EQ(var["rows"][3][0], 1);
  EXPECT_EQ(data["composition"].size(), 2u);
}

TEST(RenderReport, SelfContainedPage) {
  ouro::testing::TempDir tmp;
  write_run(tmp / "r1");
  // A title that would close the data script early if it were not escaped.
  const std::string html = render_report({load_run(tmp / "r1")}, {Band::kStandardError, "a</script><b>"});
  EXPECT_THAT(html, HasSubstr("<title>a&lt;/script&gt;&lt;b&gt;</title>"));
  EXPECT_THAT(html, HasSubstr("a\\u003c/script>\\u003cb>"));  // every < escaped inside the data script
  EXPECT_THAT(html, HasSubstr("vegaEmbed"));
  EXPECT_EQ(html.find("<script src"), std::string::npos);  // nothing fetched
  EXPECT_EQ(html.find("https://cdn"), std::string::npos);
}

// An image run's grids: the files run.json lists are read and embedded as PNG data URIs, a bounded
// selection of generations (the first, the last, evenly spread ones) of the lowest replicates, and a
// grid changed after the run is refused by its stamp.
TEST(ReportData, EmbedsTheSampleGridsOfAnImageRun) {
  ouro::testing::TempDir tmp;
  const fs::path dir = tmp / "r1";
  fs::create_directories(dir / "samples");
  // Three bytes per file ('g', the generation, the replicate), so each data URI is checkable by hand.
  for (std::size_t r = 0; r < 6; ++r) {
    for (std::size_t g = 0; g < 20; ++g) {
      std::ofstream(dir / fmt::format("samples/gen-{:03}-rep-{}.png", g, r), std::ios::binary)
          << 'g' << static_cast<char>(g) << static_cast<char>(r);
    }
  }
  write(dir / "samples" / "notes.txt", "not a grid");
  write_run(dir);
  const RunData run = load_run(dir);
  ASSERT_TRUE(run.grids);
  EXPECT_EQ(run.grids->replicates_in_run, 6u);
  EXPECT_EQ(run.grids->generations_in_run, 20u);
  GridLimits limits;
  ASSERT_EQ(run.grids->grids.size(), limits.replicates * limits.generations);
  EXPECT_EQ(run.grids->grids.front().generation, 0u);
  EXPECT_EQ(run.grids->grids[limits.generations - 1].generation, 19u);
  EXPECT_EQ(run.grids->grids.back().replicate, limits.replicates - 1);
  EXPECT_EQ(run.grids->grids[1].png, std::string("g\x02\0", 3));  // round(1 * 19 / 11) = 2
  const json data = report_data({run}, {});
  ASSERT_EQ(data["grids"].size(), 1u);
  const json& cell = data["grids"][0]["cells"][0];
  EXPECT_EQ(cell[0], 0);
  EXPECT_EQ(cell[1], 0);
  EXPECT_EQ(cell[2], "data:image/png;base64,ZwAA");  // 'g', 0, 0
  EXPECT_EQ(data["grids"][0]["cells"][limits.generations + 1][2], "data:image/png;base64,ZwIB");  // 'g', 2, 1
  EXPECT_THAT(render_report({run}, {}), HasSubstr("data:image/png;base64,ZwAA"));

  // A run without grids has none, and a changed grid is refused naming it.
  write_run(tmp / "plain");
  EXPECT_FALSE(load_run(tmp / "plain").grids);
  EXPECT_TRUE(report_data({load_run(tmp / "plain")}, {})["grids"].empty());
  write(dir / "samples" / "gen-003-rep-0.png", "changed");
  try {
    load_run(dir);
    FAIL() << "a changed grid was read";
  } catch (const ouro::Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("gen-003-rep-0.png"));
  }
}

// A metric's real-versus-real floor (<metric>_floor rows) is drawn on its chart as a flat line at
// the replicates' mean, from the first generation to the last, and gets no chart of its own.
TEST(ReportData, DrawsAFloorOnItsMetricsChart) {
  ouro::testing::TempDir tmp;
  const fs::path dir = tmp / "r";
  write_run(dir);
  write(dir / "metrics.csv",
        "replicate,generation,metric,value\n"
        "0,0,frechet,9\n0,0,frechet_floor,1\n0,1,frechet,12\n0,1,frechet_floor,1\n0,2,frechet,20\n0,2,frechet_floor,1\n"
        "1,0,frechet,7\n1,0,frechet_floor,2\n1,1,frechet,11\n1,1,frechet_floor,2\n1,2,frechet,30\n1,2,frechet_floor,2\n");
  ouro::testing::reseal_run_folder(dir);
  const json data = report_data({load_run(dir)}, {});
  ASSERT_EQ(data["metrics"].size(), 1u);
  const json& frechet = metric(data, "frechet");
  EXPECT_EQ(frechet["floor"], json::parse("[[0, 0, 1.5], [0, 2, 1.5]]"));
  EXPECT_EQ(metric(report_data({load_run(tmp / "r")}, {}), "frechet")["rows"].size(), 3u);
}

class BadRun : public ::testing::Test {
 protected:
  void SetUp() override { write_run(tmp_ / "r"); }
  // The folder's files as the test left them, resealed (so the reader behind the checks is reached).
  void expect_error(const std::string& fragment) {
    if (fs::exists(tmp_ / "r" / "run.json")) ouro::testing::reseal_run_folder(tmp_ / "r");
    expect_error_as_is(fragment);
  }
  void expect_error_as_is(const std::string& fragment) {
    try {
      write_report({load_run(tmp_ / "r")}, tmp_ / "report.html", {});
      FAIL() << "no error; expected one mentioning " << fragment;
    } catch (const ouro::Error& e) {
      EXPECT_THAT(e.what(), HasSubstr(fragment));
    }
    EXPECT_FALSE(fs::exists(tmp_ / "report.html"));
  }
  ouro::testing::TempDir tmp_;
};

TEST_F(BadRun, NotAFolder) {
  EXPECT_THROW(load_run(tmp_ / "missing"), ouro::IoError);
  write(tmp_ / "file", "x");
  EXPECT_THROW(load_run(tmp_ / "file"), ouro::IoError);
}

TEST_F(BadRun, NoRunJson) {
  fs::remove(tmp_ / "r" / "run.json");
  EXPECT_THROW(load_run(tmp_ / "r"), ouro::IoError);
  expect_error("is not a finished run");
}

TEST_F(BadRun, MissingMetrics) {
  fs::remove(tmp_ / "r" / "metrics.csv");
  expect_error("metrics.csv: cannot open");
}

TEST_F(BadRun, MissingComposition) {
  fs::remove(tmp_ / "r" / "composition.csv");
  expect_error("composition.csv: cannot open");
}

TEST_F(BadRun, WrongHeader) {
  write(tmp_ / "r" / "theory.csv", "gen,metric,expected\n");
  expect_error("theory.csv:1: header is 'gen,metric,expected'");
}

TEST_F(BadRun, WrongFieldCount) {
  write(tmp_ / "r" / "metrics.csv", "replicate,generation,metric,value\n0,0,var,1\n0,1,var\n");
  expect_error("metrics.csv:3: expected 4 fields, found 3");
}

TEST_F(BadRun, NotANumber) {
  write(tmp_ / "r" / "metrics.csv", "replicate,generation,metric,value\n0,0,var,1.5x\n");
  expect_error("metrics.csv:2: value '1.5x' is not a number");
  write(tmp_ / "r" / "metrics.csv", "replicate,generation,metric,value\n0,-1,var,1\n");
  expect_error("metrics.csv:2: generation '-1' is not a non-negative integer");
}

TEST_F(BadRun, EmptyMetrics) {
  write(tmp_ / "r" / "metrics.csv", "replicate,generation,metric,value\n");
  expect_error("metrics.csv: no rows");
}

TEST_F(BadRun, UnknownOrigin) {
  write(tmp_ / "r" / "composition.csv", "replicate,generation,origin,origin_generation,count\n0,0,alien,0,1\n");
  expect_error("unknown origin 'alien'");
}

TEST_F(BadRun, BrokenRunJson) {
  write(tmp_ / "r" / "run.json", "{\"config\": ");
  expect_error_as_is("run.json: damaged: cut short (its 11 bytes end inside the JSON)");
  write(tmp_ / "r" / "run.json", "{\"seed\": 1}");
  expect_error_as_is("run.json: not a ouro.run/1 file (its format is not given: written by an older ouro");
  ouro::write_json_file(tmp_ / "r" / "run.json", {{"seed", 1}}, ouro::kRunFileFormat);
  expect_error_as_is("has no \"config\" object");
}

TEST_F(BadRun, AResultFileChangedSinceTheRunIsRefusedNamingIt) {
  std::string metrics = "replicate,generation,metric,value\n0,0,var,1\n";
  write(tmp_ / "r" / "metrics.csv", metrics);
  expect_error_as_is("metrics.csv: damaged or changed since the run wrote it");
  expect_error_as_is("rerun the run");
}

TEST(ParseBand, NamesTheFlag) {
  EXPECT_EQ(parse_band("se"), Band::kStandardError);
  EXPECT_EQ(parse_band("quantile"), Band::kQuantile);
  try {
    parse_band("sd");
    FAIL();
  } catch (const ouro::ConfigError& e) {
    EXPECT_THAT(e.what(), HasSubstr("--band: 'sd'"));
  }
}

}  // namespace
