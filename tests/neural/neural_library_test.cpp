// The neural library's loading (include/ouro/models/neural_library.hpp): runs that name no neural
// family never open it, a run that names one opens it and gets the family's own errors, and a
// missing or foreign library is an error that says what to do. Links no torch itself.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <dlfcn.h>

#include "ouro/core/config.hpp"
#include "ouro/core/error.hpp"
#include "ouro/models/generative_model.hpp"
#include "ouro/models/neural_library.hpp"
#include "ouro/models/truth.hpp"
#include "support/cli_runner.hpp"
#include "support/files.hpp"

namespace ouro {
namespace {

using ::testing::HasSubstr;

// Whether any torch library is mapped into this process.
bool torch_is_loaded() { return ::dlopen("libtorch_cpu.so.1.13", RTLD_NOW | RTLD_NOLOAD) != nullptr; }

// One test, in order: the library must not be loaded before the vae is asked for.
TEST(NeuralLibrary, OpenedOnlyForANeuralFamilyAndItsErrorsReachTheCaller) {
  const Config gaussian = Config::from_string("[truth]\nkind = \"gaussian\"\n");
  const auto truth = make_truth(gaussian, 1);
  make_family(gaussian, *truth);
  EXPECT_FALSE(neural_library_loaded());
  EXPECT_FALSE(torch_is_loaded());

  // A vae on a Gaussian truth: the plugin's ConfigError, thrown across the library boundary, is
  // caught here by type and names the key.
  const Config vae = Config::from_string("[truth]\nkind = \"gaussian\"\n[model]\nfamily = \"vae\"\n");
  try {
    make_family(vae, *truth);
    FAIL() << "expected a ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_THAT(e.what(), HasSubstr("model.family"));
    EXPECT_THAT(e.what(), HasSubstr("needs an image truth"));
  }
  EXPECT_TRUE(neural_library_loaded());
  EXPECT_TRUE(torch_is_loaded());
  EXPECT_THAT(neural_library("test").describe(), HasSubstr("libtorch 1.13"));
}

TEST(NeuralLibrary, MissingLibraryIsAnErrorThatSaysHowToGetOne) {
  const auto dir = testing::scratch_dir("neural_missing");
  testing::write_config(dir, "[run]\ngenerations = 1\nreplicates = 1\n[model]\nfamily = \"vae\"\n");
  const auto outcome = testing::run_cli("run " + (dir / "config.toml").string() + " --out " + (dir / "out").string(),
                                        "OURO_NEURAL_LIBRARY=" + (dir / "none.so").string());
  EXPECT_NE(outcome.exit_code, 0);
  EXPECT_THAT(outcome.output, HasSubstr("model.family = \"vae\" needs ouroboros' neural library"));
  EXPECT_THAT(outcome.output, HasSubstr("none.so (absent)"));
  EXPECT_FALSE(std::filesystem::exists(dir / "out" / "metrics.csv"));
}

TEST(NeuralLibrary, AForeignLibraryIsRefusedByName) {
  const auto dir = testing::scratch_dir("neural_foreign");
  testing::write_config(dir, "[run]\ngenerations = 1\nreplicates = 1\n[model]\nfamily = \"vae\"\n");
  // libz is a real shared library without the entry point.
  const auto outcome = testing::run_cli("run " + (dir / "config.toml").string() + " --out " + (dir / "out").string(),
                                        "OURO_NEURAL_LIBRARY=/lib/x86_64-linux-gnu/libz.so.1");
  EXPECT_NE(outcome.exit_code, 0);
  EXPECT_THAT(outcome.output, HasSubstr("does not export ouro_neural_library"));
}

}  // namespace
}  // namespace ouro
