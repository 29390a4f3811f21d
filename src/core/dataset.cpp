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

Dataset::Dataset(Samples samples, Provenance provenance) : samples_(std::move(samples)) {
  provenance.index = 0;
  provenance.candidate = 0;
  if (samples_.size() > 0) runs_.push_back({provenance, static_cast<std::uint32_t>(samples_.size())});
}

Dataset::Dataset(Samples samples, const std::vector<Provenance>& provenance) : samples_(std::move(samples)) {
  OURO_CHECK(provenance.size() == static_cast<std::size_t>(samples_.size()), DataError,
             "dataset has {} samples but {} provenance records", samples_.size(), provenance.size());
  for (const Provenance& p : provenance) append(runs_, p);
}

Dataset::Dataset(Samples samples, std::vector<ProvenanceRun> runs) : samples_(std::move(samples)), runs_(std::move(runs)) {
  Eigen::Index covered = 0;
  for (const ProvenanceRun& run : runs_) {
    OURO_CHECK(run.rows > 0, DataError, "dataset: a provenance run of no samples");
    covered += run.rows;
  }
  OURO_CHECK(covered == samples_.size(), DataError, "dataset has {} samples but its provenance runs cover {}",
             samples_.size(), covered);
}

std::vector<Provenance> Dataset::provenance() const {
  std::vector<Provenance> out;
  out.reserve(static_cast<std::size_t>(samples_.size()));
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
  // The first sample of each run, for a binary search per selected sample.
  std::vector<std::size_t> starts;
  starts.reserve(runs_.size());
  std::size_t start = 0;
  for (const ProvenanceRun& run : runs_) {
    starts.push_back(start);
    start += run.rows;
  }
  std::vector<ProvenanceRun> runs;
  for (const std::size_t i : indices) {
    const auto r = static_cast<std::size_t>(std::upper_bound(starts.begin(), starts.end(), i) - starts.begin() - 1);
    const auto offset = static_cast<std::uint32_t>(i - starts[r]);
    Provenance p = runs_[r].first;
    p.index += offset;
    p.candidate += offset;
    append(runs, p);
  }
  return Dataset(samples_.select(indices), std::move(runs));
}

Dataset Dataset::concat(std::span<const Dataset* const> parts) {
  std::vector<const Samples*> samples;
  std::vector<ProvenanceRun> runs;
  for (const Dataset* part : parts) {
    samples.push_back(&part->samples_);
    runs.insert(runs.end(), part->runs_.begin(), part->runs_.end());
  }
  return Dataset(Samples::concat(samples), std::move(runs));
}

}  // namespace ouro
