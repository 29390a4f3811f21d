// Reading a text run's side outputs for the report, on small hand-made files: which texts of
// samples.jsonl are kept (lowest replicates, first samples, generations spread from first to last),
// in which order, how texts are cut (at code points, counted), the ppl_gen0 histogram summed over
// replicates for the first, middle and last generation, what report_data embeds, that untrusted
// text cannot break out of the page's data script, and every malformed line ending in an error
// naming the file and line with no report written.
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
#include "ouro/report/text_samples.hpp"
#include "support/run_folder.hpp"

namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using namespace ouro::report;
using nlohmann::json;

// Writes a file; into a run folder, restamped in its run.json, as the run would have written it.
void write(const fs::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
  if (fs::exists(path.parent_path() / "run.json")) ouro::testing::reseal_run_folder(path.parent_path());
}

std::string line(std::size_t r, std::size_t g, std::size_t s, const std::string& text) {
  return json{{"replicate", r}, {"generation", g}, {"sample", s}, {"text", text}}.dump() + "\n";
}

// A finished run of one replicate metric over `generations` generations (enough for load_run).
void write_run(const fs::path& dir, std::size_t generations) {
  fs::create_directories(dir);
  std::string metrics = "replicate,generation,metric,value\n";
  for (std::size_t g = 0; g < generations; ++g) metrics += "0," + std::to_string(g) + ",ppl_gen0,10\n";
  write(dir / "metrics.csv", metrics);
  write(dir / "theory.csv", "generation,metric,expected\n");
  write(dir / "composition.csv", "replicate,generation,origin,origin_generation,count\n0,0,original,0,10\n");
  ouro::testing::seal_run_folder(dir, json{{"metrics", {"ppl_gen0"}}, {"config", {{"truth", {{"kind", "corpus"}}}}}});
}

TEST(SpreadGenerations, AllWhenFewElseEvenlyFromFirstToLast) {
  EXPECT_EQ(spread_generations(4, 8), (std::vector<std::size_t>{0, 1, 2, 3}));
  EXPECT_EQ(spread_generations(101, 5), (std::vector<std::size_t>{0, 25, 50, 75, 100}));
  EXPECT_EQ(spread_generations(10, 3), (std::vector<std::size_t>{0, 5, 9}));  // 4.5 rounds up
  EXPECT_EQ(spread_generations(1001, 8).size(), 8u);
  EXPECT_EQ(spread_generations(1001, 8).back(), 1000u);
}

TEST(TruncateUtf8, CountsCodePointsAndCutsBetweenThem) {
  bool cut = true;
  EXPECT_EQ(truncate_utf8("abc", 3, cut), "abc");
  EXPECT_FALSE(cut);
  EXPECT_EQ(truncate_utf8("héllo", 2, cut), "hé");  // é is two bytes, one character
  EXPECT_TRUE(cut);
  EXPECT_EQ(truncate_utf8("a\xF0\x9F\x90\x8D" "b", 2, cut), "a\xF0\x9F\x90\x8D");  // a four-byte snake
  EXPECT_TRUE(cut);
  EXPECT_EQ(truncate_utf8("", 0, cut), "");
  EXPECT_FALSE(cut);
}

// Four replicates x five generations x three samples, written out of order (replicate 3 first),
// with texts long enough to cut at 5 characters in generation 4.
std::string body(std::size_t r, std::size_t g, std::size_t s) { return fmt::format("r{}g{}s{}", r, g, s); }

void write_samples(const fs::path& path) {
  std::string text;
  for (std::size_t r : {3, 0, 2, 1}) {
    for (std::size_t g = 0; g < 5; ++g) {
      for (std::size_t s = 3; s-- > 0;) {
        text += line(r, g, s, g == 4 ? body(r, g, s) + "\nmore text" : body(r, g, s));
      }
    }
  }
  write(path, "\n" + text);  // a blank line is skipped
}

TEST(ReadSampleTexts, KeepsTheSelectionInOrder) {
  ouro::testing::TempDir tmp;
  write_samples(tmp / "samples.jsonl");
  const SampleTexts t = read_sample_texts(tmp / "samples.jsonl", 5, {2, 2, 3, 20});
  EXPECT_EQ(t.replicates, (std::vector<std::size_t>{0, 1}));  // the lowest, though 3 came first
  EXPECT_EQ(t.generations, (std::vector<std::size_t>{0, 2, 4}));
  EXPECT_EQ(t.replicates_in_file, 4u);
  EXPECT_EQ(t.samples_in_file, 3u);
  EXPECT_EQ(t.generations_in_run, 5u);
  ASSERT_EQ(t.texts.size(), 2u * 3u * 2u);
  // Replicate, then generation, then sample.
  std::size_t i = 0;
  for (std::size_t r : {0, 1}) {
    for (std::size_t g : {0, 2, 4}) {
      for (std::size_t s : {0, 1}) {
        const TextSample& x = t.texts[i++];
        EXPECT_EQ(x.replicate, r);
        EXPECT_EQ(x.generation, g);
        EXPECT_EQ(x.sample, s);
        EXPECT_EQ(x.text, g == 4 ? body(r, g, s) + "\nmore text" : body(r, g, s));  // line breaks kept
        EXPECT_FALSE(x.truncated);
      }
    }
  }
  EXPECT_EQ(t.truncated, 0u);
}

