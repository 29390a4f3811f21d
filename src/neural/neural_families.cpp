// The neural families' constructors (see neural_families.hpp).
#include "neural_families.hpp"

#include <cmath>

#include <fmt/format.h>

#include "ouro/core/config.hpp"
#include "ouro/models/truth.hpp"
#include "ddpm.hpp"
#include "vae.hpp"
#include "wgan_gp.hpp"

namespace ouro::neural {
namespace {

// The truth's image shape; every neural family's networks halve it twice (two stride-2 layers).
const ImageShape& require_images(const Config& config, const Truth& truth, std::string_view family) {
  const ImageShape* shape = truth.image_shape();
  if (shape == nullptr) {
    config.fail("model.family", fmt::format("a {} model needs an image truth (truth.kind = \"mnist\" or "
                                            "\"fashion-mnist\"), but truth.kind is \"{}\"",
                                            family, truth.kind()));
  }
  if (shape->height % 4 != 0 || shape->width % 4 != 0) {
    config.fail("model.family", fmt::format("a {} model halves the image size twice, so height and width must be "
                                            "multiples of 4; the truth's images are {} x {}",
                                            family, shape->height, shape->width));
  }
  return *shape;
}

std::unique_ptr<ModelFamily> make_vae(const Config& config, const Truth& truth) {
  VaeShape shape;
  shape.image = require_images(config, truth, "vae");
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

std::unique_ptr<ModelFamily> make_ddpm(const Config& config, const Truth& truth) {
  DdpmShape shape;
  shape.image = require_images(config, truth, "ddpm");
  shape.space = config.text("model.space") == "latent" ? DiffusionSpace::kLatent : DiffusionSpace::kPixel;
  if (shape.space == DiffusionSpace::kLatent) {
    if (shape.image.low != 0.0f || shape.image.high != 1.0f) {
      config.fail("model.space", fmt::format("the latent space's autoencoder has a Bernoulli decoder, which needs image "
                                             "values in [0, 1]; the truth's are in [{}, {}]",
                                             shape.image.low, shape.image.high));
    }
    shape.autoencoder = VaeShape{shape.image, static_cast<int>(config.integer("model.capacity")),
                                 static_cast<int>(config.integer("model.latent"))};
    shape.autoencoder_epochs = static_cast<int>(config.integer("model.autoencoder_epochs"));
    if (shape.autoencoder.capacity < 1) config.fail("model.capacity", "expected at least 1 channel");
    if (shape.autoencoder.latent < 1) config.fail("model.latent", "expected at least 1 latent dimension");
    if (shape.autoencoder_epochs < 1) config.fail("model.autoencoder_epochs", "expected at least 1 epoch");
  }
  shape.features = static_cast<int>(config.integer("model.features"));
  shape.classes = truth.classes();
  shape.steps = static_cast<int>(config.integer("model.steps"));
  shape.sampling_steps = static_cast<int>(config.integer("model.sampling_steps"));
  shape.condition_dropout = config.real("model.condition_dropout");
  if (shape.features < 2) config.fail("model.features", "expected at least 2 channels");
  if (shape.steps < 2) config.fail("model.steps", "expected at least 2 diffusion steps");
  if (shape.sampling_steps < 1 || shape.sampling_steps > shape.steps) {
    config.fail("model.sampling_steps", fmt::format("expected 1 .. model.steps ({}) respaced steps, got {}", shape.steps,
                                                    shape.sampling_steps));
  }
  if (!(shape.condition_dropout >= 0.0 && shape.condition_dropout <= 1.0)) {
    config.fail("model.condition_dropout", "expected a probability in [0, 1]");
  }
  return std::make_unique<DdpmFamily>(shape, NeuralTraining::from(config));
}

std::unique_ptr<ModelFamily> make_wgan(const Config& config, const Truth& truth) {
  WganShape shape;
  shape.image = require_images(config, truth, "wgan-gp");
  shape.capacity = static_cast<int>(config.integer("model.capacity"));
  shape.latent = static_cast<int>(config.integer("model.latent"));
  shape.critic_steps = static_cast<int>(config.integer("model.critic_steps"));
  shape.gradient_penalty = config.real("model.gradient_penalty");
  if (shape.capacity < 1) config.fail("model.capacity", "expected at least 1 channel");
  if (shape.latent < 1) config.fail("model.latent", "expected at least 1 latent dimension");
  if (shape.critic_steps < 1) config.fail("model.critic_steps", "expected at least 1 critic update per generator update");
  if (!(shape.gradient_penalty >= 0.0) || !std::isfinite(shape.gradient_penalty)) {
    config.fail("model.gradient_penalty", "expected a weight >= 0");
  }
  const NeuralTraining training = NeuralTraining::from(config);
  if (training.batch < 2) {
    config.fail("model.batch", "a wgan-gp's generator normalises over the minibatch (BatchNorm), which needs at least 2 images");
  }
  return std::make_unique<WganFamily>(shape, training);
}

}  // namespace

std::unique_ptr<ModelFamily> make_neural_family(const Config& config, const Truth& truth) {
  const std::string& name = config.text("model.family");
  if (name == "vae") return make_vae(config, truth);
  if (name == "ddpm") return make_ddpm(config, truth);
  if (name == "wgan-gp") return make_wgan(config, truth);
  config.fail("model.family", fmt::format("this neural library has no {} family (it has vae, ddpm and wgan-gp)", name));
}

}  // namespace ouro::neural
