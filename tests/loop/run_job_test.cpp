// RunJob's reading of a resumed folder's finished-replicate log: replicates recorded there are not
// run again, and a log that names a replicate twice or one outside the run is refused with the
// file named, before anything runs.
#include "ouro/loop/run_job.hpp"

#include <filesystem>

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

}  // namespace
}  // namespace ouro
