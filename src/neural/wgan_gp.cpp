// The WGAN-GP family (see wgan_gp.hpp).
#include "wgan_gp.hpp"

#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "ouro/core/error.hpp"

namespace ouro::neural {
namespace {

namespace nn = torch::nn;

// Images generated per forward pass when sampling: bounds memory, not results (all latents are
// drawn first).
constexpr std::int64_t kChunk = 512;

std::int64_t flat_features(const WganShape& s) { return 2LL * s.capacity * (s.image.height / 4) * (s.image.width / 4); }

// Uniform(0, 1) weights from `rng`, one per image.
torch::Tensor uniform_tensor(std::int64_t n, Rng& rng) {
  torch::Tensor out = torch::empty({n}, torch::kFloat32);
  float* data = out.data_ptr<float>();
  for (std::int64_t i = 0; i < n; ++i) data[i] = static_cast<float>(rng.uniform());
  return out;
}

// n x k latents, each coordinate a standard normal conditioned on |z| <= tau (rejection).
torch::Tensor truncated_latents(std::int64_t n, std::int64_t k, double tau, Rng& rng) {
  torch::Tensor out = torch::empty({n, k}, torch::kFloat32);
  float* data = out.data_ptr<float>();
  for (std::int64_t i = 0; i < n * k; ++i) {
    double z = rng.normal();
    while (std::abs(z) > tau) z = rng.normal();
    data[i] = static_cast<float>(z);
  }
  return out;
}

}  // namespace

GeneratorImpl::GeneratorImpl(const WganShape& shape) : shape_(shape) {
  const std::int64_t c = shape.capacity;
  project_ = register_module("project", nn::Linear(shape.latent, flat_features(shape)));
  norm0_ = register_module("norm0", nn::BatchNorm1d(flat_features(shape)));
  deconv2_ = register_module("deconv2", nn::ConvTranspose2d(nn::ConvTranspose2dOptions(2 * c, c, 4).stride(2).padding(1)));
  norm1_ = register_module("norm1", nn::BatchNorm2d(c));
  deconv1_ = register_module(
      "deconv1", nn::ConvTranspose2d(nn::ConvTranspose2dOptions(c, shape.image.channels, 4).stride(2).padding(1)));
}

torch::Tensor GeneratorImpl::forward(const torch::Tensor& z) {
  torch::Tensor h = torch::relu(norm0_(project_(z)));
  h = h.view({z.size(0), 2 * shape_.capacity, shape_.image.height / 4, shape_.image.width / 4});
  h = torch::relu(norm1_(deconv2_(h)));
  return torch::tanh(deconv1_(h));
}

CriticImpl::CriticImpl(const WganShape& shape) {
  const std::int64_t c = shape.capacity;
  conv1_ = register_module("conv1", nn::Conv2d(nn::Conv2dOptions(shape.image.channels, c, 4).stride(2).padding(1)));
  conv2_ = register_module("conv2", nn::Conv2d(nn::Conv2dOptions(c, 2 * c, 4).stride(2).padding(1)));
  score_ = register_module("score", nn::Linear(flat_features(shape), 1));
}

torch::Tensor CriticImpl::forward(const torch::Tensor& x) {
  torch::Tensor h = torch::leaky_relu(conv1_(x), 0.2);
  h = torch::leaky_relu(conv2_(h), 0.2).flatten(1);
  return score_(h).squeeze(1);
}

torch::Tensor gradient_penalty(Critic& critic, const torch::Tensor& real, const torch::Tensor& fake,
                               const torch::Tensor& e) {
  const torch::Tensor weight = e.view({-1, 1, 1, 1});
  const torch::Tensor mixed = (weight * real + (1.0 - weight) * fake).detach().requires_grad_(true);
  const torch::Tensor scores = critic(mixed);
  const torch::Tensor grad = torch::autograd::grad({scores}, {mixed}, {torch::ones_like(scores)},
                                                   /*retain_graph=*/true, /*create_graph=*/true)[0];
  return (grad.flatten(1).norm(2, 1) - 1.0).pow(2).mean();
}

double truncation_threshold(double bias) {
  OURO_CHECK(bias > 0.0 && bias <= 1.0, DataError, "wgan-gp: sampling bias {} is outside (0, 1]", bias);
  if (bias == 1.0) return std::numeric_limits<double>::infinity();
  // erf(tau / sqrt 2) rises from 0 to 1; bisection to double precision.
  double low = 0.0, high = 40.0;
  for (int i = 0; i < 200 && high - low > 1e-15; ++i) {
    const double mid = 0.5 * (low + high);
    (std::erf(mid / std::sqrt(2.0)) < bias ? low : high) = mid;
  }
  return 0.5 * (low + high);
}

WganNetImpl::WganNetImpl(const WganShape& shape) : shape_(shape) {
  generator = register_module("generator", Generator(shape));
  critic = register_module("critic", Critic(shape));
}

WganFamily::WganFamily(WganShape shape, NeuralTraining training) : shape_(shape), training_(training) {}

Capabilities WganFamily::capabilities() const {
  return {.samples = SampleKind::kImage, .density = false, .feature_embedding = true, .warm_start = true};
}

std::size_t WganFamily::min_samples(Eigen::Index) const { return 2; }

std::unique_ptr<GenerativeModel> WganFamily::fit_model(const Samples& data, Rng& rng, const GenerativeModel* start,
                                                       const GenerativeModel* /*generation0*/) const {
  use_one_thread();
  OURO_CHECK(data.image_shape() == shape_.image, DataError,
             "wgan-gp: training images are {} x {} x {}; the model was built for {} x {} x {}",
             data.image_shape().channels, data.image_shape().height, data.image_shape().width, shape_.image.channels,
             shape_.image.height, shape_.image.width);
  WganNet net(shape_);
  if (start != nullptr) {
    copy_parameters(*dynamic_cast<const WganModel&>(*start).net(), *net);
  } else {
    init_parameters(*net, rng);
  }
  net->to(training_.device);
  net->train();
  const auto options = torch::optim::AdamOptions(training_.lr).betas({0.5, 0.9}).weight_decay(training_.weight_decay);
  torch::optim::Adam critic_optimizer(net->critic->parameters(), options);
  torch::optim::Adam generator_optimizer(net->generator->parameters(), options);

  const auto n = static_cast<std::size_t>(data.size());
  std::vector<double> estimates;
  int critic_updates = 0;
  for (int epoch = 0; epoch < training_.epochs_from(start != nullptr); ++epoch) {
    const std::vector<std::size_t> order = shuffled_indices(n, rng);
    double estimate = 0.0;
    std::size_t batches = 0;
    for (std::size_t begin = 0; begin < n; begin += training_.batch) {
      const std::span<const std::size_t> batch(order.data() + begin, std::min(training_.batch, n - begin));
      const auto m = static_cast<std::int64_t>(batch.size());
      if (m < 2) continue;  // BatchNorm needs two images; a last minibatch of one is skipped
      const torch::Tensor real = to_signed_unit(images_tensor(data, batch), shape_.image).to(training_.device);
      const torch::Tensor z = normal_tensor({m, shape_.latent}, rng).to(training_.device);
      const torch::Tensor e = uniform_tensor(m, rng).to(training_.device);
      const torch::Tensor fake = net->generator(z).detach();
      const torch::Tensor wasserstein = net->critic(real).mean() - net->critic(fake).mean();
      torch::Tensor critic_loss =
          -wasserstein + shape_.gradient_penalty * gradient_penalty(net->critic, real, fake, e);
      critic_optimizer.zero_grad();
      critic_loss.backward();
      critic_optimizer.step();
      estimate += wasserstein.item<double>();
      ++batches;
      if (++critic_updates % shape_.critic_steps != 0) continue;
      const torch::Tensor z_generator = normal_tensor({m, shape_.latent}, rng).to(training_.device);
      torch::Tensor generator_loss = -net->critic(net->generator(z_generator)).mean();
      generator_optimizer.zero_grad();
      generator_loss.backward();
      generator_optimizer.step();
    }
    const double mean = batches == 0 ? 0.0 : estimate / static_cast<double>(batches);
    OURO_CHECK(std::isfinite(mean), DataError, "wgan-gp: the critic's loss diverged (not finite) in epoch {}", epoch + 1);
    estimates.push_back(mean);
  }
  net->eval();
  return std::make_unique<WganModel>(std::move(net), training_.device, std::move(estimates));
}

std::unique_ptr<GenerativeModel> WganFamily::decode(std::string_view bytes) const {
  WganNet net(shape_);
  load_parameters(*net, bytes, "wgan-gp checkpoint");
  net->to(training_.device);
  net->eval();
  return std::make_unique<WganModel>(std::move(net), training_.device, std::vector<double>{});
}

WganModel::WganModel(WganNet net, torch::Device device, std::vector<double> epoch_estimates)
    : net_(std::move(net)), device_(device), epoch_estimates_(std::move(epoch_estimates)) {}

Eigen::Index WganModel::dim() const { return static_cast<Eigen::Index>(net_->shape().image.pixels()); }

Samples WganModel::draw(std::size_t n, double bias, Rng& rng) const {
  const double tau = truncation_threshold(bias);
  torch::NoGradGuard no_grad;
  const WganShape& shape = net_->shape();
  const torch::Tensor z = truncated_latents(static_cast<std::int64_t>(n), shape.latent, tau, rng);
  std::vector<torch::Tensor> parts;
  for (std::int64_t begin = 0; begin < static_cast<std::int64_t>(n); begin += kChunk) {
    const std::int64_t end = std::min<std::int64_t>(begin + kChunk, static_cast<std::int64_t>(n));
    parts.push_back(from_signed_unit(net_->generator(z.slice(0, begin, end).to(device_)), shape.image).cpu());
  }
  if (parts.empty()) return Samples(shape.image, {});
  return images_from_tensor(torch::cat(parts), shape.image);
}

Matrix WganModel::sample(std::size_t n, double bias, Rng& rng) const { return draw(n, bias, rng).image_rows(); }

Vector WganModel::log_prob(const Matrix&) const {
  throw DataError("wgan-gp: a GAN has no density, so log_prob is undefined");
}

std::string WganModel::encode() const { return save_parameters(*net_); }

}  // namespace ouro::neural
