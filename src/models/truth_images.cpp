// Image truths (truth.kind = "mnist" or "fashion-mnist"): the LeCun idx files of one data set, as
// /work/shared/data/mnist and .../fashion-mnist hold them, are the real data.
//
// truth.path is the folder holding train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz,
// t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz. With truth.verify each file's
// decompressed bytes are checked against the published sha256 (the data folders' README.md), so a
// re-gzipped copy of the same data passes and a different or damaged one is refused naming the file.
//
// Images are 1 x 28 x 28 with value range [0, 1] (level q is q / 255), labelled with their class
// (10 classes), and held as the files' 8-bit levels: the 60,000 training images take 47 MB.
//
// The train split (its first truth.pool images when truth.pool > 0) is the real pool: draw(n) and
// sample(n) return n distinct pool images chosen uniformly by the rng (a partial Fisher-Yates, as the
// file truth does), as labelled images or as rows of 784 values in [0, 1]. The t10k split is the
// held-out test set, and test_set(n) is its first n images in file order, for every replicate and
// seed alike, so that row i of the test set has label test_labels()[i]. (LeCun: the first 5,000
// t10k images are the cleaner half; metrics.test_samples = 10000 takes the whole split.)
#include <numeric>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "ouro/core/config.hpp"
#include "ouro/core/error.hpp"
#include "ouro/io/idx.hpp"
#include "truth_kinds.hpp"

namespace ouro::detail {
namespace {

struct IdxFileSet {
  std::string_view train_images, train_labels, test_images, test_labels;  // decompressed sha256
};

// The decompressed sha256 of each file, from the data folders' README.md.
constexpr IdxFileSet kMnistSha256{
    "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
    "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
    "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
    "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
};
constexpr IdxFileSet kFashionMnistSha256{
    "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
    "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
    "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
    "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
};

constexpr int kClasses = 10;

Matrix as_rows(const Samples& images) {
  const ImageShape& shape = images.image_shape();
  Matrix rows(images.size(), static_cast<Eigen::Index>(shape.pixels()));
  std::vector<float> values(shape.pixels());
  for (Eigen::Index i = 0; i < images.size(); ++i) {
    images.image_values(i, values);
    for (std::size_t k = 0; k < values.size(); ++k) rows(i, static_cast<Eigen::Index>(k)) = values[k];
  }
  return rows;
}

class ImageTruth final : public Truth {
 public:
  ImageTruth(std::string_view kind, std::string folder, Samples pool, Samples test)
      : kind_(kind), folder_(std::move(folder)), pool_(std::move(pool)), test_(std::move(test)) {}

  std::string_view kind() const override { return kind_; }
  Eigen::Index dim() const override { return static_cast<Eigen::Index>(pool_.image_shape().pixels()); }

  Samples draw(std::size_t n, Rng& rng) const override {
    const auto size = static_cast<std::size_t>(pool_.size());
    OURO_CHECK(n <= size, DataError,
               "truth.path {}: asked for {} distinct real images but the {} pool holds {} training images", folder_,
               n, kind_, size);
    std::vector<std::size_t> indices(size);
    std::iota(indices.begin(), indices.end(), std::size_t{0});
    for (std::size_t i = 0; i < n; ++i) std::swap(indices[i], indices[i + rng.below(size - i)]);
    indices.resize(n);
    return pool_.select(indices);
  }

  Matrix sample(std::size_t n, Rng& rng) const override { return as_rows(draw(n, rng)); }

  Matrix test_set(std::size_t n, Rng& /*rng*/) const override {
    const auto size = static_cast<std::size_t>(test_.size());
    OURO_CHECK(n <= size, DataError,
               "metrics.test_samples = {}: the {} test split (t10k, under truth.path {}) holds {} images", n, kind_,
               folder_, size);
    std::vector<std::size_t> first(n);
    std::iota(first.begin(), first.end(), std::size_t{0});
    return as_rows(test_.select(first));
  }

  const ImageShape* image_shape() const override { return &pool_.image_shape(); }
  std::span<const std::int32_t> test_labels() const override { return test_.labels(); }
  const Samples* test_images() const override { return &test_; }
  int classes() const override { return kClasses; }

 private:
  std::string_view kind_;
  std::string folder_;
  Samples pool_;  // labelled training images
  Samples test_;  // labelled t10k images, in file order
};

std::unique_ptr<Truth> make_image_truth(const Config& config, std::string_view kind, const IdxFileSet& sha256) {
  const std::string& folder = config.text("truth.path");
  if (folder.empty()) {
    config.fail("truth.path", fmt::format("a {} truth needs the folder holding its four idx files "
                                          "(train/t10k images and labels, .gz)", kind));
  }
  if (config.user_set("truth.dim"))
    config.fail("truth.dim", fmt::format("a {} truth's images are 1 x 28 x 28; truth.dim does not apply", kind));
  const bool verify = config.boolean("truth.verify");
  auto split = [&](std::string_view name, std::string_view images_sha, std::string_view labels_sha) {
    const std::filesystem::path images = std::filesystem::path(folder) / fmt::format("{}-images-idx3-ubyte.gz", name);
    const std::filesystem::path labels = std::filesystem::path(folder) / fmt::format("{}-labels-idx1-ubyte.gz", name);
    // The reader's message names the file; the prefix says which setting pointed at it.
    try {
      Samples read = read_idx_labelled_images(images, labels, verify ? images_sha : std::string_view(),
                                              verify ? labels_sha : std::string_view());
      const ImageShape& shape = read.image_shape();
      OURO_CHECK(shape.height == 28 && shape.width == 28, DataError, "{}: images of {} x {}, expected 28 x 28",
                 images.string(), shape.height, shape.width);
      for (const std::int32_t label : read.labels()) {
        OURO_CHECK(label < kClasses, DataError, "{}: label {}, expected 0 to {}", labels.string(), label, kClasses - 1);
      }
      return read;
    } catch (const IoError& e) {
      throw IoError(fmt::format("{}: truth.path: {}", config.where("truth.path"), e.what()));
    } catch (const DataError& e) {
      throw DataError(fmt::format("{}: truth.path: {}", config.where("truth.path"), e.what()));
    }
  };
  Samples pool = split("train", sha256.train_images, sha256.train_labels);
  Samples test = split("t10k", sha256.test_images, sha256.test_labels);
  const auto cap = static_cast<std::size_t>(config.integer("truth.pool"));
  if (cap > 0 && cap < static_cast<std::size_t>(pool.size())) {
    std::vector<std::size_t> first(cap);
    std::iota(first.begin(), first.end(), std::size_t{0});
    pool = pool.select(first);
  }
  const auto test_samples = static_cast<std::size_t>(config.integer("metrics.test_samples"));
  if (test_samples > static_cast<std::size_t>(test.size())) {
    config.fail("metrics.test_samples", fmt::format("the {} test split (t10k) holds {} images; use at most {}", kind,
                                                    test.size(), test.size()));
  }
  return std::make_unique<ImageTruth>(kind, folder, std::move(pool), std::move(test));
}

}  // namespace

std::unique_ptr<Truth> make_mnist_truth(const Config& config, std::uint64_t /*seed*/) {
  return make_image_truth(config, "mnist", kMnistSha256);
}

std::unique_ptr<Truth> make_fashion_mnist_truth(const Config& config, std::uint64_t /*seed*/) {
  return make_image_truth(config, "fashion-mnist", kFashionMnistSha256);
}

}  // namespace ouro::detail
