// make_family: each `model.family` name builds its family with the [model] settings passed through
// (estimator, smoothing, gmm settings, bandwidth number or rule, design), sizes taken from the truth
// (K outcomes, d inputs, sigma^2), and a family/truth mismatch or a bad setting is a ConfigError
// that names the key and what was expected.
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "model_test_util.hpp"
#include "ouro/core/config.hpp"
#include "ouro/core/error.hpp"
#include "ouro/models/categorical.hpp"
#include "ouro/models/gaussian.hpp"
#include "ouro/models/gmm.hpp"
#include "ouro/models/kde.hpp"
#include "ouro/models/linear_regression.hpp"

namespace ouro {
namespace {

using ::testing::HasSubstr;
using testing::FakeTruth;

Config config_with(const std::string& model_section) {
  return Config::from_string("[model]\n" + model_section, "family_test.toml");
}

Vector probs3() {
  Vector p(3);
  p << 0.5, 0.3, 0.2;
  return p;
}

// Expects make_family to throw a ConfigError whose message holds every fragment.
void expect_config_error(const Config& config, const Truth& truth, std::initializer_list<std::string> fragments) {
  try {
    make_family(config, truth);
    FAIL() << "expected a ConfigError";
  } catch (const ConfigError& e) {
    for (const std::string& f : fragments) EXPECT_THAT(e.what(), HasSubstr(f));
  }
}

TEST(MakeFamily, GaussianTakesTheEstimatorAndTheTruthsDimension) {
  const FakeTruth truth("gaussian", 3);
  const auto mle = make_family(config_with("family = \"gaussian\"\n"), truth);
  ASSERT_EQ(mle->name(), "gaussian");
  EXPECT_EQ(dynamic_cast<const GaussianFamily&>(*mle).estimator(), GaussianEstimator::kMle);
  EXPECT_EQ(mle->min_samples(3), 4u);
  const auto unbiased = make_family(config_with("family = \"gaussian\"\nestimator = \"unbiased\"\n"), truth);
  EXPECT_EQ(dynamic_cast<const GaussianFamily&>(*unbiased).estimator(), GaussianEstimator::kUnbiased);
  // The fitted model has the truth's dimension.
  Rng rng = testing::test_rng(0);
  EXPECT_EQ(mle->fit(truth.sample(10, rng), rng)->dim(), 3);
  EXPECT_THROW(mle->fit(Matrix::Zero(10, 2), rng), DataError);
}

TEST(MakeFamily, CategoricalTakesKFromTheTruthAndTheSmoothing) {
  const FakeTruth truth("categorical", 1, probs3());
  const auto family = make_family(config_with("family = \"categorical\"\nsmoothing = 0.25\n"), truth);
  const auto& categorical = dynamic_cast<const CategoricalFamily&>(*family);
  EXPECT_EQ(categorical.outcomes(), 3);
  EXPECT_EQ(categorical.smoothing(), 0.25);
}

TEST(MakeFamily, GmmTakesItsSettings) {
  const FakeTruth truth("gmm", 2);
  const auto family = make_family(
      config_with("family = \"gmm\"\ncomponents = 4\ntol = 1e-5\nmax_iter = 17\ncov_floor = 0.01\n"), truth);
  const GmmSettings& s = dynamic_cast<const GmmFamily&>(*family).settings();
  EXPECT_EQ(s.components, 4);
  EXPECT_EQ(s.tol, 1e-5);
  EXPECT_EQ(s.max_iter, 17);
  EXPECT_EQ(s.cov_floor, 0.01);
  EXPECT_EQ(family->min_samples(2), 4u);
}

TEST(MakeFamily, KdeTakesANumberOrARule) {
  const FakeTruth truth("gaussian", 1);
  const auto number = make_family(config_with("family = \"kde\"\nbandwidth = 0.3\n"), truth);
  EXPECT_EQ(dynamic_cast<const KdeFamily&>(*number).bandwidth().rule, BandwidthRule::kFixed);
  EXPECT_EQ(dynamic_cast<const KdeFamily&>(*number).bandwidth().h, 0.3);
  // An integer literal is a number too.
  const auto integer = make_family(config_with("family = \"kde\"\nbandwidth = 2\n"), truth);
  EXPECT_EQ(dynamic_cast<const KdeFamily&>(*integer).bandwidth().h, 2.0);
  const auto scott = make_family(config_with("family = \"kde\"\n"), truth);  // the default rule
  EXPECT_EQ(dynamic_cast<const KdeFamily&>(*scott).bandwidth().rule, BandwidthRule::kScott);
  const auto silverman = make_family(config_with("family = \"kde\"\nbandwidth = \"silverman\"\n"), truth);
  EXPECT_EQ(dynamic_cast<const KdeFamily&>(*silverman).bandwidth().rule, BandwidthRule::kSilverman);
}

TEST(MakeFamily, LinearRegressionTakesDAndSigmaFromTheTruth) {
  const FakeTruth truth("regression", 4, {}, 0.7);
  const auto fixed = make_family(config_with("family = \"linear-regression\"\n"), truth);
  const auto& f = dynamic_cast<const LinearRegressionFamily&>(*fixed);
  EXPECT_EQ(f.inputs(), 3);
  EXPECT_EQ(f.noise_variance(), 0.7);
  EXPECT_EQ(f.design(), RegressionDesign::kFixed);
  EXPECT_EQ(fixed->min_samples(4), 5u);
  const auto fresh = make_family(config_with("family = \"linear-regression\"\ndesign = \"fresh\"\n"), truth);
  EXPECT_EQ(dynamic_cast<const LinearRegressionFamily&>(*fresh).design(), RegressionDesign::kFresh);
}

TEST(MakeFamily, FamilyAndTruthMustMatch) {
  const FakeTruth categorical("categorical", 1, probs3());
  const FakeTruth regression("regression", 3, {}, 1.0);
  const FakeTruth gaussian("gaussian", 2);
  for (const std::string family : {"gaussian", "gmm", "kde"}) {
    expect_config_error(config_with("family = \"" + family + "\"\n"), categorical,
                        {"model.family", "truth.kind is \"categorical\""});
    expect_config_error(config_with("family = \"" + family + "\"\n"), regression,
                        {"model.family", "truth.kind is \"regression\""});
  }
  expect_config_error(config_with("family = \"categorical\"\n"), gaussian,
                      {"model.family", "needs a categorical truth", "\"gaussian\""});
  expect_config_error(config_with("family = \"linear-regression\"\n"), gaussian,
                      {"model.family", "needs a regression truth"});
  expect_config_error(config_with("family = \"linear-regression\"\n"), FakeTruth("regression", 1, {}, 1.0),
                      {"model.family", "at least one input"});
  expect_config_error(config_with("family = \"linear-regression\"\n"), FakeTruth("regression", 3, {}, 0.0),
                      {"model.family", "noise variance > 0"});
}

TEST(MakeFamily, BadSettingsNameTheKey) {
  const FakeTruth gaussian("gaussian", 1);
  // Values outside an option's range or choices are refused when the config is read or set.
  EXPECT_THROW(config_with("family = \"kde\"\nbandwidth = \"wide\"\n"), ConfigError);
  EXPECT_THROW(config_with("family = \"kde\"\nbandwidth = -1.0\n"), ConfigError);
  EXPECT_THROW(config_with("family = \"gmm\"\ncomponents = 0\n"), ConfigError);
  EXPECT_THROW(config_with("family = \"gaussian\"\nestimator = \"robust\"\n"), ConfigError);
  EXPECT_THROW(config_with("family = \"categorical\"\nsmoothing = -0.5\n"), ConfigError);
  try {
    config_with("family = \"mixture\"\n");
    FAIL() << "expected a ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_THAT(e.what(), HasSubstr("model.family"));
  }
}

}  // namespace
}  // namespace ouro

