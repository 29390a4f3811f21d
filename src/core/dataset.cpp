// Dataset with per-sample provenance: see dataset.hpp.
#include "ouro/core/dataset.hpp"

#include <cmath>

#include "ouro/core/error.hpp"

namespace ouro {

std::string_view origin_name(Origin origin) {
  switch (origin) {
    case Origin::kOriginal: return "original";
    case Origin::kFresh: return "fresh";
    case Origin::kSynthetic: return "synthetic";
  }
  return "unknown";
}

Dataset::Dataset(Matrix x, Provenance provenance)
    : x_(std::move(x)), provenance_(static_cast<std::size_t>(x_.rows()), provenance) {
  for (std::size_t i = 0; i < provenance_.size(); ++i) {
    provenance_[i].index = static_cast<std::uint32_t>(i);
    provenance_[i].candidate = static_cast<std::uint32_t>(i);
  }
}

Dataset::Dataset(Matrix x, std::vector<Provenance> provenance)
    : x_(std::move(x)), provenance_(std::move(provenance)) {
  OURO_CHECK(provenance_.size() == static_cast<std::size_t>(x_.rows()), DataError,
             "dataset has {} rows but {} provenance records", x_.rows(), provenance_.size());
}

Dataset Dataset::select(std::span<const std::size_t> indices) const {
  Matrix x(static_cast<Eigen::Index>(indices.size()), x_.cols());
  std::vector<Provenance> provenance(indices.size());
  for (std::size_t i = 0; i < indices.size(); ++i) {
    x.row(static_cast<Eigen::Index>(i)) = x_.row(static_cast<Eigen::Index>(indices[i]));
    provenance[i] = provenance_[indices[i]];
  }
  return Dataset(std::move(x), std::move(provenance));
}

Dataset Dataset::concat(std::span<const Dataset* const> parts) {
  Eigen::Index rows = 0;
  Eigen::Index cols = -1;
  for (const Dataset* part : parts) {
    if (part->empty()) continue;
    OURO_CHECK(cols < 0 || part->dim() == cols, DataError,
               "cannot join datasets of {} and {} columns", cols, part->dim());
    cols = part->dim();
    rows += part->size();
  }
  Matrix x(rows, std::max<Eigen::Index>(cols, 0));
  std::vector<Provenance> provenance;
  provenance.reserve(static_cast<std::size_t>(rows));
  Eigen::Index at = 0;
  for (const Dataset* part : parts) {
    if (part->empty()) continue;
    x.middleRows(at, part->size()) = part->x();
    provenance.insert(provenance.end(), part->provenance().begin(), part->provenance().end());
    at += part->size();
  }
  return Dataset(std::move(x), std::move(provenance));
}

void Dataset::check_finite(std::string_view what) const { ouro::check_finite(x_, what); }

void check_finite(const Matrix& x, std::string_view what) {
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    for (Eigen::Index j = 0; j < x.cols(); ++j) {
      OURO_CHECK(std::isfinite(x(i, j)), DataError, "{}: row {}, column {} holds {}, expected a finite number",
                 what, i, j, x(i, j));
    }
  }
}

}  // namespace ouro
