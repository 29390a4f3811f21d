// Sample grids: the first images of a generation's synthetic samples laid out in a grid and saved
// as a PNG (samples/gen-G-rep-R.png beside metrics.csv), so that collapse can be seen as well as
// read; the report shows them next to the curves.
//
// The grid holds the FIRST `count` samples of the generation, in order, row by row, `columns` to
// a row, with a gap of kGridGap pixels of level kGridGapLevel between images (and the empty cells
// of the last row in that level too). Each generation's sample i is drawn from the same stream
// position, so the grids of one replicate show the same seeds generation after generation. Every
// pixel is the sample's own 8-bit level: nothing is rescaled, so a PNG decodes to the exact levels
// the next generation trains on.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "ouro/core/samples.hpp"
#include "ouro/metrics/side_output.hpp"

namespace ouro {

inline constexpr std::size_t kGridColumns = 8;
inline constexpr std::uint32_t kGridGap = 1;
inline constexpr std::uint8_t kGridGapLevel = 128;  // mid grey: apart from both a black and a white background

// A grid's pixels: height rows of width x channels levels, channels interleaved (as PNG stores them).
struct ImageGrid {
  std::uint32_t width = 0, height = 0, channels = 1;
  std::vector<std::uint8_t> pixels;
};

// The first min(count, images.size()) images of `images` (1 or 3 channels; DataError otherwise, or
// for samples that are not images, or count or columns 0).
ImageGrid sample_grid(const Samples& images, std::size_t count, std::size_t columns = kGridColumns);

// The side output that writes one grid per generation for the replicates below `replicates`:
// samples/gen-<generation, 3 digits at least>-rep-<replicate>.png.
std::unique_ptr<SideFileOutput> make_sample_grids_output(std::size_t count, std::size_t replicates);

// The name of replicate r's grid of generation g, relative to the run folder.
std::string sample_grid_name(std::size_t generation, std::size_t replicate);

}  // namespace ouro