namespace ouro {
namespace {

// model.init: families that cannot continue from an earlier model refuse the key by name, and
// refuse a starting model handed to fit() directly.
TEST(ModelInit, FamiliesWithoutWarmStartsRefuseTheKey) {
  const testing::FakeTruth truth("gaussian", 2);
  Config config = Config::from_string("[model]\nfamily = \"gaussian\"\ninit = \"previous\"\n", "init.toml");
  const auto family = make_family(config, truth);
  try {
    model_init(config, *family);
    FAIL() << "a gaussian family took model.init = previous";
  } catch (const ConfigError& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("model.init"));
    EXPECT_THAT(e.what(), ::testing::HasSubstr("gaussian"));
  }
  Rng rng = testing::test_rng(1);
  const Matrix x = truth.sample(20, rng);
  const auto model = family->fit(x, rng);
  EXPECT_THROW(family->fit(x, rng, model.get()), DataError);
}

TEST(ModelInit, GmmTakesEveryValue) {
  const testing::FakeTruth truth("gaussian", 2);
  for (const auto& [value, init] : {std::pair{"scratch", ModelInit::kScratch}, std::pair{"previous", ModelInit::kPrevious},
                                    std::pair{"initial", ModelInit::kInitial}}) {
    Config config = Config::from_string(std::string("[model]\nfamily = \"gmm\"\ninit = \"") + value + "\"\n");
    EXPECT_EQ(model_init(config, *make_family(config, truth)), init) << value;
  }
}

// What each family declares, which metrics and filters are chosen by.
TEST(Capabilities, EachFamilyDeclaresWhatItsModelsOffer) {
  const testing::FakeTruth vectors("gaussian", 2);
  const auto gaussian = make_family(Config::from_string("[model]\nfamily = \"gaussian\"\n"), vectors)->capabilities();
  EXPECT_TRUE(gaussian.moments && gaussian.gaussian_law && gaussian.feature_embedding);
  EXPECT_FALSE(gaussian.warm_start || gaussian.token_scoring || gaussian.probabilities);
  const auto gmm = make_family(Config::from_string("[model]\nfamily = \"gmm\"\n"), vectors)->capabilities();
  EXPECT_TRUE(gmm.moments && gmm.warm_start && gmm.feature_embedding);
  EXPECT_FALSE(gmm.gaussian_law);
  const testing::FakeTruth outcomes("categorical", 1, probs3());
  const auto categorical =
      make_family(Config::from_string("[model]\nfamily = \"categorical\"\n"), outcomes)->capabilities();
  EXPECT_EQ(categorical.samples, SampleKind::kCategorical);
  EXPECT_TRUE(categorical.probabilities && categorical.exact_equality);
  EXPECT_FALSE(categorical.moments || categorical.feature_embedding);
  const testing::FakeTruth regression("regression", 3, {}, 1.0);
  const auto linear =
      make_family(Config::from_string("[model]\nfamily = \"linear-regression\"\n"), regression)->capabilities();
  EXPECT_TRUE(linear.coefficients);
  EXPECT_FALSE(linear.exchangeable_samples || linear.exact_equality);
}

}  // namespace
}  // namespace ouro
