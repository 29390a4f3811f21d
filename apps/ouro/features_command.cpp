// `ouro features train --data mnist|fashion-mnist --path FOLDER --out FILE`: trains the feature
// network the image metrics embed samples with (LeNet-5; include/ouro/metrics/feature_network.hpp)
// on an image truth's training split and writes its weights. It runs in the neural library (torch),
// opened here; the data is read and checked (sha256) by the image truth, the same reader a run
// uses. The default settings are the ones the committed weights under models/ were made with, so
// rerunning the command re-creates them.
#include <chrono>
#include <string>

#include <fmt/core.h>

#include "commands.hpp"
#include "logging.hpp"
#include "ouro/core/config.hpp"
#include "ouro/core/error.hpp"
#include "ouro/models/neural_library.hpp"
#include "ouro/models/truth.hpp"

namespace ouro::cli {
namespace {

struct FeaturesOptions {
  std::string data = "mnist";
  std::string path;
  std::string out;
  std::uint64_t seed = 1;
  int epochs = 10;
};

// MNIST's and Fashion-MNIST's training splits both hold 60,000 images; the network trains on all.
constexpr std::size_t kTrainImages = 60000;

int run_features_train(const FeaturesOptions& options) {
  configure_logging("info", false);
  OURO_CHECK(options.data == "mnist" || options.data == "fashion-mnist", ConfigError,
             "--data {}: expected mnist or fashion-mnist", options.data);
  OURO_CHECK(options.epochs >= 1, ConfigError, "--epochs {}: expected at least 1", options.epochs);
  const Config config = Config::from_string(
      fmt::format("[truth]\nkind = \"{}\"\npath = \"{}\"\n", options.data, options.path), "ouro features train");
  const auto truth = make_truth(config, options.seed);
  Rng order(options.seed, StreamKey{Purpose::kInitialData, 0, 0, 0});
  const Samples train = truth->draw(kTrainImages, order);
  const Samples& test = *truth->test_images();

  FeatureTrainingRequest request;
  request.train = &train;
  request.test = &test;
  request.out = options.out;
  request.seed = options.seed;
  request.epochs = options.epochs;
  const auto start = std::chrono::steady_clock::now();
  const FeatureTrainingResult result = neural_library("ouro features train").train_feature_network(request);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  for (std::size_t e = 0; e < result.epoch_losses.size(); ++e)
    fmt::print("epoch {:>2}: mean cross-entropy {:.5f}\n", e + 1, result.epoch_losses[e]);
  fmt::print("{}: {} training images, {} epochs, {:.0f} s; test accuracy {:.4f} on {} {} test images\n", options.out,
             train.size(), options.epochs, seconds, result.test_accuracy, test.size(), options.data);
  return 0;
}

}  // namespace

Subcommand add_features_command(CLI::App& app) {
  auto* features = app.add_subcommand("features", "Train the feature network the image metrics use (needs LibTorch)");
  features->require_subcommand(1);
  auto* train = features->add_subcommand("train", "Train LeNet-5 on an image data set and write its weights .npy");
  auto options = std::make_shared<FeaturesOptions>();
  train->add_option("--data", options->data, "mnist or fashion-mnist")->capture_default_str();
  train->add_option("--path", options->path, "the folder holding the four idx files")->required();
  train->add_option("--out", options->out, "the weights file to write (.npy)")->required();
  train->add_option("--seed", options->seed, "seed of the initial weights and minibatch order")->capture_default_str();
  train->add_option("--epochs", options->epochs, "passes over the training split")->capture_default_str();
  return {features, [options] { return run_features_train(*options); }};
}

}  // namespace ouro::cli
