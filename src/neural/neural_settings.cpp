// Reading NeuralTraining from a config (see neural_settings.hpp).
#include "neural_settings.hpp"

#include <cmath>

#include "ouro/core/config.hpp"
#include "torch_runtime.hpp"

namespace ouro::neural {

NeuralTraining NeuralTraining::from(const Config& config) {
  NeuralTraining t;
  t.epochs = static_cast<int>(config.integer("model.epochs"));
  const auto finetune = config.integer("model.finetune_epochs");
  t.finetune_epochs = finetune == 0 ? t.epochs : static_cast<int>(finetune);
  t.batch = static_cast<std::size_t>(config.integer("model.batch"));
  t.lr = config.real("model.lr");
  t.weight_decay = config.real("model.weight_decay");
  if (t.epochs < 1) config.fail("model.epochs", "expected at least 1 epoch");
  if (t.batch < 1) config.fail("model.batch", "expected a minibatch of at least 1");
  if (!(t.lr > 0.0) || !std::isfinite(t.lr)) config.fail("model.lr", "expected a learning rate > 0");
  if (!(t.weight_decay >= 0.0) || !std::isfinite(t.weight_decay)) config.fail("model.weight_decay", "expected >= 0");
  t.device = device_from_config(config);
  return t;
}

}  // namespace ouro::neural
