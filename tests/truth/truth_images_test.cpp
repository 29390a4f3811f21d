// Image truths (mnist, fashion-mnist): the real files read whole (60,000 train and 10,000 test
// images, the train pixel mean of the standard normalisation constant to 1e-12), draws that are
// distinct pool images and a pure function of the rng, sample() as the same draws in rows, the test
// set as the t10k split's first images in file order, and every bad folder (missing file, checksum
// mismatch, truncated file, too many test samples, a family that cannot take images) refused
// naming the file or key. Tiny hand-written folders keep the error cases cheap.
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ouro/core/config.hpp"
#include "ouro/core/error.hpp"
#include "ouro/io/gzip.hpp"
#include "ouro/models/generative_model.hpp"
#include "ouro/models/truth.hpp"
#include "support/files.hpp"
#include "support/idx_files.hpp"
#include "support/error_of.hpp"

namespace ouro {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

const fs::path kMnist = fs::path(OURO_SHARED_DATA) / "mnist";

std::string config_text(std::string_view kind, const fs::path& folder, std::string_view extra = "") {
  return fmt::format("[truth]\nkind = \"{}\"\npath = \"{}\"\n{}", kind, folder.string(), extra);
}

std::unique_ptr<Truth> truth_from(const std::string& toml) {
  return make_truth(Config::from_string(toml, "test.toml"), 7);
}

using testing::error_of;

// The whole MNIST truth, read once per test binary (a few hundred ms).
const Truth& mnist() {
  static const std::unique_ptr<Truth> truth = truth_from(config_text("mnist", kMnist));
  return *truth;
}

using testing::write_gzipped;

std::string word(std::uint32_t v) { return testing::idx_word(v); }

// A test's own emptied folder.
fs::path scratch(const std::string& name) { return testing::scratch_dir("ouro_truth_images_" + name); }

// A tiny idx folder: `train` and `test` 28 x 28 images, image i's pixels all i (so every image is
// distinct) and its label i % 10.
fs::path tiny_folder(const std::string& name, std::uint32_t train, std::uint32_t test) {
  const fs::path dir = scratch(name);
  for (const auto& [split, count] : {std::pair{"train", train}, std::pair{"t10k", test}}) {
    std::string images = word(2051) + word(count) + word(28) + word(28);
    std::string labels = word(2049) + word(count);
    for (std::uint32_t i = 0; i < count; ++i) {
      images.append(784, static_cast<char>(i));
      labels.push_back(static_cast<char>(i % 10));
    }
    write_gzipped(dir / fmt::format("{}-images-idx3-ubyte.gz", split), images);
    write_gzipped(dir / fmt::format("{}-labels-idx1-ubyte.gz", split), labels);
  }
  return dir;
}

TEST(ImageTruth, MnistHasItsCountsShapeAndTheStandardPixelMean) {
  const Truth& truth = mnist();
  EXPECT_EQ(truth.kind(), "mnist");
  EXPECT_EQ(truth.dim(), 784);
  ASSERT_NE(truth.image_shape(), nullptr);
  EXPECT_EQ(*truth.image_shape(), (ImageShape{1, 28, 28, 0.0f, 1.0f}));
  EXPECT_EQ(truth.classes(), 10);
  EXPECT_EQ(truth.test_labels().size(), 10000u);
  Rng rng(3, {});
  // The whole pool: 60,000 images, and one more is refused naming the pool size.
  EXPECT_THAT(error_of([&] { truth.draw(60001, rng); }), HasSubstr("the mnist pool holds 60000 training images"));
  const Samples all = truth.draw(60000, rng);
  ASSERT_EQ(all.size(), 60000);
  ASSERT_TRUE(all.has_labels());
  std::uint64_t sum = 0;
  for (const std::uint8_t q : all.levels()) sum += q;
  EXPECT_NEAR(static_cast<double>(sum) / (60000.0 * 784.0 * 255.0), 0.1306604762738429, 1e-12);
  // The test set is t10k's first images in file order, whatever the rng.
  Rng other(99, {});
  const Matrix test = truth.test_set(10000, rng);
  ASSERT_EQ(test.rows(), 10000);
  EXPECT_EQ(test.cols(), 784);
  EXPECT_EQ(truth.test_set(5, other), test.topRows(5));
  EXPECT_GE(test.minCoeff(), 0.0);
  EXPECT_LE(test.maxCoeff(), 1.0);
  EXPECT_THAT(error_of([&] { truth.test_set(10001, rng); }), HasSubstr("metrics.test_samples = 10001"));
  // The first t10k label of MNIST is a 7.
  EXPECT_EQ(truth.test_labels()[0], 7);
}

TEST(ImageTruth, DrawsAreDistinctPoolImagesAndAPureFunctionOfTheRng) {
  const fs::path dir = tiny_folder("draws", 50, 3);
  const auto truth = truth_from(config_text("mnist", dir, "verify = false\n[metrics]\ntest_samples = 3\n"));
  Rng a(11, {});
  Rng b(11, {});
  const Samples first = truth->draw(20, a);
  const Samples again = truth->draw(20, b);
  std::set<std::uint8_t> seen;
  for (Eigen::Index i = 0; i < first.size(); ++i) {
    EXPECT_EQ(first.bytes(i), again.bytes(i));
    const std::uint8_t index = first.image(i)[0];
    EXPECT_TRUE(seen.insert(index).second) << "image " << int(index) << " drawn twice";
    EXPECT_EQ(first.labels()[static_cast<std::size_t>(i)], index % 10);
  }
  // sample() is the same draws as rows of q / 255.
  Rng c(11, {});
  const Matrix rows = truth->sample(20, c);
  ASSERT_EQ(rows.rows(), 20);
  for (Eigen::Index i = 0; i < 20; ++i) EXPECT_FLOAT_EQ(static_cast<float>(rows(i, 783)), first.image(i)[783] / 255.0f);
  // The whole pool is a permutation of it.
  Rng d(12, {});
  const Samples whole = truth->draw(50, d);
  std::set<std::uint8_t> all;
  for (Eigen::Index i = 0; i < whole.size(); ++i) all.insert(whole.image(i)[0]);
  EXPECT_EQ(all.size(), 50u);
}

TEST(ImageTruth, ThePoolCapKeepsTheFirstTrainingImages) {
  const fs::path dir = tiny_folder("pool", 50, 3);
  const auto truth =
      truth_from(config_text("fashion-mnist", dir, "verify = false\npool = 5\n[metrics]\ntest_samples = 3\n"));
  Rng rng(1, {});
  EXPECT_THAT(error_of([&] { truth->draw(6, rng); }), HasSubstr("the fashion-mnist pool holds 5 training images"));
  const Samples five = truth->draw(5, rng);
  for (Eigen::Index i = 0; i < 5; ++i) EXPECT_LT(five.image(i)[0], 5);
}

TEST(ImageTruth, BadFoldersAreRefusedNamingTheFileOrKey) {
  // A checksum mismatch: the real files, one label changed and recompressed (so the gzip stream
  // itself is sound), names the file and both digests.
  const fs::path dir = scratch("checksum");
  for (const char* name : {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz"})
    fs::create_symlink(kMnist / name, dir / name);
  std::vector<std::uint8_t> labels = read_gunzipped(kMnist / "t10k-labels-idx1-ubyte.gz");
  labels[100] = static_cast<std::uint8_t>((labels[100] + 1) % 10);
  write_gzipped(dir / "t10k-labels-idx1-ubyte.gz", std::string(labels.begin(), labels.end()));
  const std::string mismatch = error_of([&] { truth_from(config_text("mnist", dir)); });
  EXPECT_THAT(mismatch, HasSubstr("t10k-labels-idx1-ubyte.gz: sha256 of the decompressed bytes is "));
  EXPECT_THAT(mismatch, HasSubstr("expected ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"));
  EXPECT_THAT(mismatch, HasSubstr("truth.path"));

  // A missing file.
  const fs::path missing = tiny_folder("missing", 5, 3);
  fs::remove(missing / "t10k-images-idx3-ubyte.gz");
  const std::string no_file = error_of([&] {
    truth_from(config_text("mnist", missing, "verify = false\n[metrics]\ntest_samples = 3\n"));
  });
  EXPECT_THAT(no_file, HasSubstr("t10k-images-idx3-ubyte.gz"));

  // A truncated file (its gzip stream sound, its idx body short).
  const fs::path cut = tiny_folder("cut", 5, 3);
  write_gzipped(cut / "train-images-idx3-ubyte.gz", word(2051) + word(5) + word(28) + word(28) + std::string(784, 'x'));
  EXPECT_THAT(error_of([&] { truth_from(config_text("mnist", cut, "verify = false\n[metrics]\ntest_samples = 3\n")); }),
              HasSubstr("train-images-idx3-ubyte.gz: truncated"));
  // A gzip stream cut short.
  const std::string whole = testing::read_file(cut / "t10k-labels-idx1-ubyte.gz");
  write_gzipped(cut / "train-images-idx3-ubyte.gz", word(2051) + word(5) + word(28) + word(28) + std::string(5 * 784, 'x'));
  std::ofstream(cut / "t10k-labels-idx1-ubyte.gz", std::ios::binary) << whole.substr(0, whole.size() - 6);
  EXPECT_THAT(error_of([&] { truth_from(config_text("mnist", cut, "verify = false\n[metrics]\ntest_samples = 3\n")); }),
              HasSubstr("t10k-labels-idx1-ubyte.gz: damaged gzip stream"));

  // More test samples than t10k holds; no folder at all.
  const fs::path small = tiny_folder("small", 5, 3);
  EXPECT_THAT(error_of([&] { truth_from(config_text("mnist", small, "verify = false\n[metrics]\ntest_samples = 4\n")); }),
              HasSubstr("metrics.test_samples"));
  EXPECT_THAT(error_of([&] { truth_from("[truth]\nkind = \"mnist\"\n"); }), HasSubstr("truth.path"));
  for (const char* d : {"checksum", "missing", "cut", "small"}) fs::remove_all(scratch(d));
}

TEST(ImageTruth, RealVectorFamiliesRefuseAnImageTruthNamingIt) {
  const fs::path dir = tiny_folder("family", 5, 3);
  for (const char* family : {"gaussian", "gmm", "kde"}) {
    const Config config = Config::from_string(
        config_text("mnist", dir, fmt::format("verify = false\n[metrics]\ntest_samples = 3\n[model]\nfamily = \"{}\"\n", family)),
        "test.toml");
    const auto truth = make_truth(config, 7);
    EXPECT_THAT(error_of([&] { make_family(config, *truth); }),
                ::testing::AllOf(HasSubstr("model.family"), HasSubstr("truth.kind \"mnist\" gives 1 x 28 x 28 images")))
        << family;
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace ouro
