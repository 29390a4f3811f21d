// Samples of one storage kind at its natural width: see samples.hpp.
#include "ouro/core/samples.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "ouro/core/error.hpp"

namespace ouro {

std::string_view storage_name(SampleStorage storage) {
  switch (storage) {
    case SampleStorage::kReal: return "real rows";
    case SampleStorage::kImage: return "images";
    case SampleStorage::kTokens: return "token sequences";
  }
  return "unknown samples";
}

Samples::Samples(Matrix rows) : storage_(SampleStorage::kReal), size_(rows.rows()), real_(std::move(rows)) {}

Samples::Samples(ImageShape shape, std::vector<std::uint8_t> levels)
    : storage_(SampleStorage::kImage), shape_(shape), levels_(std::move(levels)) {
  const std::size_t per_image = shape_.pixels();
  OURO_CHECK(per_image > 0 && levels_.size() % per_image == 0, DataError,
             "images: {} values do not make whole images of {} x {} x {}", levels_.size(), shape_.channels,
             shape_.height, shape_.width);
  OURO_CHECK(std::isfinite(shape_.low) && std::isfinite(shape_.high) && shape_.low < shape_.high, DataError,
             "images: the value range [{}, {}] is empty or not finite", shape_.low, shape_.high);
  size_ = static_cast<Eigen::Index>(levels_.size() / per_image);
}

Samples::Samples(ImageShape shape, std::vector<std::uint8_t> levels, std::vector<std::int32_t> labels)
    : Samples(shape, std::move(levels)) {
  OURO_CHECK(labels.size() == static_cast<std::size_t>(size_), DataError, "images: {} labels for {} images",
             labels.size(), size_);
  const auto negative = std::find_if(labels.begin(), labels.end(), [](std::int32_t label) { return label < 0; });
  OURO_CHECK(negative == labels.end(), DataError, "images: image {} has label {}, expected a class label >= 0",
             negative - labels.begin(), negative == labels.end() ? 0 : *negative);
  labels_ = std::move(labels);
}

Samples Samples::images_from_values(ImageShape shape, std::span<const float> values) {
  const std::size_t per_image = std::max<std::size_t>(1, shape.pixels());
  const double scale = 255.0 / (static_cast<double>(shape.high) - static_cast<double>(shape.low));
  std::vector<std::uint8_t> levels(values.size());
  for (std::size_t k = 0; k < values.size(); ++k) {
    const float v = values[k];
    OURO_CHECK(v >= shape.low && v <= shape.high, DataError,
               "images: image {} holds {} at value {}, outside the declared range [{}, {}]", k / per_image, v,
               k % per_image, shape.low, shape.high);
    levels[k] = static_cast<std::uint8_t>(std::lround((static_cast<double>(v) - shape.low) * scale));
  }
  return Samples(shape, std::move(levels));
}

Samples::Samples(std::vector<std::int32_t> ids, std::vector<std::size_t> offsets)
    : storage_(SampleStorage::kTokens), ids_(std::move(ids)), offsets_(std::move(offsets)) {
  OURO_CHECK(!offsets_.empty() && offsets_.front() == 0 && offsets_.back() == ids_.size() &&
                 std::is_sorted(offsets_.begin(), offsets_.end()),
             DataError, "token sequences: offsets must start at 0, never decrease and end at the {} ids",
             ids_.size());
  const auto negative = std::find_if(ids_.begin(), ids_.end(), [](std::int32_t id) { return id < 0; });
  OURO_CHECK(negative == ids_.end(), DataError, "token sequences: id {} at position {} is negative", 
             negative == ids_.end() ? 0 : *negative, negative - ids_.begin());
  size_ = static_cast<Eigen::Index>(offsets_.size() - 1);
}

Samples Samples::tokens_from_padded_rows(const Matrix& rows) {
  std::vector<std::int32_t> ids;
  std::vector<std::size_t> offsets{0};
  ids.reserve(static_cast<std::size_t>(rows.size()));
  for (Eigen::Index i = 0; i < rows.rows(); ++i) {
    for (Eigen::Index j = 0; j < rows.cols(); ++j) {
      const double v = rows(i, j);
      if (v == -1.0) continue;
      OURO_CHECK(v >= 0 && v == std::floor(v) && v <= 2147483647.0, DataError,
                 "token rows: row {} column {} holds {}, which is not a token id", i, j, v);
      ids.push_back(static_cast<std::int32_t>(v));
    }
    offsets.push_back(ids.size());
  }
  return Samples(std::move(ids), std::move(offsets));
}

void Samples::check_storage(SampleStorage wanted) const {
  OURO_CHECK(storage_ == wanted, DataError, "expected {}, but the samples are {}", storage_name(wanted),
             storage_name(storage_));
}

const Matrix& Samples::real() const {
  check_storage(SampleStorage::kReal);
  return real_;
}

const ImageShape& Samples::image_shape() const {
  check_storage(SampleStorage::kImage);
  return shape_;
}

std::span<const std::uint8_t> Samples::image(Eigen::Index i) const {
  check_storage(SampleStorage::kImage);
  const std::size_t n = shape_.pixels();
  return std::span<const std::uint8_t>(levels_).subspan(static_cast<std::size_t>(i) * n, n);
}

std::span<const std::uint8_t> Samples::levels() const {
  check_storage(SampleStorage::kImage);
  return levels_;
}

void Samples::image_values(Eigen::Index i, std::span<float> out) const {
  const auto image = this->image(i);
  OURO_CHECK(out.size() == image.size(), Error, "internal: {} values asked of an image of {}", out.size(), image.size());
  const float step = (shape_.high - shape_.low) / 255.0f;
  for (std::size_t k = 0; k < image.size(); ++k) out[k] = shape_.low + step * static_cast<float>(image[k]);
}

std::span<const std::int32_t> Samples::tokens(Eigen::Index i) const {
  check_storage(SampleStorage::kTokens);
  const auto at = static_cast<std::size_t>(i);
  return std::span<const std::int32_t>(ids_).subspan(offsets_[at], offsets_[at + 1] - offsets_[at]);
}

std::span<const std::int32_t> Samples::all_tokens() const {
  check_storage(SampleStorage::kTokens);
  return ids_;
}

Matrix Samples::padded_rows() const {
  check_storage(SampleStorage::kTokens);
  std::size_t longest = 0;
  for (std::size_t i = 0; i + 1 < offsets_.size(); ++i) longest = std::max(longest, offsets_[i + 1] - offsets_[i]);
  Matrix rows = Matrix::Constant(size_, static_cast<Eigen::Index>(longest), -1.0);
  for (Eigen::Index i = 0; i < size_; ++i) {
    const auto t = tokens(i);
    for (std::size_t j = 0; j < t.size(); ++j) rows(i, static_cast<Eigen::Index>(j)) = t[j];
  }
  return rows;
}

Matrix Samples::image_rows() const {
  check_storage(SampleStorage::kImage);
  const auto pixels = static_cast<Eigen::Index>(shape_.pixels());
  Matrix rows(size_, pixels);
  std::vector<float> values(static_cast<std::size_t>(pixels));
  for (Eigen::Index i = 0; i < size_; ++i) {
    image_values(i, values);
    for (Eigen::Index j = 0; j < pixels; ++j) rows(i, j) = values[static_cast<std::size_t>(j)];
  }
  return rows;
}

std::string Samples::bytes(Eigen::Index i) const {
  switch (storage_) {
    case SampleStorage::kReal:
      return {reinterpret_cast<const char*>(real_.row(i).data()), static_cast<std::size_t>(real_.cols()) * sizeof(double)};
    case SampleStorage::kImage: {
      const auto image = this->image(i);
      std::string out(reinterpret_cast<const char*>(image.data()), image.size());
      if (has_labels()) {
        const std::int32_t label = labels_[static_cast<std::size_t>(i)];
        out.append(reinterpret_cast<const char*>(&label), sizeof label);
      }
      return out;
    }
    case SampleStorage::kTokens: {
      const auto t = tokens(i);
      return {reinterpret_cast<const char*>(t.data()), t.size() * sizeof(std::int32_t)};
    }
  }
  return {};
}

std::size_t Samples::memory_bytes() const {
  return static_cast<std::size_t>(real_.size()) * sizeof(double) + levels_.size() +
         labels_.size() * sizeof(std::int32_t) + ids_.size() * sizeof(std::int32_t) + offsets_.size() * sizeof(std::size_t);
}

Samples Samples::select(std::span<const std::size_t> indices) const {
  switch (storage_) {
    case SampleStorage::kReal: {
      Matrix rows(static_cast<Eigen::Index>(indices.size()), real_.cols());
      for (std::size_t i = 0; i < indices.size(); ++i) {
        rows.row(static_cast<Eigen::Index>(i)) = real_.row(static_cast<Eigen::Index>(indices[i]));
      }
      return Samples(std::move(rows));
    }
    case SampleStorage::kImage: {
      Samples out;
      out.storage_ = SampleStorage::kImage;
      out.shape_ = shape_;
      out.levels_.reserve(indices.size() * shape_.pixels());
      if (has_labels()) out.labels_.reserve(indices.size());
      for (const std::size_t i : indices) {
        const auto image = this->image(static_cast<Eigen::Index>(i));
        out.levels_.insert(out.levels_.end(), image.begin(), image.end());
        if (has_labels()) out.labels_.push_back(labels_[i]);
      }
      out.size_ = static_cast<Eigen::Index>(indices.size());
      return out;
    }
    case SampleStorage::kTokens: {
      Samples out;
      out.storage_ = SampleStorage::kTokens;
      out.offsets_.reserve(indices.size() + 1);
      out.offsets_.push_back(0);
      for (const std::size_t i : indices) {
        const auto t = tokens(static_cast<Eigen::Index>(i));
        out.ids_.insert(out.ids_.end(), t.begin(), t.end());
        out.offsets_.push_back(out.ids_.size());
      }
      out.size_ = static_cast<Eigen::Index>(indices.size());
      return out;
    }
  }
  return {};
}

Samples Samples::concat(std::span<const Samples* const> parts) {
  const Samples* first = nullptr;
  Eigen::Index total = 0;
  for (const Samples* part : parts) {
    if (part->empty()) continue;
    if (!first) first = part;
    OURO_CHECK(part->storage_ == first->storage_, DataError, "cannot join {} and {}", storage_name(first->storage_),
               storage_name(part->storage_));
    if (part->storage_ == SampleStorage::kReal) {
      OURO_CHECK(part->real_.cols() == first->real_.cols(), DataError, "cannot join samples of {} and {} columns",
                 first->real_.cols(), part->real_.cols());
    }
    if (part->storage_ == SampleStorage::kImage) {
      OURO_CHECK(part->shape_ == first->shape_, DataError, "cannot join images of different shapes or ranges");
      OURO_CHECK(part->has_labels() == first->has_labels(), DataError, "cannot join {} images and {} images",
                 first->has_labels() ? "labelled" : "unlabelled", part->has_labels() ? "labelled" : "unlabelled");
    }
    total += part->size_;
  }
  if (!first) return {};
  Samples out;
  out.storage_ = first->storage_;
  out.size_ = total;
  switch (first->storage_) {
    case SampleStorage::kReal: {
      out.real_.resize(total, first->real_.cols());
      Eigen::Index at = 0;
      for (const Samples* part : parts) {
        if (part->empty()) continue;
        out.real_.middleRows(at, part->size_) = part->real_;
        at += part->size_;
      }
      break;
    }
    case SampleStorage::kImage:
      out.shape_ = first->shape_;
      out.levels_.reserve(static_cast<std::size_t>(total) * first->shape_.pixels());
      for (const Samples* part : parts) {
        out.levels_.insert(out.levels_.end(), part->levels_.begin(), part->levels_.end());
        out.labels_.insert(out.labels_.end(), part->labels_.begin(), part->labels_.end());
      }
      break;
    case SampleStorage::kTokens:
      out.offsets_.push_back(0);
      for (const Samples* part : parts) {
        if (part->empty()) continue;
        const std::size_t base = out.ids_.size();
        out.ids_.insert(out.ids_.end(), part->ids_.begin(), part->ids_.end());
        for (std::size_t k = 1; k < part->offsets_.size(); ++k) out.offsets_.push_back(base + part->offsets_[k]);
      }
      break;
  }
  return out;
}

void check_finite(const Matrix& x, std::string_view what) {
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    for (Eigen::Index j = 0; j < x.cols(); ++j) {
      OURO_CHECK(std::isfinite(x(i, j)), DataError, "{}: row {}, column {} holds {}, expected a finite number",
                 what, i, j, x(i, j));
    }
  }
}

void Samples::check_finite(std::string_view what) const {
  // Images and token ids hold no floating-point values to check.
  if (storage_ == SampleStorage::kReal) ouro::check_finite(real_, what);
}

}  // namespace ouro
