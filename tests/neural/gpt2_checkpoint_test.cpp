// GPT-2 checkpoints (src/neural/gpt2_checkpoint.hpp): a network written in GPT-2's safetensors
// layout (Conv1D weights transposed, no reserved vocabulary rows, with or without GPT2LMHeadModel's
// "transformer." prefix) loads back into the same parameters; fits without a starting model start
// from it; missing tensors, wrong shapes and corrupt files are refused by name; and a run with
// GPT-2's tokenizer and a checkpoint goes through `ouro run`, with its configuration errors named.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "gpt2_checkpoint.hpp"
#include "image_fixtures.hpp"
#include "ouro/core/error.hpp"
#include "ouro/io/safetensors.hpp"
#include "ouro/text/gpt2_tokenizer.hpp"
#include "ouro/text/utf8.hpp"
#include "support/cli_runner.hpp"
#include "support/files.hpp"
#include "torch_runtime.hpp"
#include "transformer.hpp"

namespace ouro::neural {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using testing::test_rng;

constexpr std::int64_t kOffset = 3;  // the corpus vocabulary's reserved ids

bool conv1d_weight(const std::string& name) {
  return name.ends_with(".weight") && (name.find(".attn.") != std::string::npos || name.find(".mlp.") != std::string::npos);
}

// `net`'s weights as GPT-2 stores them: wte without the reserved rows, Conv1D weights (in x out).
std::vector<NamedTensor> gpt2_tensors(TransformerNetImpl& net, const std::string& prefix = "") {
  std::vector<NamedTensor> out;
  for (auto& [name, tensor] : net.gpt2_named_tensors()) {
    torch::Tensor t = tensor.detach();
    if (name == "wte.weight") t = t.slice(0, kOffset);
    if (conv1d_weight(name)) t = t.t();
    t = t.contiguous();
    out.push_back({prefix + name, t.sizes().vec(), std::vector<float>(t.data_ptr<float>(), t.data_ptr<float>() + t.numel())});
  }
  return out;
}

// A network whose reserved rows hold the separator's embedding, as a loaded checkpoint's do.
TransformerNet gpt2_like_net(const TransformerShape& shape, std::int64_t separator, std::uint64_t block) {
  TransformerNet net(shape);
  Rng rng = test_rng(block);
  net->initialise(rng);
  torch::NoGradGuard no_grad;
  for (const auto& [name, tensor] : net->gpt2_named_tensors()) {
    if (name == "wte.weight") tensor.slice(0, 0, kOffset).copy_(tensor[kOffset + separator].expand({kOffset, shape.width}));
  }
  return net;
}

const TransformerShape kShape{.vocab = kOffset + 20, .layers = 2, .heads = 2, .width = 8, .context = 16, .dropout = 0.0};

TEST(Gpt2Checkpoint, LoadsBackIntoTheSameParameters) {
  const auto dir = testing::scratch_dir("gpt2_checkpoint");
  TransformerNet written = gpt2_like_net(kShape, 19, 1);
  for (const std::string prefix : {"", "transformer."}) {
    std::vector<NamedTensor> tensors = gpt2_tensors(*written, prefix);
    if (!prefix.empty()) {
      // GPT2LMHeadModel's extras: the tied head and an old export's mask buffer are ignored.
      tensors.push_back({"lm_head.weight", {20, 8}, std::vector<float>(160, 0.5f)});
      tensors.push_back({"transformer.h.0.attn.bias", {1, 1, 16, 16}, std::vector<float>(256, 1.0f)});
    }
    const fs::path file = dir / ("model" + std::to_string(prefix.size()) + ".safetensors");
    write_safetensors(file, tensors);
    const Gpt2Checkpoint checkpoint = read_gpt2_checkpoint(file);
    EXPECT_EQ(checkpoint.vocab, 20);
    EXPECT_EQ(checkpoint.layers, 2);
    EXPECT_EQ(checkpoint.width, 8);
    EXPECT_EQ(checkpoint.context, 16);
    EXPECT_EQ(checkpoint.prefix, prefix);
    TransformerNet loaded = gpt2_like_net(kShape, 0, 2);  // other weights first
    load_gpt2_weights(checkpoint, *loaded, kOffset, 19);
    EXPECT_TRUE(torch::equal(testing::flat_parameters(*loaded), testing::flat_parameters(*written))) << prefix;
  }
}

TEST(Gpt2Checkpoint, FitsWithoutAStartingModelStartFromIt) {
  const auto dir = testing::scratch_dir("gpt2_checkpoint_fit");
  TransformerNet written = gpt2_like_net(kShape, 19, 3);
  write_safetensors(dir / "model.safetensors", gpt2_tensors(*written));
  TransformerSettings settings;
  settings.shape = kShape;
  settings.prompt_tokens = 4;
  settings.checkpoint = read_gpt2_checkpoint(dir / "model.safetensors");
  settings.vocab_offset = kOffset;
  settings.separator = 19;
  NeuralTraining training = testing::quick_training(1);
  training.lr = 1e-12;  // Adam moves each weight by about lr: the fit stays at its start
  const TransformerFamily family(8, settings, training);
  Rng rng = test_rng(4);
  const Samples blocks(std::vector<std::int32_t>{3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18},
                       std::vector<std::size_t>{0, 8, 16});
  const auto model = family.fit(blocks, rng);
  TransformerNet fitted_net = dynamic_cast<const TransformerModel&>(*model).net();  // a handle to the same module
  const torch::Tensor fitted = testing::flat_parameters(*fitted_net);
  EXPECT_LE((fitted - testing::flat_parameters(*written)).abs().max().item<double>(), 1e-9);
}

TEST(Gpt2Checkpoint, MissingTensorsWrongShapesAndCorruptFilesAreNamed) {
  const auto dir = testing::scratch_dir("gpt2_checkpoint_bad");
  TransformerNet net = gpt2_like_net(kShape, 19, 5);
  const auto message = [&](const std::vector<NamedTensor>& tensors, const std::string& name) {
    const fs::path file = dir / name;
    write_safetensors(file, tensors);
    try {
      TransformerNet target(kShape);
      load_gpt2_weights(read_gpt2_checkpoint(file), *target, kOffset, 19);
    } catch (const DataError& e) {
      EXPECT_THAT(e.what(), HasSubstr(file.string()));
      return std::string(e.what());
    }
    return std::string("<no error>");
  };
  std::vector<NamedTensor> missing = gpt2_tensors(*net);
  std::erase_if(missing, [](const NamedTensor& t) { return t.name == "h.1.mlp.c_fc.bias"; });
  EXPECT_THAT(message(missing, "missing.safetensors"), HasSubstr("h.1.mlp.c_fc.bias"));
  std::vector<NamedTensor> untransposed = gpt2_tensors(*net);
  for (NamedTensor& t : untransposed) {
    if (t.name == "h.0.attn.c_attn.weight") t.shape = {24, 8};  // torch's Linear layout, not Conv1D's
  }
  const std::string shape = message(untransposed, "untransposed.safetensors");
  EXPECT_THAT(shape, HasSubstr("h.0.attn.c_attn.weight has shape [24, 8]; the model needs [8, 24]"));
  std::vector<NamedTensor> no_blocks = gpt2_tensors(*net);
  std::erase_if(no_blocks, [](const NamedTensor& t) { return t.name.starts_with("h."); });
  EXPECT_THAT(message(no_blocks, "no_blocks.safetensors"), HasSubstr("no transformer blocks"));
  // A header that claims more bytes than the file holds.
  const fs::path corrupt = dir / "corrupt.safetensors";
  std::ofstream(corrupt, std::ios::binary) << std::string("\xff\xff\x00\x00\x00\x00\x00\x00{}", 10);
  EXPECT_THROW(read_gpt2_checkpoint(corrupt), DataError);
}

// The loop with GPT-2's tokenizer on a byte-level vocabulary (256 bytes and <|endoftext|>, no
// merges) and a small checkpoint in GPT-2's layout, on tinyshakespeare's first characters.
class Gpt2Run : public ::testing::Test {
 protected:
  void SetUp() override {
    // One folder per test: ctest runs the tests of this fixture in parallel processes.
    dir_ = testing::scratch_dir(std::string("gpt2_run_") +
                                ::testing::UnitTest::GetInstance()->current_test_info()->name());
    nlohmann::json vocab = nlohmann::json::object();
    for (int b = 0; b < 256; ++b) vocab[text::gpt2_byte_symbol(static_cast<unsigned char>(b))] = b;
    vocab["<|endoftext|>"] = 256;
    std::ofstream(dir_ / "vocab.json") << vocab.dump();
    std::ofstream(dir_ / "merges.txt") << "#version: 0.2\n";
    const TransformerShape shape{.vocab = kOffset + 257, .layers = 1, .heads = 2, .width = 16, .context = 32, .dropout = 0.1};
    TransformerNet net = gpt2_like_net(shape, 256, 6);
    write_safetensors(dir_ / "model.safetensors", gpt2_tensors(*net));
  }

