// NeuralTraining: the optimiser settings every neural family reads from [model] and [run], checked
// once when the family is built.
#pragma once

#include <cstddef>

#include <torch/torch.h>

namespace ouro {

class Config;

namespace neural {

struct NeuralTraining {
  int epochs = 10;           // model.epochs: fits from scratch
  int finetune_epochs = 10;  // model.finetune_epochs (0 in the config: epochs): fits from an earlier model
  std::size_t batch = 128;   // model.batch
  double lr = 1e-3;          // model.lr (Adam)
  double weight_decay = 1e-5;  // model.weight_decay (Adam's L2 term)
  torch::Device device = torch::kCPU;  // run.device

  static NeuralTraining from(const Config& config);
  int epochs_from(bool warm_start) const { return warm_start ? finetune_epochs : epochs; }
};

}  // namespace neural
}  // namespace ouro
