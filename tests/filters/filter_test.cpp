// Filters: threshold and dedup on hand cases, the sample stage keeping S_g's size exact with every
// sample's provenance and every rejected candidate accounted for, max_draws exceeded as an error
// naming the filter and the generation, config errors naming the key, and filtered runs giving the
// same bytes for any thread count, with the filter columns in composition.csv.
#include <algorithm>
#include <set>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ouro/core/config.hpp"
#include "ouro/core/error.hpp"
#include "ouro/filters/filter.hpp"
#include "ouro/loop/experiment.hpp"
#include "ouro/loop/run_job.hpp"
#include "ouro/loop/sample_stage.hpp"
#include "ouro/models/truth.hpp"
#include "support/files.hpp"

namespace ouro {
namespace {

using ::testing::HasSubstr;

// The filters of `toml` for its family and truth.
struct Built {
  std::unique_ptr<Truth> truth;
  std::unique_ptr<ModelFamily> family;
  std::vector<std::unique_ptr<Filter>> filters;
};

Built build(const std::string& toml) {
  const Config config = Config::from_string(toml, "filter_test.toml");
  Built b;
  b.truth = make_truth(config, 1);
  b.family = make_family(config, *b.truth);
  b.filters = make_filters(config, b.family->capabilities(), b.family->name(), *b.truth);
  return b;
}

std::vector<std::size_t> passed_by(const Filter& filter, const Matrix& rows, FilterState* state = nullptr) {
  Rng rng(1, {});
  std::vector<std::size_t> passed;
  filter.apply(Samples(rows), rng, state, passed);
  return passed;
}

Matrix rows_of(std::initializer_list<std::initializer_list<double>> rows) {
  Matrix m(static_cast<Eigen::Index>(rows.size()), static_cast<Eigen::Index>(rows.begin()->size()));
  Eigen::Index i = 0;
  for (const auto& row : rows) {
    Eigen::Index j = 0;
    for (const double v : row) m(i, j++) = v;
    ++i;
  }
  return m;
}

const char* kCategorical = "[truth]\nkind = \"categorical\"\nprobs = [0.5, 0.3, 0.2]\n[model]\nfamily = \"categorical\"\n";
const char* kVector = "[truth]\nkind = \"gaussian\"\nmean = [0.0, 0.0]\ncov = [[1.0, 0.0], [0.0, 1.0]]\n";

TEST(ThresholdFilter, KeepsRewardsAtOrAboveTheMinimum) {
  const Built outcomes = build(std::string(kCategorical) +
                               "[[filter]]\nkind = \"threshold\"\nreward = [0.0, 1.0, 2.0]\nmin_reward = 1.0\n");
  EXPECT_EQ(passed_by(*outcomes.filters[0], rows_of({{0}, {1}, {2}, {0}, {2}})), (std::vector<std::size_t>{1, 2, 4}));
  const Built linear = build(std::string(kVector) + "[[filter]]\nkind = \"threshold\"\nreward = { linear = [1.0, -1.0], "
                                                   "offset = 0.5 }\nmin_reward = 0.0\n");
  // r = x - y + 0.5: 1.5, -0.5, 0.0 (kept: >=), -0.0625.
  EXPECT_EQ(passed_by(*linear.filters[0], rows_of({{1, 0}, {0, 1}, {0, 0.5}, {0, 0.5625}})),
            (std::vector<std::size_t>{0, 2}));
  const Built center = build(std::string(kVector) + "[[filter]]\nkind = \"threshold\"\nreward = { center = [1.0, 1.0], "
                                                   "scale = 2.0 }\nmin_reward = -1.0\n");
  // r = -||x - (1,1)||^2 / 2: -1 (kept: >=), -2, 0, -1.000001.
  EXPECT_EQ(passed_by(*center.filters[0], rows_of({{0, 0}, {-1, 1}, {1, 1}, {0, -0.000001}})),
            (std::vector<std::size_t>{0, 2}));
}

TEST(DedupFilter, DropsWhatThePoolOrThisGenerationAlreadyHolds) {
  const Built b = build(std::string(kCategorical) + "[[filter]]\nkind = \"dedup\"\n");
  const Filter& dedup = *b.filters[0];
  const auto state = dedup.make_state();
  ASSERT_TRUE(state);
  state->observe_training(Dataset(rows_of({{1}, {2}}), Provenance{}));
  EXPECT_EQ(passed_by(dedup, rows_of({{1}, {0}, {0}, {3}, {2}}), state.get()), (std::vector<std::size_t>{1, 3}));
  // Within a generation, later rounds remember earlier passes.
  EXPECT_EQ(passed_by(dedup, rows_of({{0}, {4}}), state.get()), (std::vector<std::size_t>{1}));
  state->end_generation();
  // A new generation compares with the pool only (what joined a training set).
  EXPECT_EQ(passed_by(dedup, rows_of({{0}, {1}}), state.get()), (std::vector<std::size_t>{0}));
  state->end_generation();
  // The pool survives its encoding exactly.
  const auto copy = dedup.make_state();
  copy->decode(state->encode());
  EXPECT_EQ(copy->encode(), state->encode());
  EXPECT_EQ(passed_by(dedup, rows_of({{2}, {5}}), copy.get()), (std::vector<std::size_t>{1}));
  EXPECT_THROW(copy->decode(state->encode().substr(3)), DataError);
}

TEST(DedupFilter, ComparesVectorsBitForBit) {
  const Built b = build(std::string(kVector) + "[[filter]]\nkind = \"dedup\"\n");
  const auto state = b.filters[0]->make_state();
  state->observe_training(Dataset(rows_of({{0.1, 0.2}}), Provenance{}));
  EXPECT_EQ(passed_by(*b.filters[0], rows_of({{0.1, 0.2}, {0.1, 0.2000000000000001}, {-0.0, 0.0}, {0.0, 0.0}}), state.get()),
            (std::vector<std::size_t>{1, 2, 3}));
}

TEST(SampleStage, KeepsTheSizeExactAndAccountsForEveryCandidate) {
  // Outcome 2 (probability 0.2) alone reaches the threshold: about 5 candidates per sample.
  const Built b = build(std::string(kCategorical) +
                        "[[filter]]\nkind = \"threshold\"\nreward = [0.0, 0.0, 1.0]\nmin_reward = 1.0\n");
  Matrix data(10, 1);
  data << 0, 0, 0, 0, 0, 1, 1, 1, 2, 2;
  Rng fit_rng(1, {});
  const auto model = b.family->fit(data, fit_rng);
  std::vector<std::unique_ptr<FilterState>> states(1);
  const SyntheticSet set = draw_synthetic(*model, 50, 1.0, 3, b.filters, states, Streams(9, 2));
  ASSERT_EQ(set.samples.size(), 50);
  EXPECT_TRUE((set.samples.x().array() == 2.0).all());
  std::set<std::uint32_t> kept;
  const std::vector<Provenance> provenance = set.samples.provenance();
  for (Eigen::Index i = 0; i < set.samples.size(); ++i) {
    const Provenance& p = provenance[static_cast<std::size_t>(i)];
    EXPECT_EQ(p.origin, Origin::kSynthetic);
    EXPECT_EQ(p.generation, 3);
    EXPECT_EQ(p.index, static_cast<std::uint32_t>(i));
    EXPECT_LT(p.candidate, set.candidates);
    if (i > 0) {
      EXPECT_GT(p.candidate, provenance[static_cast<std::size_t>(i - 1)].candidate);
    }
    kept.insert(p.candidate);
  }
  EXPECT_EQ(set.rejected.size(), set.filter_counts[0].rejected);
  for (const RejectedCandidate& r : set.rejected) {
    EXPECT_EQ(r.filter, 0u);
    EXPECT_FALSE(kept.contains(r.candidate)) << "candidate " << r.candidate << " both kept and rejected";
  }
  // Every candidate the filter examined was kept, rejected, or passed beyond the 50 needed.
  EXPECT_GE(set.filter_counts[0].drawn, 50 + set.filter_counts[0].rejected);
  EXPECT_LE(set.filter_counts[0].drawn, set.candidates);
  // Without filters: one round of exactly n candidates, each its own sample.
  const SyntheticSet plain = draw_synthetic(*model, 20, 1.0, 3, {}, {}, Streams(9, 2));
  EXPECT_EQ(plain.candidates, 20u);
  EXPECT_EQ(plain.samples.provenance()[7].candidate, 7u);
}

TEST(SampleStage, ExceedingMaxDrawsNamesTheFilterAndTheGeneration) {
  const Built b = build(std::string(kCategorical) +
                        "[[filter]]\nkind = \"dedup\"\n"
                        "[[filter]]\nkind = \"threshold\"\nreward = [0.0, 0.0, 1.0]\nmin_reward = 5.0\nmax_draws = 3\n");
  Matrix data(3, 1);
  data << 0, 1, 2;
  Rng fit_rng(1, {});
  const auto model = b.family->fit(data, fit_rng);
  std::vector<std::unique_ptr<FilterState>> states;
  for (const auto& f : b.filters) states.push_back(f->make_state());
  try {
    draw_synthetic(*model, 10, 1.0, 4, b.filters, states, Streams(9, 0));
    FAIL() << "an impossible threshold was met";
  } catch (const DataError& e) {
    EXPECT_THAT(e.what(), HasSubstr("filter 1 (threshold) at generation 4"));
    EXPECT_THAT(e.what(), HasSubstr("max_draws"));
  }
}

// Expects building an experiment from `toml` to fail with a ConfigError holding every fragment.
void expect_config_error(const std::string& toml, std::initializer_list<std::string> fragments) {
  try {
    Experiment experiment(Config::from_string(toml, "bad.toml"));
    FAIL() << "expected a ConfigError for\n" << toml;
  } catch (const ConfigError& e) {
    for (const std::string& fragment : fragments) EXPECT_THAT(e.what(), HasSubstr(fragment)) << toml;
  }
}

TEST(FilterConfig, AFilterTheFamilyCannotTakeIsAnErrorNamingTheKey) {
  expect_config_error(std::string(kCategorical) + "[[filter]]\nkind = \"curate\"\nreward = [1.0, 2.0]\n",
                      {"filter.0.reward", "2 values", "3 outcomes"});
  expect_config_error(std::string(kVector) + "[[filter]]\nkind = \"curate\"\nreward = { linear = [1.0, 2.0, 3.0] }\n",
                      {"filter.0.reward.linear", "expected 2 values"});
  expect_config_error(std::string(kVector) + "[[filter]]\nkind = \"curate\"\nreward = [1.0, 2.0]\n",
                      {"filter.0.reward", "vectors"});
  expect_config_error(std::string(kVector) + "[[filter]]\nkind = \"curate\"\n", {"filter.0.kind", "linear"});
  expect_config_error(std::string(kVector) + "[[filter]]\nkind = \"threshold\"\nreward = { center = [0.0, 0.0] }\n",
                      {"filter.0.kind", "min_reward"});
  expect_config_error(std::string(kVector) + "[[filter]]\nkind = \"dedup\"\n[[filter]]\nkind = \"threshold\"\n"
                                             "candidates = 4\nreward = { center = [0.0, 0.0] }\nmin_reward = 1.0\n",
                      {"filter.1.candidates", "does not apply to a threshold filter"});
  const std::string regression = "[truth]\nkind = \"regression\"\ndim = 2\n[model]\nfamily = \"linear-regression\"\n";
  expect_config_error(regression + "[[filter]]\nkind = \"dedup\"\n", {"filter.0.kind", "linear-regression"});
}

TEST(FilterConfig, MetricsAndWarmStartsTheFamilyCannotSupplyAreErrorsNamingTheKey) {
  expect_config_error(std::string(kVector) + "[metrics]\nnames = [\"ppl_real\"]\n",
                      {"metrics.names", "ppl_real", "gaussian model"});
  expect_config_error(std::string(kCategorical) + "[metrics]\nnames = [\"precision\"]\n",
                      {"metrics.names", "precision", "categorical model"});
  expect_config_error(std::string(kVector) + "[model]\ninit = \"initial\"\n", {"model.init", "gaussian"});
}

const char* kFilteredRun = R"(
[run]
generations = 6
replicates = 7
seed = 4
[truth]
kind = "categorical"
zipf = { outcomes = 2000 }
[model]
family = "categorical"
smoothing = 1.0
[loop]
initial = 40
synthetic = 30
keep = "accumulate"
[metrics]
test_samples = 100
[[filter]]
kind = "curate"
candidates = 3
reward = [%REWARDS%]
[[filter]]
kind = "dedup"
max_draws = 500
)";

std::string filtered_run_toml() {
  std::string rewards;
  for (int k = 0; k < 2000; ++k) rewards += (k ? ", " : "") + std::to_string(k % 5) + ".0";
  std::string text = kFilteredRun;
  text.replace(text.find("%REWARDS%"), 9, rewards);
  return text;
}

TEST(FilteredRun, SameBytesForAnyThreadCountWithFilterColumns) {
  const Config config = Config::from_string(filtered_run_toml());
  std::string metrics, composition;
  for (const int threads : {1, 2, 3}) {
    const auto dir = ouro::testing::scratch_dir("ouro_filtered_run_" + std::to_string(threads));
    RunJobOptions options;
    options.out_dir = dir;
    options.threads = threads;
    RunJob job(config, options);
    job.run(threads);
    EXPECT_TRUE(job.experiment().theory().empty()) << "closed forms written for a filtered loop";
    if (threads == 1) {
      metrics = ouro::testing::read_file(dir / "metrics.csv");
      composition = ouro::testing::read_file(dir / "composition.csv");
      continue;
    }
    EXPECT_EQ(ouro::testing::read_file(dir / "metrics.csv"), metrics) << threads << " threads";
    EXPECT_EQ(ouro::testing::read_file(dir / "composition.csv"), composition) << threads << " threads";
  }
  EXPECT_THAT(composition, ::testing::StartsWith("replicate,generation,origin,origin_generation,count,"
                                                 "filter1_curate_drawn,filter1_curate_rejected,"
                                                 "filter2_dedup_drawn,filter2_dedup_rejected\n"));
  // Real rows leave the filter columns empty; curate examines 3 candidates per sample it passes.
  EXPECT_THAT(composition, HasSubstr("0,0,original,0,40,,,,\n"));
  EXPECT_THAT(composition, HasSubstr("0,1,synthetic,0,30,"));
}

}  // namespace
}  // namespace ouro