  // With `gpt2_tokenizer` false the corpus uses characters (and names no GPT-2 files).
  fs::path config(bool gpt2_tokenizer = true) {
    const std::string tokenizer = gpt2_tokenizer ? "tokenizer = \"gpt2\"\ntokenizer_vocab = \"" + (dir_ / "vocab.json").string() +
                                                       "\"\ntokenizer_merges = \"" + (dir_ / "merges.txt").string() + "\"\n"
                                                 : "tokenizer = \"char\"\n";
    return testing::write_config(
        dir_,
        std::string("[run]\ngenerations = 1\nreplicates = 1\n[truth]\nkind = \"corpus\"\ncorpus = \"text\"\npath = \"") +
            OURO_SHARED_DATA + "/tinyshakespeare/input.txt\"\n" + tokenizer + "max_tokens = 20000\nblock_tokens = 16\n[model]\nfamily = \"transformer\"\ncheckpoint = \"" +
            (dir_ / "model.safetensors").string() + "\"\nheads = 2\nepochs = 1\nbatch = 16\nprompt_tokens = 8\n"
            "[loop]\ninitial = 60\nsynthetic = 60\n[metrics]\ntest_samples = 10\nnames = [\"ppl_real\"]\n",
        "gpt2.toml");
  }

  testing::Outcome run(const std::string& flags, bool gpt2_tokenizer = true) {
    return testing::run_cli("run " + config(gpt2_tokenizer).string() + " --out " + (dir_ / "out").string() + " --quiet --no-report --force " + flags);
  }

