// Config: parsing through the option table, defaults, overrides, and every kind of bad input
// producing a message that names the key, where it came from and what was expected.
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

TEST(Config, ResolvedJsonHoldsEveryDefault) {
  const nlohmann::json json = Config().to_json();
  EXPECT_EQ(json["run"]["replicates"], 200);
  EXPECT_EQ(json["loop"]["keep"], "replace");
  EXPECT_FALSE(json["truth"].contains("probs"));
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
