// idx files for the tests that read them (tests/io/idx_test.cpp, tests/truth/truth_images_test.cpp):
// the big-endian header word and a file written gzipped, as MNIST's files are.
#pragma once

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "ouro/io/gzip.hpp"

namespace ouro::testing {

// A big-endian uint32, as idx headers hold their magic and sizes.
inline std::string idx_word(std::uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8), static_cast<char>(v)};
}

// Writes `bytes` to `path` gzipped.
inline void write_gzipped(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  GzipWriter gz(out);
  gz.write(bytes);
  gz.finish();
}

}  // namespace ouro::testing
