// LoopPolicy: the training-set composition rules of docs/loop.md, checked row by row through the
// provenance records, plus memory release and the contradictory-settings errors.
#include <algorithm>
#include <set>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ouro/core/config.hpp"
#include "ouro/core/error.hpp"
#include "ouro/loop/loop_policy.hpp"
#include "ouro/models/truth.hpp"

namespace ouro {
namespace {

// A 1-column truth whose samples are 1000 + a running draw, so fresh rows are recognisable.
class CountingTruth : public Truth {
 public:
  std::string_view kind() const override { return "counting"; }
  Eigen::Index dim() const override { return 1; }
  Matrix sample(std::size_t n, Rng& rng) const override {
    Matrix x(static_cast<Eigen::Index>(n), 1);
    for (Eigen::Index i = 0; i < x.rows(); ++i) x(i, 0) = 1000 + static_cast<double>(rng.below(1000));
    return x;
  }
};

// Synthetic set of generation g: n rows holding the value 10 * (g + 1) + row / 1000.
Dataset synthetic_set(std::size_t g, std::size_t n) {
  Matrix x(static_cast<Eigen::Index>(n), 1);
  for (std::size_t i = 0; i < n; ++i) x(static_cast<Eigen::Index>(i), 0) = 10.0 * static_cast<double>(g + 1) + static_cast<double>(i) / 1000;
  return Dataset(x, Provenance{static_cast<std::int32_t>(g), Origin::kSynthetic});
}

Dataset initial_set(std::size_t n) {
  Matrix x(static_cast<Eigen::Index>(n), 1);
  for (std::size_t i = 0; i < n; ++i) x(static_cast<Eigen::Index>(i), 0) = static_cast<double>(i) / 1000;
  return Dataset(x, Provenance{0, Origin::kOriginal});
}

LoopSettings settings_from(std::string_view toml) { return LoopSettings::from(Config::from_string(toml)); }

// Runs the policy for `generations` generations and returns each generation's training set.
std::vector<Dataset> compose_all(const LoopPolicy& policy, std::size_t generations) {
  const CountingTruth truth;
  const Streams streams(7, 0);
  LoopState state = policy.start(initial_set(policy.settings().initial));
  std::vector<Dataset> out{*state.history.front()};
  for (std::size_t g = 1; g <= generations; ++g) {
    policy.record(state, synthetic_set(g - 1, policy.settings().synthetic));
    out.push_back(*policy.compose(g, state, truth, streams));
    EXPECT_EQ(static_cast<std::size_t>(out.back().size()), policy.training_size(g)) << "generation " << g;
  }
  return out;
}

std::multiset<std::pair<int, int>> origins(const Dataset& d) {
  std::multiset<std::pair<int, int>> out;
  for (const Provenance& p : d.provenance()) out.insert({static_cast<int>(p.origin), p.generation});
  return out;
}

std::size_t count_of(const Dataset& d, Origin origin, int generation) {
  return origins(d).count({static_cast<int>(origin), generation});
}

TEST(LoopPolicy, ReplaceTrainsOnTheLatestSyntheticSetOnly) {
  const LoopPolicy policy(settings_from("[loop]\ninitial = 5\nsynthetic = 4\n"));
  const auto sets = compose_all(policy, 3);
  EXPECT_EQ(count_of(sets[0], Origin::kOriginal, 0), 5u);
  for (int g = 1; g <= 3; ++g) {
    EXPECT_EQ(sets[g].size(), 4);
    EXPECT_EQ(count_of(sets[g], Origin::kSynthetic, g - 1), 4u);
  }
}

TEST(LoopPolicy, AccumulateKeepsTheInitialDataAndEverySyntheticSet) {
  const LoopPolicy policy(settings_from("[loop]\ninitial = 5\nsynthetic = 4\nkeep = \"accumulate\"\n"));
  const auto sets = compose_all(policy, 3);
  EXPECT_EQ(sets[3].size(), 5 + 3 * 4);
  EXPECT_EQ(count_of(sets[3], Origin::kOriginal, 0), 5u);
  for (int g = 0; g < 3; ++g) EXPECT_EQ(count_of(sets[3], Origin::kSynthetic, g), 4u);
}

TEST(LoopPolicy, WindowHoldsTheLastWSetsCountingTheInitialData) {
  const LoopPolicy policy(settings_from("[loop]\ninitial = 5\nsynthetic = 4\nkeep = \"window\"\nwindow = 2\n"));
  const auto sets = compose_all(policy, 3);
  EXPECT_EQ(count_of(sets[1], Origin::kOriginal, 0), 5u);  // D0 and S_0
  EXPECT_EQ(count_of(sets[1], Origin::kSynthetic, 0), 4u);
  EXPECT_EQ(count_of(sets[3], Origin::kOriginal, 0), 0u);  // S_1 and S_2
  EXPECT_EQ(count_of(sets[3], Origin::kSynthetic, 1), 4u);
  EXPECT_EQ(count_of(sets[3], Origin::kSynthetic, 2), 4u);
}

TEST(LoopPolicy, AccumulateSubsampleDrawsDistinctRowsOfThePool) {
  const LoopPolicy policy(settings_from(
      "[loop]\ninitial = 5\nsynthetic = 4\nkeep = \"accumulate-subsample\"\ntrain_size = 6\n"));
  const auto sets = compose_all(policy, 4);
  EXPECT_EQ(sets[1].size(), 6);  // pool of 9 rows
  for (int g = 1; g <= 4; ++g) {
    std::set<double> values(sets[g].x().data(), sets[g].x().data() + sets[g].size());
    EXPECT_EQ(values.size(), 6u) << "rows must be distinct (no replacement)";
  }
}

TEST(LoopPolicy, FixedRealRowsAreTheFirstInitialRowsEveryGeneration) {
  const LoopPolicy policy(settings_from("[loop]\ninitial = 5\nsynthetic = 4\nreal = \"fixed\"\nreal_samples = 2\n"));
  const auto sets = compose_all(policy, 3);
  for (int g = 1; g <= 3; ++g) {
    EXPECT_EQ(sets[g].size(), 6);
    EXPECT_DOUBLE_EQ(sets[g].x()(0, 0), 0.0);
    EXPECT_DOUBLE_EQ(sets[g].x()(1, 0), 0.001);
    EXPECT_EQ(count_of(sets[g], Origin::kOriginal, 0), 2u);
  }
}

TEST(LoopPolicy, ResampleDrawsDistinctInitialRowsAfresh) {
  const LoopPolicy policy(settings_from("[loop]\ninitial = 50\nsynthetic = 4\nreal = \"resample\"\nreal_samples = 10\n"));
  const auto sets = compose_all(policy, 3);
  std::set<double> first(sets[1].x().data(), sets[1].x().data() + 10);
  std::set<double> second(sets[2].x().data(), sets[2].x().data() + 10);
  EXPECT_EQ(first.size(), 10u);
  EXPECT_NE(first, second);
  EXPECT_EQ(count_of(sets[2], Origin::kOriginal, 0), 10u);
}

TEST(LoopPolicy, FreshDataIsDrawnFromTheTruthWithItsGeneration) {
  const LoopPolicy policy(settings_from("[loop]\ninitial = 5\nsynthetic = 4\nreal = \"fresh\"\nreal_samples = 3\n"));
  const auto sets = compose_all(policy, 2);
  EXPECT_EQ(count_of(sets[2], Origin::kFresh, 2), 3u);
  EXPECT_GE(sets[2].x()(0, 0), 1000.0);
}

// The composition users meet in Gerstgrasser et al.'s accumulate: all data stays, fresh draws too.
// Hand count with n0 = 5, ns = 4, nr = 3: generation g holds 3g fresh (3 of each generation
// 1..g), then D0's 5 rows, then 4 synthetic rows of each generation 0..g-1.
TEST(LoopPolicy, AccumulateKeepsEveryGenerationsFreshDraws) {
  const LoopPolicy policy(settings_from(
      "[loop]\ninitial = 5\nsynthetic = 4\nkeep = \"accumulate\"\nreal = \"fresh\"\nreal_samples = 3\n"));
  const auto sets = compose_all(policy, 3);
  const std::size_t expected_sizes[] = {5, 3 + 5 + 4, 6 + 5 + 8, 9 + 5 + 12};
  for (int g = 1; g <= 3; ++g) {
    EXPECT_EQ(static_cast<std::size_t>(sets[g].size()), expected_sizes[g]) << "generation " << g;
    EXPECT_EQ(count_of(sets[g], Origin::kOriginal, 0), 5u);
    for (int j = 1; j <= g; ++j) EXPECT_EQ(count_of(sets[g], Origin::kFresh, j), 3u) << g << " " << j;
    for (int j = 0; j < g; ++j) EXPECT_EQ(count_of(sets[g], Origin::kSynthetic, j), 4u) << g << " " << j;
    // The real part comes first, in generation order, and the fresh rows of generation j are the
    // same rows in every later training set.
    for (Eigen::Index i = 0; i < 3 * g; ++i) EXPECT_GE(sets[g].x()(i, 0), 1000.0);
    EXPECT_EQ(sets[g].x().topRows(3 * (g - 1)), sets[g - 1].x().topRows(3 * (g - 1)));
  }
}

TEST(LoopPolicy, AccumulateWithOnlyTheCurrentFreshDrawsWhenAsked) {
  const LoopPolicy policy(settings_from("[loop]\ninitial = 5\nsynthetic = 4\nkeep = \"accumulate\"\nreal = "
                                        "\"fresh\"\nreal_samples = 3\naccumulate_fresh = false\n"));
  const auto sets = compose_all(policy, 3);
  EXPECT_EQ(sets[3].size(), 3 + 5 + 12);
  EXPECT_EQ(count_of(sets[3], Origin::kFresh, 3), 3u);
  EXPECT_EQ(count_of(sets[3], Origin::kFresh, 2), 0u);
}

// A resumed replicate starts with an empty fresh pool (it is not checkpointed) and must compose
// the same rows as one that never stopped.
TEST(LoopPolicy, AccumulatedFreshDrawsAreRedrawnExactlyAfterAResume) {
  const LoopPolicy policy(settings_from(
      "[loop]\ninitial = 5\nsynthetic = 4\nkeep = \"accumulate\"\nreal = \"fresh\"\nreal_samples = 3\n"));
  const auto uninterrupted = compose_all(policy, 4);
  const CountingTruth truth;
  const Streams streams(7, 0);
  LoopState state = policy.start(initial_set(5));
  for (std::size_t g = 0; g < 4; ++g) policy.record(state, synthetic_set(g, 4));
  EXPECT_EQ(policy.compose(4, state, truth, streams)->x(), uninterrupted[4].x());
  policy.record(state, synthetic_set(4, 4));
  EXPECT_EQ(origins(*policy.compose(5, state, truth, streams)).count({static_cast<int>(Origin::kFresh), 5}), 3u);
}

TEST(LoopPolicy, ReplaceReleasesSetsItCannotUseAgain) {
  const LoopPolicy policy(settings_from("[loop]\ninitial = 5\nsynthetic = 4\n"));
  LoopState state = policy.start(initial_set(5));
  for (std::size_t g = 0; g < 5; ++g) policy.record(state, synthetic_set(g, 4));
  const auto held = std::count_if(state.history.begin(), state.history.end(), [](const auto& p) { return p != nullptr; });
  EXPECT_EQ(held, 1);
}

TEST(LoopPolicy, ResampleKeepsTheInitialData) {
  const LoopPolicy policy(settings_from("[loop]\ninitial = 5\nsynthetic = 4\nreal = \"resample\"\nreal_samples = 2\n"));
  LoopState state = policy.start(initial_set(5));
  for (std::size_t g = 0; g < 5; ++g) policy.record(state, synthetic_set(g, 4));
  EXPECT_NE(state.history.front(), nullptr);
}

TEST(LoopPolicy, SameStreamsSameComposition) {
  const LoopPolicy policy(settings_from(
      "[loop]\ninitial = 5\nsynthetic = 4\nkeep = \"accumulate-subsample\"\nreal = \"resample\"\nreal_samples = 2\n"));
  const auto a = compose_all(policy, 4);
  const auto b = compose_all(policy, 4);
  for (std::size_t g = 0; g < a.size(); ++g) EXPECT_EQ(a[g].x(), b[g].x());
}

TEST(LoopSettings, ContradictionsNameTheKey) {
  using ::testing::HasSubstr;
  auto message = [](std::string_view toml) {
    try {
      settings_from(toml);
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_THAT(message("[loop]\nreal_samples = 3\n"), HasSubstr("loop.real_samples"));
  EXPECT_THAT(message("[loop]\nreal = \"fresh\"\n"), HasSubstr("loop.real"));
  EXPECT_THAT(message("[loop]\ninitial = 5\nreal = \"fixed\"\nreal_samples = 6\n"), HasSubstr("cannot take 6"));
  EXPECT_THAT(message("[loop]\nwindow = 3\n"), HasSubstr("only applies with loop.keep = \"window\""));
  EXPECT_THAT(message("[loop]\ntrain_size = 3\n"), HasSubstr("accumulate-subsample"));
  EXPECT_THAT(message("[loop]\nreal = \"fresh\"\nreal_samples = 2\naccumulate_fresh = false\n"),
              HasSubstr("loop.accumulate_fresh = false: only applies with loop.keep = \"accumulate\" and loop.real = \"fresh\""));
}

TEST(SampleWithoutReplacement, IsUniformOverPositions) {
  // Each of 5 items lands first with probability 1/5 (4000 draws; 5 standard errors).
  std::vector<int> first(5, 0);
  for (std::uint64_t t = 0; t < 4000; ++t) {
    Rng rng(1, {Purpose::kUser, t, 0, 0});
    ++first[sample_without_replacement(5, 3, rng)[0]];
  }
  for (int c : first) EXPECT_NEAR(c, 800, 5 * std::sqrt(4000 * 0.2 * 0.8));
}

}  // namespace
}  // namespace ouro
