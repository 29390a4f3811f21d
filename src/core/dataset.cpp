// Dataset with per-sample provenance: see dataset.hpp.
#include "ouro/core/dataset.hpp"

#include <algorithm>
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

bool ProvenanceRun::continues_with(const Provenance& next) const {
  return next.generation == first.generation && next.origin == first.origin && next.watermarked == first.watermarked &&
         next.index == first.index + rows && next.candidate == first.candidate + rows;
}

namespace {

// Appends one row's provenance, extending the last run when it continues it.
void append(std::vector<ProvenanceRun>& runs, const Provenance& p) {
  if (!runs.empty() && runs.back().continues_with(p)) {
    ++runs.back().rows;
  } else {
    runs.push_back({p, 1});
  }
}

}  // namespace

Dataset::Dataset(Matrix x, Provenance provenance) : x_(std::move(x)) {
  provenance.index = 0;
  provenance.candidate = 0;
  if (x_.rows() > 0) runs_.push_back({provenance, static_cast<std::uint32_t>(x_.rows())});
}

Dataset::Dataset(Matrix x, const std::vector<Provenance>& provenance) : x_(std::move(x)) {
  OURO_CHECK(provenance.size() == static_cast<std::size_t>(x_.rows()), DataError,
             "dataset has {} rows but {} provenance records", x_.rows(), provenance.size());
  for (const Provenance& p : provenance) append(runs_, p);
}

Dataset::Dataset(Matrix x, std::vector<ProvenanceRun> runs) : x_(std::move(x)), runs_(std::move(runs)) {
  Eigen::Index start = 0;
  for (const ProvenanceRun& run : runs_) {
    OURO_CHECK(run.rows > 0, DataError, "dataset: a provenance run of no rows");
    start += run.rows;
  }
  OURO_CHECK(start == x_.rows(), DataError, "dataset has {} rows but its provenance runs cover {}", x_.rows(), start);
}

std::vector<Provenance> Dataset::provenance() const {
  std::vector<Provenance> out;
  out.reserve(static_cast<std::size_t>(x_.rows()));
  for (const ProvenanceRun& run : runs_) {
    for (std::uint32_t k = 0; k < run.rows; ++k) {
      Provenance p = run.first;
      p.index += k;
      p.candidate += k;
      out.push_back(p);
    }
  }
  return out;
}

Dataset Dataset::select(std::span<const std::size_t> indices) const {
  Matrix x(static_cast<Eigen::Index>(indices.size()), x_.cols());
  // The first row of each run, for a binary search per selected row.
  std::vector<Eigen::Index> starts;
  starts.reserve(runs_.size());
  Eigen::Index start = 0;
  for (const ProvenanceRun& run : runs_) {
    starts.push_back(start);
    start += run.rows;
  }
  std::vector<ProvenanceRun> runs;
  for (std::size_t i = 0; i < indices.size(); ++i) {
    const auto row = static_cast<Eigen::Index>(indices[i]);
    x.row(static_cast<Eigen::Index>(i)) = x_.row(row);
    const auto r = static_cast<std::size_t>(std::upper_bound(starts.begin(), starts.end(), row) - starts.begin() - 1);
    const auto offset = static_cast<std::uint32_t>(row - starts[r]);
    Provenance p = runs_[r].first;
    p.index += offset;
    p.candidate += offset;
    append(runs, p);
  }
  return Dataset(std::move(x), std::move(runs));
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
  std::vector<ProvenanceRun> runs;
  Eigen::Index at = 0;
  for (const Dataset* part : parts) {
    if (part->empty()) continue;
    x.middleRows(at, part->size()) = part->x();
    runs.insert(runs.end(), part->runs_.begin(), part->runs_.end());
    at += part->size();
  }
  return Dataset(std::move(x), std::move(runs));
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