  fs::path dir_;
};

TEST_F(Gpt2Run, RunsWithGpt2sTokenizerAndTheCheckpoint) {
  const auto outcome = run("");
  ASSERT_EQ(outcome.exit_code, 0) << outcome.output;
  EXPECT_THAT(testing::read_file(dir_ / "out" / "metrics.csv"), HasSubstr("0,1,ppl_real,"));
  // Byte-level samples may split characters; what is written stays UTF-8 (U+FFFD in their place).
  const std::string samples = testing::read_file(dir_ / "out" / "samples.jsonl");
  EXPECT_FALSE(samples.empty());
  EXPECT_FALSE(text::utf8_error(samples));
}

TEST_F(Gpt2Run, ConfigurationErrorsAreNamed) {
  const auto refused = [&](const std::string& set, const std::string& text) {
    const auto outcome = run("--set " + set);
    EXPECT_NE(outcome.exit_code, 0) << set;
    EXPECT_THAT(outcome.output, HasSubstr(text)) << set;
  };
  const auto characters = run("", /*gpt2_tokenizer=*/false);
  EXPECT_NE(characters.exit_code, 0);
  EXPECT_THAT(characters.output, HasSubstr("needs GPT-2's tokenizer"));
  refused("model.layers=3", "model.layers");
  refused("model.heads=3", "model.heads");
  refused("truth.block_tokens=30", "model.checkpoint");  // <s> + 8 + 30 > 32 positions
  refused("model.checkpoint=" + (dir_ / "absent.safetensors").string(), "absent.safetensors");
  // A checkpoint of another vocabulary size than vocab.json's.
  const TransformerShape fewer{.vocab = kOffset + 200, .layers = 1, .heads = 2, .width = 16, .context = 32, .dropout = 0.0};
  write_safetensors(dir_ / "fewer.safetensors", gpt2_tensors(*gpt2_like_net(fewer, 0, 7)));
  refused("model.checkpoint=" + (dir_ / "fewer.safetensors").string(), "wte.weight has 200 rows but the tokenizer's vocab.json 257");
  // A vocab.json without GPT-2's separator, whose embedding the reserved ids take.
  nlohmann::json bytes_only = nlohmann::json::object();
  for (int b = 0; b < 256; ++b) bytes_only[text::gpt2_byte_symbol(static_cast<unsigned char>(b))] = b;
  std::ofstream(dir_ / "bytes.json") << bytes_only.dump();
  const TransformerShape bytes{.vocab = kOffset + 256, .layers = 1, .heads = 2, .width = 16, .context = 32, .dropout = 0.0};
  write_safetensors(dir_ / "bytes.safetensors", gpt2_tensors(*gpt2_like_net(bytes, 0, 8)));
  refused("truth.tokenizer_vocab=" + (dir_ / "bytes.json").string() +
              " --set model.checkpoint=" + (dir_ / "bytes.safetensors").string(),
          "truth.tokenizer_vocab");
}

}  // namespace
}  // namespace ouro::neural
