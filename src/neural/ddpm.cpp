// The conditional DDPM family (see ddpm.hpp).
#include "ddpm.hpp"

#include <cmath>

#include <fmt/format.h>

#include "ouro/core/error.hpp"
#include "ouro/models/alias_table.hpp"

namespace ouro::neural {
namespace {

// Images denoised per forward pass when sampling. The noise is drawn chunk by chunk, so this
// constant is part of what a seed produces (it never depends on the thread count).
constexpr std::int64_t kChunk = 256;

torch::Tensor as_tensor(const std::vector<double>& values) {
  return torch::tensor(values, torch::kFloat64).to(torch::kFloat32);
}

torch::Tensor int64_tensor(const std::vector<std::int64_t>& values) {
  return torch::tensor(values, torch::kInt64);
}

}  // namespace

DdpmNetImpl::DdpmNetImpl(const DdpmShape& shape) : shape_(shape) {
  if (shape.space == DiffusionSpace::kPixel) {
    unet = register_module("unet", Unet(UnetShape{static_cast<int>(shape.image.channels), static_cast<int>(shape.image.height),
                                                   static_cast<int>(shape.image.width), shape.features, shape.classes}));
  } else {
    denoiser = register_module("denoiser", LatentDenoiser(LatentDenoiserShape{shape.autoencoder.latent, 8 * shape.features,
                                                                              shape.classes}));
    autoencoder = register_module("autoencoder", VaeNet(shape.autoencoder));
  }
  const DiffusionSchedule schedule = DiffusionSchedule::linear(shape.steps);
  std::vector<double> root(schedule.alpha_bars()), root_complement(schedule.alpha_bars());
  for (double& a : root) a = std::sqrt(a);
  for (double& a : root_complement) a = std::sqrt(1.0 - a);
  sqrt_alpha_bars = register_buffer("sqrt_alpha_bars", as_tensor(root));
  sqrt_one_minus_alpha_bars = register_buffer("sqrt_one_minus_alpha_bars", as_tensor(root_complement));
  label_shares = register_buffer("label_shares", torch::zeros({shape.classes + 1}, torch::kFloat32));
  if (shape.space == DiffusionSpace::kLatent) {
    latent_mean = register_buffer("latent_mean", torch::zeros({shape.autoencoder.latent}, torch::kFloat32));
    latent_std = register_buffer("latent_std", torch::ones({shape.autoencoder.latent}, torch::kFloat32));
  }
}

torch::Tensor DdpmNetImpl::predict_noise(const torch::Tensor& x, const torch::Tensor& t, const torch::Tensor& labels) {
  return shape_.space == DiffusionSpace::kPixel ? unet(x, t, labels) : denoiser(x, t, labels);
}

torch::Tensor DdpmNetImpl::loss(const torch::Tensor& x0, const torch::Tensor& t, const torch::Tensor& labels,
                                const torch::Tensor& eps) {
  std::vector<std::int64_t> broadcast(static_cast<std::size_t>(x0.dim()), 1);
  broadcast[0] = -1;
  const torch::Tensor a = sqrt_alpha_bars.index_select(0, t).view(broadcast);
  const torch::Tensor s = sqrt_one_minus_alpha_bars.index_select(0, t).view(broadcast);
  return torch::mse_loss(predict_noise(a * x0 + s * eps, t, labels), eps);
}

DdpmFamily::DdpmFamily(DdpmShape shape, NeuralTraining training) : shape_(shape), training_(training) {
  // The sampling chain is checked here, once, rather than at the first draw.
  (void)DiffusionSchedule::linear(shape_.steps).respace(shape_.sampling_steps);
}

Capabilities DdpmFamily::capabilities() const {
  return {.samples = SampleKind::kImage, .density = false, .feature_embedding = true, .warm_start = true,
          .labelled_samples = shape_.classes > 0, .fits_from_generation0 = shape_.space == DiffusionSpace::kLatent};
}

namespace {

// The encoder means of every image of `data`, N x k (no gradients; chunked to bound memory).
torch::Tensor encode_all(VaeNet& autoencoder, const Samples& data, torch::Device device) {
  torch::NoGradGuard no_grad;
  const auto n = static_cast<std::size_t>(data.size());
  std::vector<torch::Tensor> parts;
  std::vector<std::size_t> indices;
  for (std::size_t begin = 0; begin < n; begin += static_cast<std::size_t>(kChunk)) {
    indices.clear();
    for (std::size_t i = begin; i < std::min(begin + static_cast<std::size_t>(kChunk), n); ++i) indices.push_back(i);
    parts.push_back(autoencoder->encode(images_tensor(data, indices).to(device)).first);
  }
  return torch::cat(parts);
}

}  // namespace

void DdpmFamily::prepare_autoencoder(DdpmNet& net, const Samples& data, Rng& rng, const GenerativeModel* generation0) const {
  if (generation0 != nullptr) {
    torch::NoGradGuard no_grad;
    // Generation 0's autoencoder and standardisation, frozen.
    const DdpmNet& first = dynamic_cast<const DdpmModel&>(*generation0).net();
    copy_parameters(*first->autoencoder, *net->autoencoder);
    net->latent_mean.copy_(first->latent_mean);
    net->latent_std.copy_(first->latent_std);
    return;
  }
  NeuralTraining training = training_;
  training.epochs = shape_.autoencoder_epochs;
  const auto trained = VaeFamily(shape_.autoencoder, training).fit(data, rng);
  torch::NoGradGuard no_grad;
  copy_parameters(*dynamic_cast<const VaeModel&>(*trained).net(), *net->autoencoder);
  net->autoencoder->to(training_.device);
  const torch::Tensor means = encode_all(net->autoencoder, data, training_.device);
  net->latent_mean.copy_(means.mean(0));
  // A coordinate the encoder never varies keeps scale 1 rather than dividing by 0.
  const torch::Tensor spread = means.std(0);
  net->latent_std.copy_(torch::where(spread > 1e-6, spread, torch::ones_like(spread)));
}

// The latent standardisation needs a spread: two images.
std::size_t DdpmFamily::min_samples(Eigen::Index) const { return shape_.space == DiffusionSpace::kLatent ? 2 : 1; }

std::unique_ptr<GenerativeModel> DdpmFamily::fit_model(const Samples& data, Rng& rng, const GenerativeModel* start,
                                                       const GenerativeModel* generation0) const {
  use_one_thread();
  OURO_CHECK(data.image_shape() == shape_.image, DataError,
             "ddpm: training images are {} x {} x {}; the model was built for {} x {} x {}", data.image_shape().channels,
             data.image_shape().height, data.image_shape().width, shape_.image.channels, shape_.image.height,
             shape_.image.width);
  const auto n = static_cast<std::size_t>(data.size());
  const auto labels = data.labels();
  std::vector<double> shares(static_cast<std::size_t>(shape_.classes) + 1, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    const std::int32_t label = labels.empty() ? shape_.classes : labels[i];
    OURO_CHECK(labels.empty() || label < shape_.classes, DataError,
               "ddpm: training image {} has label {}; the model conditions on labels 0 .. {}", i, label,
               shape_.classes - 1);
    shares[static_cast<std::size_t>(label)] += 1.0 / static_cast<double>(n);
  }

  DdpmNet net(shape_);
  if (start != nullptr) {
    copy_parameters(*dynamic_cast<const DdpmModel&>(*start).net(), *net);
  } else if (shape_.space == DiffusionSpace::kPixel) {
    init_parameters(*net->unet, rng);
  } else {
    init_parameters(*net->denoiser, rng);
  }
  {
    torch::NoGradGuard no_grad;
    net->label_shares.copy_(as_tensor(shares));
  }
  net->to(training_.device);
  // The clean x_0 the denoiser learns: images in [-1, 1], or standardised latents computed once.
  torch::Tensor latents;
  if (shape_.space == DiffusionSpace::kLatent) {
    prepare_autoencoder(net, data, rng, generation0);
    latents = (encode_all(net->autoencoder, data, training_.device) - net->latent_mean) / net->latent_std;
  }
  auto clean = [&](std::span<const std::size_t> batch) {
    if (shape_.space == DiffusionSpace::kPixel) {
      return to_signed_unit(images_tensor(data, batch), shape_.image).to(training_.device);
    }
    std::vector<std::int64_t> rows(batch.begin(), batch.end());
    return latents.index_select(0, int64_tensor(rows).to(training_.device));
  };
  net->train();
  if (net->autoencoder) net->autoencoder->eval();
  torch::optim::Adam optimizer(shape_.space == DiffusionSpace::kPixel ? net->unet->parameters() : net->denoiser->parameters(),
                               torch::optim::AdamOptions(training_.lr).weight_decay(training_.weight_decay));
  std::vector<double> epoch_losses;
  std::vector<std::int64_t> steps, conditions;
  for (int epoch = 0; epoch < training_.epochs_from(start != nullptr); ++epoch) {
    const std::vector<std::size_t> order = shuffled_indices(n, rng);
    double total = 0.0;
    for (std::size_t begin = 0; begin < n; begin += training_.batch) {
      const std::span<const std::size_t> batch(order.data() + begin, std::min(training_.batch, n - begin));
      steps.clear();
      conditions.clear();
      for (const std::size_t i : batch) {
        steps.push_back(static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(shape_.steps))));
        const bool dropped = labels.empty() || rng.uniform() < shape_.condition_dropout;
        conditions.push_back(dropped ? shape_.classes : labels[i]);
      }
      const torch::Tensor x0 = clean(batch);
      const torch::Tensor eps = normal_tensor(x0.sizes(), rng).to(training_.device);
      optimizer.zero_grad();
      torch::Tensor loss = net->loss(x0, int64_tensor(steps).to(training_.device),
                                     int64_tensor(conditions).to(training_.device), eps);
      loss.backward();
      optimizer.step();
      total += loss.item<double>() * static_cast<double>(batch.size());
    }
    OURO_CHECK(std::isfinite(total), DataError, "ddpm: the training loss diverged (not finite) in epoch {}", epoch + 1);
    epoch_losses.push_back(total / static_cast<double>(n));
  }
  net->eval();
  return std::make_unique<DdpmModel>(std::move(net), training_.device, std::move(epoch_losses));
}

