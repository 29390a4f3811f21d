// `ouro features train` with its defaults re-creates the committed MNIST weights byte for byte
// (label slow: ~90 s on one core): the weights in models/ are reproducible from the project's code.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "ouro/io/sha256.hpp"
#include "support/cli_runner.hpp"
#include "support/files.hpp"

namespace ouro {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using testing::run_cli;

TEST(FeaturesTrainSlow, RecreatesTheCommittedMnistWeights) {
  const auto dir = testing::scratch_dir("features_mnist");
  const auto outcome = run_cli("features train --data mnist --path " + std::string(OURO_SHARED_DATA) +
                               "/mnist --out " + (dir / "lenet-mnist.npy").string());
  ASSERT_EQ(outcome.exit_code, 0) << outcome.output;
  EXPECT_THAT(outcome.output, HasSubstr("test accuracy 0.98"));
  EXPECT_EQ(sha256_file(dir / "lenet-mnist.npy"), sha256_file(fs::path(OURO_SOURCE_DIR) / "models/lenet-mnist.npy"));
}

}  // namespace
}  // namespace ouro
