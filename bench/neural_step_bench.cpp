// One training step of a neural family's network in ouroboros, timed: the C++ half of
// bench/neural_step_bench.py, which runs the same step in Debian's python3-torch and reports the
// ratio.
//
// A step is what a fit does per minibatch: draw the step's noise from the project's Rng, the
// forward pass and loss, the backward pass and one Adam update. The minibatch is fixed (real
// MNIST-sized random images, or random token blocks), so only the network's arithmetic and the
// noise are timed. For the transformer the step is the family's: dropout 0.1 with masks from the
// Rng, cross-entropy, gradients clipped to norm 1, AdamW; `transformer-sample` times the family's
// sampling instead: `--block` new tokens after a `--block`-token prompt for each of `--batch` rows
// (key/value cache, softmax and one draw per token through the sampler chain).
//
// Usage: neural_step_bench vae|ddpm|transformer|transformer-sample [--batch 128] [--steps 20]
//            [--warmup 3] [--capacity 64 --latent 20] [--features 32 --classes 10]
//            [--vocab 8192 --layers 2 --heads 4 --width 128 --block 64]
// Prints one JSON object: {"model", "batch", "steps", "seconds_per_step", "parameters"}.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>

#include <fmt/format.h>

#include "ddpm.hpp"
#include "torch_runtime.hpp"
#include "transformer.hpp"
#include "vae.hpp"

namespace {

using namespace ouro;
using namespace ouro::neural;

struct Settings {
  std::string model;
  std::int64_t batch = 128, steps = 20, warmup = 3;
  int capacity = 64, latent = 20, features = 32, classes = 10;
  std::int64_t vocab = 8192, layers = 2, heads = 4, width = 128, block = 64;
};

Settings parse(int argc, char** argv) {
  if (argc < 2) throw std::invalid_argument("usage: neural_step_bench vae|ddpm [--batch N] [--steps N] ...");
  Settings s;
  s.model = argv[1];
  if (s.model != "vae" && s.model != "ddpm" && s.model != "transformer" && s.model != "transformer-sample")
    throw std::invalid_argument("model must be vae, ddpm, transformer or transformer-sample, not " + s.model);
  for (int i = 2; i < argc; i += 2) {
    const std::string flag = argv[i];
    if (i + 1 >= argc) throw std::invalid_argument(flag + " needs a value");
    const long value = std::stol(argv[i + 1]);
    if (value < 1) throw std::invalid_argument(flag + " must be at least 1");
    if (flag == "--batch") s.batch = value;
    else if (flag == "--steps") s.steps = value;
    else if (flag == "--warmup") s.warmup = value;
    else if (flag == "--capacity") s.capacity = static_cast<int>(value);
    else if (flag == "--latent") s.latent = static_cast<int>(value);
    else if (flag == "--features") s.features = static_cast<int>(value);
    else if (flag == "--classes") s.classes = static_cast<int>(value);
    else if (flag == "--vocab") s.vocab = value;
    else if (flag == "--layers") s.layers = value;
    else if (flag == "--heads") s.heads = value;
    else if (flag == "--width") s.width = value;
    else if (flag == "--block") s.block = value;
    else throw std::invalid_argument("unknown flag " + flag);
  }
  return s;
}

// Seconds per call of `step`, over `steps` calls after `warmup` untimed ones.
double time_steps(const Settings& s, const std::function<void()>& step) {
  for (std::int64_t i = 0; i < s.warmup; ++i) step();
  const auto start = std::chrono::steady_clock::now();
  for (std::int64_t i = 0; i < s.steps; ++i) step();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() / static_cast<double>(s.steps);
}

std::int64_t parameter_count(torch::nn::Module& module) {
  std::int64_t count = 0;
  for (const auto& p : module.parameters()) count += p.numel();
  return count;
}

// Random token blocks: `rows` rows of `length` ids in [3, vocab) (no reserved ids).
Samples random_blocks(std::int64_t rows, std::int64_t length, std::int64_t vocab, Rng& rng) {
  std::vector<std::int32_t> ids;
  std::vector<std::size_t> offsets{0};
  for (std::int64_t r = 0; r < rows; ++r) {
    for (std::int64_t j = 0; j < length; ++j) ids.push_back(static_cast<std::int32_t>(3 + rng.below(vocab - 3)));
    offsets.push_back(ids.size());
  }
  return Samples(std::move(ids), std::move(offsets));
}

TransformerSettings transformer_settings(const Settings& s) {
  TransformerSettings t;
  t.shape = {.vocab = s.vocab, .layers = s.layers, .heads = s.heads, .width = s.width, .context = 2 * s.block + 1,
             .dropout = 0.1};
  t.prompt_tokens = static_cast<std::size_t>(s.block);
  return t;
}

// The transformer family's training step (see the file comment); returns the parameter count.
std::int64_t time_transformer_step(const Settings& s, Rng& rng, double* seconds) {
  const TransformerSettings settings = transformer_settings(s);
  TransformerNet net(settings.shape);
  net->initialise(rng);
  net->train();
  torch::optim::AdamW adamw(net->parameters(), torch::optim::AdamWOptions(1e-3).weight_decay(1e-5));
  const torch::Tensor ids = torch::randint(3, s.vocab, {s.batch, s.block}, torch::kInt64);
  const torch::Tensor targets = torch::randint(3, s.vocab, {s.batch, s.block}, torch::kInt64);
  *seconds = time_steps(s, [&] {
    adamw.zero_grad();
    const torch::Tensor logits = net->forward(ids, nullptr, &rng);
    const torch::Tensor loss = torch::nn::functional::cross_entropy(logits.reshape({-1, s.vocab}), targets.reshape({-1}));
    loss.backward();
    torch::nn::utils::clip_grad_norm_(net->parameters(), 1.0);
    adamw.step();
  });
  return parameter_count(*net);
}

// The transformer family's sampling of `batch` rows (see the file comment).
std::int64_t time_transformer_sampling(const Settings& s, Rng& rng, double* seconds) {
  const TransformerSettings settings = transformer_settings(s);
  TransformerNet net(settings.shape);
  net->initialise(rng);
  net->eval();
  const std::int64_t parameters = parameter_count(*net);
  const TransformerModel model(std::move(net), random_blocks(s.batch, s.block, s.vocab, rng), s.block, settings,
                               torch::kCPU, {});
  *seconds = time_steps(s, [&] { model.draw(static_cast<std::size_t>(s.batch), 1.0, rng); });
  return parameters;
}

}  // namespace

