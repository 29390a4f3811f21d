// RunJob's reading of a resumed folder's finished-replicate log: replicates recorded there are not
// run again, and a log that names a replicate twice or one outside the run is refused with the
// file named, before anything runs. And first_config_difference, which refuses to resume a folder
// with another config, inside the [[filter]] array: a changed value or a changed number of tables.
#include "ouro/loop/run_job.hpp"

#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ouro/core/error.hpp"
#include "support/files.hpp"

namespace ouro {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

const char* kConfig = R"(
[run]
generations = 3
replicates = 3
seed = 2
[truth]
kind = "gaussian"
mean = [0.0]
cov = [[1.0]]
[loop]
initial = 10
synthetic = 10
[metrics]
test_samples = 20
)";

RunJobOptions options(const fs::path& out, ExistingRun existing) {
  RunJobOptions o;
  o.out_dir = out;
  o.existing = existing;
  o.checkpoint = CheckpointInterval{0, 0.0};
  return o;
}

// A run interrupted after replicate 1 finished: .partial holds its config and a log of one record.
fs::path interrupted_run(const std::string& name, ReplicateResult* finished = nullptr) {
  const fs::path out = ouro::testing::scratch_dir("ouro_run_job_" + name) / "run";
  RunJob job(Config::from_string(kConfig), options(out, ExistingRun::kRefuse));
  job.open();
  job.run_replicate(1);
  if (finished) *finished = job.experiment().run_replicate(1);
  return out;  // the job is dropped unfinished, as a killed process leaves it
}

void append(const fs::path& out, const ReplicateResult& result) {
  const Experiment experiment(Config::from_string(kConfig));
  FinishedLog log(out / ".partial" / "finished.log", experiment.metric_names().size(), experiment.generations());
  log.open();
  log.append(result);
  log.close();
}

TEST(RunJobResume, ReplicatesInTheLogAreNotRunAgain) {
  const fs::path out = interrupted_run("skip");
  RunJob job(Config::from_string(kConfig), options(out, ExistingRun::kResume));
  job.open();
  EXPECT_EQ(job.pending(), (std::vector<std::size_t>{0, 2}));
}

TEST(RunJobResume, ALogNamingAReplicateTwiceOrOneOutsideTheRunIsRefused) {
  ReplicateResult one;
  const fs::path twice = interrupted_run("twice", &one);
  append(twice, one);
  try {
    RunJob(Config::from_string(kConfig), options(twice, ExistingRun::kResume)).open();
    FAIL() << "a log holding replicate 1 twice was accepted";
  } catch (const DataError& e) {
    EXPECT_THAT(e.what(), HasSubstr("finished.log"));
    EXPECT_THAT(e.what(), HasSubstr("holds replicate 1 twice"));
  }

  ReplicateResult outside;
  const fs::path beyond = interrupted_run("beyond", &outside);
  outside.replicate = 7;
  append(beyond, outside);
  try {
    RunJob(Config::from_string(kConfig), options(beyond, ExistingRun::kResume)).open();
    FAIL() << "a log holding replicate 7 of a 3-replicate run was accepted";
  } catch (const DataError& e) {
    EXPECT_THAT(e.what(), HasSubstr("holds replicate 7 of a run of 3 replicates"));
  }
}

TEST(RunJobResume, ADamagedSavedConfigIsRefusedNamingTheFile) {
  const fs::path out = interrupted_run("damaged_config");
  const fs::path saved = out / ".partial" / "config.json";
  std::string text = ouro::testing::read_file(saved);
  text.resize(text.size() / 2);  // cut in the middle, as a damaged disk would leave it
  std::ofstream(saved, std::ios::binary | std::ios::trunc) << text;
  try {
    RunJob(Config::from_string(kConfig), options(out, ExistingRun::kResume)).open();
    FAIL() << "a cut config.json was accepted";
  } catch (const DataError& e) {
    EXPECT_THAT(e.what(), HasSubstr("config.json: damaged: cut short"));
    EXPECT_THAT(e.what(), HasSubstr("--force"));
  }
}

// Two [[filter]] tables, appended to kConfig.
const char* kFilters = R"(
[[filter]]
kind = "curate"
candidates = 5
reward = { linear = [1.0] }

[[filter]]
kind = "dedup"
)";

Config with_filters(const std::string& filters = kFilters) { return Config::from_string(std::string(kConfig) + filters); }

TEST(FirstConfigDifference, NamesAChangedFilterValueByItsIndexedKey) {
  const Config base = with_filters();
  EXPECT_EQ(first_config_difference(base.to_json(), with_filters().to_json()), "");
  Config changed = base;
  changed.set("filter.1.max_draws=50");
  std::string was, now;
  EXPECT_EQ(first_config_difference(base.to_json(), changed.to_json(), &was, &now), "filter.1.max_draws");
  EXPECT_EQ(was, "100.0");
  EXPECT_EQ(now, "50.0");
  changed = base;
  changed.set("filter.0.reward.offset=0.5");
  EXPECT_EQ(first_config_difference(base.to_json(), changed.to_json(), &was, &now), "filter.0.reward.offset");
  // A key before the section still comes first, and run.threads still never counts.
  changed.set("loop.bias=0.5");
  changed.set("run.threads=3");
  EXPECT_EQ(first_config_difference(base.to_json(), changed.to_json()), "loop.bias");
}

TEST(FirstConfigDifference, NamesTheFirstTableOnlyOneConfigHas) {
  const Config two = with_filters();
  const Config one = with_filters("[[filter]]\nkind = \"curate\"\ncandidates = 5\nreward = { linear = [1.0] }\n");
  std::string was, now;
  EXPECT_EQ(first_config_difference(two.to_json(), one.to_json(), &was, &now), "filter.1");
  EXPECT_THAT(was, HasSubstr("\"kind\":\"dedup\""));
  EXPECT_EQ(now, "(unset)");
  const Config none = Config::from_string(kConfig);
  EXPECT_EQ(first_config_difference(none.to_json(), one.to_json(), &was, &now), "filter.0");
  EXPECT_EQ(was, "(unset)");
  EXPECT_THAT(now, HasSubstr("\"candidates\":5"));
  // A table's other kind is its first key that differs, in option-table order.
  const Config other = with_filters("[[filter]]\nkind = \"dedup\"\n\n[[filter]]\nkind = \"dedup\"\n");
  EXPECT_EQ(first_config_difference(two.to_json(), other.to_json()), "filter.0.kind");
}

TEST(RunJobResume, AFolderStartedWithOtherFiltersIsRefusedNamingTheKey) {
  const fs::path out = ouro::testing::scratch_dir("ouro_run_job_filters") / "run";
  {
    RunJob job(with_filters(), options(out, ExistingRun::kRefuse));
    job.open();
    job.run_replicate(1);
  }
  Config changed = with_filters();
  changed.set("filter.0.candidates=3");
  try {
    RunJob(changed, options(out, ExistingRun::kResume)).open();
    FAIL() << "a folder started with filter.0.candidates = 5 was resumed with 3";
  } catch (const ConfigError& e) {
    EXPECT_THAT(e.what(), HasSubstr("was started with filter.0.candidates = 5, this config has filter.0.candidates = 3"));
  }
  RunJob same(with_filters(), options(out, ExistingRun::kResume));
  same.open();
  EXPECT_EQ(same.pending(), (std::vector<std::size_t>{0, 2}));
}

}  // namespace
}  // namespace ouro
