// `ouro features train`: bad input is refused by name. (features_train_slow_test.cpp re-creates
// the committed weights.)
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "support/cli_runner.hpp"
#include "support/files.hpp"

namespace ouro {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using testing::run_cli;

TEST(FeaturesTrain, BadInputIsRefusedByName) {
  const auto dir = testing::scratch_dir("features_bad");
  const auto cifar = run_cli("features train --data cifar --path " + dir.string() + " --out " + (dir / "w.npy").string());
  EXPECT_NE(cifar.exit_code, 0);
  EXPECT_THAT(cifar.output, HasSubstr("--data cifar: expected mnist or fashion-mnist"));
  const auto empty = run_cli("features train --data mnist --path " + dir.string() + " --out " + (dir / "w.npy").string());
  EXPECT_NE(empty.exit_code, 0);
  EXPECT_THAT(empty.output, HasSubstr(dir.string()));
  EXPECT_FALSE(fs::exists(dir / "w.npy"));
}

}  // namespace
}  // namespace ouro