TEST(ReadSampleTexts, CutsLongTexts) {
  ouro::testing::TempDir tmp;
  write_samples(tmp / "samples.jsonl");
  const SampleTexts t = read_sample_texts(tmp / "samples.jsonl", 5, {5, 5, 8, 8});
  EXPECT_EQ(t.texts.size(), 4u * 5u * 3u);
  EXPECT_EQ(t.truncated, 4u * 3u);  // the texts of generation 4 are 16 characters
  EXPECT_EQ(t.characters, 8u);
  for (const TextSample& x : t.texts) {
    EXPECT_EQ(x.truncated, x.generation == 4);
    if (x.generation == 4) {
      EXPECT_EQ(x.text, body(x.replicate, 4, x.sample) + "\nm");
    }
  }
}

TEST(ReadPplHistogram, SumsReplicatesForFirstMiddleLast) {
  ouro::testing::TempDir tmp;
  write(tmp / "h.csv",
        "replicate,generation,bin_low,bin_high,count\n"
        "0,0,10,12.2,3\n0,0,12.2,14.9,1\n0,1,10,12.2,4\n0,2,1,1.12,2\n0,2,inf,inf,2\n0,3,1,1.12,4\n"
        "1,0,10,12.2,2\n1,0,14.9,17.8,2\n1,1,10,12.2,4\n1,2,1,1.12,4\n1,3,1.12,1.25,4\n");
  const PplHistogram h = read_ppl_histogram(tmp / "h.csv");
  EXPECT_EQ(h.generations, (std::vector<std::size_t>{0, 2, 3}));  // 4 generations: index 0, 2, 3
  ASSERT_EQ(h.bins.size(), 3u + 1u + 2u);
  EXPECT_EQ(h.bins[0].generation, 0u);
  EXPECT_DOUBLE_EQ(h.bins[0].low, 10.0);
  EXPECT_DOUBLE_EQ(h.bins[0].count, 5.0);  // 3 + 2
  EXPECT_DOUBLE_EQ(h.bins[2].low, 14.9);
  EXPECT_EQ(h.bins[3].generation, 2u);
  EXPECT_DOUBLE_EQ(h.bins[3].count, 6.0);
  EXPECT_DOUBLE_EQ(h.totals.at(0), 8.0);
  EXPECT_DOUBLE_EQ(h.totals.at(2), 8.0);  // infinite ones included
  EXPECT_DOUBLE_EQ(h.infinite.at(2), 2.0);
  EXPECT_DOUBLE_EQ(h.infinite.at(0), 0.0);
}

TEST(ReportData, EmbedsTextsAndHistogram) {
  ouro::testing::TempDir tmp;
  write_run(tmp / "t", 5);
  write_samples(tmp / "t" / "samples.jsonl");
  write(tmp / "t" / "ppl_gen0_histogram.csv",
        "replicate,generation,bin_low,bin_high,count\n0,0,10,12.2,3\n0,0,12.2,14.9,1\n0,4,1,1.12,4\n");
  const RunData run = load_run(tmp / "t");
  ASSERT_TRUE(run.texts.has_value());
  ASSERT_TRUE(run.ppl_histogram.has_value());
  const json data = report_data({run}, {});
  ASSERT_EQ(data["texts"].size(), 1u);
  const json& texts = data["texts"][0];
  EXPECT_EQ(texts["run"], 0);
  EXPECT_EQ(texts["generations"], json::parse("[0, 1, 2, 3, 4]"));  // 5 generations: all
  EXPECT_EQ(texts["replicates"], json::parse("[0, 1, 2, 3]"));
  EXPECT_EQ(texts["cells"].size(), 4u * 5u * 3u);
  EXPECT_EQ(texts["cells"][0], json::parse(R"([0, 0, 0, "r0g0s0", false])"));
  EXPECT_EQ(texts["truncated"], 0);
  ASSERT_EQ(data["histograms"].size(), 1u);
  const json& h = data["histograms"][0];
  EXPECT_EQ(h["generations"], json::parse("[0, 4]"));
  EXPECT_EQ(h["rows"][0], json::parse("[0, 10.0, 12.2, 0.75, 3.0]"));  // 3 of generation 0's 4 samples
  EXPECT_EQ(h["rows"][2], json::parse("[4, 1.0, 1.12, 1.0, 4.0]"));
  EXPECT_TRUE(h["infinite"].empty());
}

TEST(ReportData, RunsWithoutSideOutputsEmbedNone) {
  ouro::testing::TempDir tmp;
  write_run(tmp / "t", 2);
  const json data = report_data({load_run(tmp / "t")}, {});
  EXPECT_TRUE(data["texts"].empty());
  EXPECT_TRUE(data["histograms"].empty());
}

