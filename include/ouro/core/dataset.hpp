// Dataset: samples of one kind plus a provenance record per sample.
//
// Every sample in a training set knows where it came from: the original real data, fresh real data
// drawn during the loop, or the synthetic output of generation g. The loop engine reads these
// records to write composition.csv, and hygiene filters (curation, watermark rejection) keep or drop
// rows together with their provenance.
//
// The samples are held by kind (samples.hpp): real rows (real vectors; a categorical outcome k as
// the single column value k; a regression example (x, y) as the row [x_1 .. x_d, y]), images, or
// token sequences.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "ouro/core/matrix.hpp"
#include "ouro/core/samples.hpp"

namespace ouro {

enum class Origin : std::uint8_t {
  kOriginal = 0,   // the initial real data (generation 0's training set)
  kFresh = 1,      // real data drawn from the truth during the loop
  kSynthetic = 2,  // sampled from a fitted model
};

std::string_view origin_name(Origin origin);

// Where one sample came from. (replicate, origin, generation, index) identifies a sample for the
// whole run: the replicate is the one whose loop holds it, and index is its position in the set it
// was drawn in (D0, a fresh draw, or S_g), kept when loops select, subsample or concatenate sets.
struct Provenance {
  std::int32_t generation = 0;  // synthetic: the generation whose model produced it;
                                // fresh: the generation whose training set it joined; original: 0
  Origin origin = Origin::kOriginal;
  bool watermarked = false;
  std::uint32_t index = 0;      // position within the set it was drawn in
  std::uint32_t candidate = 0;  // synthetic: its number among the candidates drawn for S_g (the
                                // filter verdicts' key); equal to index when no filter ran

  friend bool operator==(const Provenance&, const Provenance&) = default;
};

// Consecutive rows whose provenance differs only in index and candidate, both counting up by one
// from `first`'s: a set drawn whole is one run. Provenance is stored as runs, so a loop's
// bookkeeping costs O(sets) rather than O(samples) per generation.
struct ProvenanceRun {
  Provenance first;
  std::uint32_t rows = 0;

  // True when `next` is the provenance of the row after this run's last.
  bool continues_with(const Provenance& next) const;
  friend bool operator==(const ProvenanceRun&, const ProvenanceRun&) = default;
};

class Dataset {
 public:
  Dataset() = default;
  // Every sample gets the same provenance, with index and candidate set to the sample's number: a
  // set drawn whole (D0, a fresh draw, an unfiltered S_g).
  Dataset(Samples samples, Provenance provenance);
  // One provenance per sample.
  Dataset(Samples samples, const std::vector<Provenance>& provenance);
  // Provenance as runs covering every sample (DataError otherwise).
  Dataset(Samples samples, std::vector<ProvenanceRun> runs);
  // The same, of real rows.
  Dataset(Matrix x, Provenance provenance) : Dataset(Samples(std::move(x)), provenance) {}
  Dataset(Matrix x, const std::vector<Provenance>& provenance) : Dataset(Samples(std::move(x)), provenance) {}

  const Samples& samples() const { return samples_; }
  // The samples as real rows (DataError when they are of another kind).
  const Matrix& x() const { return samples_.real(); }
  // The provenance of every sample, in order (expanded from the runs).
  std::vector<Provenance> provenance() const;
  const std::vector<ProvenanceRun>& provenance_runs() const { return runs_; }
  Eigen::Index size() const { return samples_.size(); }
  bool empty() const { return samples_.empty(); }

  // The samples at `indices`, in that order.
  Dataset select(std::span<const std::size_t> indices) const;

  // Samples of all parts, in order; parts must be of one kind and shape (DataError otherwise).
  static Dataset concat(std::span<const Dataset* const> parts);

  // Throws DataError naming `what` and the first sample holding NaN or Inf.
  void check_finite(std::string_view what) const { samples_.check_finite(what); }

 private:
  Samples samples_;
  std::vector<ProvenanceRun> runs_;
};

}  // namespace ouro
