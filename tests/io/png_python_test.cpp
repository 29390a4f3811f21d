// PNG encoding against Pillow (Debian python3-pil): every pixel of a gray and an RGB image that
// encode_png wrote decodes to exactly the level it was given, and the file holds no chunk beyond
// IHDR, IDAT and IEND (nothing that could differ between two runs).
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "ouro/io/png.hpp"
#include "temp_dir.hpp"

namespace ouro {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;
using testing::write_text;

// Pillow's decoding: the mode, the size, the chunk types and every level, as one line of text.
std::string pillow_decode(const fs::path& png) {
  const std::string script = fmt::format(
      "import struct\n"
      "from PIL import Image\n"
      "b = open('{0}', 'rb').read()\n"
      "chunks = []\n"
      "at = 8\n"
      "while at < len(b):\n"
      "    n = struct.unpack('>I', b[at:at + 4])[0]\n"
      "    chunks.append(b[at + 4:at + 8].decode())\n"
      "    at += 12 + n\n"
      "im = Image.open('{0}')\n"
      "print(im.mode, im.size[0], im.size[1], '-'.join(dict.fromkeys(chunks)), ' '.join(str(v) for v in im.tobytes()))\n",
      png.string());
  const std::string command = fmt::format("'{}' -c \"{}\"", OURO_PYTHON, script);
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return "popen failed";
  std::string out;
  char buffer[4096];
  while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) out += buffer;
  ::pclose(pipe);
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

std::string expected_line(const char* mode, std::uint32_t width, std::uint32_t height,
                          const std::vector<std::uint8_t>& pixels) {
  std::string line = fmt::format("{} {} {} IHDR-IDAT-IEND ", mode, width, height);
  for (std::size_t i = 0; i < pixels.size(); ++i) line += fmt::format("{}{}", i == 0 ? "" : " ", pixels[i]);
  return line;
}

TEST(PngPython, GrayAndRgbLevelsDecodeExactly) {
  const TempDir dir;
  // Every level 0..255 appears, in an odd size so rows are not multiples of anything.
  std::vector<std::uint8_t> gray(17 * 19);
  for (std::size_t i = 0; i < gray.size(); ++i) gray[i] = static_cast<std::uint8_t>((i * 37 + 11) % 256);
  write_text(dir / "gray.png", encode_png(17, 19, 1, gray));
  EXPECT_EQ(pillow_decode(dir / "gray.png"), expected_line("L", 17, 19, gray));

  std::vector<std::uint8_t> rgb(5 * 3 * 3);
  for (std::size_t i = 0; i < rgb.size(); ++i) rgb[i] = static_cast<std::uint8_t>(255 - (i * 53) % 256);
  write_text(dir / "rgb.png", encode_png(5, 3, 3, rgb));
  EXPECT_EQ(pillow_decode(dir / "rgb.png"), expected_line("RGB", 5, 3, rgb));
}

}  // namespace
}  // namespace ouro
