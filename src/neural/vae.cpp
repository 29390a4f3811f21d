// Shumailov et al.'s convolutional VAE (see vae.hpp).
#include "vae.hpp"

#include <cmath>

#include <fmt/format.h>

#include "ouro/core/error.hpp"

namespace ouro::neural {
namespace {

namespace nn = torch::nn;

// Images decoded per forward pass when sampling or encoding: bounds memory, not results.
constexpr std::int64_t kChunk = 512;

std::int64_t flat_features(const VaeShape& s) {
  return 2LL * s.capacity * (s.image.height / 4) * (s.image.width / 4);
}

}  // namespace

VaeNetImpl::VaeNetImpl(const VaeShape& shape) : shape_(shape) {
  const std::int64_t c = shape.capacity, channels = shape.image.channels;
  conv1_ = register_module("conv1", nn::Conv2d(nn::Conv2dOptions(channels, c, 4).stride(2).padding(1)));
  conv2_ = register_module("conv2", nn::Conv2d(nn::Conv2dOptions(c, 2 * c, 4).stride(2).padding(1)));
  fc_mu_ = register_module("fc_mu", nn::Linear(flat_features(shape), shape.latent));
  fc_logvar_ = register_module("fc_logvar", nn::Linear(flat_features(shape), shape.latent));
  fc_decode_ = register_module("fc_decode", nn::Linear(shape.latent, flat_features(shape)));
  deconv2_ = register_module("deconv2", nn::ConvTranspose2d(nn::ConvTranspose2dOptions(2 * c, c, 4).stride(2).padding(1)));
  deconv1_ = register_module("deconv1",
                             nn::ConvTranspose2d(nn::ConvTranspose2dOptions(c, channels, 4).stride(2).padding(1)));
}

std::pair<torch::Tensor, torch::Tensor> VaeNetImpl::encode(const torch::Tensor& x) {
  torch::Tensor h = torch::relu(conv1_(x));
  h = torch::relu(conv2_(h)).flatten(1);
  return {fc_mu_(h), fc_logvar_(h)};
}

torch::Tensor VaeNetImpl::decode(const torch::Tensor& z) {
  torch::Tensor h = fc_decode_(z).view({z.size(0), 2 * shape_.capacity, shape_.image.height / 4, shape_.image.width / 4});
  h = torch::relu(deconv2_(h));
  return torch::sigmoid(deconv1_(h));
}

torch::Tensor VaeNetImpl::loss(const torch::Tensor& x, const torch::Tensor& eps) {
  auto [mu, logvar] = encode(x);
  const torch::Tensor z = mu + torch::exp(0.5 * logvar) * eps;
  const torch::Tensor reconstruction = decode(z);
  const torch::Tensor bce = torch::binary_cross_entropy(reconstruction, x, {}, at::Reduction::Sum);
  const torch::Tensor kl = -0.5 * torch::sum(1 + logvar - mu.pow(2) - logvar.exp());
  return bce + kl;
}

VaeFamily::VaeFamily(VaeShape shape, NeuralTraining training) : shape_(shape), training_(training) {}

Capabilities VaeFamily::capabilities() const {
  return {.samples = SampleKind::kImage, .density = false, .feature_embedding = true, .warm_start = true,
          .latent_encoder = true};
}

std::size_t VaeFamily::min_samples(Eigen::Index) const { return 1; }

std::unique_ptr<GenerativeModel> VaeFamily::fit_model(const Samples& data, Rng& rng, const GenerativeModel* start,
                                                      const GenerativeModel* /*generation0*/) const {
  use_one_thread();
  OURO_CHECK(data.image_shape() == shape_.image, DataError,
             "vae: training images are {} x {} x {}; the model was built for {} x {} x {}", data.image_shape().channels,
             data.image_shape().height, data.image_shape().width, shape_.image.channels, shape_.image.height,
             shape_.image.width);
  VaeNet net(shape_);
  if (start != nullptr) {
    copy_parameters(*dynamic_cast<const VaeModel&>(*start).net(), *net);
  } else {
    init_parameters(*net, rng);
  }
  net->to(training_.device);
  net->train();
  torch::optim::Adam optimizer(net->parameters(),
                               torch::optim::AdamOptions(training_.lr).weight_decay(training_.weight_decay));
  const auto n = static_cast<std::size_t>(data.size());
  std::vector<double> epoch_losses;
  for (int epoch = 0; epoch < training_.epochs_from(start != nullptr); ++epoch) {
    const std::vector<std::size_t> order = shuffled_indices(n, rng);
    double total = 0.0;
    for (std::size_t begin = 0; begin < n; begin += training_.batch) {
      const std::span<const std::size_t> batch(order.data() + begin, std::min(training_.batch, n - begin));
      const torch::Tensor x = images_tensor(data, batch).to(training_.device);
      const torch::Tensor eps =
          normal_tensor({static_cast<std::int64_t>(batch.size()), shape_.latent}, rng).to(training_.device);
      optimizer.zero_grad();
      torch::Tensor loss = net->loss(x, eps);
      loss.backward();
      optimizer.step();
      total += loss.item<double>();
    }
    OURO_CHECK(std::isfinite(total), DataError, "vae: the training loss diverged (not finite) in epoch {}", epoch + 1);
    epoch_losses.push_back(total / static_cast<double>(n));
  }
  net->eval();
  return std::make_unique<VaeModel>(std::move(net), training_.device, std::move(epoch_losses));
}

std::unique_ptr<GenerativeModel> VaeFamily::decode(std::string_view bytes) const {
  VaeNet net(shape_);
  load_parameters(*net, bytes, "vae checkpoint");
  net->to(training_.device);
  net->eval();
  return std::make_unique<VaeModel>(std::move(net), training_.device, std::vector<double>{});
}

VaeModel::VaeModel(VaeNet net, torch::Device device, std::vector<double> epoch_losses)
    : net_(std::move(net)), device_(device), epoch_losses_(std::move(epoch_losses)) {}

Eigen::Index VaeModel::dim() const { return static_cast<Eigen::Index>(net_->shape().image.pixels()); }

Samples VaeModel::draw(std::size_t n, double bias, Rng& rng) const {
  OURO_CHECK(bias > 0.0 && bias <= 1.0, DataError, "vae: sampling bias {} is outside (0, 1]", bias);
  torch::NoGradGuard no_grad;
  const VaeShape& shape = net_->shape();
  // All noise first, in one draw order, so the samples do not depend on the chunking.
  const torch::Tensor z = normal_tensor({static_cast<std::int64_t>(n), shape.latent}, rng) * std::sqrt(bias);
  std::vector<torch::Tensor> parts;
  for (std::int64_t begin = 0; begin < static_cast<std::int64_t>(n); begin += kChunk) {
    const std::int64_t end = std::min<std::int64_t>(begin + kChunk, static_cast<std::int64_t>(n));
    parts.push_back(net_->decode(z.slice(0, begin, end).to(device_)).cpu());
  }
  if (parts.empty()) return Samples(shape.image, {});
  return images_from_tensor(torch::cat(parts), shape.image);
}

Matrix VaeModel::sample(std::size_t n, double bias, Rng& rng) const { return draw(n, bias, rng).image_rows(); }

Vector VaeModel::log_prob(const Matrix&) const {
  throw DataError("vae: the model has no tractable density (its ELBO is only a bound), so log_prob is undefined");
}

std::optional<Matrix> VaeModel::latent_means(const Samples& images) const {
  torch::NoGradGuard no_grad;
  const VaeShape& shape = net_->shape();
  OURO_CHECK(images.image_shape() == shape.image, DataError, "vae: cannot encode images of another shape");
  const auto n = static_cast<std::size_t>(images.size());
  Matrix means(images.size(), shape.latent);
  std::vector<std::size_t> indices;
  for (std::size_t begin = 0; begin < n; begin += kChunk) {
    indices.clear();
    for (std::size_t i = begin; i < std::min<std::size_t>(begin + kChunk, n); ++i) indices.push_back(i);
    const torch::Tensor mu = net_->encode(images_tensor(images, indices).to(device_)).first.to(torch::kCPU, torch::kFloat64).contiguous();
    const double* data = mu.data_ptr<double>();
    for (std::size_t i = 0; i < indices.size(); ++i)
      for (int k = 0; k < shape.latent; ++k) means(static_cast<Eigen::Index>(begin + i), k) = data[i * shape.latent + k];
  }
  return means;
}

std::string VaeModel::encode() const { return save_parameters(*net_); }

}  // namespace ouro::neural
