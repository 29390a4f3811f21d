// The feature network's trainer (see feature_trainer.hpp).
#include "feature_trainer.hpp"

#include <cmath>

#include <fmt/format.h>

#include "ouro/core/error.hpp"
#include "ouro/io/array_file.hpp"

namespace ouro::neural {
namespace {

namespace nn = torch::nn;

const ImageShape kDigitShape{1, 28, 28, 0.0f, 1.0f};

torch::Tensor labels_tensor(const Samples& images, std::span<const std::size_t> indices) {
  const std::span<const std::int32_t> labels = images.labels();
  torch::Tensor out = torch::empty({static_cast<std::int64_t>(indices.size())}, torch::kInt64);
  auto* data = out.data_ptr<std::int64_t>();
  for (std::size_t i = 0; i < indices.size(); ++i) data[i] = labels[indices[i]];
  return out;
}

void check_labelled_digits(const Samples* images, std::string_view what) {
  OURO_CHECK(images != nullptr && images->size() > 0, DataError, "feature network: no {} images", what);
  OURO_CHECK(images->image_shape().channels == 1 && images->image_shape().height == 28 &&
                 images->image_shape().width == 28,
             DataError, "feature network: {} images are {} x {} x {}; it reads 1 x 28 x 28", what,
             images->image_shape().channels, images->image_shape().height, images->image_shape().width);
  OURO_CHECK(images->has_labels(), DataError, "feature network: the {} images carry no labels", what);
  for (const std::int32_t label : images->labels())
    OURO_CHECK(label >= 0 && label < 10, DataError, "feature network: {} label {} is outside 0..9", what, label);
}

double accuracy(LeNet& net, const Samples& test) {
  torch::NoGradGuard no_grad;
  net->eval();
  const auto n = static_cast<std::size_t>(test.size());
  std::size_t correct = 0;
  std::vector<std::size_t> indices;
  for (std::size_t begin = 0; begin < n; begin += 1000) {
    indices.clear();
    for (std::size_t i = begin; i < std::min<std::size_t>(begin + 1000, n); ++i) indices.push_back(i);
    const torch::Tensor predicted = net->forward(images_tensor(test, indices)).argmax(1);
    correct += static_cast<std::size_t>(predicted.eq(labels_tensor(test, indices)).sum().item<std::int64_t>());
  }
  return static_cast<double>(correct) / static_cast<double>(n);
}

}  // namespace

LeNetImpl::LeNetImpl() {
  conv1_ = register_module("conv1", nn::Conv2d(nn::Conv2dOptions(1, 6, 5).padding(2)));
  conv2_ = register_module("conv2", nn::Conv2d(nn::Conv2dOptions(6, 16, 5)));
  fc1_ = register_module("fc1", nn::Linear(400, 120));
  fc2_ = register_module("fc2", nn::Linear(120, 84));
  fc3_ = register_module("fc3", nn::Linear(84, 10));
}

torch::Tensor LeNetImpl::features(const torch::Tensor& x) {
  torch::Tensor h = torch::max_pool2d(torch::relu(conv1_(x)), 2);
  h = torch::max_pool2d(torch::relu(conv2_(h)), 2).flatten(1);
  return torch::relu(fc2_(torch::relu(fc1_(h))));
}

torch::Tensor LeNetImpl::forward(const torch::Tensor& x) { return fc3_(features(x)); }

std::vector<float> flat_parameters(torch::nn::Module& net) {
  std::vector<float> flat;
  for (const torch::Tensor& p : net.parameters()) {
    const torch::Tensor c = p.detach().to(torch::kCPU, torch::kFloat32).contiguous();
    flat.insert(flat.end(), c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
  }
  return flat;
}

FeatureTrainingResult train_feature_network(const FeatureTrainingRequest& request) {
  use_one_thread();
  check_labelled_digits(request.train, "training");
  check_labelled_digits(request.test, "test");
  OURO_CHECK(request.epochs >= 1 && request.batch >= 1 && request.lr > 0.0, DataError,
             "feature network: epochs {}, batch {} and learning rate {} must all be positive", request.epochs,
             request.batch, request.lr);
  Rng rng(request.seed, StreamKey{Purpose::kFit, 0, 0, 0});
  LeNet net;
  init_parameters(*net, rng);
  torch::optim::Adam optimizer(net->parameters(), torch::optim::AdamOptions(request.lr));
  const Samples& train = *request.train;
  const auto n = static_cast<std::size_t>(train.size());
  FeatureTrainingResult result;
  for (int epoch = 0; epoch < request.epochs; ++epoch) {
    net->train();
    const std::vector<std::size_t> order = shuffled_indices(n, rng);
    double total = 0.0;
    for (std::size_t begin = 0; begin < n; begin += request.batch) {
      const std::span<const std::size_t> batch(order.data() + begin, std::min(request.batch, n - begin));
      optimizer.zero_grad();
      torch::Tensor loss = torch::cross_entropy_loss(net->forward(images_tensor(train, batch)), labels_tensor(train, batch));
      loss.backward();
      optimizer.step();
      total += loss.item<double>() * static_cast<double>(batch.size());
    }
    OURO_CHECK(std::isfinite(total), DataError, "feature network: the training loss diverged in epoch {}", epoch + 1);
    result.epoch_losses.push_back(total / static_cast<double>(n));
  }
  result.test_accuracy = accuracy(net, *request.test);
  write_npy(request.out, flat_parameters(*net));
  return result;
}

}  // namespace ouro::neural
