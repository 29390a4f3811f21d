// The neural families in the loop, end to end through `ouro run` on MNIST (tiny models, a few
// hundred images, so the default test run can afford it). For the vae: the same bytes for 1 and 2 threads, a run
// killed after a checkpoint and resumed equals the uninterrupted one (with model.init = previous,
// so the checkpoint carries the model's weights), latent_std is recorded, and bad input fails
// before anything is written. Sample grids (samples/gen-G-rep-R.png) are written for the replicates
// asked for, of the size the grid's layout gives, the same bytes for any thread count and on resume.
// For ddpm and wgan-gp: the same bytes for 1 and 2 threads and after a kill and resume, the
// conditional DDPM's label_agreement recorded, and their own keys checked. For the transformer, on
// tinyshakespeare's characters: the same, with sampling and with beam search, its samples carrying
// a [watermark], and its keys checked.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "ouro/report/run_data.hpp"
#include "support/cli_runner.hpp"
#include "support/files.hpp"

namespace ouro {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using testing::read_file;
using testing::run_cli;

// `model` holds the [model] table's lines after family.
std::string family_config(const std::string& family, const std::string& model) {
  return std::string("[run]\ngenerations = 2\nreplicates = 2\n") + "[truth]\nkind = \"mnist\"\npath = \"" +
         OURO_SHARED_DATA + "/mnist\"\n" + "[model]\nfamily = \"" + family + "\"\nepochs = 1\nbatch = 50\n" + model +
         "[loop]\ninitial = 200\nsynthetic = 200\nbias = 0.5\n[metrics]\ntest_samples = 300\nlatent_samples = 100\n";
}

std::string smoke_config(const std::string& extra = "") { return family_config("vae", "capacity = 4\nlatent = 3\n" + extra); }

const char* const kTinyDdpm = "features = 4\nsteps = 20\nsampling_steps = 2\n";
const char* const kTinyWgan = "capacity = 4\nlatent = 3\ncritic_steps = 2\nlr = 2e-4\n";
const char* const kTinyLatentDdpm =
    "space = \"latent\"\ncapacity = 4\nlatent = 3\nautoencoder_epochs = 1\nfeatures = 4\nsteps = 20\nsampling_steps = 4\n";

struct FamilyCase {
  const char* name;  // the test's and its scratch folder's
  const char* family;
  const char* model;
};

// A PNG's width and height from its IHDR chunk (bytes 16..23, big-endian).
std::pair<std::uint32_t, std::uint32_t> png_size(const std::string& png) {
  const auto word = [&](std::size_t at) {
    std::uint32_t v = 0;
    for (std::size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(png.at(at + i));
    return v;
  };
  return {word(16), word(20)};
}

std::string run(const fs::path& config, const fs::path& out, const std::string& flags = "",
                const std::string& environment = "", int expected_exit = 0) {
  const auto outcome =
      run_cli("run " + config.string() + " --out " + out.string() + " --quiet --no-report " + flags, environment);
  EXPECT_EQ(outcome.exit_code, expected_exit) << outcome.output;
  return outcome.output;
}

TEST(VaeLoop, SameBytesForAnyThreadCountAndLatentStdIsRecorded) {
  const auto dir = testing::scratch_dir("vae_threads");
  const auto config = testing::write_config(dir, smoke_config());
  run(config, dir / "one", "--threads 1");
  run(config, dir / "two", "--threads 2");
  const std::string metrics = read_file(dir / "one" / "metrics.csv");
  EXPECT_EQ(metrics, read_file(dir / "two" / "metrics.csv"));
  EXPECT_THAT(metrics, HasSubstr(",latent_std,"));
  EXPECT_THAT(metrics, HasSubstr(",frechet,"));
  EXPECT_THAT(metrics, Not(HasSubstr(",nll_real,")));  // no density
  // Default grids: 64 samples of replicate 0, 8 x 8 images of 28 px with 1-px gaps.
  for (int g = 0; g <= 2; ++g) {
    const std::string name = "samples/gen-00" + std::to_string(g) + "-rep-0.png";
    const std::string png = read_file(dir / "one" / name);
    EXPECT_EQ(png.substr(1, 3), "PNG") << name;
    EXPECT_EQ(png_size(png), std::make_pair(8u * 28 + 7, 8u * 28 + 7)) << name;
    EXPECT_EQ(png, read_file(dir / "two" / name)) << name;
  }
  EXPECT_FALSE(fs::exists(dir / "one" / "samples" / "gen-000-rep-1.png"));
  EXPECT_NE(read_file(dir / "one" / "samples" / "gen-000-rep-0.png"), read_file(dir / "one" / "samples" / "gen-002-rep-0.png"));
}

TEST(VaeLoop, SampleGridsFollowTheirOptions) {
  const auto dir = testing::scratch_dir("vae_grids");
  const auto config = testing::write_config(dir, smoke_config());
  run(config, dir / "ten", "--threads 2 --set metrics.image_samples=10 --set metrics.image_replicates=2");
  for (int r = 0; r < 2; ++r) {
    // 10 samples: 8 columns, 2 rows.
    EXPECT_EQ(png_size(read_file(dir / "ten" / "samples" / ("gen-001-rep-" + std::to_string(r) + ".png"))),
              std::make_pair(8u * 28 + 7, 2u * 28 + 1));
  }
  run(config, dir / "none", "--threads 2 --set metrics.image_samples=0");
  EXPECT_FALSE(fs::exists(dir / "none" / "samples"));
}

TEST(VaeLoop, KilledAndResumedEqualsUninterrupted) {
  const auto dir = testing::scratch_dir("vae_resume");
  const auto config = testing::write_config(dir, smoke_config("init = \"previous\"\nfinetune_epochs = 1\n"));
  run(config, dir / "whole", "--threads 1");
  run(config, dir / "part", "--threads 1 --checkpoint-every 1", "OURO_TEST_KILL_AFTER_CHECKPOINTS=2", 137);
  EXPECT_FALSE(fs::exists(dir / "part" / "metrics.csv"));
  run(config, dir / "part", "--threads 1 --checkpoint-every 1 --resume");
  EXPECT_EQ(read_file(dir / "whole" / "metrics.csv"), read_file(dir / "part" / "metrics.csv"));
  for (int g = 0; g <= 2; ++g) {
    const std::string name = "samples/gen-00" + std::to_string(g) + "-rep-0.png";
    EXPECT_EQ(read_file(dir / "whole" / name), read_file(dir / "part" / name)) << name;
  }
  EXPECT_EQ(read_file(dir / "whole" / "run.json").find("gen-002-rep-0.png") != std::string::npos, true);
}

TEST(VaeLoop, BadInputFailsBeforeAnythingIsWritten) {
  const auto dir = testing::scratch_dir("vae_bad");
  const auto cuda = testing::write_config(dir, smoke_config() + "", "cuda.toml");
  const auto outcome = run_cli("run " + cuda.string() + " --out " + (dir / "cuda").string() + " --set run.device=cuda");
  EXPECT_NE(outcome.exit_code, 0);
  EXPECT_THAT(outcome.output, HasSubstr("run.device"));
  EXPECT_THAT(outcome.output, HasSubstr("CPU-only"));
  EXPECT_FALSE(fs::exists(dir / "cuda" / "metrics.csv"));

  const auto gaussian = testing::write_config(dir, "[model]\nfamily = \"vae\"\n", "gaussian.toml");
  const auto refused = run_cli("run " + gaussian.string() + " --out " + (dir / "g").string());
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_THAT(refused.output, HasSubstr("needs an image truth"));

  const auto odd = testing::write_config(dir, smoke_config(), "odd.toml");
  const auto zero = run_cli("run " + odd.string() + " --out " + (dir / "z").string() + " --set model.latent=0");
  EXPECT_NE(zero.exit_code, 0);
  EXPECT_THAT(zero.output, HasSubstr("model.latent"));
}

// The ddpm in pixel and latent space (guided: bias 0.5 is w = 1) and the wgan-gp (bias 0.5
// truncates the latent) in the loop. The latent ddpm's resumed run refits generation 0 to recover
// its frozen autoencoder.
class ImageFamilyLoop : public ::testing::TestWithParam<FamilyCase> {};

TEST_P(ImageFamilyLoop, SameBytesForAnyThreadCountAndAfterAKillAndResume) {
  const auto [name, family, model] = GetParam();
  const auto dir = testing::scratch_dir(std::string("loop_") + name);
  const auto config = testing::write_config(dir, family_config(family, std::string(model) + "init = \"previous\"\n"));
  run(config, dir / "one", "--threads 1");
  run(config, dir / "two", "--threads 2");
  const std::string metrics = read_file(dir / "one" / "metrics.csv");
  EXPECT_EQ(metrics, read_file(dir / "two" / "metrics.csv"));
  EXPECT_THAT(metrics, HasSubstr(",frechet,"));
  EXPECT_THAT(metrics, HasSubstr(",frechet_floor,"));
  // Only the conditional DDPM's samples carry the label they were generated for.
  EXPECT_EQ(metrics.find(",label_agreement,") != std::string::npos, std::string(family) == "ddpm");
  EXPECT_EQ(read_file(dir / "one" / "samples" / "gen-002-rep-0.png"), read_file(dir / "two" / "samples" / "gen-002-rep-0.png"));
  run(config, dir / "part", "--threads 1 --checkpoint-every 1", "OURO_TEST_KILL_AFTER_CHECKPOINTS=2", 137);
  run(config, dir / "part", "--threads 1 --checkpoint-every 1 --resume");
  EXPECT_EQ(metrics, read_file(dir / "part" / "metrics.csv"));
}

INSTANTIATE_TEST_SUITE_P(Families, ImageFamilyLoop,
                         ::testing::Values(FamilyCase{"Ddpm", "ddpm", kTinyDdpm}, FamilyCase{"WganGp", "wgan-gp", kTinyWgan},
                                           FamilyCase{"DdpmLatent", "ddpm", kTinyLatentDdpm}),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(ImageFamilyLoop, TheirOwnKeysAreChecked) {
  const auto dir = testing::scratch_dir("loop_keys");
  const auto ddpm = testing::write_config(dir, family_config("ddpm", kTinyDdpm), "ddpm.toml");
  const auto respaced = run_cli("run " + ddpm.string() + " --out " + (dir / "d").string() + " --set model.sampling_steps=21");
  EXPECT_NE(respaced.exit_code, 0);
  EXPECT_THAT(respaced.output, HasSubstr("model.sampling_steps"));
  const auto dropout = run_cli("run " + ddpm.string() + " --out " + (dir / "d").string() + " --set model.condition_dropout=1.5");
  EXPECT_NE(dropout.exit_code, 0);
  EXPECT_THAT(dropout.output, HasSubstr("model.condition_dropout"));
  const auto wgan = testing::write_config(dir, family_config("wgan-gp", kTinyWgan), "wgan.toml");
  const auto critic = run_cli("run " + wgan.string() + " --out " + (dir / "w").string() + " --set model.critic_steps=0");
  EXPECT_NE(critic.exit_code, 0);
  EXPECT_THAT(critic.output, HasSubstr("model.critic_steps"));
  const auto single = run_cli("run " + wgan.string() + " --out " + (dir / "w").string() + " --set model.batch=1");
  EXPECT_NE(single.exit_code, 0);
  EXPECT_THAT(single.output, HasSubstr("model.batch"));
  EXPECT_FALSE(fs::exists(dir / "d" / "metrics.csv"));
  EXPECT_FALSE(fs::exists(dir / "w" / "metrics.csv"));
}

// A character-level transformer on the first 20,000 characters of tinyshakespeare: blocks of 24,
// prompts of 8, one small block.
std::string transformer_config(const std::string& model = "") {
  return std::string("[run]\ngenerations = 2\nreplicates = 2\n") + "[truth]\nkind = \"corpus\"\ncorpus = \"text\"\npath = \"" +
         OURO_SHARED_DATA + "/tinyshakespeare/input.txt\"\ntokenizer = \"char\"\nmax_tokens = 20000\nblock_tokens = 24\n" +
         "[model]\nfamily = \"transformer\"\nlayers = 1\nheads = 2\nwidth = 16\nepochs = 1\nbatch = 16\n"
         "prompt_tokens = 8\ninit = \"previous\"\n" +
         model + "[loop]\ninitial = 120\nsynthetic = 120\nbias = 0.9\n[metrics]\ntest_samples = 20\n";
}

TEST(TransformerLoop, SameBytesForAnyThreadCountAndAfterAKillAndResume) {
  for (const std::string& decoding : {std::string(), std::string("beams = 2\nrepetition_penalty = 1.5\n")}) {
    const auto dir = testing::scratch_dir(decoding.empty() ? "loop_transformer" : "loop_transformer_beams");
    const auto config = testing::write_config(dir, transformer_config(decoding));
    run(config, dir / "one", "--threads 1");
    run(config, dir / "two", "--threads 2");
    const std::string metrics = read_file(dir / "one" / "metrics.csv");
    EXPECT_EQ(metrics, read_file(dir / "two" / "metrics.csv"));
    EXPECT_THAT(metrics, HasSubstr(",ppl_real,"));
    EXPECT_THAT(metrics, HasSubstr(",ppl_gen0,"));
    if (!decoding.empty()) continue;  // resuming does not depend on the decoding
    run(config, dir / "part", "--threads 1 --checkpoint-every 1", "OURO_TEST_KILL_AFTER_CHECKPOINTS=2", 137);
    run(config, dir / "part", "--threads 1 --checkpoint-every 1 --resume");
    EXPECT_EQ(metrics, read_file(dir / "part" / "metrics.csv"));
  }
}

// The mean watermark z of generation g, replicate 0, from metrics.csv.
double watermark_z(const fs::path& run_dir, int generation) {
  const report::RunData run = report::load_run(run_dir);
  for (const report::MetricValues& metric : run.metrics)
    if (metric.name == "watermark_z") return metric.values.at(static_cast<std::size_t>(generation)).at(0);
  ADD_FAILURE() << "no watermark_z in " << run_dir;
  return 0.0;
}

TEST(TransformerLoop, ItsSamplesCarryTheWatermark) {
  // The same loop with delta 2 and delta 0 (the same green lists unbiased: this text's null, below
  // 0 at character level, see hygiene/watermark_loop_test.cpp).
  const auto dir = testing::scratch_dir("loop_transformer_watermark");
  const std::string watermark = "[watermark]\nscheme = \"selfhash\"\n";
  const std::string names = "names = [\"watermark_z\", \"watermark_flagged\"]\n";
  const auto marked = testing::write_config(dir, transformer_config() + names + watermark + "delta = 2.0\n", "m.toml");
  const auto unbiased = testing::write_config(dir, transformer_config() + names + watermark + "delta = 0.0\n", "u.toml");
  run(marked, dir / "marked", "--set run.replicates=1");
  run(unbiased, dir / "unbiased", "--set run.replicates=1");
  for (int g = 0; g < 2; ++g) EXPECT_GT(watermark_z(dir / "marked", g), watermark_z(dir / "unbiased", g) + 2.0) << g;
}

TEST(TransformerLoop, ItsKeysAreChecked) {
  const auto dir = testing::scratch_dir("loop_transformer_keys");
  const auto config = testing::write_config(dir, transformer_config(), "t.toml");
  const auto expect_refused = [&](const std::string& set, const std::string& key) {
    const auto outcome = run_cli("run " + config.string() + " --out " + (dir / "t").string() + " --set " + set);
    EXPECT_NE(outcome.exit_code, 0) << set;
    EXPECT_THAT(outcome.output, HasSubstr(key)) << set;
  };
  expect_refused("model.context=20", "model.context");  // <s> + 8 + 24 = 33 needed
  expect_refused("model.width=15", "model.width");
  expect_refused("model.dropout=1", "model.dropout");
  expect_refused("model.beams=0", "model.beams");
  expect_refused("model.repetition_penalty=0", "model.repetition_penalty");
  expect_refused("model.select=real-valid", "only truth.corpus = \"wikitext-2\" has");  // a text file has no validation split
  EXPECT_FALSE(fs::exists(dir / "t" / "metrics.csv"));
  const auto images = testing::write_config(dir, family_config("transformer", ""), "images.toml");
  const auto refused = run_cli("run " + images.string() + " --out " + (dir / "i").string());
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_THAT(refused.output, HasSubstr("a transformer model needs a corpus truth"));
}

}  // namespace
}  // namespace ouro
