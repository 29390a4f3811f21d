// The DDPM family (src/neural/ddpm.hpp): its noise schedule and respaced chain against hand-computed
// values, the guidance formula, the UNet's loss and gradients against the same network in Debian's
// python3-torch, and the contracts every family keeps: deterministic fits, checkpoint bytes that
// restore the same model, labels drawn as the data's, sampling bias and bad input. In latent space:
// the MLP denoiser against python3-torch, and the autoencoder trained at generation 0 and then
// carried, frozen, into every later fit.
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "ddpm.hpp"
#include "diffusion_schedule.hpp"
#include "image_fixtures.hpp"
#include "ouro/core/error.hpp"
#include "ouro/io/array_file.hpp"
#include "support/files.hpp"

namespace ouro::neural {
namespace {

using testing::square_images;
using testing::test_rng;
using testing::to_matrix;

const ImageShape& kSmall = testing::kSmallImages;

using testing::quick_training;

DdpmShape small_ddpm(int classes = 4) {
  DdpmShape shape;
  shape.image = kSmall;
  shape.features = 8;
  shape.classes = classes;
  shape.steps = 40;
  shape.sampling_steps = 10;
  return shape;
}

// The loss of `net` on (x0, t, labels, eps) and its gradient in `denoiser`'s parameters equal
// tests/neural/ddpm_reference.py's on the same weights and inputs (`geometry`: the script's image
// and, in latent space, latent arguments).
void expect_equal_to_python(DdpmNet& net, torch::nn::Module& denoiser, const std::string& geometry, const torch::Tensor& x0,
                            const torch::Tensor& t, const torch::Tensor& labels, const torch::Tensor& eps,
                            const std::string& name) {
  const auto dir = testing::scratch_dir(name);
  const std::int64_t n = x0.size(0);
  const torch::Tensor params = testing::flat_parameters(denoiser);
  write_npy(dir / "params.npy", to_matrix(params, params.numel()));
  write_npy(dir / "x0.npy", to_matrix(x0, n));
  write_npy(dir / "eps.npy", to_matrix(eps, n));
  write_npy(dir / "t.npy", to_matrix(t, n));
  write_npy(dir / "labels.npy", to_matrix(labels, n));
  torch::Tensor loss = net->loss(x0, t, labels, eps);
  loss.backward();
  const Matrix ours = to_matrix(testing::flat_gradients(denoiser), params.numel());
  const DdpmShape& shape = net->shape();
  const std::string command =
      fmt::format("'{}' '{}/tests/neural/ddpm_reference.py' '{}' {}", OURO_PYTHON, OURO_SOURCE_DIR, dir.string(),
                  fmt::format(fmt::runtime(geometry), shape.features, shape.classes, shape.steps));
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
  const auto reference = nlohmann::json::parse(testing::read_file(dir / "reference.json"));
  EXPECT_EQ(reference["parameters"].get<std::int64_t>(), params.numel());
  // float32 sums: agreement to ~1e-6 relative in the loss, 1e-4 of the largest gradient.
  EXPECT_NEAR(loss.item<double>(), reference["loss"].get<double>(), 1e-5 * std::abs(reference["loss"].get<double>()));
  const Matrix theirs = read_array(dir / "grads.npy");
  ASSERT_EQ(theirs.rows(), ours.rows());
  EXPECT_LE((ours - theirs).cwiseAbs().maxCoeff(), 1e-4 * theirs.cwiseAbs().maxCoeff());
}

TEST(DiffusionSchedule, LinearScheduleIsHosAtAThousandSteps) {
  const DiffusionSchedule schedule = DiffusionSchedule::linear(1000);
  EXPECT_DOUBLE_EQ(schedule.betas().front(), 1e-4);
  EXPECT_DOUBLE_EQ(schedule.betas().back(), 0.02);
  EXPECT_NEAR(schedule.betas()[500], 1e-4 + (0.02 - 1e-4) * 500.0 / 999.0, 1e-15);
  // alpha_bar is the running product of 1 - beta: (1 - 1e-4) after the first step, and about 4e-5 at
  // the last (Ho et al.'s schedule ends near pure noise).
  EXPECT_DOUBLE_EQ(schedule.alpha_bars().front(), 1.0 - 1e-4);
  EXPECT_NEAR(schedule.alpha_bars().back(), 4.04e-5, 0.01e-5);
  // Ten steps scale both ends by 100.
  const DiffusionSchedule short_schedule = DiffusionSchedule::linear(10);
  EXPECT_DOUBLE_EQ(short_schedule.betas().front(), 1e-2);
  EXPECT_DOUBLE_EQ(short_schedule.betas().back(), 0.999);
  EXPECT_THROW(DiffusionSchedule::linear(1), ConfigError);
}

TEST(DiffusionSchedule, RespacingKeepsAlphaBarAtEvenlySpacedSteps) {
  const DiffusionSchedule schedule = DiffusionSchedule::linear(100);
  // The full chain is the training chain.
  const SamplingChain full = schedule.respace(100);
  for (int t = 0; t < 100; ++t) EXPECT_NEAR(full.betas[t], schedule.betas()[t], 1e-14);
  // Five of 100 steps: t_i = round(i 99 / 4) = 0, 25, 50, 74, 99 (49.5 and 74.25 round to 50, 74).
  const SamplingChain chain = schedule.respace(5);
  EXPECT_EQ(chain.timesteps, (std::vector<int>{0, 25, 50, 74, 99}));
  for (std::size_t i = 0; i < 5; ++i) {
    const double a = schedule.alpha_bars()[static_cast<std::size_t>(chain.timesteps[i])];
    const double previous = i == 0 ? 1.0 : schedule.alpha_bars()[static_cast<std::size_t>(chain.timesteps[i - 1])];
    EXPECT_DOUBLE_EQ(chain.alpha_bars[i], a);
    EXPECT_NEAR(chain.betas[i], 1.0 - a / previous, 1e-15);
    EXPECT_NEAR(chain.posterior_variances[i], i == 0 ? 0.0 : chain.betas[i] * (1.0 - previous) / (1.0 - a), 1e-15);
  }
  // The last step returns the predicted x_0 itself.
  EXPECT_DOUBLE_EQ(chain.coef_x0[0], 1.0);
  EXPECT_DOUBLE_EQ(chain.coef_xt[0], 0.0);
  // With x_t = sqrt(ab) x0 exactly (no noise), the posterior mean is sqrt(ab_prev) x0 at every step.
  for (std::size_t i = 1; i < 5; ++i) {
    EXPECT_NEAR(chain.coef_x0[i] + chain.coef_xt[i] * std::sqrt(chain.alpha_bars[i]), std::sqrt(chain.alpha_bars[i - 1]),
                1e-12);
  }
  EXPECT_THROW(schedule.respace(0), ConfigError);
  EXPECT_THROW(schedule.respace(101), ConfigError);
}

TEST(DiffusionSchedule, GuidanceWeightIsOneOverLambdaMinusOne) {
  EXPECT_DOUBLE_EQ(guidance_weight(1.0), 0.0);
  EXPECT_DOUBLE_EQ(guidance_weight(0.5), 1.0);
  EXPECT_DOUBLE_EQ(guidance_weight(0.25), 3.0);
  EXPECT_THROW(guidance_weight(0.0), DataError);
  EXPECT_THROW(guidance_weight(1.5), DataError);
}

TEST(Ddpm, LossAndGradientsEqualPythonTorch) {
  const DdpmShape shape = [] {
    DdpmShape s = small_ddpm(3);
    s.image = ImageShape{2, 8, 12, 0.0f, 1.0f};  // two channels, not square
    s.features = 6;                               // GroupNorm of 2 and 6 groups, not 8
    return s;
  }();
  DdpmNet net(shape);
  Rng rng = test_rng(2);
  init_parameters(*net->unet, rng);
  const std::int64_t n = 5;
  const torch::Tensor x0 = normal_tensor({n, 2, 8, 12}, rng).clamp(-1.0, 1.0);
  const torch::Tensor eps = normal_tensor({n, 2, 8, 12}, rng);
  const torch::Tensor t = torch::tensor(std::vector<std::int64_t>{0, 7, 19, 33, 39});
  const torch::Tensor labels = torch::tensor(std::vector<std::int64_t>{0, 1, 2, 3, 1});  // 3 = no condition
  expect_equal_to_python(net, *net->unet, "2 8 12 {} {} {}", x0, t, labels, eps, "ddpm_reference");
}

TEST(Ddpm, GuidedNoiseIsTheGuidanceFormula) {
  DdpmFamily family(small_ddpm(), quick_training(1));
  Rng rng = test_rng(3);
  const auto model = family.fit(square_images(kSmall, 32, rng, /*labelled=*/true), rng);
  const auto& ddpm = dynamic_cast<const DdpmModel&>(*model);
  torch::NoGradGuard no_grad;
  const torch::Tensor x = normal_tensor({3, 1, 8, 8}, rng);
  const torch::Tensor t = torch::tensor(std::vector<std::int64_t>{5, 20, 39});
  const torch::Tensor labels = torch::tensor(std::vector<std::int64_t>{0, 2, 3});
  const torch::Tensor none = torch::full({3}, 4, torch::kInt64);
  const torch::Tensor conditional = ddpm.guided_noise(x, t, labels, 0.0);
  const torch::Tensor unconditional = ddpm.guided_noise(x, t, none, 0.0);
  // w = 3 (lambda = 1/4): 4 eps(x, c) - 3 eps(x, none).
  const torch::Tensor guided = ddpm.guided_noise(x, t, labels, 3.0);
  EXPECT_LE((guided - (4.0 * conditional - 3.0 * unconditional)).abs().max().item<double>(), 1e-5);
  EXPECT_GT((conditional - unconditional).abs().max().item<double>(), 1e-4);  // the label matters
}

TEST(Ddpm, FitIsAPureFunctionOfDataAndStream) {
  DdpmFamily family(small_ddpm(), quick_training(2));
  Rng data_rng = test_rng(4);
  const Samples data = square_images(kSmall, 48, data_rng, true);
  Rng a = test_rng(5), b = test_rng(5), c = test_rng(6);
  const std::string first = family.fit(data, a)->encode();
  EXPECT_EQ(first, family.fit(data, b)->encode());
  EXPECT_NE(first, family.fit(data, c)->encode());
}

TEST(Ddpm, TrainingLowersTheLossAndSamplesCarryTheDatasLabels) {
  DdpmFamily family(small_ddpm(), quick_training(12));
  Rng rng = test_rng(7);
  // Only labels 1 and 3 occur in the data (squares on the right), so only they are drawn.
  Samples all = square_images(kSmall, 400, rng, true);
  std::vector<std::size_t> right;
  for (Eigen::Index i = 0; i < all.size(); ++i)
    if (all.labels()[static_cast<std::size_t>(i)] % 2 == 1) right.push_back(static_cast<std::size_t>(i));
  const Samples data = all.select(right);
  const auto model = family.fit(data, rng);
  const auto& losses = dynamic_cast<const DdpmModel&>(*model).epoch_losses();
  ASSERT_EQ(losses.size(), 12u);
  EXPECT_LT(losses.back(), 0.7 * losses.front());
  const Samples drawn = model->draw(300, 1.0, rng);
  ASSERT_EQ(drawn.size(), 300);
  EXPECT_EQ(drawn.image_shape(), kSmall);
  ASSERT_TRUE(drawn.has_labels());
  std::set<std::int32_t> seen(drawn.labels().begin(), drawn.labels().end());
  EXPECT_EQ(seen, (std::set<std::int32_t>{1, 3}));
  // The trained model puts its bright square on the right half: mean level right > left.
  double left = 0.0, right_side = 0.0;
  for (Eigen::Index i = 0; i < drawn.size(); ++i) {
    const auto image = drawn.image(i);
    for (std::uint32_t r = 0; r < 8; ++r)
      for (std::uint32_t c = 0; c < 8; ++c) (c < 4 ? left : right_side) += image[r * 8 + c];
  }
  EXPECT_GT(right_side, 1.5 * left);
}

TEST(Ddpm, UnlabelledDataTrainsAnUnconditionalModel) {
  DdpmFamily family(small_ddpm(), quick_training(1));
  Rng rng = test_rng(8);
  const auto model = family.fit(square_images(kSmall, 32, rng, /*labelled=*/false), rng);
  const Samples drawn = model->draw(5, 0.5, rng);  // guidance has nothing to act on
  EXPECT_FALSE(drawn.has_labels());
  EXPECT_EQ(drawn.size(), 5);
}

TEST(Ddpm, CheckpointBytesRestoreTheSameSamples) {
  DdpmFamily family(small_ddpm(), quick_training(1));
  Rng rng = test_rng(9);
  const auto model = family.fit(square_images(kSmall, 32, rng, true), rng);
  const auto restored = family.decode(model->encode());
  Rng r1 = test_rng(10), r2 = test_rng(10);
  const Samples s1 = model->draw(20, 0.5, r1), s2 = restored->draw(20, 0.5, r2);
  EXPECT_TRUE(std::equal(s1.levels().begin(), s1.levels().end(), s2.levels().begin(), s2.levels().end()));
  EXPECT_TRUE(std::equal(s1.labels().begin(), s1.labels().end(), s2.labels().begin(), s2.labels().end()));
  EXPECT_THROW(family.decode(model->encode().substr(0, 100)), DataError);
  DdpmShape wider = small_ddpm();
  wider.features = 16;
  EXPECT_THROW(DdpmFamily(wider, quick_training(1)).decode(model->encode()), DataError);
}

TEST(Ddpm, BadInputIsRefused) {
  DdpmFamily family(small_ddpm(), quick_training(1));
  Rng rng = test_rng(11);
  // Images of another size, and labels beyond the model's classes.
  EXPECT_THROW(family.fit(square_images(ImageShape{1, 12, 12, 0.0f, 1.0f}, 8, rng), rng), DataError);
  DdpmFamily two_classes(small_ddpm(2), quick_training(1));
  EXPECT_THROW(two_classes.fit(square_images(kSmall, 32, rng, true), rng), DataError);
  const auto model = family.fit(square_images(kSmall, 16, rng, true), rng);
  EXPECT_THROW(model->draw(1, 0.0, rng), DataError);
  EXPECT_THROW(model->log_prob(Matrix::Zero(1, 64)), DataError);
}

DdpmShape latent_ddpm() {
  DdpmShape shape = small_ddpm();
  shape.space = DiffusionSpace::kLatent;
  shape.autoencoder = VaeShape{kSmall, 4, 3};
  shape.autoencoder_epochs = 3;
  return shape;
}

TEST(DdpmLatent, DenoiserLossAndGradientsEqualPythonTorch) {
  DdpmShape shape = latent_ddpm();
  shape.features = 3;  // width 24
  shape.autoencoder.latent = 5;
  DdpmNet net(shape);
  Rng rng = test_rng(20);
  init_parameters(*net->denoiser, rng);
  const std::int64_t n = 6;
  const torch::Tensor x0 = normal_tensor({n, 5}, rng), eps = normal_tensor({n, 5}, rng);
  const torch::Tensor t = torch::tensor(std::vector<std::int64_t>{0, 3, 9, 17, 28, 39});
  const torch::Tensor labels = torch::tensor(std::vector<std::int64_t>{0, 1, 2, 3, 4, 2});  // 4 = no condition
  expect_equal_to_python(net, *net->denoiser, "1 8 8 {} {} {} 5", x0, t, labels, eps, "ddpm_latent_reference");
}

TEST(DdpmLatent, LaterFitsKeepGenerationZerosAutoencoderFrozen) {
  DdpmFamily family(latent_ddpm(), quick_training(4));
  EXPECT_TRUE(family.capabilities().fits_from_generation0);
  Rng rng = test_rng(21);
  const Samples first = square_images(kSmall, 96, rng, true), second = square_images(kSmall, 96, rng, true);
  const auto generation0 = family.fit(first, rng);
  const auto later = family.fit(second, rng, nullptr, generation0.get());
  const auto unanchored = family.fit(second, rng);
  auto autoencoder = [](const GenerativeModel& m) { return save_parameters(*dynamic_cast<const DdpmModel&>(m).net()->autoencoder); };
  auto standardisation = [](const GenerativeModel& m) {
    const DdpmNet& net = dynamic_cast<const DdpmModel&>(m).net();
    return std::pair{net->latent_mean.clone(), net->latent_std.clone()};
  };
  EXPECT_EQ(autoencoder(*later), autoencoder(*generation0));
  EXPECT_TRUE(torch::equal(standardisation(*later).first, standardisation(*generation0).first));
  EXPECT_TRUE(torch::equal(standardisation(*later).second, standardisation(*generation0).second));
  EXPECT_NE(autoencoder(*unanchored), autoencoder(*generation0));  // no generation 0: trains its own
  // The standardisation is the encoder means' own: mean 0 and sd 1 over generation 0's data.
  const auto [mean, sd] = standardisation(*generation0);
  EXPECT_GT(sd.min().item<double>(), 0.0);
  const Samples drawn = later->draw(40, 0.5, rng);
  EXPECT_EQ(drawn.size(), 40);
  EXPECT_EQ(drawn.image_shape(), kSmall);
  EXPECT_TRUE(drawn.has_labels());
  // A family of another kind is not a generation 0 it can read.
  EXPECT_THROW(DdpmFamily(small_ddpm(), quick_training(1)).fit(second, rng, nullptr, generation0.get()), DataError);
}

TEST(DdpmLatent, CheckpointBytesRestoreTheSameSamples) {
  DdpmFamily family(latent_ddpm(), quick_training(1));
  Rng rng = test_rng(22);
  const auto model = family.fit(square_images(kSmall, 32, rng, true), rng);
  const auto restored = family.decode(model->encode());
  Rng r1 = test_rng(23), r2 = test_rng(23);
  const Samples s1 = model->draw(20, 1.0, r1), s2 = restored->draw(20, 1.0, r2);
  EXPECT_TRUE(std::equal(s1.levels().begin(), s1.levels().end(), s2.levels().begin(), s2.levels().end()));
  EXPECT_THROW(DdpmFamily(small_ddpm(), quick_training(1)).decode(model->encode()), DataError);  // pixel != latent
}

}  // namespace
}  // namespace ouro::neural