std::unique_ptr<GenerativeModel> DdpmFamily::decode(std::string_view bytes) const {
  DdpmNet net(shape_);
  load_parameters(*net, bytes, "ddpm checkpoint");
  net->to(training_.device);
  net->eval();
  return std::make_unique<DdpmModel>(std::move(net), training_.device, std::vector<double>{});
}

DdpmModel::DdpmModel(DdpmNet net, torch::Device device, std::vector<double> epoch_losses)
    : net_(std::move(net)),
      device_(device),
      chain_(DiffusionSchedule::linear(net_->shape().steps).respace(net_->shape().sampling_steps)),
      epoch_losses_(std::move(epoch_losses)) {}

Eigen::Index DdpmModel::dim() const { return static_cast<Eigen::Index>(net_->shape().image.pixels()); }

torch::Tensor DdpmModel::guided_noise(const torch::Tensor& x, const torch::Tensor& t, const torch::Tensor& labels,
                                      double guidance) const {
  if (guidance == 0.0) return net_->predict_noise(x, t, labels);
  // The conditional and the unconditional estimate in one pass over twice the batch.
  const torch::Tensor none = torch::full_like(labels, net_->shape().classes);
  const std::vector<torch::Tensor> both =
      net_->predict_noise(torch::cat({x, x}), torch::cat({t, t}), torch::cat({labels, none})).chunk(2);
  return (1.0 + guidance) * both[0] - guidance * both[1];
}

