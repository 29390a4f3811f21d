// WGAN-GP (Gulrajani et al. 2017) with a DCGAN-style generator and critic, as a model family: the
// GAN that Alemohammad et al. refit for many generations in "Self-Consuming Generative Models Go MAD".
//
// Networks (`capacity` c, `latent` k, images C x H x W with H and W divisible by 4):
//   generator: Linear(k -> 2c (H/4)(W/4)), BatchNorm, ReLU, view, ConvT(2c->c, 4, 2, 1), BatchNorm,
//              ReLU, ConvT(c->C, 4, 2, 1), tanh   (images in [-1, 1])
//   critic:    Conv(C->c, 4, 2, 1), LeakyReLU(0.2), Conv(c->2c, 4, 2, 1), LeakyReLU(0.2), flatten,
//              Linear -> 1   (no normalisation layer: the penalty is per sample)
// Training: model.critic_steps critic updates per generator update, each on a fresh real minibatch
// (an epoch is one pass of the critic over the data). Critic loss D(fake) - D(real) +
// model.gradient_penalty * (||grad D(x^)|| - 1)^2 averaged over x^ = e real + (1 - e) fake, e ~ U(0,1)
// per image; generator loss -D(G(z)). Adam with model.lr, betas (0.5, 0.9) as in the paper's DCGAN
// runs, and model.weight_decay.
//
// Sampling bias lambda truncates the latent: each coordinate of z is a standard normal conditioned
// on |z_i| <= tau with erf(tau / sqrt 2) = lambda, the central share lambda of its mass (lambda = 1:
// no truncation), drawn by rejection. The model has no density.
#pragma once

#include <memory>
#include <vector>

#include "neural_settings.hpp"
#include "ouro/models/generative_model.hpp"
#include "torch_runtime.hpp"

namespace ouro::neural {

struct WganShape {
  ImageShape image;
  int capacity = 64;
  int latent = 20;
  int critic_steps = 5;           // model.critic_steps
  double gradient_penalty = 10.0; // model.gradient_penalty
};

class GeneratorImpl : public torch::nn::Module {
 public:
  explicit GeneratorImpl(const WganShape& shape);
  // Images in [-1, 1], N x C x H x W, from latents N x k.
  torch::Tensor forward(const torch::Tensor& z);

 private:
  WganShape shape_;
  torch::nn::Linear project_{nullptr};
  torch::nn::BatchNorm1d norm0_{nullptr};
  torch::nn::ConvTranspose2d deconv2_{nullptr}, deconv1_{nullptr};
  torch::nn::BatchNorm2d norm1_{nullptr};
};
TORCH_MODULE(Generator);

class CriticImpl : public torch::nn::Module {
 public:
  explicit CriticImpl(const WganShape& shape);
  // One score per image, N.
  torch::Tensor forward(const torch::Tensor& x);

 private:
  torch::nn::Conv2d conv1_{nullptr}, conv2_{nullptr};
  torch::nn::Linear score_{nullptr};
};
TORCH_MODULE(Critic);

// The penalty term's mean (||grad_x^ critic(x^)||_2 - 1)^2 for x^ = e real + (1 - e) fake, with `e`
// one weight per image (N); differentiable in the critic's parameters.
torch::Tensor gradient_penalty(Critic& critic, const torch::Tensor& real, const torch::Tensor& fake,
                               const torch::Tensor& e);

// tau with erf(tau / sqrt 2) = lambda: the truncation threshold of sampling bias lambda (infinity
// at lambda = 1).
double truncation_threshold(double bias);

// Both networks, so that checkpoints and warm starts carry the critic too.
class WganNetImpl : public torch::nn::Module {
 public:
  explicit WganNetImpl(const WganShape& shape);
  Generator generator{nullptr};
  Critic critic{nullptr};
  const WganShape& shape() const { return shape_; }

 private:
  WganShape shape_;
};
TORCH_MODULE(WganNet);

class WganFamily final : public ModelFamily {
 public:
  WganFamily(WganShape shape, NeuralTraining training);

  std::string_view name() const override { return "wgan-gp"; }
  Capabilities capabilities() const override;
  std::size_t min_samples(Eigen::Index dim) const override;
  std::unique_ptr<GenerativeModel> decode(std::string_view bytes) const override;

 protected:
  std::unique_ptr<GenerativeModel> fit_model(const Samples& data, Rng& rng, const GenerativeModel* start,
                                             const GenerativeModel* generation0) const override;

 private:
  WganShape shape_;
  NeuralTraining training_;
};

// Per epoch: the critic's mean Wasserstein estimate D(real) - D(fake) (without the penalty).
class WganModel final : public GenerativeModel {
 public:
  WganModel(WganNet net, torch::Device device, std::vector<double> epoch_estimates);

  std::string_view family() const override { return "wgan-gp"; }
  Eigen::Index dim() const override;
  Matrix sample(std::size_t n, double bias, Rng& rng) const override;
  Samples draw(std::size_t n, double bias, Rng& rng) const override;
  Vector log_prob(const Matrix& x) const override;
  std::string encode() const override;

  const WganNet& net() const { return net_; }
  const std::vector<double>& epoch_estimates() const { return epoch_estimates_; }

 private:
  mutable WganNet net_;  // forward() is not const; in eval mode without gradients it only reads
  torch::Device device_;
  std::vector<double> epoch_estimates_;
};

}  // namespace ouro::neural
