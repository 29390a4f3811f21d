// LeCun idx files: see idx.hpp.
#include "ouro/io/idx.hpp"

#include <algorithm>

#include "ouro/core/error.hpp"
#include "ouro/io/gzip.hpp"
#include "ouro/io/sha256.hpp"

namespace ouro {
namespace {

std::uint32_t big_endian_word(const std::vector<std::uint8_t>& bytes, std::size_t at) {
  return (std::uint32_t{bytes[at]} << 24) | (std::uint32_t{bytes[at + 1]} << 16) |
         (std::uint32_t{bytes[at + 2]} << 8) | std::uint32_t{bytes[at + 3]};
}

// The magic word names the kind; the other kind's magic gets its own message, since handing the
// labels file where the images file belongs is the likely mistake.
void check_magic(const std::vector<std::uint8_t>& bytes, std::uint32_t wanted, std::string_view file) {
  const char* what = wanted == kIdxImagesMagic ? "images" : "labels";
  OURO_CHECK(bytes.size() >= 8, DataError, "{}: {} bytes, too short for an idx {} header", file, bytes.size(), what);
  const std::uint32_t magic = big_endian_word(bytes, 0);
  OURO_CHECK(magic != (wanted == kIdxImagesMagic ? kIdxLabelsMagic : kIdxImagesMagic), DataError,
             "{}: an idx {} file (magic {}), expected idx {} (magic {})", file,
             wanted == kIdxImagesMagic ? "labels" : "images", magic, what, wanted);
  OURO_CHECK(magic == wanted, DataError, "{}: not an idx {} file: magic {}, expected {}", file, what, magic, wanted);
}

// Exactly the bytes the header promises (`count` items of `item` bytes after `header`): fewer is a
// cut file, more is not the file it claims to be. Divides rather than multiplies, so a header of
// absurd sizes cannot overflow.
void check_size(std::size_t have, std::size_t header, std::uint64_t count, std::uint64_t item,
                std::string_view file, std::string_view promise) {
  const std::uint64_t body = have - header;
  OURO_CHECK(count <= body / item, DataError, "{}: truncated: {} bytes after the {}-byte header, fewer than {}",
             file, body, header, promise);
  OURO_CHECK(count * item == body, DataError, "{}: {} bytes past the {} that the header promises ({})", file,
             body - count * item, header + count * item, promise);
}

std::vector<std::uint8_t> read_checked(const std::filesystem::path& path, std::string_view sha256) {
  std::vector<std::uint8_t> bytes = read_gunzipped(path);
  if (!sha256.empty()) {
    const std::string actual =
        sha256_hex(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
    OURO_CHECK(actual == sha256, DataError,
               "{}: sha256 of the decompressed bytes is {}, expected {} (a different or damaged copy)",
               path.string(), actual, sha256);
  }
  return bytes;
}

}  // namespace

IdxImages parse_idx_images(std::vector<std::uint8_t> bytes, std::string_view file) {
  check_magic(bytes, kIdxImagesMagic, file);
  OURO_CHECK(bytes.size() >= 16, DataError, "{}: truncated: {} bytes, an idx images header is 16", file,
             bytes.size());
  IdxImages out;
  out.count = big_endian_word(bytes, 4);
  out.rows = big_endian_word(bytes, 8);
  out.cols = big_endian_word(bytes, 12);
  OURO_CHECK(out.rows > 0 && out.cols > 0, DataError, "{}: images of {} x {} pixels", file, out.rows, out.cols);
  check_size(bytes.size(), 16, out.count, std::uint64_t{out.rows} * out.cols, file,
             fmt::format("{} images of {} x {}", out.count, out.rows, out.cols));
  // In place, so the pixels never exist twice.
  bytes.erase(bytes.begin(), bytes.begin() + 16);
  out.pixels = std::move(bytes);
  return out;
}

std::vector<std::uint8_t> parse_idx_labels(std::vector<std::uint8_t> bytes, std::string_view file) {
  check_magic(bytes, kIdxLabelsMagic, file);
  const std::uint32_t count = big_endian_word(bytes, 4);
  check_size(bytes.size(), 8, count, 1, file, fmt::format("{} labels", count));
  bytes.erase(bytes.begin(), bytes.begin() + 8);
  return bytes;
}

IdxImages read_idx_images(const std::filesystem::path& path, std::string_view sha256) {
  return parse_idx_images(read_checked(path, sha256), path.string());
}

std::vector<std::uint8_t> read_idx_labels(const std::filesystem::path& path, std::string_view sha256) {
  return parse_idx_labels(read_checked(path, sha256), path.string());
}

Samples read_idx_labelled_images(const std::filesystem::path& images, const std::filesystem::path& labels,
                                 std::string_view images_sha256, std::string_view labels_sha256) {
  IdxImages read = read_idx_images(images, images_sha256);
  const std::vector<std::uint8_t> classes = read_idx_labels(labels, labels_sha256);
  OURO_CHECK(classes.size() == read.count, DataError, "{} holds {} images but {} holds {} labels", images.string(),
             read.count, labels.string(), classes.size());
  const ImageShape shape{1, read.rows, read.cols, 0.0f, 1.0f};
  return Samples(shape, std::move(read.pixels), std::vector<std::int32_t>(classes.begin(), classes.end()));
}

}  // namespace ouro
