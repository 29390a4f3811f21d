// The neural families' library: libouro_neural.so, built on LibTorch and loaded on first use.
//
// Torch brings ~290 shared libraries and a BLAS thread pool, which a Gaussian loop has no use for,
// so the neural families (vae, ddpm, wgan-gp, transformer) and the feature network's trainer live in a plugin
// that the engine opens with dlopen only when something asks for it: a config naming a neural
// family, or `ouro features train`. Nothing else links torch, and a build without LibTorch still
// builds and runs everything else; asking it for a neural family is a ConfigError that says how to
// get one.
//
// The plugin exports one C function returning a NeuralLibrary, a table of entry points. The table
// carries the ABI number the plugin was built with, so a stale plugin beside a newer binary is
// refused by name instead of crashing. The plugin links its own copies of the module libraries
// (exported symbols are limited to the entry), so exceptions it throws (ConfigError, DataError, ...)
// reach the caller's handlers by type name, and objects cross the boundary only through the
// virtual interfaces declared in the module headers.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ouro/models/generative_model.hpp"

namespace ouro {

class Config;
class Truth;

// What `ouro features train` asks of the plugin: train the feature network (the LeNet-5 of
// include/ouro/metrics/feature_network.hpp) on labelled training images and write its weights.
struct FeatureTrainingRequest {
  const Samples* train = nullptr;  // labelled 1 x 28 x 28 images
  const Samples* test = nullptr;   // labelled held-out images, for the accuracy
  std::filesystem::path out;       // the weights .npy (float32, written atomically)
  std::uint64_t seed = 1;
  int epochs = 10;
  std::size_t batch = 128;
  double lr = 1e-3;
};

struct FeatureTrainingResult {
  double test_accuracy = 0.0;         // share of `test` the trained network labels correctly
  std::vector<double> epoch_losses;   // mean cross-entropy per training image, each epoch
};

struct NeuralLibrary {
  static constexpr int kAbi = 1;  // bump whenever this struct or the interfaces it passes change
  int abi = kAbi;
  // "libtorch 1.13.1, CPU" and the like, for `ouro version` and run.json.
  std::string (*describe)() = nullptr;
  // The neural family named by model.family (vae, ddpm, wgan-gp, transformer), its settings read from `config`
  // and checked against the truth (ConfigError naming the key otherwise).
  std::unique_ptr<ModelFamily> (*make_family)(const Config& config, const Truth& truth) = nullptr;
  FeatureTrainingResult (*train_feature_network)(const FeatureTrainingRequest& request) = nullptr;
};

// The loaded library, opened on first call (thread-safe). Searched for, in order: the file named by
// $OURO_NEURAL_LIBRARY, libouro_neural.so beside the running executable, and the build tree's
// lib/ folder. `why` says what needed it (a config key), for the error when none is found.
const NeuralLibrary& neural_library(std::string_view why);

// True once neural_library() has loaded the plugin into this process (tests check that runs without
// a neural family never do).
bool neural_library_loaded();

}  // namespace ouro