Samples DdpmModel::draw(std::size_t n, double bias, Rng& rng) const {
  const double guidance = guidance_weight(bias);
  torch::NoGradGuard no_grad;
  const DdpmShape& shape = net_->shape();
  // Labels first, for all n, from the label shares the fit learned.
  const torch::Tensor shares = net_->label_shares.to(torch::kCPU, torch::kFloat64).contiguous();
  const bool unlabelled = shares[shape.classes].item<double>() > 0.0;
  std::vector<std::int32_t> labels(n, shape.classes);
  if (!unlabelled) {
    const AliasTable table(Eigen::Map<const Vector>(shares.data_ptr<double>(), shape.classes));
    for (auto& label : labels) label = static_cast<std::int32_t>(table.draw(rng));
  }
  std::vector<torch::Tensor> parts;
  for (std::int64_t begin = 0; begin < static_cast<std::int64_t>(n); begin += kChunk) {
    const std::int64_t size = std::min<std::int64_t>(kChunk, static_cast<std::int64_t>(n) - begin);
    const torch::Tensor chunk_labels =
        torch::tensor(std::vector<std::int64_t>(labels.begin() + begin, labels.begin() + begin + size), torch::kInt64)
            .to(device_);
    const bool latent = shape.space == DiffusionSpace::kLatent;
    const std::vector<std::int64_t> size_of_x =
        latent ? std::vector<std::int64_t>{size, shape.autoencoder.latent}
               : std::vector<std::int64_t>{size, shape.image.channels, shape.image.height, shape.image.width};
    torch::Tensor x = normal_tensor(size_of_x, rng).to(device_);
    for (std::size_t i = chain_.timesteps.size(); i-- > 0;) {
      const torch::Tensor t = torch::full({size}, chain_.timesteps[i], torch::kInt64).to(device_);
      const torch::Tensor eps = guided_noise(x, t, chunk_labels, guidance);
      torch::Tensor x0 = (x - std::sqrt(1.0 - chain_.alpha_bars[i]) * eps) / std::sqrt(chain_.alpha_bars[i]);
      if (!latent) x0 = x0.clamp(-1.0, 1.0);  // pixels have a range; standardised latents do not
      x = chain_.coef_x0[i] * x0 + chain_.coef_xt[i] * x;
      if (i > 0) x = x + std::sqrt(chain_.posterior_variances[i]) * normal_tensor(size_of_x, rng).to(device_);
    }
    parts.push_back(latent ? net_->autoencoder->decode(x * net_->latent_std + net_->latent_mean).cpu()
                           : from_signed_unit(x, shape.image).cpu());
  }
  if (parts.empty()) return Samples(shape.image, {});
  const Samples images = images_from_tensor(torch::cat(parts), shape.image);
  if (unlabelled) return images;
  return Samples(shape.image, std::vector<std::uint8_t>(images.levels().begin(), images.levels().end()), std::move(labels));
}

Matrix DdpmModel::sample(std::size_t n, double bias, Rng& rng) const { return draw(n, bias, rng).image_rows(); }

Vector DdpmModel::log_prob(const Matrix&) const {
  throw DataError("ddpm: the model has no tractable density (its variational bound is only a bound), so log_prob is undefined");
}

std::string DdpmModel::encode() const { return save_parameters(*net_); }

}  // namespace ouro::neural
