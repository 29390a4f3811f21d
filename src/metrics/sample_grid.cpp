// Grids of a generation's first synthetic images as PNG files: see sample_grid.hpp.
#include "ouro/metrics/sample_grid.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "ouro/core/error.hpp"
#include "ouro/io/png.hpp"

namespace ouro {

ImageGrid sample_grid(const Samples& images, std::size_t count, std::size_t columns) {
  const ImageShape& shape = images.image_shape();
  OURO_CHECK(shape.channels == 1 || shape.channels == 3, DataError,
             "a sample grid takes images of 1 or 3 channels; these have {}", shape.channels);
  OURO_CHECK(count > 0 && columns > 0, DataError, "a sample grid of {} images in {} columns", count, columns);
  const auto shown = std::min(count, static_cast<std::size_t>(images.size()));
  OURO_CHECK(shown > 0, DataError, "a sample grid of no images");
  const std::size_t cols = std::min(columns, shown);
  const std::size_t rows = (shown + cols - 1) / cols;
  ImageGrid grid;
  grid.channels = shape.channels;
  grid.width = static_cast<std::uint32_t>(cols * shape.width + (cols - 1) * kGridGap);
  grid.height = static_cast<std::uint32_t>(rows * shape.height + (rows - 1) * kGridGap);
  const std::size_t c = shape.channels;
  grid.pixels.assign(static_cast<std::size_t>(grid.width) * grid.height * c, kGridGapLevel);
  const std::size_t plane = static_cast<std::size_t>(shape.height) * shape.width;
  for (std::size_t i = 0; i < shown; ++i) {
    const auto image = images.image(static_cast<Eigen::Index>(i));  // C x H x W
    const std::size_t x0 = (i % cols) * (shape.width + kGridGap);
    const std::size_t y0 = (i / cols) * (shape.height + kGridGap);
    for (std::size_t y = 0; y < shape.height; ++y) {
      std::uint8_t* out = grid.pixels.data() + ((y0 + y) * grid.width + x0) * c;
      for (std::size_t x = 0; x < shape.width; ++x) {
        for (std::size_t k = 0; k < c; ++k) out[x * c + k] = image[k * plane + y * shape.width + x];
      }
    }
  }
  return grid;
}

std::string sample_grid_name(std::size_t generation, std::size_t replicate) {
  return fmt::format("samples/gen-{:03}-rep-{}.png", generation, replicate);
}

namespace {

class SampleGrids final : public SideFileOutput {
 public:
  SampleGrids(std::size_t count, std::size_t replicates) : count_(count), replicates_(replicates) {}

  void add_files(std::size_t replicate, std::size_t generation, const MetricContext& context,
                 std::vector<SideFile>& out) const override {
    if (replicate >= replicates_ || context.samples.empty()) return;
    const ImageGrid grid = sample_grid(context.samples, count_);
    out.push_back({sample_grid_name(generation, replicate),
                   encode_png(grid.width, grid.height, grid.channels, grid.pixels)});
  }

 private:
  std::size_t count_;
  std::size_t replicates_;
};

}  // namespace

std::unique_ptr<SideFileOutput> make_sample_grids_output(std::size_t count, std::size_t replicates) {
  return std::make_unique<SampleGrids>(count, replicates);
}

}  // namespace ouro
