// make_neural_family: the name table of the neural library's families (vae, ddpm, wgan-gp,
// transformer), each reading its [model] keys and checking that the truth gives it the samples it
// models (images, or token blocks for the transformer).
#pragma once

#include <memory>

#include "ouro/models/generative_model.hpp"

namespace ouro::neural {

std::unique_ptr<ModelFamily> make_neural_family(const Config& config, const Truth& truth);

}  // namespace ouro::neural
