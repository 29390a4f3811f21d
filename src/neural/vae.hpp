// The convolutional VAE of Shumailov et al. ("AI models collapse when trained on recursively
// generated data", Nature 2024) as a model family.
//
// Network (`capacity` c, `latent` k, images C x H x W with H and W divisible by 4):
//   encoder: Conv(C->c, 4, stride 2, pad 1), ReLU, Conv(c->2c, 4, 2, 1), ReLU, flatten,
//            Linear -> mu (k) and Linear -> log-variance (k)
//   decoder: Linear(k -> 2c (H/4)(W/4)), view, ConvT(2c->c, 4, 2, 1), ReLU, ConvT(c->C, 4, 2, 1), sigmoid
// Loss per minibatch: binary cross-entropy of the reconstruction, summed over pixels and images,
// plus KL(q(z|x) || N(0, I)) summed (beta = 1), with one reparameterised draw z = mu + sigma eps.
// Trained with Adam (model.lr, model.weight_decay) on shuffled minibatches.
//
// Sampling bias lambda scales the prior: z ~ N(0, lambda I), decoded to the decoder's Bernoulli
// means, stored as 8-bit images. The model has no tractable density (Capabilities::density is
// false); it offers its encoder's means (latent_means) for Shumailov's latent-spread diagnostic.
#pragma once

#include <memory>

#include "neural_settings.hpp"
#include "ouro/models/generative_model.hpp"
#include "torch_runtime.hpp"

namespace ouro::neural {

struct VaeShape {
  ImageShape image;
  int capacity = 64;
  int latent = 20;
};

class VaeNetImpl : public torch::nn::Module {
 public:
  explicit VaeNetImpl(const VaeShape& shape);

  // (mu, log-variance), each N x latent.
  std::pair<torch::Tensor, torch::Tensor> encode(const torch::Tensor& x);
  // Bernoulli means N x C x H x W.
  torch::Tensor decode(const torch::Tensor& z);
  // The minibatch loss (summed BCE + KL) of images x with reparameterisation noise eps (N x latent).
  torch::Tensor loss(const torch::Tensor& x, const torch::Tensor& eps);

  const VaeShape& shape() const { return shape_; }

 private:
  VaeShape shape_;
  torch::nn::Conv2d conv1_{nullptr}, conv2_{nullptr};
  torch::nn::Linear fc_mu_{nullptr}, fc_logvar_{nullptr}, fc_decode_{nullptr};
  torch::nn::ConvTranspose2d deconv2_{nullptr}, deconv1_{nullptr};
};
TORCH_MODULE(VaeNet);

class VaeFamily final : public ModelFamily {
 public:
  VaeFamily(VaeShape shape, NeuralTraining training);

  std::string_view name() const override { return "vae"; }
  Capabilities capabilities() const override;
  std::size_t min_samples(Eigen::Index dim) const override;
  std::unique_ptr<GenerativeModel> decode(std::string_view bytes) const override;

 protected:
  std::unique_ptr<GenerativeModel> fit_model(const Samples& data, Rng& rng, const GenerativeModel* start,
                                             const GenerativeModel* generation0) const override;

 private:
  VaeShape shape_;
  NeuralTraining training_;
};

// A trained VAE (immutable: evaluation mode, no gradients).
class VaeModel final : public GenerativeModel {
 public:
  VaeModel(VaeNet net, torch::Device device, std::vector<double> epoch_losses);

  std::string_view family() const override { return "vae"; }
  Eigen::Index dim() const override;
  Matrix sample(std::size_t n, double bias, Rng& rng) const override;
  Samples draw(std::size_t n, double bias, Rng& rng) const override;
  Vector log_prob(const Matrix& x) const override;
  std::optional<Matrix> latent_means(const Samples& images) const override;
  std::string encode() const override;

  const VaeNet& net() const { return net_; }
  // Mean loss per image of each training epoch.
  const std::vector<double>& epoch_losses() const { return epoch_losses_; }

 private:
  // torch's forward() is not const, but in evaluation mode under NoGradGuard it only reads the
  // parameters, so sampling and encoding stay const and safe to call concurrently.
  mutable VaeNet net_;
  torch::Device device_;
  std::vector<double> epoch_losses_;
};

}  // namespace ouro::neural
