// The VAE family (src/neural/vae.hpp): its loss on a hand-computed case, its forward and backward
// pass against the same network in Debian's python3-torch, the paper's parameter count, and the
// contracts every family keeps: deterministic fits, checkpoint bytes that restore the same model,
// warm starts, sampling bias and bad input.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "ouro/core/error.hpp"
#include "image_fixtures.hpp"
#include "ouro/io/array_file.hpp"
#include "support/files.hpp"
#include "vae.hpp"

namespace ouro::neural {
namespace {

using testing::random_images;
using testing::square_images;
using testing::test_rng;

const ImageShape& kSmall = testing::kSmallImages;

using testing::quick_training;

TEST(Vae, PaperNetworkHasItsParameterCount) {
  // capacity 64, latent 20 on 28 x 28: conv 1088 + 131200, two heads 2 x 125460, decoder
  // 131712 + 131136 + 1025.
  VaeNet net(VaeShape{{1, 28, 28, 0.0f, 1.0f}, 64, 20});
  EXPECT_EQ(testing::parameter_count(*net), 647081);
}

TEST(Vae, LossOfAZeroNetworkIsLn2PerPixel) {
  // With every parameter 0 the encoder gives mu = 0, log-variance 0 (KL = 0) and the decoder
  // sigmoid(0) = 1/2 everywhere, so each pixel costs -[x ln 1/2 + (1 - x) ln 1/2] = ln 2.
  VaeNet net(VaeShape{kSmall, 4, 3});
  torch::NoGradGuard no_grad;
  for (auto& p : net->parameters()) p.zero_();
  Rng rng = test_rng(1);
  const Samples images = random_images(kSmall, 5, rng);
  const std::vector<std::size_t> all{0, 1, 2, 3, 4};
  const double loss = net->loss(images_tensor(images, all), normal_tensor({5, 3}, rng)).item<double>();
  EXPECT_NEAR(loss, 5 * 64 * std::log(2.0), 1e-4);
}

TEST(Vae, ForwardAndBackwardEqualPythonTorch) {
  const auto dir = testing::scratch_dir("vae_reference");
  const VaeShape shape{{1, 8, 12, 0.0f, 1.0f}, 3, 4};
  VaeNet net(shape);
  Rng rng = test_rng(2);
  init_parameters(*net, rng);
  const std::size_t n = 6;
  const Samples images = random_images(shape.image, n, rng);
  std::vector<std::size_t> all(n);
  for (std::size_t i = 0; i < n; ++i) all[i] = i;
  const torch::Tensor x = images_tensor(images, all);
  const torch::Tensor eps = normal_tensor({static_cast<std::int64_t>(n), shape.latent}, rng);

  using testing::to_matrix;
  const torch::Tensor params = testing::flat_parameters(*net);
  write_npy(dir / "params.npy", to_matrix(params, params.numel()));
  write_npy(dir / "x.npy", to_matrix(x, static_cast<std::int64_t>(n)));
  write_npy(dir / "eps.npy", to_matrix(eps, static_cast<std::int64_t>(n)));

  torch::Tensor loss = net->loss(x, eps);
  loss.backward();
  const Matrix ours = to_matrix(testing::flat_gradients(*net), params.numel());

  const std::string command =
      fmt::format("'{}' '{}/tests/neural/vae_reference.py' '{}' {} {} {} {} {}", OURO_PYTHON, OURO_SOURCE_DIR,
                  dir.string(), shape.image.channels, shape.image.height, shape.image.width, shape.capacity, shape.latent);
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
  const auto reference = nlohmann::json::parse(testing::read_file(dir / "reference.json"));
  EXPECT_EQ(reference["parameters"].get<std::int64_t>(), params.numel());
  // float32 sums of a few hundred terms: agreement to ~1e-6 relative.
  EXPECT_NEAR(loss.item<double>(), reference["loss"].get<double>(), 1e-5 * std::abs(reference["loss"].get<double>()));
  const Matrix theirs = read_array(dir / "grads.npy");
  ASSERT_EQ(theirs.rows(), ours.rows());
  EXPECT_LE((ours - theirs).cwiseAbs().maxCoeff(), 1e-4 * theirs.cwiseAbs().maxCoeff());
}

TEST(Vae, FitIsAPureFunctionOfDataAndStream) {
  VaeFamily family(VaeShape{kSmall, 4, 3}, quick_training(2));
  Rng data_rng = test_rng(3);
  const Samples data = square_images(kSmall, 64, data_rng);
  Rng a = test_rng(4), b = test_rng(4), c = test_rng(5);
  const std::string first = family.fit(data, a)->encode();
  EXPECT_EQ(first, family.fit(data, b)->encode());
  EXPECT_NE(first, family.fit(data, c)->encode());
}

TEST(Vae, TrainingLowersTheLossAndSamplesAreImagesOfTheShape) {
  VaeFamily family(VaeShape{kSmall, 8, 4}, quick_training(15));
  Rng rng = test_rng(6);
  const Samples data = square_images(kSmall, 256, rng);
  const auto model = family.fit(data, rng);
  const auto& losses = dynamic_cast<const VaeModel&>(*model).epoch_losses();
  ASSERT_EQ(losses.size(), 15u);
  // A structured set: the per-image loss falls well below its first epoch's.
  EXPECT_LT(losses.back(), 0.8 * losses.front());
  const Samples drawn = model->draw(10, 1.0, rng);
  EXPECT_EQ(drawn.size(), 10);
  EXPECT_EQ(drawn.image_shape(), kSmall);
}

TEST(Vae, CheckpointBytesRestoreTheSameSamples) {
  VaeFamily family(VaeShape{kSmall, 4, 3}, quick_training(1));
  Rng rng = test_rng(7);
  const auto model = family.fit(random_images(kSmall, 32, rng), rng);
  const auto restored = family.decode(model->encode());
  Rng r1 = test_rng(8), r2 = test_rng(8);
  const Samples s1 = model->draw(20, 0.5, r1), s2 = restored->draw(20, 0.5, r2);
  EXPECT_TRUE(std::equal(s1.levels().begin(), s1.levels().end(), s2.levels().begin(), s2.levels().end()));
  // Bytes of another size are refused with the reason.
  EXPECT_THROW(family.decode(model->encode().substr(0, 100)), DataError);
  VaeFamily wider(VaeShape{kSmall, 5, 3}, quick_training(1));
  EXPECT_THROW(wider.decode(model->encode()), DataError);
}

TEST(Vae, WarmStartContinuesFromTheStartingModel) {
  // One fine-tuning epoch with a tiny learning rate stays close to the start; a fresh fit does not.
  NeuralTraining training = quick_training(3);
  training.lr = 1e-7;
  VaeFamily family(VaeShape{kSmall, 4, 3}, training);
  Rng rng = test_rng(9);
  const Samples data = square_images(kSmall, 64, rng);
  const auto start = family.fit(data, rng);
  const auto tuned = family.fit(data, rng, start.get());
  const auto fresh = family.fit(data, rng);
  auto distance = [](const GenerativeModel& a, const GenerativeModel& b) {
    std::vector<torch::Tensor> pa = dynamic_cast<const VaeModel&>(a).net()->parameters();
    std::vector<torch::Tensor> pb = dynamic_cast<const VaeModel&>(b).net()->parameters();
    double sum = 0.0;
    for (std::size_t i = 0; i < pa.size(); ++i) sum += (pa[i] - pb[i]).pow(2).sum().item<double>();
    return std::sqrt(sum);
  };
  EXPECT_LT(distance(*start, *tuned), 1e-3);
  EXPECT_GT(distance(*start, *fresh), 1.0);
}

TEST(Vae, BiasShrinksTheSpreadOfSamples) {
  // lambda scales the prior's variance; at lambda -> 0 every sample decodes z = 0, the same image.
  VaeFamily family(VaeShape{kSmall, 4, 3}, quick_training(3));
  Rng rng = test_rng(10);
  const auto model = family.fit(square_images(kSmall, 128, rng), rng);
  auto spread = [&](double bias) {
    Rng r = test_rng(11);
    const Matrix x = model->sample(200, bias, r);
    return (x.rowwise() - x.colwise().mean()).squaredNorm() / static_cast<double>(x.rows());
  };
  EXPECT_LT(spread(1e-6), 1e-4);
  EXPECT_LT(spread(0.25), spread(1.0));
  EXPECT_THROW(model->draw(1, 0.0, rng), DataError);
  EXPECT_THROW(model->draw(1, 1.5, rng), DataError);
}

TEST(Vae, RefusesImagesOfAnotherShapeAndHasNoDensity) {
  VaeFamily family(VaeShape{kSmall, 4, 3}, quick_training(1));
  Rng rng = test_rng(12);
  const ImageShape other{1, 12, 12, 0.0f, 1.0f};
  try {
    family.fit(random_images(other, 8, rng), rng);
    FAIL() << "expected a DataError";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("1 x 12 x 12"), std::string::npos) << e.what();
  }
  EXPECT_THROW(family.fit(Samples(Matrix::Zero(4, 64)), rng), DataError);
  const auto model = family.fit(random_images(kSmall, 8, rng), rng);
  EXPECT_THROW(model->log_prob(Matrix::Zero(1, 64)), DataError);
  EXPECT_FALSE(family.capabilities().density);
}

}  // namespace
}  // namespace ouro::neural
