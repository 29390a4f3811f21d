// The neural families' constructors (see neural_families.hpp).
#include "neural_families.hpp"

#include <fmt/format.h>

#include "ouro/core/config.hpp"
#include "ouro/models/truth.hpp"
#include "vae.hpp"

namespace ouro::neural {
namespace {

const ImageShape& require_images(const Config& config, const Truth& truth, std::string_view family) {
  const ImageShape* shape = truth.image_shape();
  if (shape == nullptr) {
    config.fail("model.family", fmt::format("a {} model needs an image truth (truth.kind = \"mnist\" or "
                                            "\"fashion-mnist\"), but truth.kind is \"{}\"",
                                            family, truth.kind()));
  }
  return *shape;
}

std::unique_ptr<ModelFamily> make_vae(const Config& config, const Truth& truth) {
  VaeShape shape;
  shape.image = require_images(config, truth, "vae");
  if (shape.image.height % 4 != 0 || shape.image.width % 4 != 0) {
    config.fail("model.family", fmt::format("a vae model halves the image size twice, so height and width must be "
                                            "multiples of 4; the truth's images are {} x {}",
                                            shape.image.height, shape.image.width));
  }
  if (shape.image.low != 0.0f || shape.image.high != 1.0f) {
    config.fail("model.family", fmt::format("a vae model's Bernoulli decoder needs image values in [0, 1]; the "
                                            "truth's are in [{}, {}]",
                                            shape.image.low, shape.image.high));
  }
  shape.capacity = static_cast<int>(config.integer("model.capacity"));
  shape.latent = static_cast<int>(config.integer("model.latent"));
  if (shape.capacity < 1) config.fail("model.capacity", "expected at least 1 channel");
  if (shape.latent < 1) config.fail("model.latent", "expected at least 1 latent dimension");
  return std::make_unique<VaeFamily>(shape, NeuralTraining::from(config));
}

}  // namespace

std::unique_ptr<ModelFamily> make_neural_family(const Config& config, const Truth& truth) {
  const std::string& name = config.text("model.family");
  if (name == "vae") return make_vae(config, truth);
  config.fail("model.family", fmt::format("the {} family is not built yet in this version of the neural library", name));
}

}  // namespace ouro::neural
