// The LeNet feature network against PyTorch: lenet_reference.py builds the same nn.Module from the
// same random weights file and runs 300 random images (Debian's /usr/bin/python3 with python3-torch,
// float32); features and logits must agree within 1e-5 absolute, and the labels wherever torch's two
// largest logits are more than 1e-5 apart. Skipped, naming the module, when torch is not importable.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "lenet_test_util.hpp"
#include "ouro/io/array_file.hpp"
#include "ouro/metrics/feature_network.hpp"
#include "support/files.hpp"
#include "support/python.hpp"

namespace ouro {
namespace {

TEST(FeatureNetworkPython, FeaturesAndLogitsMatchTorch) {
  for (const char* module : {"numpy", "torch"})
    if (!testing::python_imports(module))
      GTEST_SKIP() << OURO_PYTHON << " cannot import " << module << " (Debian: python3-" << module << ")";
  const auto dir = testing::scratch_dir("feature-network-torch");
  const std::vector<float> weights = testing::random_lenet_weights(21);
  testing::write_float32_npy(dir / "weights.npy", weights, "(61706,)");
  const Samples images = testing::random_images(300, 22);
  write_npy(dir / "images.npy", testing::image_rows(images));
  const std::string command = std::string(OURO_PYTHON) + " " + OURO_SOURCE_DIR + "/tests/metrics/lenet_reference.py " +
                              (dir / "weights.npy").string() + " " + (dir / "images.npy").string() + " " +
                              dir.string();
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
  const Matrix torch_features = read_array(dir / "features.npy");
  const Matrix torch_logits = read_array(dir / "logits.npy");

  const FeatureOutput out = FeatureNetwork::load(dir / "weights.npy").forward(images, "random images");
  ASSERT_EQ(torch_features.rows(), 300);
  ASSERT_EQ(torch_features.cols(), FeatureNetwork::kFeatures);
  ASSERT_EQ(torch_logits.cols(), FeatureNetwork::kClasses);
  EXPECT_LT((out.features - torch_features).cwiseAbs().maxCoeff(), 1e-5);
  EXPECT_LT((out.logits - torch_logits).cwiseAbs().maxCoeff(), 1e-5);
  // Random weights still give features of order 0.1: the comparison is not of zeros.
  EXPECT_GT(torch_features.cwiseAbs().maxCoeff(), 0.05);
  EXPECT_GT((torch_features.array() > 0).count(), 300 * 10);
  int compared = 0;
  for (Eigen::Index i = 0; i < 300; ++i) {
    Eigen::Index best = 0;
    for (Eigen::Index k = 1; k < 10; ++k)
      if (torch_logits(i, k) > torch_logits(i, best)) best = k;
    double second = -1e300;
    for (Eigen::Index k = 0; k < 10; ++k)
      if (k != best) second = std::max(second, torch_logits(i, k));
    if (torch_logits(i, best) - second <= 1e-5) continue;
    ++compared;
    EXPECT_EQ(out.labels[static_cast<std::size_t>(i)], best) << "image " << i;
  }
  EXPECT_GT(compared, 290);
}

}  // namespace
}  // namespace ouro
