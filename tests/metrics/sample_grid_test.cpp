// Sample grids (metrics/sample_grid.hpp): a hand-laid grid of tiny images (positions, gaps, the
// empty cells of the last row, channels interleaved for RGB), the first n samples only, the side
// output writing grids for the chosen replicates under their names, and bad input.
#include <gtest/gtest.h>

#include <vector>

#include "ouro/core/config.hpp"
#include "ouro/core/error.hpp"
#include "ouro/io/png.hpp"
#include "ouro/metrics/sample_grid.hpp"
#include "ouro/metrics/side_output.hpp"
#include "ouro/models/capabilities.hpp"
#include "support/error_of.hpp"

namespace ouro {
namespace {

using testing::error_of;

// `count` images of channels x 2 x 3 whose level at (image i, channel c, row y, column x) is
// 10 i + 100 c + 3 y + x, so every pixel tells where it came from.
Samples numbered_images(std::size_t count, std::uint32_t channels) {
  std::vector<std::uint8_t> levels;
  for (std::size_t i = 0; i < count; ++i)
    for (std::uint32_t c = 0; c < channels; ++c)
      for (int y = 0; y < 2; ++y)
        for (int x = 0; x < 3; ++x) levels.push_back(static_cast<std::uint8_t>(10 * i + 100 * c + 3 * y + x));
  return Samples(ImageShape{channels, 2, 3, 0.0f, 1.0f}, std::move(levels));
}

TEST(SampleGrid, LaysOutTheFirstImagesRowByRowWithGaps) {
  // 5 images, 2 columns: 3 rows of 2 x 3 images with 1-px gaps; the sixth cell is gap grey.
  const ImageGrid grid = sample_grid(numbered_images(7, 1), 5, 2);
  ASSERT_EQ(grid.width, 2u * 3 + 1);
  ASSERT_EQ(grid.height, 3u * 2 + 2);
  ASSERT_EQ(grid.channels, 1u);
  ASSERT_EQ(grid.pixels.size(), 7u * 8);
  const auto at = [&](std::size_t x, std::size_t y) { return static_cast<int>(grid.pixels[y * grid.width + x]); };
  for (std::size_t i = 0; i < 5; ++i) {
    const std::size_t x0 = (i % 2) * 4, y0 = (i / 2) * 3;
    for (std::size_t y = 0; y < 2; ++y)
      for (std::size_t x = 0; x < 3; ++x) EXPECT_EQ(at(x0 + x, y0 + y), static_cast<int>(10 * i + 3 * y + x)) << i;
  }
  for (std::size_t y = 0; y < grid.height; ++y) EXPECT_EQ(at(3, y), kGridGapLevel) << "column gap, row " << y;
  for (std::size_t x = 0; x < grid.width; ++x) {
    EXPECT_EQ(at(x, 2), kGridGapLevel) << "row gap";
    EXPECT_EQ(at(x, 5), kGridGapLevel) << "row gap";
  }
  for (std::size_t y = 6; y < 8; ++y)
    for (std::size_t x = 4; x < 7; ++x) EXPECT_EQ(at(x, y), kGridGapLevel) << "empty cell";
}

TEST(SampleGrid, FewerImagesThanColumnsMakeOneRowAndRgbIsInterleaved) {
  const ImageGrid grid = sample_grid(numbered_images(2, 3), 64);
  ASSERT_EQ(grid.width, 2u * 3 + 1);
  ASSERT_EQ(grid.height, 2u);
  ASSERT_EQ(grid.channels, 3u);
  // Image 1, row 1, column 2, channel c: 10 + 100 c + 3 + 2, at x = 4 + 2.
  for (std::size_t c = 0; c < 3; ++c) EXPECT_EQ(grid.pixels[(1 * grid.width + 6) * 3 + c], 15 + 100 * c);
  for (std::size_t c = 0; c < 3; ++c) EXPECT_EQ(grid.pixels[(0 * grid.width + 3) * 3 + c], kGridGapLevel);
}

TEST(SampleGrid, BadInputIsRefused) {
  EXPECT_NE(error_of([] { sample_grid(numbered_images(2, 2), 4); }).find("1 or 3 channels; these have 2"),
            std::string::npos);
  EXPECT_NE(error_of([] { sample_grid(numbered_images(2, 1), 0); }).find("0 images"), std::string::npos);
  EXPECT_NE(error_of([] { sample_grid(Samples(Matrix::Zero(3, 2)), 4); }).find("image"), std::string::npos);
}

TEST(SampleGrid, TheSideOutputWritesOneNamedGridPerChosenReplicate) {
  Config config;
  config.set("metrics.image_samples=4");
  config.set("metrics.image_replicates=2");
  Capabilities images;
  images.samples = SampleKind::kImage;
  auto outputs = make_side_file_outputs(config, images);
  ASSERT_EQ(outputs.size(), 1u);
  EXPECT_TRUE(make_side_file_outputs(config, Capabilities{}).empty()) << "real rows get no grids";
  config.set("metrics.image_samples=0");
  EXPECT_TRUE(make_side_file_outputs(config, images).empty());

  const auto truth = make_truth(Config{}, 1);
  const TestSet test;
  const Samples samples = numbered_images(9, 1);
  Rng rng(1, {Purpose::kUser, 0, 0, 1});
  const MetricContext context{*truth, test, samples, rng};
  std::vector<SideFile> files;
  for (std::size_t r = 0; r < 3; ++r) outputs[0]->add_files(r, 12, context, files);
  ASSERT_EQ(files.size(), 2u) << "replicates 0 and 1 only";
  EXPECT_EQ(files[0].name, "samples/gen-012-rep-0.png");
  EXPECT_EQ(files[1].name, "samples/gen-012-rep-1.png");
  EXPECT_EQ(sample_grid_name(1234, 7), "samples/gen-1234-rep-7.png");
  const ImageGrid grid = sample_grid(samples, 4);
  EXPECT_EQ(files[0].bytes, encode_png(grid.width, grid.height, 1, grid.pixels));
  EXPECT_EQ(files[0].bytes, files[1].bytes);
}

}  // namespace
}  // namespace ouro