TEST(RenderReport, UntrustedTextStaysInsideTheDataScript) {
  ouro::testing::TempDir tmp;
  write_run(tmp / "t", 1);
  write(tmp / "t" / "samples.jsonl", line(0, 0, 0, "<!--<script>alert(1)</script><img src=x onerror=alert(2)>"));
  const std::string html = render_report({load_run(tmp / "t")}, {});
  EXPECT_EQ(html.find("<!--<script>"), std::string::npos);
  EXPECT_EQ(html.find("alert(1)</script>"), std::string::npos);
  EXPECT_EQ(html.find("<img src=x"), std::string::npos);
  EXPECT_THAT(html, HasSubstr(R"(\u003c!--\u003cscript>alert(1)\u003c/script>\u003cimg src=x onerror=alert(2)>)"));
}

class BadSamples : public ::testing::Test {
 protected:
  void SetUp() override { write_run(tmp_ / "r", 3); }
  void expect_error(const std::string& samples, const std::string& fragment) {
    write(tmp_ / "r" / "samples.jsonl", samples);
    try {
      write_report({load_run(tmp_ / "r")}, tmp_ / "report.html", {});
      FAIL() << "no error; expected one mentioning " << fragment;
    } catch (const ouro::DataError& e) {
      EXPECT_THAT(e.what(), HasSubstr(fragment));
    }
    EXPECT_FALSE(fs::exists(tmp_ / "report.html"));
  }
  ouro::testing::TempDir tmp_;
};

TEST_F(BadSamples, NotJson) {
  expect_error(line(0, 0, 0, "a") + "{\"replicate\": 0, \"generation\": 1,\n", "samples.jsonl:2: not valid JSON");
}

TEST_F(BadSamples, NotAnObject) { expect_error(line(0, 0, 0, "a") + "[0, 1, 0, \"b\"]\n", "samples.jsonl:2: expected a JSON object"); }

TEST_F(BadSamples, MissingField) {
  expect_error(line(0, 0, 0, "a") + R"({"replicate":0,"generation":1,"sample":0})" "\n",
               "samples.jsonl:2: missing field \"text\"");
  expect_error(R"({"replicate":0,"sample":0,"text":"a"})" "\n", "samples.jsonl:1: missing field \"generation\"");
}

TEST_F(BadSamples, WrongType) {
  expect_error(R"({"replicate":0,"generation":-1,"sample":0,"text":"a"})" "\n",
               "samples.jsonl:1: field \"generation\" is -1, expected a non-negative integer");
  expect_error(R"({"replicate":"0","generation":0,"sample":0,"text":"a"})" "\n", "field \"replicate\" is \"0\"");
  expect_error(R"({"replicate":0,"generation":0,"sample":0.5,"text":"a"})" "\n", "field \"sample\" is 0.5");
  expect_error(R"({"replicate":0,"generation":0,"sample":0,"text":7})" "\n",
               "samples.jsonl:1: field \"text\" is a number, expected a string");
}

TEST_F(BadSamples, InvalidUtf8) { expect_error("{\"replicate\":0,\"generation\":0,\"sample\":0,\"text\":\"\xFF\"}\n", "samples.jsonl:1: not valid JSON"); }

TEST_F(BadSamples, RepeatedSample) {
  expect_error(line(0, 0, 0, "a") + "\n" + line(0, 0, 0, "b"), "samples.jsonl:3: replicate 0, generation 0, sample 0 appears a second time");
}

TEST_F(BadSamples, BadHistogram) {
  write(tmp_ / "r" / "samples.jsonl", line(0, 0, 0, "a"));
  write(tmp_ / "r" / "ppl_gen0_histogram.csv", "replicate,generation,low,high,count\n");
  EXPECT_THROW(
      {
        try {
          load_run(tmp_ / "r");
        } catch (const ouro::DataError& e) {
          EXPECT_THAT(e.what(), HasSubstr("ppl_gen0_histogram.csv:1: header is"));
          throw;
        }
      },
      ouro::DataError);
  write(tmp_ / "r" / "ppl_gen0_histogram.csv", "replicate,generation,bin_low,bin_high,count\n0,0,1,1.12,3\n0,1,2,1,3\n");
  try {
    load_run(tmp_ / "r");
    FAIL();
  } catch (const ouro::DataError& e) {
    EXPECT_THAT(e.what(), HasSubstr("ppl_gen0_histogram.csv:3: bin [2, 1) is not a positive interval"));
  }
  write(tmp_ / "r" / "ppl_gen0_histogram.csv", "replicate,generation,bin_low,bin_high,count\n0,0,1,1.12,x\n");
  try {
    load_run(tmp_ / "r");
    FAIL();
  } catch (const ouro::DataError& e) {
    EXPECT_THAT(e.what(), HasSubstr("ppl_gen0_histogram.csv:2: count 'x' is not a non-negative integer"));
  }
}

}  // namespace