int main(int argc, char** argv) try {
  const Settings s = parse(argc, argv);
  use_one_thread();
  Rng rng(1, StreamKey{Purpose::kUser, 0, 0, 0});
  const ImageShape image{1, 28, 28, 0.0f, 1.0f};
  const torch::Tensor pixels = torch::rand({s.batch, 1, 28, 28});
  double seconds = 0.0;
  std::int64_t parameters = 0;
  if (s.model == "transformer") {
    parameters = time_transformer_step(s, rng, &seconds);
  } else if (s.model == "transformer-sample") {
    parameters = time_transformer_sampling(s, rng, &seconds);
  } else if (s.model == "vae") {
    VaeNet net(VaeShape{image, s.capacity, s.latent});
    init_parameters(*net, rng);
    torch::optim::Adam adam(net->parameters(), torch::optim::AdamOptions(1e-3).weight_decay(1e-5));
    seconds = time_steps(s, [&] {
      const torch::Tensor eps = normal_tensor({s.batch, s.latent}, rng);
      adam.zero_grad();
      net->loss(pixels, eps).backward();
      adam.step();
    });
    parameters = parameter_count(*net);
  } else {
    DdpmShape shape;
    shape.image = image;
    shape.features = s.features;
    shape.classes = s.classes;
    DdpmNet net(shape);
    init_parameters(*net->unet, rng);
    torch::optim::Adam adam(net->parameters(), torch::optim::AdamOptions(1e-3).weight_decay(1e-5));
    const torch::Tensor x0 = pixels * 2.0 - 1.0;
    const torch::Tensor labels = torch::randint(0, s.classes + 1, {s.batch}, torch::kInt64);
    seconds = time_steps(s, [&] {
      const torch::Tensor t = torch::randint(0, shape.steps, {s.batch}, torch::kInt64);
      const torch::Tensor eps = normal_tensor(x0.sizes(), rng);
      adam.zero_grad();
      net->loss(x0, t, labels, eps).backward();
      adam.step();
    });
    parameters = parameter_count(*net->unet);
  }
  std::printf("%s\n", fmt::format(R"({{"model": "{}", "batch": {}, "steps": {}, "seconds_per_step": {}, "parameters": {}}})",
                                  s.model, s.batch, s.steps, seconds, parameters)
                          .c_str());
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "neural_step_bench: %s\n", e.what());
  return 2;
}
