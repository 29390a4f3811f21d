// The neural families' constructors (see neural_families.hpp).
#include "neural_families.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "ouro/core/config.hpp"
#include "ouro/core/error.hpp"
#include "ouro/hygiene/watermark_config.hpp"
#include "ouro/models/ngram_corpus.hpp"
#include "ouro/models/truth.hpp"
#include "ddpm.hpp"
#include "transformer.hpp"
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

// The shape, vocabulary mapping and path of a GPT-2 checkpoint (model.checkpoint): layers, width and
// context come from the file, so setting them too is an error unless they agree.
void use_gpt2_checkpoint(const Config& config, const CorpusTruth& corpus, TransformerSettings& settings) {
  const std::span<const std::string> fixed = corpus.tokenizer().fixed_vocabulary();
  if (fixed.empty()) {
    config.fail("model.checkpoint", "a GPT-2 checkpoint needs GPT-2's tokenizer: set truth.tokenizer = \"gpt2\" with "
                                    "the checkpoint's vocab.json and merges.txt");
  }
  Gpt2Checkpoint checkpoint;
  try {
    checkpoint = read_gpt2_checkpoint(config.text("model.checkpoint"));
  } catch (const Error& e) {
    config.fail("model.checkpoint", e.what());
  }
  if (checkpoint.vocab != static_cast<std::int64_t>(fixed.size())) {
    config.fail("model.checkpoint", fmt::format("its wte.weight has {} rows but the tokenizer's vocab.json {} tokens",
                                                checkpoint.vocab, fixed.size()));
  }
  const auto separator = std::find(fixed.begin(), fixed.end(), "<|endoftext|>");
  if (separator == fixed.end()) {
    config.fail("truth.tokenizer_vocab", "GPT-2's vocab.json holds <|endoftext|>, which the reserved ids </s> and <s> "
                                         "take their embedding from; this one does not");
  }
  TransformerShape& shape = settings.shape;
  const std::pair<const char*, std::int64_t> from_file[] = {
      {"model.layers", checkpoint.layers}, {"model.width", checkpoint.width}, {"model.context", checkpoint.context}};
  for (const auto& [key, value] : from_file) {
    if (config.user_set(key) && config.integer(key) != value) {
      config.fail(key, fmt::format("the checkpoint {} has {}; leave it unset", config.text("model.checkpoint"), value));
    }
  }
  shape.layers = checkpoint.layers;
  shape.width = checkpoint.width;
  shape.context = checkpoint.context;
  if (shape.width % shape.heads != 0) {
    config.fail("model.heads", fmt::format("the checkpoint's width {} is not a multiple of {} heads (GPT-2 small has 12)",
                                           shape.width, shape.heads));
  }
  settings.vocab_offset = shape.vocab - checkpoint.vocab;
  settings.separator = separator - fixed.begin();
  settings.checkpoint = std::move(checkpoint);
}

std::unique_ptr<ModelFamily> make_transformer(const Config& config, const Truth& truth) {
  const CorpusTruth* corpus = truth.corpus();
  if (corpus == nullptr) {
    config.fail("model.family",
                fmt::format("a transformer model needs a corpus truth, but truth.kind is \"{}\"", truth.kind()));
  }
  TransformerSettings settings;
  TransformerShape& shape = settings.shape;
  shape.vocab = static_cast<std::int64_t>(corpus->vocabulary().size());
  shape.layers = config.integer("model.layers");
  shape.heads = config.integer("model.heads");
  shape.width = config.integer("model.width");
  shape.dropout = config.real("model.dropout");
  settings.generation =
      config.text("model.generation") == "unconditional" ? text::Generation::kUnconditional : text::Generation::kPrompted;
  settings.prompt_tokens = static_cast<std::size_t>(config.integer("model.prompt_tokens"));
  settings.top_k = static_cast<std::size_t>(config.integer("model.top_k"));
  settings.top_p = config.real("model.top_p");
  settings.beams = static_cast<std::size_t>(config.integer("model.beams"));
  settings.repetition_penalty = config.real("model.repetition_penalty");
  settings.warmup = config.real("model.warmup");
  settings.clip = config.real("model.clip");
  settings.train_steps = static_cast<std::size_t>(config.integer("model.train_steps"));
  settings.finetune_steps = static_cast<std::size_t>(config.integer("model.finetune_steps"));
  settings.watermark = hygiene::watermark_settings(config, corpus->vocabulary().size());
  // The option table checks each key's range; what is left are the settings' relations.
  if (config.has("model.checkpoint")) use_gpt2_checkpoint(config, *corpus, settings);
  if (shape.width % shape.heads != 0) {
    config.fail("model.width", fmt::format("expected a positive multiple of model.heads ({}), got {}", shape.heads,
                                           shape.width));
  }
  if (config.text("model.select") == "real-valid") {
    if (corpus->valid_sentences().empty()) {
      config.fail("model.select", "real-valid needs the corpus's validation split, which only truth.corpus = "
                                  "\"wikitext-2\" has (valid.txt)");
    }
    settings.validation = std::make_shared<const std::vector<std::vector<std::uint32_t>>>(corpus->valid_sentences());
  }
  // A block after <s>, and when prompted the prompt before the generated block.
  const auto block = static_cast<std::int64_t>(truth.dim());
  const std::int64_t prompt = settings.generation == text::Generation::kPrompted
                                  ? std::min<std::int64_t>(static_cast<std::int64_t>(settings.prompt_tokens), block)
                                  : 0;
  const std::int64_t needed = 1 + prompt + block;
  if (!settings.checkpoint) shape.context = config.integer("model.context");
  if (shape.context == 0) shape.context = needed;
  if (shape.context < needed) {
    const std::string_view key = settings.checkpoint ? "model.checkpoint" : "model.context";
    config.fail(key, fmt::format("expected at least {} positions: <s>, a prompt of {} tokens and a block of {} (the "
                                 "model has {})",
                                 needed, prompt, block, shape.context));
  }
  return std::make_unique<TransformerFamily>(truth.dim(), settings, NeuralTraining::from(config));
}

}  // namespace

std::unique_ptr<ModelFamily> make_neural_family(const Config& config, const Truth& truth) {
  const std::string& name = config.text("model.family");
  if (name == "vae") return make_vae(config, truth);
  if (name == "ddpm") return make_ddpm(config, truth);
  if (name == "wgan-gp") return make_wgan(config, truth);
  if (name == "transformer") return make_transformer(config, truth);
  config.fail("model.family",
              fmt::format("this neural library has no {} family (it has vae, ddpm, wgan-gp and transformer)", name));
}

}  // namespace ouro::neural
