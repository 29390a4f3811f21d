// make_neural_family: the name table of the neural library's families (vae; ddpm and wgan-gp to
// come), each reading its [model] keys and checking that the truth gives it images it can model.
#pragma once

#include <memory>

#include "ouro/models/generative_model.hpp"

namespace ouro::neural {

std::unique_ptr<ModelFamily> make_neural_family(const Config& config, const Truth& truth);

}  // namespace ouro::neural
