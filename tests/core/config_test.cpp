// Config: parsing through the option table, defaults, overrides, and every kind of bad input
// producing a message that names the key, where it came from and what was expected. Arrays of
// tables ([[filter]]): each table's keys under its index with every default filled in, their
// errors naming the indexed key and line, --set on an index, and a resolved JSON that is unchanged
// for configs without them.
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "ouro/core/config.hpp"
#include "ouro/core/error.hpp"

namespace ouro {
namespace {

using ::testing::HasSubstr;

std::string error_of(auto&& action) {
  try {
    action();
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "no error";
}

TEST(Config, DefaultsFillEveryKeyWithADefault) {
  const Config config;
  EXPECT_EQ(config.integer("run.generations"), 100);
  EXPECT_EQ(config.text("model.family"), "gaussian");
  EXPECT_DOUBLE_EQ(config.real("loop.bias"), 1.0);
  EXPECT_FALSE(config.has("truth.probs"));
  EXPECT_EQ(config.where("loop.bias"), "default");
}

TEST(Config, SampleGridKeysRefuseNegativeAndAbsurdValuesNamingTheKey) {
  Config config;
  for (const char* assignment : {"metrics.image_samples=-1", "metrics.image_samples=1025",
                                 "metrics.image_replicates=-2", "metrics.image_replicates=101"}) {
    const std::string key = std::string(assignment).substr(0, std::string(assignment).find('='));
    EXPECT_THAT(error_of([&] { config.set(assignment); }), HasSubstr(key)) << assignment;
  }
  config.set("metrics.image_samples=0");
  config.set("metrics.image_replicates=100");
  EXPECT_EQ(config.integer("metrics.image_samples"), 0);
  EXPECT_EQ(Config().integer("metrics.image_samples"), 64);
  EXPECT_EQ(Config().integer("metrics.image_replicates"), 1);
}

TEST(Config, ParsesTheIssueExample) {
  const Config config = Config::from_string(R"(
[run]
generations = 100
replicates = 200
seed = 1
[truth]
kind = "gaussian"
mean = [0.0, 1.0]
cov = [[1.0, 0.5], [0.5, 2.0]]
[model]
family = "gaussian"
estimator = "unbiased"
[loop]
initial = 100
bias = 0.8
[metrics]
test_samples = 1000
)", "example.toml");
  EXPECT_EQ(config.text("model.estimator"), "unbiased");
  EXPECT_DOUBLE_EQ(config.real("loop.bias"), 0.8);
  EXPECT_EQ(config.reals("truth.mean").size(), 2u);
  EXPECT_DOUBLE_EQ(config.matrix("truth.cov")(1, 1), 2.0);
  EXPECT_EQ(config.where("loop.bias"), "example.toml:15:8");
  EXPECT_TRUE(config.user_set("loop.bias"));
}

TEST(Config, InlineTablesFlattenToDottedKeys) {
  const Config config = Config::from_string("[truth]\nkind = \"categorical\"\nzipf = { outcomes = 50, exponent = 1.1 }\n");
  EXPECT_EQ(config.integer("truth.zipf.outcomes"), 50);
  EXPECT_DOUBLE_EQ(config.real("truth.zipf.exponent"), 1.1);
}

TEST(Config, IntegersAreAcceptedForReals) {
  const Config config = Config::from_string("[loop]\nbias = 1\n");
  EXPECT_DOUBLE_EQ(config.real("loop.bias"), 1.0);
}

TEST(Config, UnknownKeyNamesLineAndSuggestion) {
  const std::string message = error_of([] { Config::from_string("[loop]\nintial = 5\n", "c.toml"); });
  EXPECT_THAT(message, HasSubstr("c.toml:2:1"));
  EXPECT_THAT(message, HasSubstr("unknown key 'loop.intial'"));
  EXPECT_THAT(message, HasSubstr("did you mean 'loop.initial'"));
}

TEST(Config, UnknownSectionIsAnError) {
  EXPECT_THAT(error_of([] { Config::from_string("[lop]\ninitial = 5\n"); }), HasSubstr("unknown key 'lop'"));
}

TEST(Config, WrongTypeNamesKeyValueAndExpectation) {
  const std::string message = error_of([] { Config::from_string("[loop]\ninitial = \"many\"\n", "c.toml"); });
  EXPECT_THAT(message, HasSubstr("c.toml:2:11"));
  EXPECT_THAT(message, HasSubstr("loop.initial"));
  EXPECT_THAT(message, HasSubstr("'many'"));
  EXPECT_THAT(message, HasSubstr("expected an integer"));
}

TEST(Config, OutOfRangeValuesAreRejected) {
  EXPECT_THAT(error_of([] { Config::from_string("[loop]\nbias = 0.0\n"); }), HasSubstr("(0, 1]"));
  EXPECT_THAT(error_of([] { Config::from_string("[loop]\nbias = 1.5\n"); }), HasSubstr("loop.bias"));
  EXPECT_THAT(error_of([] { Config::from_string("[loop]\nbias = nan\n"); }), HasSubstr("loop.bias"));
  EXPECT_THAT(error_of([] { Config::from_string("[run]\nreplicates = 0\n"); }), HasSubstr("[1, inf)"));
  EXPECT_THAT(error_of([] { Config::from_string("[truth]\nmean = [0.0, inf]\n"); }), HasSubstr("finite"));
}

TEST(Config, ChoicesAreEnforced) {
  const std::string message = error_of([] { Config::from_string("[loop]\nkeep = \"everything\"\n"); });
  EXPECT_THAT(message, HasSubstr("replace|accumulate|accumulate-subsample|window"));
}

TEST(Config, RaggedMatrixIsRejected) {
  EXPECT_THAT(error_of([] { Config::from_string("[truth]\ncov = [[1.0, 0.0], [0.0]]\n"); }),
              HasSubstr("rows of equal"));
}

TEST(Config, SyntaxErrorsNameTheLine) {
  EXPECT_THAT(error_of([] { Config::from_string("[loop]\ninitial = = 3\n", "bad.toml"); }),
              HasSubstr("bad.toml:2"));
}

TEST(Config, SetOverridesWithTomlLiteralsAndBareWords) {
  Config config;
  config.set("loop.bias=0.5");
  config.set("model.family=gmm");
  config.set("truth.mean=[1.0, 2.0]");
  EXPECT_DOUBLE_EQ(config.real("loop.bias"), 0.5);
  EXPECT_EQ(config.text("model.family"), "gmm");
  EXPECT_EQ(config.reals("truth.mean").size(), 2u);
  EXPECT_EQ(config.where("loop.bias"), "--set");
  EXPECT_THAT(error_of([&] { config.set("loop.bais=0.5"); }), HasSubstr("did you mean 'loop.bias'"));
  EXPECT_THAT(error_of([&] { config.set("loop.bias"); }), HasSubstr("key=value"));
  EXPECT_THAT(error_of([&] { config.set("model.family=gm"); }), HasSubstr("one of"));
}

TEST(Config, RealOrStringAcceptsBoth) {
  Config config;
  config.set("model.bandwidth=0.3");
  EXPECT_DOUBLE_EQ(config.real("model.bandwidth"), 0.3);
  config.set("model.bandwidth=silverman");
  EXPECT_EQ(config.text("model.bandwidth"), "silverman");
  EXPECT_THAT(error_of([&] { config.set("model.bandwidth=-1"); }), HasSubstr("(0, inf)"));
}

TEST(Config, FailNamesOriginKeyAndValue) {
  const Config config = Config::from_string("[loop]\ninitial = 1\n", "c.toml");
  EXPECT_THAT(error_of([&] { config.fail("loop.initial", "too few"); }),
              HasSubstr("c.toml:2:11: loop.initial = 1: too few"));
}

TEST(Config, MissingFileIsAnIoError) {
  EXPECT_THROW(Config::from_file("/nonexistent/config.toml"), IoError);
}

// A folder under the system's temporary folder, removed afterwards.
struct ScratchFolder {
  std::filesystem::path path = std::filesystem::temp_directory_path() /
                               ("ouro_config_test_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
                                "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
  ScratchFolder() { std::filesystem::create_directories(path / "configs"); }
  ~ScratchFolder() { std::filesystem::remove_all(path); }
};

TEST(Config, PathsInAFileAreRelativeToItsFolder) {
  ScratchFolder dir;
  std::ofstream(dir.path / "configs" / "c.toml")
      << "[truth]\nkind = \"corpus\"\npath = \"../data/corpus.txt\"\ntokenizer_model = \"m.model\"\n"
         "field = \"../not/a/path\"\n";
  // Read through a relative name, as `ouro run configs/c.toml` does from dir.
  const auto cwd = std::filesystem::current_path();
  std::filesystem::current_path(dir.path);
  const Config config = Config::from_file("configs/c.toml");
  std::filesystem::current_path(cwd);
  const auto root = std::filesystem::canonical(dir.path);
  EXPECT_EQ(std::filesystem::path(config.text("truth.path")), (root / "data" / "corpus.txt"));
  EXPECT_EQ(std::filesystem::path(config.text("truth.tokenizer_model")), (root / "configs" / "m.model"));
  EXPECT_EQ(config.text("truth.field"), "../not/a/path");  // not a path key: kept as written
  // The echo holds the path opened.
  EXPECT_EQ(config.to_json()["truth"]["path"], (root / "data" / "corpus.txt").string());
  // An absolute path stays as it is.
  std::ofstream(dir.path / "configs" / "abs.toml") << "[truth]\npath = \"/data/x.csv\"\n";
  EXPECT_EQ(Config::from_file(dir.path / "configs" / "abs.toml").text("truth.path"), "/data/x.csv");
}

TEST(Config, SetPathsAreRelativeToTheWorkingDirectory) {
  ScratchFolder dir;
  std::ofstream(dir.path / "configs" / "c.toml") << "[truth]\npath = \"a.csv\"\n";
  Config config = Config::from_file(dir.path / "configs" / "c.toml");
  const auto cwd = std::filesystem::current_path();
  std::filesystem::current_path(dir.path);
  config.set("truth.path=data/b.csv");
  std::filesystem::current_path(cwd);
  EXPECT_EQ(std::filesystem::path(config.text("truth.path")), std::filesystem::canonical(dir.path) / "data" / "b.csv");
  EXPECT_EQ(config.where("truth.path"), "--set");
}

TEST(Config, ColumnsAreNamesOrIndices) {
  const Config config = Config::from_string("[truth]\nkind = \"file\"\ncolumns = [\"waiting\", 1]\n");
  EXPECT_EQ(config.texts("truth.columns"), (std::vector<std::string>{"waiting", "1"}));
  EXPECT_FALSE(Config().has("truth.columns"));
  EXPECT_THAT(error_of([] { Config::from_string("[truth]\ncolumns = [1.5]\n"); }),
              HasSubstr("truth.columns = [ 1.5 ]: expected a list of names or indices"));
}

TEST(Config, ADataTruthEchoesNoDefaultDimension) {
  EXPECT_EQ(Config().to_json()["truth"]["dim"], 10);
  EXPECT_FALSE(Config::from_string("[truth]\nkind = \"file\"\n").to_json()["truth"].contains("dim"));
  EXPECT_FALSE(Config::from_string("[truth]\nkind = \"corpus\"\n").to_json()["truth"].contains("dim"));
  // Set by the user, it is echoed (and a file truth then refuses it, naming it).
  EXPECT_EQ(Config::from_string("[truth]\nkind = \"file\"\ndim = 3\n").to_json()["truth"]["dim"], 3);
}

TEST(Config, ResolvedJsonHoldsEveryDefault) {
  const nlohmann::json json = Config().to_json();
  EXPECT_EQ(json["run"]["replicates"], 200);
  EXPECT_EQ(json["loop"]["keep"], "replace");
  EXPECT_FALSE(json["truth"].contains("probs"));
}

// The issue's example of a filter chain: a categorical reward list, a linear reward, no reward.
const char* kFilters = R"([loop]
bias = 0.8

[[filter]]
kind = "curate"
candidates = 5
reward = [0.0, 1.0, 2.0]

[[filter]]
kind = "threshold"
reward = { linear = [1.0, -0.5], offset = 0.2 }
min_reward = 0.0

[[filter]]
kind = "dedup"
)";

TEST(ConfigTables, ParsesEachFilterTableWithEveryDefaultFilledIn) {
  const Config config = Config::from_string(kFilters, "f.toml");
  ASSERT_EQ(config.table_count("filter"), 3u);
  EXPECT_EQ(Config::table_key("filter", 1, "reward.linear"), "filter.1.reward.linear");

  EXPECT_EQ(config.text("filter.0.kind"), "curate");
  EXPECT_EQ(config.integer("filter.0.candidates"), 5);
  EXPECT_EQ(config.reals("filter.0.reward"), (std::vector<double>{0.0, 1.0, 2.0}));
  EXPECT_FALSE(config.has("filter.0.reward.linear"));
  EXPECT_FALSE(config.has("filter.0.min_reward"));
  EXPECT_DOUBLE_EQ(config.real("filter.0.max_draws"), 100.0);
  EXPECT_EQ(config.where("filter.0.candidates"), "f.toml:6:14");

  EXPECT_EQ(config.text("filter.1.kind"), "threshold");
  EXPECT_EQ(config.reals("filter.1.reward.linear"), (std::vector<double>{1.0, -0.5}));
  EXPECT_DOUBLE_EQ(config.real("filter.1.reward.offset"), 0.2);
  EXPECT_DOUBLE_EQ(config.real("filter.1.reward.scale"), 1.0);
  EXPECT_FALSE(config.has("filter.1.reward"));
  EXPECT_DOUBLE_EQ(config.real("filter.1.min_reward"), 0.0);
  EXPECT_TRUE(config.user_set("filter.1.min_reward"));
  EXPECT_EQ(config.integer("filter.1.candidates"), 2);
  EXPECT_FALSE(config.user_set("filter.1.candidates"));
  EXPECT_EQ(config.where("filter.1.candidates"), "default");
  EXPECT_EQ(config.where("filter.1.reward.linear"), "f.toml:11:21");

  EXPECT_EQ(config.text("filter.2.kind"), "dedup");
  EXPECT_EQ(config.integer("filter.2.candidates"), 2);
  EXPECT_DOUBLE_EQ(config.real("filter.2.reward.offset"), 0.0);
  EXPECT_DOUBLE_EQ(config.real("filter.2.reward.scale"), 1.0);
  EXPECT_DOUBLE_EQ(config.real("filter.2.max_draws"), 100.0);
  EXPECT_FALSE(config.has("filter.2.reward"));
  EXPECT_FALSE(config.has("filter.2.min_reward"));

  // The plain sections are parsed as before, and the row keys are no entries.
  EXPECT_DOUBLE_EQ(config.real("loop.bias"), 0.8);
  EXPECT_FALSE(config.has("filter.kind"));
  EXPECT_FALSE(config.has("filter.3.kind"));
  EXPECT_THAT(error_of([&] { config.fail("filter.0.candidates", "too many"); }),
              HasSubstr("f.toml:6:14: filter.0.candidates = 5: too many"));
}

TEST(ConfigTables, CentredRewardAndInlineArrayOfTables) {
  const Config config = Config::from_string(
      "filter = [{ kind = \"threshold\", reward = { center = [0.0, 1.0], scale = 2.0 }, min_reward = -1 }]\n");
  ASSERT_EQ(config.table_count("filter"), 1u);
  EXPECT_EQ(config.reals("filter.0.reward.center"), (std::vector<double>{0.0, 1.0}));
  EXPECT_DOUBLE_EQ(config.real("filter.0.reward.scale"), 2.0);
  EXPECT_DOUBLE_EQ(config.real("filter.0.min_reward"), -1.0);
}

TEST(ConfigTables, AConfigWithoutFiltersHasNoFilterEntries) {
  for (const Config& config : {Config(), Config::from_string("[loop]\nbias = 0.8\n"), Config::from_string("filter = []\n")}) {
    EXPECT_EQ(config.table_count("filter"), 0u);
    EXPECT_FALSE(config.has("filter.kind"));
    EXPECT_FALSE(config.has("filter.0.kind"));
  }
}

TEST(ConfigTables, UnknownKeyInATableNamesItsIndexLineAndSuggestion) {
  std::string message = error_of([] {
    Config::from_string("[[filter]]\nkind = \"dedup\"\n\n[[filter]]\nkind = \"curate\"\ncandiates = 3\n", "c.toml");
  });
  EXPECT_THAT(message, HasSubstr("c.toml:6:1"));
  EXPECT_THAT(message, HasSubstr("unknown key 'filter.1.candiates'"));
  EXPECT_THAT(message, HasSubstr("did you mean 'filter.1.candidates'"));

  message = error_of([] {
    Config::from_string("[[filter]]\nkind = \"threshold\"\nreward = { lienar = [1.0] }\n", "c.toml");
  });
  EXPECT_THAT(message, HasSubstr("c.toml:3:12"));
  EXPECT_THAT(message, HasSubstr("unknown key 'filter.0.reward.lienar'"));
  EXPECT_THAT(message, HasSubstr("did you mean 'filter.0.reward.linear'"));
}

TEST(ConfigTables, WrongTypesRangesAndChoicesNameTheIndexedKey) {
  const auto parse = [](const std::string& body) {
    return error_of([&] { Config::from_string("[[filter]]\nkind = \"curate\"\n" + body, "c.toml"); });
  };
  std::string message = parse("candidates = \"five\"\n");
  EXPECT_THAT(message, HasSubstr("c.toml:3:14: filter.0.candidates = 'five': expected an integer"));
  message = parse("candidates = 1\n");
  EXPECT_THAT(message, HasSubstr("filter.0.candidates = 1"));
  EXPECT_THAT(message, HasSubstr("[2, inf)"));
  message = parse("reward = { center = [0.0], scale = 0.0 }\n");
  EXPECT_THAT(message, HasSubstr("c.toml:3:36: filter.0.reward.scale = 0.0"));
  EXPECT_THAT(message, HasSubstr("(0, inf)"));
  message = parse("reward = 2.0\n");
  EXPECT_THAT(message, HasSubstr("filter.0.reward = 2.0: expected a list of numbers"));
  message = error_of([] { Config::from_string("[[filter]]\nkind = \"sort\"\n", "c.toml"); });
  EXPECT_THAT(message, HasSubstr("c.toml:2:8: filter.0.kind = 'sort'"));
  EXPECT_THAT(message, HasSubstr("curate|threshold|dedup"));
}

TEST(ConfigTables, APlainTableOrValueIsRefused) {
  std::string message = error_of([] { Config::from_string("[loop]\nbias = 0.8\n[filter]\nkind = \"dedup\"\n", "c.toml"); });
  EXPECT_THAT(message, HasSubstr("c.toml:3:2"));
  EXPECT_THAT(message, HasSubstr("filter is an array of tables: write [[filter]]"));
  message = error_of([] { Config::from_string("filter = 3\n", "c.toml"); });
  EXPECT_THAT(message, HasSubstr("c.toml:1:1"));
  EXPECT_THAT(message, HasSubstr("filter is an array of tables: write [[filter]]"));
  message = error_of([] { Config::from_string("filter = [{ kind = \"dedup\" }, 3]\n", "c.toml"); });
  EXPECT_THAT(message, HasSubstr("filter is an array of tables"));
}

TEST(ConfigTables, ATableWithoutKindNamesItsLineAndKey) {
  const std::string message = error_of([] {
    Config::from_string("[[filter]]\nkind = \"dedup\"\n\n[[filter]]\ncandidates = 3\n", "c.toml");
  });
  EXPECT_THAT(message, HasSubstr("c.toml:4:1"));
  EXPECT_THAT(message, HasSubstr("filter.1.kind is missing"));
  EXPECT_THAT(message, HasSubstr("curate|threshold|dedup"));
}

TEST(ConfigTables, ARewardListAndARewardTableInOneTableAreRefused) {
  // TOML itself refuses `reward = [...]` beside `reward.linear = [...]`; --set can still meet both.
  EXPECT_THAT(error_of([] {
    Config::from_string("[[filter]]\nkind = \"curate\"\nreward = [1.0]\nreward.linear = [1.0]\n", "c.toml");
  }), HasSubstr("c.toml:4"));
  Config config = Config::from_string(kFilters, "f.toml");
  std::string message = error_of([&] { config.set("filter.1.reward=[1.0, 2.0]"); });
  EXPECT_THAT(message, HasSubstr("--set filter.1.reward=[1.0, 2.0]: [[filter]] table 1 (f.toml:9:1)"));
  EXPECT_THAT(message, HasSubstr("sets both filter.1.reward and filter.1.reward.linear"));
  EXPECT_THAT(message, HasSubstr("reward is either a list of numbers or a table (linear or center), not both"));
  message = error_of([&] { config.set("filter.0.reward.scale=2"); });
  EXPECT_THAT(message, HasSubstr("sets both filter.0.reward and filter.0.reward.scale"));
}

TEST(ConfigTables, SetChangesAnExistingTableOnly) {
  Config config = Config::from_string(kFilters, "f.toml");
  config.set("filter.1.min_reward=0.5");
  config.set("filter.0.kind=dedup");
  EXPECT_DOUBLE_EQ(config.real("filter.1.min_reward"), 0.5);
  EXPECT_EQ(config.where("filter.1.min_reward"), "--set");
  EXPECT_EQ(config.text("filter.0.kind"), "dedup");
  EXPECT_EQ(config.table_count("filter"), 3u);

  std::string message = error_of([&] { config.set("filter.3.kind=dedup"); });
  EXPECT_THAT(message, HasSubstr("--set filter.3.kind=dedup"));
  EXPECT_THAT(message, HasSubstr("the config has 3 [[filter]] tables (filter.0 to filter.2)"));
  EXPECT_THAT(error_of([] { Config().set("filter.0.kind=dedup"); }), HasSubstr("the config has 0 [[filter]] tables"));
  message = error_of([&] { config.set("filter.kind=dedup"); });
  EXPECT_THAT(message, HasSubstr("give the index"));
  EXPECT_THAT(message, HasSubstr("filter.0.kind"));
  EXPECT_THAT(error_of([&] { config.set("filter.0.candidates=1"); }), HasSubstr("filter.0.candidates = 1"));
  EXPECT_THAT(error_of([&] { config.set("filter.0.kidn=dedup"); }), HasSubstr("did you mean 'filter.0.kind'"));
  EXPECT_THAT(error_of([&] { config.set("filter.01.kind=dedup"); }), HasSubstr("unknown key 'filter.01.kind'"));
  EXPECT_THAT(error_of([&] { config.set("filter.candidats=3"); }), HasSubstr("did you mean 'filter.0.candidates'"));
}

// Found by fuzz_config_set (fuzz/corpus/fuzz_config_set/refused_set_then_echo.txt): a --set that
// check_table refused stayed in the config, so the next to_json() met a list row and its sub-table
// at once and threw nlohmann's type_error instead of writing the resolved config.
TEST(ConfigTables, RefusedSetLeavesTheConfigAsItWas) {
  Config config = Config::from_string(kFilters, "f.toml");
  const nlohmann::json before = config.to_json();
  EXPECT_THAT(error_of([&] { config.set("filter.0.reward.linear=[1.0, 2.0]"); }),
              HasSubstr("sets both filter.0.reward and filter.0.reward.linear"));
  EXPECT_FALSE(config.user_set("filter.0.reward.linear"));
  EXPECT_THAT(config.where("filter.0.reward"), HasSubstr("f.toml:7"));
  EXPECT_EQ(config.to_json(), before);
}

TEST(ConfigTables, ResolvedJsonHasOneObjectPerTable) {
  const nlohmann::json json = Config::from_string(kFilters).to_json();
  ASSERT_TRUE(json["filter"].is_array());
  ASSERT_EQ(json["filter"].size(), 3u);
  EXPECT_EQ(json["filter"][0], nlohmann::json::parse(
      R"({"kind": "curate", "candidates": 5, "reward": [0.0, 1.0, 2.0], "max_draws": 100.0, "flag_above": 0.5,
          "miss_rate": 0.0})"));
  EXPECT_EQ(json["filter"][1], nlohmann::json::parse(
      R"({"kind": "threshold", "candidates": 2, "reward": {"linear": [1.0, -0.5], "offset": 0.2, "scale": 1.0},
          "min_reward": 0.0, "max_draws": 100.0, "flag_above": 0.5, "miss_rate": 0.0})"));
  EXPECT_EQ(json["filter"][2], nlohmann::json::parse(R"({"kind": "dedup", "candidates": 2, "max_draws": 100.0, "flag_above": 0.5, "miss_rate": 0.0})"));
  // Everything else is as in a config without filters.
  nlohmann::json rest = json;
  rest.erase("filter");
  Config plain;
  plain.set("loop.bias=0.8");
  EXPECT_EQ(rest, plain.to_json());
}

TEST(ConfigTables, ResolvedJsonWithoutFiltersIsUnchanged) {
  const nlohmann::json defaults = Config().to_json();
  EXPECT_FALSE(defaults.contains("filter"));
  EXPECT_EQ(defaults.size(), 7u);  // run, truth, model, loop, metrics, watermark, provenance
  EXPECT_EQ(Config::from_string("").to_json().dump(), defaults.dump());
  EXPECT_EQ(Config::from_string("filter = []\n").to_json().dump(), defaults.dump());
}

TEST(OptionTable, RepeatedRowsBelongToARepeatedSectionAndComeLast) {
  bool repeated_seen = false;
  for (const Option& option : option_table()) {
    const std::string_view section = option.key.substr(0, option.key.find('.'));
    EXPECT_EQ(option.repeated, is_repeated_section(section)) << option.key;
    EXPECT_TRUE(option.repeated || !repeated_seen) << option.key << " follows a repeated section";
    repeated_seen = repeated_seen || option.repeated;
  }
  for (const RepeatedSection& section : repeated_sections()) {
    EXPECT_FALSE(section.help.empty()) << section.name;
    if (!section.required.empty()) {
      const Option* required = find_option(std::string(section.name) + "." + std::string(section.required));
      ASSERT_NE(required, nullptr) << section.name;
      EXPECT_TRUE(required->default_value.empty()) << "a required key has no default: " << required->key;
    }
  }
  EXPECT_TRUE(split_table_key("filter.12.reward.linear").has_value());
  EXPECT_EQ(split_table_key("filter.12.reward.linear")->index, 12u);
  EXPECT_EQ(split_table_key("filter.12.reward.linear")->option->key, "filter.reward.linear");
  for (const char* bad : {"filter.kind", "filter.01.kind", "filter.-1.kind", "filter.0.nope", "loop.0.bias", "filter.0"}) {
    EXPECT_FALSE(split_table_key(bad).has_value()) << bad;
  }
}

TEST(OptionTable, MarkdownDocumentsTheArrayOfTables) {
  const std::string markdown = options_markdown();
  EXPECT_THAT(markdown, HasSubstr("\n## [[filter]]\n"));
  EXPECT_THAT(markdown, HasSubstr("applied in the order"));
  EXPECT_THAT(markdown, HasSubstr("| `filter.kind` |"));
  EXPECT_THAT(markdown, HasSubstr("-\\|\\|x - c\\|\\|^2"));
}

TEST(OptionTable, KeysAreUniqueAndDocumented) {
  std::set<std::string_view> seen;
  for (const Option& option : option_table()) {
    EXPECT_TRUE(seen.insert(option.key).second) << "duplicate key " << option.key;
    EXPECT_FALSE(option.help.empty()) << option.key;
    EXPECT_NE(option.key.find('.'), std::string_view::npos) << option.key << " has no section";
  }
}

TEST(OptionTable, EveryDefaultParses) {
  EXPECT_NO_THROW(Config());
}

TEST(OptionTable, DocsConfigMdIsGeneratedFromTheTable) {
  std::ifstream in(std::string(OURO_SOURCE_DIR) + "/docs/config.md");
  ASSERT_TRUE(in.good()) << "docs/config.md is missing: run `ouro options --markdown > docs/config.md`";
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), options_markdown())
      << "docs/config.md is stale: run `ouro options --markdown > docs/config.md`";
}

}  // namespace
}  // namespace ouro
