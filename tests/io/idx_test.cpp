// idx files: tiny hand-written images and labels files read back exactly, gzipped or plain, and
// every malformed file (missing, bad magic, the other kind, cut short, trailing bytes, a checksum or
// a count that does not match) refused naming the file and what is wrong.
#include "ouro/io/idx.hpp"

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ouro/core/error.hpp"
#include "ouro/io/gzip.hpp"
#include "ouro/io/sha256.hpp"
#include "support/idx_files.hpp"
#include "temp_dir.hpp"
#include "support/error_of.hpp"

namespace ouro {
namespace {

using ::testing::HasSubstr;
using testing::TempDir;
using testing::write_gzipped;
using testing::write_text;

std::string word(std::uint32_t v) { return testing::idx_word(v); }

// Three 2 x 3 images whose pixel k of image i is 10 i + k, and their labels 4, 0, 9.
std::string images_file() {
  std::string bytes = word(2051) + word(3) + word(2) + word(3);
  for (int i = 0; i < 3; ++i) {
    for (int k = 0; k < 6; ++k) bytes.push_back(static_cast<char>(10 * i + k));
  }
  return bytes;
}
std::string labels_file() { return word(2049) + word(3) + std::string{4, 0, 9}; }

using testing::error_of;

TEST(Idx, TinyFilesReadBackExactlyGzippedOrPlain) {
  const TempDir dir;
  write_text(dir / "images", images_file());
  write_gzipped(dir / "labels.gz", labels_file());
  const IdxImages images = read_idx_images(dir / "images");
  EXPECT_EQ(images.count, 3u);
  EXPECT_EQ(images.rows, 2u);
  EXPECT_EQ(images.cols, 3u);
  ASSERT_EQ(images.pixels.size(), 18u);
  EXPECT_EQ(images.pixels[0], 0);
  EXPECT_EQ(images.pixels[17], 25);
  EXPECT_EQ(read_idx_labels(dir / "labels.gz"), (std::vector<std::uint8_t>{4, 0, 9}));

  write_gzipped(dir / "images.gz", images_file());
  const Samples s = read_idx_labelled_images(dir / "images.gz", dir / "labels.gz");
  ASSERT_EQ(s.size(), 3);
  EXPECT_EQ(s.image_shape(), (ImageShape{1, 2, 3, 0.0f, 1.0f}));
  EXPECT_EQ(std::vector<std::int32_t>(s.labels().begin(), s.labels().end()), (std::vector<std::int32_t>{4, 0, 9}));
  EXPECT_EQ(s.image(2)[5], 25);
  std::vector<float> values(6);
  s.image_values(1, values);
  EXPECT_FLOAT_EQ(values[3], 13.0f / 255.0f);
}

TEST(Idx, TheChecksumIsOfTheDecompressedBytes) {
  const TempDir dir;
  write_gzipped(dir / "labels.gz", labels_file());
  const std::string right = sha256_hex(labels_file());
  EXPECT_EQ(read_idx_labels(dir / "labels.gz", right).size(), 3u);
  const std::string wrong(64, '0');
  const std::string message = error_of([&] { read_idx_labels(dir / "labels.gz", wrong); });
  EXPECT_THAT(message, HasSubstr("labels.gz: sha256 of the decompressed bytes is " + right + ", expected " + wrong));
}

TEST(Idx, MalformedFilesAreRefusedNamingTheFileAndTheFault) {
  const TempDir dir;
  EXPECT_THAT(error_of([&] { read_idx_images(dir / "missing.gz"); }), HasSubstr("missing.gz"));
  auto images_error = [&](const std::string& bytes) {
    write_text(dir / "bad-images", bytes);
    return error_of([&] { read_idx_images(dir / "bad-images"); });
  };
  auto labels_error = [&](const std::string& bytes) {
    write_text(dir / "bad-labels", bytes);
    return error_of([&] { read_idx_labels(dir / "bad-labels"); });
  };
  EXPECT_THAT(images_error(""), HasSubstr("bad-images: 0 bytes, too short for an idx images header"));
  EXPECT_THAT(images_error(word(2052) + word(1) + word(1) + word(1) + "x"),
              HasSubstr("bad-images: not an idx images file: magic 2052, expected 2051"));
  EXPECT_THAT(images_error(labels_file()),
              HasSubstr("bad-images: an idx labels file (magic 2049), expected idx images (magic 2051)"));
  EXPECT_THAT(labels_error(images_file()),
              HasSubstr("bad-labels: an idx images file (magic 2051), expected idx labels (magic 2049)"));
  EXPECT_THAT(images_error(images_file().substr(0, 12)), HasSubstr("bad-images: truncated"));
  EXPECT_THAT(images_error(images_file().substr(0, 30)),
              HasSubstr("bad-images: truncated: 14 bytes after the 16-byte header, fewer than 3 images of 2 x 3"));
  EXPECT_THAT(images_error(images_file() + "zz"),
              HasSubstr("bad-images: 2 bytes past the 34 that the header promises (3 images of 2 x 3)"));
  EXPECT_THAT(images_error(word(2051) + word(1) + word(0) + word(5)), HasSubstr("bad-images: images of 0 x 5 pixels"));
  // Sizes whose product overflows 64 bits are still a cut file, not a wrapped-around count.
  EXPECT_THAT(images_error(word(2051) + word(0xFFFFFFFF) + word(0xFFFFFFFF) + word(0xFFFFFFFF) + "abc"),
              HasSubstr("bad-images: truncated"));
  EXPECT_THAT(labels_error(labels_file().substr(0, 10)),
              HasSubstr("bad-labels: truncated: 2 bytes after the 8-byte header, fewer than 3 labels"));
  // A gzip stream cut short.
  std::ostringstream gz_bytes;
  {
    GzipWriter gz(gz_bytes);
    gz.write(images_file());
    gz.finish();
  }
  write_text(dir / "cut.gz", gz_bytes.str().substr(0, gz_bytes.str().size() - 10));
  EXPECT_THAT(error_of([&] { read_idx_images(dir / "cut.gz"); }), HasSubstr("cut.gz: damaged gzip stream"));
}

TEST(Idx, ImagesAndLabelsOfDifferentCountsAreRefusedNamingBothFiles) {
  const TempDir dir;
  write_text(dir / "images", images_file());
  write_text(dir / "labels", word(2049) + word(2) + std::string{1, 2});
  EXPECT_THAT(error_of([&] { read_idx_labelled_images(dir / "images", dir / "labels"); }),
              ::testing::AllOf(HasSubstr("images holds 3 images but "), HasSubstr("labels holds 2 labels")));
}

}  // namespace
}  // namespace ouro
