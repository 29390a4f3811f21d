// The WGAN-GP family (src/neural/wgan_gp.hpp): the gradient penalty on a hand-checkable critic, the
// critic's and generator's losses and gradients against the same networks in Debian's
// python3-torch, the truncation threshold, and the contracts every family keeps: deterministic
// fits, checkpoint bytes that restore the same model, sampling bias and bad input.
#include <gtest/gtest.h>

#include <cmath>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "image_fixtures.hpp"
#include "ouro/core/error.hpp"
#include "ouro/io/array_file.hpp"
#include "support/files.hpp"
#include "wgan_gp.hpp"

namespace ouro::neural {
namespace {

using testing::square_images;
using testing::test_rng;
using testing::to_matrix;

const ImageShape& kSmall = testing::kSmallImages;

NeuralTraining quick_training(int epochs) {
  NeuralTraining t = testing::quick_training(epochs);
  t.lr = 2e-4;  // a GAN wants a smaller step than the default
  return t;
}

WganShape small_wgan() { return WganShape{kSmall, 4, 3, 2, 10.0}; }

TEST(WganGp, PenaltyOfAConstantCriticIsOne) {
  // A critic whose parameters are all 0 scores every image 0: its gradient is 0, so each image's
  // term is (0 - 1)^2 = 1.
  Critic critic(small_wgan());
  torch::NoGradGuard no_grad;
  for (auto& p : critic->parameters()) p.zero_();
  Rng rng = test_rng(1);
  const torch::Tensor real = normal_tensor({4, 1, 8, 8}, rng), fake = normal_tensor({4, 1, 8, 8}, rng);
  torch::Tensor penalty;
  {
    torch::AutoGradMode enable(true);
    penalty = gradient_penalty(critic, real, fake, torch::full({4}, 0.5f));
  }
  EXPECT_DOUBLE_EQ(penalty.item<double>(), 1.0);
}

TEST(WganGp, PenaltyOfALinearCriticIsItsWeightNormMinusOneSquared) {
  // Positive weights and biases on positive images keep every pre-activation positive, so both
  // LeakyReLUs act as the identity and D(x) = w . x + b: the gradient is the same vector w at every
  // image, and each penalty term is (|w| - 1)^2.
  WganShape shape = small_wgan();
  Critic critic(shape);
  Rng rng = test_rng(2);
  auto positive = [&](torch::IntArrayRef size, double scale, double floor) {
    return normal_tensor(size, rng).abs() * scale + floor;
  };
  {
    torch::NoGradGuard no_grad;
    for (auto& p : critic->parameters()) p.copy_(positive(p.sizes(), 0.1, 0.01));
  }
  const torch::Tensor real = positive({3, 1, 8, 8}, 1.0, 0.1), fake = positive({3, 1, 8, 8}, 1.0, 0.1);
  const torch::Tensor probe = real.clone().requires_grad_(true);
  const torch::Tensor grad = torch::autograd::grad({critic(probe).sum()}, {probe})[0];
  const double g = grad[0].norm().item<double>();
  EXPECT_NEAR(grad[1].norm().item<double>(), g, 1e-6 * g);  // the same gradient everywhere: linear
  const double penalty = gradient_penalty(critic, real, fake, torch::full({3}, 0.25f)).item<double>();
  EXPECT_NEAR(penalty, (g - 1.0) * (g - 1.0), 1e-5 * (g - 1.0) * (g - 1.0));
}

TEST(WganGp, LossesAndGradientsEqualPythonTorch) {
  const auto dir = testing::scratch_dir("wgan_reference");
  const WganShape shape{ImageShape{2, 8, 12, 0.0f, 1.0f}, 3, 5, 5, 10.0};
  WganNet net(shape);
  Rng rng = test_rng(3);
  init_parameters(*net, rng);
  const std::int64_t n = 6;
  const torch::Tensor real = normal_tensor({n, 2, 8, 12}, rng).clamp(-1.0, 1.0);
  const torch::Tensor z = normal_tensor({n, 5}, rng);
  torch::Tensor e = torch::empty({n});
  for (std::int64_t i = 0; i < n; ++i) e[i] = static_cast<float>(rng.uniform());
  const torch::Tensor params = testing::flat_parameters(*net);
  write_npy(dir / "params.npy", to_matrix(params, params.numel()));
  write_npy(dir / "real.npy", to_matrix(real, n));
  write_npy(dir / "z.npy", to_matrix(z, n));
  write_npy(dir / "e.npy", to_matrix(e, n));

  net->train();
  const torch::Tensor fake = net->generator(z).detach();
  const torch::Tensor penalty = gradient_penalty(net->critic, real, fake, e);
  torch::Tensor critic_loss = net->critic(fake).mean() - net->critic(real).mean() + shape.gradient_penalty * penalty;
  critic_loss.backward();
  const Matrix critic_grads = to_matrix(testing::flat_gradients(*net->critic), testing::parameter_count(*net->critic));
  net->critic->zero_grad();
  torch::Tensor generator_loss = -net->critic(net->generator(z)).mean();
  generator_loss.backward();
  const Matrix generator_grads =
      to_matrix(testing::flat_gradients(*net->generator), testing::parameter_count(*net->generator));

  const std::string command = fmt::format("'{}' '{}/tests/neural/wgan_reference.py' '{}' 2 8 12 {} {} {}", OURO_PYTHON,
                                          OURO_SOURCE_DIR, dir.string(), shape.capacity, shape.latent,
                                          shape.gradient_penalty);
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
  const auto reference = nlohmann::json::parse(testing::read_file(dir / "reference.json"));
  EXPECT_EQ(reference["parameters"].get<std::int64_t>(), params.numel());
  auto near = [](double ours, double theirs) { EXPECT_NEAR(ours, theirs, 1e-5 * std::max(1.0, std::abs(theirs))); };
  near(penalty.item<double>(), reference["penalty"].get<double>());
  near(critic_loss.item<double>(), reference["critic_loss"].get<double>());
  near(generator_loss.item<double>(), reference["generator_loss"].get<double>());
  for (const auto& [ours, file] : {std::pair{critic_grads, "critic_grads.npy"}, std::pair{generator_grads, "generator_grads.npy"}}) {
    const Matrix theirs = read_array(dir / file);
    ASSERT_EQ(theirs.rows(), ours.rows()) << file;
    EXPECT_LE((ours - theirs).cwiseAbs().maxCoeff(), 1e-4 * theirs.cwiseAbs().maxCoeff()) << file;
  }
}

TEST(WganGp, TruncationKeepsTheCentralShareLambdaOfTheNormal) {
  EXPECT_TRUE(std::isinf(truncation_threshold(1.0)));
  EXPECT_NEAR(truncation_threshold(0.682689492137086), 1.0, 1e-9);  // one standard deviation
  EXPECT_NEAR(truncation_threshold(0.5), 0.674489750196082, 1e-9);  // the quartiles
  EXPECT_THROW(truncation_threshold(0.0), DataError);
  EXPECT_THROW(truncation_threshold(1.5), DataError);
}

TEST(WganGp, FitIsAPureFunctionOfDataAndStream) {
  WganFamily family(small_wgan(), quick_training(2));
  Rng data_rng = test_rng(4);
  const Samples data = square_images(kSmall, 64, data_rng);
  Rng a = test_rng(5), b = test_rng(5), c = test_rng(6);
  const std::string first = family.fit(data, a)->encode();
  EXPECT_EQ(first, family.fit(data, b)->encode());
  EXPECT_NE(first, family.fit(data, c)->encode());
}

TEST(WganGp, CheckpointBytesRestoreTheSameSamplesAndBiasNarrowsThem) {
  WganFamily family(small_wgan(), quick_training(3));
  Rng rng = test_rng(7);
  const auto model = family.fit(square_images(kSmall, 64, rng), rng);
  const auto restored = family.decode(model->encode());
  Rng r1 = test_rng(8), r2 = test_rng(8);
  const Samples s1 = model->draw(20, 0.5, r1), s2 = restored->draw(20, 0.5, r2);
  EXPECT_EQ(s1.image_shape(), kSmall);
  EXPECT_TRUE(std::equal(s1.levels().begin(), s1.levels().end(), s2.levels().begin(), s2.levels().end()));
  EXPECT_THROW(family.decode(model->encode().substr(0, 100)), DataError);
  // Truncation to a sliver of the latent: nearly one image.
  auto spread = [&](double bias) {
    Rng r = test_rng(9);
    const Matrix x = model->sample(200, bias, r);
    return (x.rowwise() - x.colwise().mean()).squaredNorm() / static_cast<double>(x.rows());
  };
  EXPECT_LT(spread(1e-4), 1e-2 * spread(1.0));
  EXPECT_THROW(model->log_prob(Matrix::Zero(1, 64)), DataError);
}

TEST(WganGp, ImagesOfAnotherShapeAreRefused) {
  WganFamily family(small_wgan(), quick_training(1));
  Rng rng = test_rng(10);
  EXPECT_THROW(family.fit(square_images(ImageShape{1, 12, 12, 0.0f, 1.0f}, 8, rng), rng), DataError);
}

}  // namespace
}  // namespace ouro::neural
