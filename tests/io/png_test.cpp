// PNG encoding (io/png.hpp): the signature and header a reader needs, the same bytes for the same
// pixels, and bad sizes refused naming what is wrong. Decoding is checked against Pillow in
// png_python_test.cpp.
#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "ouro/io/png.hpp"
#include "support/error_of.hpp"

namespace ouro {
namespace {

using testing::error_of;

std::uint32_t big_endian(const std::string& bytes, std::size_t at) {
  std::uint32_t v = 0;
  for (std::size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(bytes[at + i]);
  return v;
}

TEST(Png, StartsWithTheSignatureAndAHeaderOfTheGivenSize) {
  const std::vector<std::uint8_t> pixels(7 * 3 * 3, 200);
  const std::string png = encode_png(7, 3, 3, pixels);
  ASSERT_GT(png.size(), 33u);
  EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  EXPECT_EQ(png.substr(12, 4), "IHDR");
  EXPECT_EQ(big_endian(png, 16), 7u);
  EXPECT_EQ(big_endian(png, 20), 3u);
  EXPECT_EQ(png[24], 8);  // bit depth
  EXPECT_EQ(png[25], 2);  // colour type RGB
  EXPECT_EQ(png.substr(png.size() - 8, 4), "IEND");
}

TEST(Png, TheSamePixelsEncodeToTheSameBytes) {
  std::vector<std::uint8_t> pixels(28 * 28);
  for (std::size_t i = 0; i < pixels.size(); ++i) pixels[i] = static_cast<std::uint8_t>(i * 7);
  const std::string first = encode_png(28, 28, 1, pixels);
  EXPECT_EQ(encode_png(28, 28, 1, pixels), first);
  pixels[400] ^= 1;
  EXPECT_NE(encode_png(28, 28, 1, pixels), first);
}

TEST(Png, BadSizesAreRefusedNamingThem) {
  const std::vector<std::uint8_t> pixels(12, 0);
  EXPECT_NE(error_of([&] { encode_png(4, 3, 2, pixels); }).find("2 channels"), std::string::npos);
  EXPECT_NE(error_of([&] { encode_png(0, 3, 1, pixels); }).find("0 x 3"), std::string::npos);
  EXPECT_NE(error_of([&] { encode_png(5, 3, 1, pixels); }).find("needs 15 levels; 12 given"), std::string::npos);
}

}  // namespace
}  // namespace ouro
