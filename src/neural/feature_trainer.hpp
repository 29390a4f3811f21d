// Training the feature network: the LeNet-5 whose penultimate activations the image metrics use
// (include/ouro/metrics/feature_network.hpp holds its architecture, weights format and the forward
// pass, which needs no torch). This is the same network in torch, trained by Adam on cross-entropy
// with minibatch order and initial weights from one Philox stream of the request's seed and one
// thread, so the weights file is reproducible: same seed, same LibTorch, same bytes.
#pragma once

#include "ouro/models/neural_library.hpp"
#include "torch_runtime.hpp"

namespace ouro::neural {

class LeNetImpl : public torch::nn::Module {
 public:
  LeNetImpl();
  // Logits N x 10 of images N x 1 x 28 x 28.
  torch::Tensor forward(const torch::Tensor& x);
  // The 84 features after fc2's ReLU.
  torch::Tensor features(const torch::Tensor& x);

 private:
  torch::nn::Conv2d conv1_{nullptr}, conv2_{nullptr};
  torch::nn::Linear fc1_{nullptr}, fc2_{nullptr}, fc3_{nullptr};
};
TORCH_MODULE(LeNet);

// Trains the network of `request`, writes its weights and reports the test accuracy (DataError for
// unlabelled or mis-shaped images).
FeatureTrainingResult train_feature_network(const FeatureTrainingRequest& request);

// Every parameter of `net` in registration order, flattened: the weights file's layout.
std::vector<float> flat_parameters(torch::nn::Module& net);

}  // namespace ouro::neural
