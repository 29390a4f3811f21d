// PNG encoding through libpng: see png.hpp.
#include "ouro/io/png.hpp"

#include <png.h>

#include <csetjmp>
#include <vector>

#include "ouro/core/error.hpp"

namespace ouro {
namespace {

// libpng reports errors by longjmp; the message is kept so the IoError can say what failed.
struct WriteState {
  std::string* out = nullptr;
  std::string error;
};

void append_bytes(png_structp png, png_bytep data, png_size_t length) {
  auto* state = static_cast<WriteState*>(png_get_io_ptr(png));
  state->out->append(reinterpret_cast<const char*>(data), length);
}

void no_flush(png_structp) {}

void on_error(png_structp png, png_const_charp message) {
  auto* state = static_cast<WriteState*>(png_get_error_ptr(png));
  state->error = message;
  png_longjmp(png, 1);
}

void on_warning(png_structp, png_const_charp) {}

// Encodes with libpng; returns false (error in state.error) when libpng longjmps. Kept free of
// C++ objects with destructors between setjmp and the longjmp, as longjmp requires.
bool encode(std::uint32_t width, std::uint32_t height, int color_type, const std::vector<png_bytep>& rows,
            WriteState& state) {
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &state, on_error, on_warning);
  if (!png) {
    state.error = "png_create_write_struct failed";
    return false;
  }
  png_infop info = png_create_info_struct(png);
  if (!info || setjmp(png_jmpbuf(png))) {
    if (state.error.empty()) state.error = "png_create_info_struct failed";
    png_destroy_write_struct(&png, info ? &info : nullptr);
    return false;
  }
  png_set_write_fn(png, &state, append_bytes, no_flush);
  // Fixed settings, so the bytes depend on the pixels alone (not on libpng's heuristics' defaults).
  png_set_compression_level(png, 9);
  png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_NONE);
  png_set_IHDR(png, info, width, height, 8, color_type, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
               PNG_FILTER_TYPE_DEFAULT);
  png_set_rows(png, info, const_cast<png_bytepp>(rows.data()));
  png_write_png(png, info, PNG_TRANSFORM_IDENTITY, nullptr);
  png_destroy_write_struct(&png, &info);
  return true;
}

}  // namespace

std::string encode_png(std::uint32_t width, std::uint32_t height, std::uint32_t channels,
                       std::span<const std::uint8_t> pixels) {
  OURO_CHECK(channels == 1 || channels == 3, DataError, "PNG image of {} channels; only 1 (gray) or 3 (RGB) are written",
             channels);
  // PNG's limit is 2^31 - 1 per side; far smaller ones keep a mistaken size from allocating much.
  constexpr std::uint32_t kMaxSide = 1u << 16;
  OURO_CHECK(width > 0 && height > 0 && width <= kMaxSide && height <= kMaxSide, DataError,
             "PNG image of {} x {} pixels; each side must be in [1, {}]", width, height, kMaxSide);
  const std::size_t row_bytes = static_cast<std::size_t>(width) * channels;
  OURO_CHECK(pixels.size() == row_bytes * height, DataError,
             "PNG image of {} x {} x {} needs {} levels; {} given", width, height, channels, row_bytes * height,
             pixels.size());
  std::vector<png_bytep> rows(height);
  for (std::uint32_t y = 0; y < height; ++y) {
    rows[y] = const_cast<png_bytep>(pixels.data() + y * row_bytes);
  }
  std::string out;
  WriteState state;
  state.out = &out;
  const bool ok = encode(width, height, channels == 1 ? PNG_COLOR_TYPE_GRAY : PNG_COLOR_TYPE_RGB, rows, state);
  OURO_CHECK(ok, IoError, "libpng could not encode a {} x {} image: {}", width, height, state.error);
  return out;
}

}  // namespace ouro
