// PNG encoding of 8-bit images, for the sample grids a run writes (samples/gen-G-rep-R.png) and the
// report embeds.
//
// libpng (Debian libpng-dev) does the encoding; nothing is hand-deflated. The file carries only
// IHDR, IDAT and IEND: no time stamp, gamma or text chunk, and a fixed compression level and row
// filter, so the same pixels always encode to the same bytes (a resumed run's grids equal an
// uninterrupted one's, byte for byte).
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace ouro {

// Encodes `pixels` (height rows of width x channels 8-bit levels, channels interleaved: 1 gray,
// 3 RGB) as a PNG file's bytes. Throws DataError when the sizes disagree, a side is 0 or above
// PNG's limit, or channels is not 1 or 3; IoError when libpng fails.
std::string encode_png(std::uint32_t width, std::uint32_t height, std::uint32_t channels,
                       std::span<const std::uint8_t> pixels);

}  // namespace ouro
