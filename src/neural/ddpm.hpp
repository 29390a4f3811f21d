// The class-conditional DDPM of Alemohammad et al. ("Self-Consuming Generative Models Go MAD",
// ICLR 2024) as a model family: a small UNet (unet.hpp) predicts the noise of x_t under the linear
// schedule of diffusion_schedule.hpp.
//
// Training (Ho et al. 2020, "simple" loss): images scaled to [-1, 1]; per image a step t uniform in
// 0..T-1, noise eps ~ N(0, I) and x_t = sqrt(alpha_bar_t) x_0 + sqrt(1 - alpha_bar_t) eps; the label
// is replaced by "no condition" with probability model.condition_dropout (0.1, Ho & Salimans), so one
// network learns eps(x, t, c) and eps(x, t, none); the loss is the mean squared error of the noise.
// Adam with model.lr and model.weight_decay on shuffled minibatches. Unlabelled data trains an
// unconditional model (every label "no condition").
//
// Sampling: labels drawn from the training set's label frequencies (the model fits p(c) too, so a
// class that fades from the data fades from the samples), then ancestral sampling down the respaced
// chain of model.sampling_steps steps with x_0 clipped to [-1, 1] at each step, and classifier-free
// guidance eps~ = (1 + w) eps(x, t, c) - w eps(x, t, none) with w = 1/lambda - 1 from the loop's
// sampling bias. Samples keep their labels (label_agreement compares them with the classifier's).
//
// model.space = "latent" diffuses instead in the latent space of an autoencoder (the vae family's
// network, model.capacity and model.latent) trained on generation 0's data for
// model.autoencoder_epochs and then frozen: every later generation keeps generation 0's encoder
// and decoder (Capabilities::fits_from_generation0) and fits only the denoiser, a residual MLP
// (latent_denoiser.hpp), on its training images' encoder means, standardised per coordinate by
// generation 0's mean and standard deviation. Samples are decoded to the decoder's Bernoulli means.
// No clipping in latent space.
#pragma once

#include <memory>
#include <vector>

#include "diffusion_schedule.hpp"
#include "latent_denoiser.hpp"
#include "neural_settings.hpp"
#include "ouro/models/generative_model.hpp"
#include "torch_runtime.hpp"
#include "unet.hpp"
#include "vae.hpp"

namespace ouro::neural {

enum class DiffusionSpace { kPixel, kLatent };

struct DdpmShape {
  ImageShape image;
  DiffusionSpace space = DiffusionSpace::kPixel;  // model.space
  VaeShape autoencoder;                           // latent space: model.capacity, model.latent
  int autoencoder_epochs = 10;                    // latent space: model.autoencoder_epochs
  int features = 32;                 // model.features
  int classes = 10;                  // the truth's classes (0: unlabelled)
  int steps = 1000;                  // model.steps, T
  int sampling_steps = 50;           // model.sampling_steps, S
  double condition_dropout = 0.1;    // model.condition_dropout
};

// The network and what the fit learns besides it: the share of each label in the training set
// and, in latent space, the frozen autoencoder with its latent standardisation.
class DdpmNetImpl : public torch::nn::Module {
 public:
  explicit DdpmNetImpl(const DdpmShape& shape);

  // The predicted noise of x_t (images N x C x H x W, or latents N x k) at steps t with labels.
  torch::Tensor predict_noise(const torch::Tensor& x, const torch::Tensor& t, const torch::Tensor& labels);
  // The training loss (mean squared noise error) of clean x_0 (images in [-1, 1], or standardised
  // latents) with steps t, labels (already dropped to shape.classes where the condition is
  // dropped) and noise eps.
  torch::Tensor loss(const torch::Tensor& x0, const torch::Tensor& t, const torch::Tensor& labels,
                     const torch::Tensor& eps);

  Unet unet{nullptr};                      // pixel space
  LatentDenoiser denoiser{nullptr};        // latent space
  VaeNet autoencoder{nullptr};             // latent space, frozen after generation 0
  torch::Tensor label_shares;  // buffer, classes + 1 entries (the last: unlabelled images)
  torch::Tensor sqrt_alpha_bars, sqrt_one_minus_alpha_bars;  // buffers, T each
  torch::Tensor latent_mean, latent_std;  // buffers (latent space), k each

  const DdpmShape& shape() const { return shape_; }

 private:
  DdpmShape shape_;
};
TORCH_MODULE(DdpmNet);

class DdpmFamily final : public ModelFamily {
 public:
  DdpmFamily(DdpmShape shape, NeuralTraining training);

  std::string_view name() const override { return "ddpm"; }
  Capabilities capabilities() const override;
  std::size_t min_samples(Eigen::Index dim) const override;
  std::unique_ptr<GenerativeModel> decode(std::string_view bytes) const override;

 protected:
  std::unique_ptr<GenerativeModel> fit_model(const Samples& data, Rng& rng, const GenerativeModel* start,
                                             const GenerativeModel* generation0) const override;

 private:
  // Latent space: trains the autoencoder on generation 0's data (generation0 null) or copies
  // generation 0's, with the latent standardisation.
  void prepare_autoencoder(DdpmNet& net, const Samples& data, Rng& rng, const GenerativeModel* generation0) const;

  DdpmShape shape_;
  NeuralTraining training_;
};

// A trained DDPM (immutable: evaluation mode, no gradients).
class DdpmModel final : public GenerativeModel {
 public:
  DdpmModel(DdpmNet net, torch::Device device, std::vector<double> epoch_losses);

  std::string_view family() const override { return "ddpm"; }
  Eigen::Index dim() const override;
  Matrix sample(std::size_t n, double bias, Rng& rng) const override;
  Samples draw(std::size_t n, double bias, Rng& rng) const override;
  Vector log_prob(const Matrix& x) const override;
  std::string encode() const override;

  const DdpmNet& net() const { return net_; }
  const std::vector<double>& epoch_losses() const { return epoch_losses_; }

  // One guided step's noise estimate for x_t at step t (the guidance formula, exposed for tests).
  torch::Tensor guided_noise(const torch::Tensor& x, const torch::Tensor& t, const torch::Tensor& labels,
                             double guidance) const;

 private:
  mutable DdpmNet net_;  // forward() is not const; in eval mode without gradients it only reads
  torch::Device device_;
  SamplingChain chain_;
  std::vector<double> epoch_losses_;
};

}  // namespace ouro::neural
