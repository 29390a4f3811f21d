// Samples: a set of samples of one storage kind, each kind held at its natural width.
//
//  - real rows (`double`, one row per sample): points of R^d, categorical outcomes (the outcome
//    index in one column) and regression examples ([x, y]);
//  - images (N x C x H x W in one contiguous buffer of 8-bit levels, with a declared value range
//    [low, high]: level q stands for low + (high - low) q / 255). Eight bits is the width images
//    have in their files (MNIST's idx files, PNG), and the width generated images are saved at
//    before a loop trains on them; 60,000 MNIST images take 47 MB here, 188 MB as floats and
//    376 MB as double rows. An image set may carry one class label per image (a class-conditional
//    generator trains on (image, label) pairs and generates images of a given label); a label is
//    part of its sample, so selecting, joining, dedup and checkpoints keep it with its image;
//  - token sequences (`int32` ids, concatenated, with the offset where each sequence starts): no
//    padding, and each sequence its own length.
// A Dataset pairs Samples with their provenance; the loop, filters and checkpoints move Samples
// without knowing the kind, and a family or metric reads the view of the kind it works on (a view
// of another kind is a DataError naming both, never a silent reinterpretation).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ouro/core/matrix.hpp"

namespace ouro {

enum class SampleStorage : std::uint8_t { kReal = 0, kImage = 1, kTokens = 2 };

std::string_view storage_name(SampleStorage storage);

// The shape shared by every image of a set, and the range its 256 levels span.
struct ImageShape {
  std::uint32_t channels = 1, height = 0, width = 0;
  float low = 0.0f, high = 1.0f;
  std::size_t pixels() const { return static_cast<std::size_t>(channels) * height * width; }
  friend bool operator==(const ImageShape&, const ImageShape&) = default;
};

class Samples {
 public:
  // No samples (of real rows of no columns).
  Samples() = default;
  // Real rows.
  explicit Samples(Matrix rows);
  // Images: `levels` holds size x shape.pixels() 8-bit levels, image after image (DataError
  // otherwise, or for an empty or non-finite range).
  Samples(ImageShape shape, std::vector<std::uint8_t> levels);
  // Labelled images: as above, with one class label (>= 0) per image (DataError otherwise).
  Samples(ImageShape shape, std::vector<std::uint8_t> levels, std::vector<std::int32_t> labels);
  // Images from values in [low, high], each rounded to the nearest level (DataError naming the
  // image and position of a value outside the range or not finite).
  static Samples images_from_values(ImageShape shape, std::span<const float> values);
  // Token sequences: sequence i is ids[offsets[i] .. offsets[i + 1]); offsets start at 0, never
  // decrease and end at ids.size() (DataError otherwise, or for a negative id).
  Samples(std::vector<std::int32_t> ids, std::vector<std::size_t> offsets);
  // Token sequences from rows of ids padded with -1 (the padding is dropped).
  static Samples tokens_from_padded_rows(const Matrix& rows);

  SampleStorage storage() const { return storage_; }
  Eigen::Index size() const { return size_; }
  bool empty() const { return size_ == 0; }

  // The view of one kind; DataError naming both kinds when the samples are of another.
  const Matrix& real() const;
  const ImageShape& image_shape() const;
  std::span<const std::uint8_t> image(Eigen::Index i) const;
  std::span<const std::uint8_t> levels() const;
  // One class label per image, or empty for unlabelled images and the other kinds.
  std::span<const std::int32_t> labels() const { return labels_; }
  bool has_labels() const { return !labels_.empty(); }
  // Image i's values, low + (high - low) q / 255 for each level q, written to `out` (shape.pixels()).
  void image_values(Eigen::Index i, std::span<float> out) const;
  std::span<const std::int32_t> tokens(Eigen::Index i) const;
  std::span<const std::int32_t> all_tokens() const;
  // Token sequences as rows of ids padded with -1 to the longest (for code reading rows).
  Matrix padded_rows() const;
  // Images as rows of their values (shape.pixels() columns), for code reading rows.
  Matrix image_rows() const;

  // Sample i's bytes, for exact equality (dedup): equal bytes, equal samples. A labelled image's
  // bytes end with its label, so one image under two labels is two samples.
  std::string bytes(Eigen::Index i) const;
  // Bytes the samples hold (their values and offsets, not the object).
  std::size_t memory_bytes() const;

  // The samples at `indices`, in that order.
  Samples select(std::span<const std::size_t> indices) const;
  // Every part's samples, in order; parts must be of one kind and shape, and image parts all
  // labelled or all unlabelled (DataError otherwise).
  static Samples concat(std::span<const Samples* const> parts);

  // Throws DataError naming `what` and the first sample holding NaN or Inf (real rows).
  void check_finite(std::string_view what) const;

 private:
  void check_storage(SampleStorage wanted) const;

  SampleStorage storage_ = SampleStorage::kReal;
  Eigen::Index size_ = 0;
  Matrix real_;
  ImageShape shape_;
  std::vector<std::uint8_t> levels_;
  std::vector<std::int32_t> labels_;  // images: one per image, or empty when unlabelled
  std::vector<std::int32_t> ids_;
  std::vector<std::size_t> offsets_;  // tokens: size + 1 entries from 0; empty for other kinds
};

// Throws DataError naming `what` and the first row/column of `x` holding NaN or Inf.
void check_finite(const Matrix& x, std::string_view what);

}  // namespace ouro
