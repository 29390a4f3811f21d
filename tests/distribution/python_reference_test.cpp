// The distribution metrics against independent NumPy/SciPy/scikit-learn implementations
// (reference_metrics.py, run with OURO_PYTHON) on the same arrays, written with ouro::write_npy:
// FID to 1e-6 relative (SciPy's sqrtm formula, as pytorch-fid), the k-NN counts of precision,
// recall, density and coverage exactly, the unbiased MMD^2 and scipy's 1-D W1 to rounding.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "distribution_test_util.hpp"
#include "ouro/core/config.hpp"
#include "ouro/core/fnv1a.hpp"
#include "ouro/io/array_file.hpp"
#include "ouro/loop/experiment.hpp"
#include "ouro/metrics/distribution/frechet.hpp"
#include "ouro/metrics/distribution/kid.hpp"
#include "ouro/metrics/distribution/manifold.hpp"
#include "ouro/metrics/distribution/wasserstein.hpp"

namespace ouro {
namespace {

namespace fs = std::filesystem;
using testing::dist_rng;
using testing::gaussian_rows;

nlohmann::json run_reference(const Matrix& real, const Matrix& gen, int k, const std::string& tag) {
  const fs::path dir = fs::temp_directory_path() / ("ouro_dist_ref_" + tag);
  fs::create_directories(dir);
  write_npy(dir / "real.npy", real);
  write_npy(dir / "gen.npy", gen);
  const std::string command = std::string(OURO_PYTHON) + " " + OURO_SOURCE_DIR +
                              "/tests/distribution/reference_metrics.py " + (dir / "real.npy").string() + " " +
                              (dir / "gen.npy").string() + " " + std::to_string(k);
  FILE* pipe = popen(command.c_str(), "r");
  std::string output;
  char buffer[4096];
  while (pipe && std::fgets(buffer, sizeof buffer, pipe)) output += buffer;
  const int status = pipe ? pclose(pipe) : -1;
  fs::remove_all(dir);
  EXPECT_EQ(status, 0) << command << "\n" << output;
  return nlohmann::json::parse(output);
}

long count(double fraction, double denominator) { return std::lround(fraction * denominator); }

void compare(const Matrix& real, const Matrix& gen, int k, const std::string& tag) {
  const nlohmann::json ref = run_reference(real, gen, k, tag);
  const double fid = frechet_distance(real, gen, 2);
  EXPECT_NEAR(fid, ref["fid"].get<double>(), 1e-6 * ref["fid"].get<double>()) << tag;
  const double mmd = mmd2_unbiased(real, gen);
  EXPECT_NEAR(mmd, ref["mmd2"].get<double>(), 1e-9 * std::abs(ref["mmd2"].get<double>()) + 1e-12) << tag;

  const ManifoldMetrics m = manifold_metrics(real, gen, k, 2);
  const auto n = static_cast<double>(real.rows());
  const auto g = static_cast<double>(gen.rows());
  EXPECT_EQ(count(m.precision, g), ref["precision_hits"].get<long>()) << tag;
  EXPECT_EQ(count(m.recall, n), ref["recall_hits"].get<long>()) << tag;
  EXPECT_EQ(count(m.density, k * g), ref["density_sum"].get<long>()) << tag;
  EXPECT_EQ(count(m.coverage, n), ref["coverage_hits"].get<long>()) << tag;
  EXPECT_GT(ref["precision_hits"].get<long>(), 0) << tag;
  EXPECT_LT(ref["coverage_hits"].get<long>(), real.rows()) << tag;
  if (real.cols() == 1) {
    EXPECT_NEAR(wasserstein1(real, gen), ref["w1"].get<double>(), 1e-12) << tag;
  }
}

TEST(PythonReference, EightDimensions) {
  Rng rng = dist_rng(50);
  const Matrix real = gaussian_rows(700, 8, rng);
  const Matrix gen = gaussian_rows(600, 8, rng, 0.3, 1.1);
  compare(real, gen, 5, "d8");
}

TEST(PythonReference, SixtyFourDimensionsAcrossBlocks) {
  Rng rng = dist_rng(51);
  const Matrix real = gaussian_rows(1100, 64, rng, 0.0, 1.0);
  const Matrix gen = gaussian_rows(1050, 64, rng, 0.05, 0.95);
  compare(real, gen, 3, "d64");
}

TEST(PythonReference, OneDimension) {
  Rng rng = dist_rng(52);
  const Matrix real = gaussian_rows(300, 1, rng);
  const Matrix gen = gaussian_rows(250, 1, rng, 0.5, 0.7);
  compare(real, gen, 5, "d1");
}

TEST(PythonReference, CorrelatedNonCommutingCovariances) {
  Rng rng = dist_rng(53);
  Matrix mix(6, 6);
  for (Eigen::Index i = 0; i < 6; ++i)
    for (Eigen::Index j = 0; j < 6; ++j) mix(i, j) = rng.normal();
  const Matrix real = gaussian_rows(800, 6, rng) * mix;
  const Matrix gen = gaussian_rows(900, 6, rng) * mix.transpose();
  compare(real, gen, 4, "corr");
}

// The real-versus-real floor of a Gaussian run (metrics.floors = all): frechet_floor is the FID that
// pytorch-fid's formula (SciPy) gives between the replicate's held-out test set and a fresh truth
// draw of the synthetic sample size from generation 0's stream of the floor's name; precision_floor
// the prdc count on its own draw. Every generation records the same value; the two replicates
// differ; without metrics.floors = all a Gaussian run records no floors.
TEST(PythonReference, FloorsOfAGaussianRunEqualScipysOnTheSameTwoRealSets) {
  Config config;
  for (const char* assignment : {"truth.dim=3", "run.generations=2", "run.replicates=2", "run.seed=5",
                                 "loop.initial=200", "loop.synthetic=150", "metrics.test_samples=250",
                                 "metrics.names=[\"frechet\", \"precision\"]"}) {
    config.set(assignment);
  }
  EXPECT_EQ(Experiment(config).metric_names(), (std::vector<std::string>{"frechet", "precision"}));
  config.set("metrics.floors=\"all\"");
  const Experiment experiment(config);
  ASSERT_EQ(experiment.metric_names(),
            (std::vector<std::string>{"frechet", "frechet_floor", "precision", "precision_floor"}));
  std::vector<double> floors;
  for (std::size_t r = 0; r < 2; ++r) {
    const ReplicateResult result = experiment.run_replicate(r);
    for (std::size_t g = 1; g <= 2; ++g) {
      EXPECT_EQ(result.values[g * 4 + 1], result.values[1]) << "frechet_floor, generation " << g;
      EXPECT_EQ(result.values[g * 4 + 3], result.values[3]) << "precision_floor, generation " << g;
    }
    EXPECT_NE(result.values[0], result.values[1]) << "the synthetic samples' frechet is not the floor";
    const Streams streams(5, r);
    Rng test_rng = streams(Purpose::kTestData, 0);
    const Matrix test = experiment.truth().test_set(250, test_rng);
    Rng frechet_rng = streams(Purpose::kMetric, 0, fnv1a64("frechet_floor"));
    const Matrix frechet_real = experiment.truth().draw(150, frechet_rng).real();
    const nlohmann::json frechet_ref = run_reference(test, frechet_real, 5, "floor_frechet_" + std::to_string(r));
    EXPECT_NEAR(result.values[1], frechet_ref["fid"].get<double>(), 1e-6 * frechet_ref["fid"].get<double>());
    Rng precision_rng = streams(Purpose::kMetric, 0, fnv1a64("precision_floor"));
    const Matrix precision_real = experiment.truth().draw(150, precision_rng).real();
    const nlohmann::json precision_ref = run_reference(test, precision_real, 5, "floor_precision_" + std::to_string(r));
    EXPECT_EQ(count(result.values[3], 150.0), precision_ref["precision_hits"].get<long>());
    floors.push_back(result.values[1]);
    // Another Experiment of the same config (as after a resume) records the same floor.
    EXPECT_EQ(Experiment(config).run_replicate(r).values[5], result.values[1]);
  }
  EXPECT_NE(floors[0], floors[1]);
}

}  // namespace
}  // namespace ouro