namespace ouro {
namespace {

// The loop hands every generation's record to its hook: the training set's samples keep their
// ids (S_{g-1}'s samples numbered 0..n-1, their candidates ascending), and the rejected candidates
// are exactly the ones the filter counts say.
TEST(FilteredRun, EveryGenerationRecordsItsSamplesIdsAndVerdicts) {
  const Experiment experiment(Config::from_string(filtered_run_toml()));
  std::vector<std::size_t> rejected_per_generation;
  ReplicateHooks hooks;
  hooks.on_generation = [&](const GenerationRecord& record) {
    const std::vector<Provenance> training = record.training->provenance();
    if (record.generation > 0) {
      // accumulate: D0, then S_0 .. S_{g-1}; the newest set is last.
      const std::size_t n = 30;
      ASSERT_GE(training.size(), n);
      for (std::size_t i = 0; i < n; ++i) {
        const Provenance& p = training[training.size() - n + i];
        EXPECT_EQ(p.origin, Origin::kSynthetic);
        EXPECT_EQ(p.generation, static_cast<std::int32_t>(record.generation) - 1);
        EXPECT_EQ(p.index, i);
        if (i > 0) {
          EXPECT_GT(p.candidate, training[training.size() - n + i - 1].candidate);
        }
      }
    }
    std::uint64_t counted = 0;
    for (const FilterCounts& c : record.synthetic.filter_counts) counted += c.rejected;
    EXPECT_EQ(record.synthetic.rejected.size(), counted) << "generation " << record.generation;
    rejected_per_generation.push_back(record.synthetic.rejected.size());
  };
  const ReplicateResult result = experiment.run_replicate(2, nullptr, &hooks);
  ASSERT_EQ(rejected_per_generation.size(), 7u);
  EXPECT_GT(rejected_per_generation[3], 0u);  // curate rejects K - 1 of every K candidates
  EXPECT_EQ(result.filter_counts.size(), 7u * 2u);
}

}  // namespace
}  // namespace ouro
