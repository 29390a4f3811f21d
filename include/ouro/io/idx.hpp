// LeCun's idx files (MNIST, Fashion-MNIST): images (magic 2051: count, rows, cols, then row-major
// uint8 pixels) and labels (magic 2049: count, then uint8 labels), each header word a big-endian
// uint32, the file gzipped or not. A reader of outside files, so every way a file can be wrong
// (missing, not idx, the other kind of idx, cut short, trailing bytes, a checksum or count that
// does not match) is an IoError or DataError naming the file and what is wrong.
//
// The pixels are kept as the file's 8-bit levels (60,000 MNIST images: 47 MB), never widened.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string_view>
#include <vector>

#include "ouro/core/samples.hpp"

namespace ouro {

inline constexpr std::uint32_t kIdxImagesMagic = 2051;
inline constexpr std::uint32_t kIdxLabelsMagic = 2049;

struct IdxImages {
  std::uint32_t count = 0, rows = 0, cols = 0;
  std::vector<std::uint8_t> pixels;  // count x rows x cols, image after image, row-major
};

// Parses the (decompressed) bytes of an idx images / labels file; `file` names it in errors.
IdxImages parse_idx_images(std::vector<std::uint8_t> bytes, std::string_view file);
std::vector<std::uint8_t> parse_idx_labels(std::vector<std::uint8_t> bytes, std::string_view file);

// Reads an idx file, gunzipping it when it is gzipped. With a non-empty `sha256` (lower-case hex),
// the decompressed bytes must have that digest (DataError naming the file and both digests), so a
// check does not depend on how the file was compressed.
IdxImages read_idx_images(const std::filesystem::path& path, std::string_view sha256 = {});
std::vector<std::uint8_t> read_idx_labels(const std::filesystem::path& path, std::string_view sha256 = {});

// An images file and its labels file as labelled 1 x rows x cols images with value range [0, 1]
// (level q stands for q / 255). DataError naming both files when their counts differ.
Samples read_idx_labelled_images(const std::filesystem::path& images, const std::filesystem::path& labels,
                                 std::string_view images_sha256 = {}, std::string_view labels_sha256 = {});

}  // namespace ouro
