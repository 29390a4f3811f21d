// k-NN precision, recall, density and coverage (see manifold.hpp and docs/metrics-distribution.md).
#include "ouro/metrics/distribution/manifold.hpp"

#include <algorithm>
#include <atomic>
#include <type_traits>
#include <cmath>
#include <limits>
#include <mutex>
#include <utility>
#include <vector>

#include "ouro/core/error.hpp"
#include "ouro/core/parallel.hpp"
#include "ouro/metrics/distribution/sample_checks.hpp"
#include "pairwise.hpp"

namespace ouro {
namespace {

using Index = Eigen::Index;

std::string radii_need(int k) {
  return fmt::format("k-NN radii with k = {} need more than {} rows (a row is not its own neighbour)", k, k);
}

// Candidates kept per row beyond k, so that the k-th distance can be certified from the list.
constexpr Index kExtraCandidates = 8;

// Each row's k + kExtraCandidates nearest other rows by their GEMM values: a sorted list per row,
// filled from the within-set tiles. Every pair is offered to both of its rows exactly once, in an
// order that depends on the threads; only the lists' certified use below must not.
class CandidateLists {
 public:
  CandidateLists(Index rows, std::size_t keep)
      : keep_(keep),
        values_(static_cast<std::size_t>(rows) * keep, std::numeric_limits<double>::infinity()),
        indices_(static_cast<std::size_t>(rows) * keep, -1) {}

  // Keeps `other` in `row`'s list if its value is below the list's largest.
  void offer(Index row, double value, Index other) {
    double* values = values_.data() + static_cast<std::size_t>(row) * keep_;
    if (value >= values[keep_ - 1]) return;
    Index* indices = indices_.data() + static_cast<std::size_t>(row) * keep_;
    std::size_t pos = keep_ - 1;
    while (pos > 0 && values[pos - 1] > value) {
      values[pos] = values[pos - 1];
      indices[pos] = indices[pos - 1];
      --pos;
    }
    values[pos] = value;
    indices[pos] = other;
  }

  double largest(Index row) const { return values_[static_cast<std::size_t>(row) * keep_ + keep_ - 1]; }
  // The row's candidates (all `keep` of them once every pair has been offered).
  const Index* candidates(Index row) const { return indices_.data() + static_cast<std::size_t>(row) * keep_; }

 private:
  std::size_t keep_;
  std::vector<double> values_;
  std::vector<Index> indices_;
};

// Squared distance from every row to its k-th nearest other row, exactly (as a direct sum). The
// tiles give approximate values; each row keeps its k + kExtraCandidates smallest, recomputes them
// as direct sums and takes the k-th, R. A row left out of the list has a GEMM value >= the list's
// last one, a_last (the list's largest only falls as it fills, whatever the order of offers), so its
// exact value is >= a_last - bound; when that is >= R the list holds the k nearest and R is exact.
// Otherwise (many near-equal distances, e.g. grids or duplicates) the row is redone with direct sums
// to every other row. Either way R is the exact k-th smallest direct sum, so the radii do not depend
// on the tiles' values or order, and each within-set tile is computed once for both of its rows
// (pairwise::for_each_upper_tile), the lists of a row block guarded by that block's lock.
template <typename Scalar>
Vector squared_radii(const pairwise::Prepared<Scalar>& set, int k, int threads) {
  const Index n = set.x.rows();
  const Index d = set.x.cols();
  const auto keep = static_cast<std::size_t>(std::min<Index>(k + kExtraCandidates, n - 1));
  const bool whole_set_kept = static_cast<Index>(keep) == n - 1;
  const double factor = pairwise::bound_factor<Scalar>(d);
  CandidateLists lists(n, keep);
  std::vector<std::mutex> block_locks(pairwise::row_blocks(n));
  auto lock_of = [&](Index row) -> std::mutex& {
    return block_locks[static_cast<std::size_t>(row / pairwise::kRowBlock)];
  };
  pairwise::for_each_upper_tile(set, threads, [&](Index r0, Index rows, Index c0, Index cols, const double* d2) {
    {
      const std::lock_guard guard(lock_of(r0));
      for (Index i = 0; i < rows; ++i) {
        const Index self = r0 + i;
        const double* row = d2 + i * cols;
        for (Index j = std::max<Index>(0, self + 1 - c0); j < cols; ++j) lists.offer(self, row[j], c0 + j);
      }
    }
    // The same pairs offered to their column rows, one row block (and its lock) at a time.
    for (Index b0 = c0; b0 < c0 + cols; b0 += pairwise::kRowBlock) {
      const Index b1 = std::min(b0 + pairwise::kRowBlock, c0 + cols);
      const std::lock_guard guard(lock_of(b0));
      for (Index i = 0; i < rows; ++i) {
        const Index self = r0 + i;
        const double* row = d2 + i * cols;
        for (Index c = std::max(b0, self + 1); c < b1; ++c) lists.offer(c, row[c - c0], self);
      }
    }
  });

  Vector radii(n);
  parallel_for(pairwise::row_blocks(n), threads, [&](std::size_t block) {
    const Index r0 = static_cast<Index>(block) * pairwise::kRowBlock;
    const Index r1 = std::min(n, r0 + pairwise::kRowBlock);
    std::vector<pairwise::RowPair> pairs;
    std::vector<double> exact;
    // The direct sums from `self` to each row of `others` (the k-th smallest is the radius).
    auto kth_direct = [&](Index self, const Index* others, std::size_t count) {
      pairs.clear();
      for (std::size_t t = 0; t < count; ++t) pairs.push_back({set.x.row(self).data(), set.x.row(others[t]).data()});
      exact.resize(count);
      pairwise::squared_distances(pairs, d, exact.data());
      std::nth_element(exact.begin(), exact.begin() + (k - 1), exact.end());
      return exact[static_cast<std::size_t>(k - 1)];
    };
    std::vector<Index> others;
    for (Index self = r0; self < r1; ++self) {
      double radius = kth_direct(self, lists.candidates(self), keep);
      if (!whole_set_kept && lists.largest(self) - factor * (set.norms(self) + set.max_norm) < radius) {
        others.clear();
        for (Index j = 0; j < n; ++j)
          if (j != self) others.push_back(j);
        radius = kth_direct(self, others.data(), others.size());
      }
      radii(self) = radius;
    }
  });
  return radii;
}

void check_k(int k) { OURO_CHECK(k >= 1, DataError, "k-NN metrics: k = {} but k must be at least 1", k); }

}  // namespace

Vector knn_radii(const Matrix& x, int k, int threads) {
  check_k(k);
  check_samples(x, "sample set", static_cast<Index>(k) + 1, radii_need(k));
  const Vector centre = x.colwise().mean().transpose();
  if (pairwise::max_centred_magnitude(x, centre) <= pairwise::kFloatLimit)
    return squared_radii(pairwise::prepare<float>(x, centre, threads), k, threads).cwiseSqrt();
  return squared_radii(pairwise::prepare<double>(x, centre, threads), k, threads).cwiseSqrt();
}

namespace {

template <typename Scalar>
ManifoldMetrics manifold_in(const Matrix& real, const Matrix& generated, const Vector& centre, int k, int threads,
                            bool with_recall, ManifoldCache* cache) {
  const Index n = real.rows();
  const Index m = generated.rows();
  const Index d = real.cols();
  const pairwise::Prepared<Scalar> real_set = pairwise::prepare<Scalar>(real, centre, threads);
  const pairwise::Prepared<Scalar> generated_set = pairwise::prepare<Scalar>(generated, centre, threads);
  Vector computed_r2;
  Vector* cached_r2 = nullptr;
  if (cache) {
    if (cache->real_data != real.data() || cache->real_rows != n || cache->k != k) *cache = {real.data(), n, k, {}, {}};
    cached_r2 = std::is_same_v<Scalar, float> ? &cache->real_r2_float : &cache->real_r2_double;
  }
  if (!cached_r2 || cached_r2->size() == 0) {
    computed_r2 = squared_radii(real_set, k, threads);
    if (cached_r2) *cached_r2 = computed_r2;
  }
  const Vector& real_r2 = cached_r2 ? *cached_r2 : computed_r2;
  const Vector generated_r2 = with_recall ? squared_radii(generated_set, k, threads) : Vector();
  const double factor = pairwise::bound_factor<Scalar>(d);

  std::vector<Index> counts(static_cast<std::size_t>(m), 0);
  std::vector<std::atomic<unsigned char>> covered(static_cast<std::size_t>(n));
  std::vector<std::atomic<unsigned char>> recalled(static_cast<std::size_t>(n));
  auto mark = [](std::atomic<unsigned char>& flag) {
    // Setting a flag is idempotent, so the outcome does not depend on which task gets there first.
    if (flag.load(std::memory_order_relaxed) == 0) flag.store(1, std::memory_order_relaxed);
  };

  // Each pair asks two questions: is it within the real row's radius (precision, density, coverage)
  // and within the generated row's (recall)? Each is decided from the GEMM value when that is
  // farther from the radius than its rounding bound; the pairs left undecided get their direct sums
  // once the tile has been read, four side by side (pairwise::squared_distances).
  pairwise::for_each_row_block(generated_set, real_set, threads, [&](Index r0, Index rows, auto&& tiles) {
    std::vector<std::pair<Index, Index>> undecided;  // (generated row, real row)
    std::vector<pairwise::RowPair> pairs;
    std::vector<double> exact;
    auto record = [&](Index j, Index r, double value) {
      if (value <= real_r2(r)) {
        ++counts[static_cast<std::size_t>(j)];
        mark(covered[static_cast<std::size_t>(r)]);
      }
      if (with_recall && value <= generated_r2(j)) mark(recalled[static_cast<std::size_t>(r)]);
    };
    tiles([&](Index c0, Index cols, const double* d2) {
      undecided.clear();
      for (Index i = 0; i < rows; ++i) {
        const Index j = r0 + i;  // generated row
        const double s2 = with_recall ? generated_r2(j) : -1.0;
        const double norm_y = generated_set.norms(j);
        const double* row = d2 + i * cols;
        for (Index c = 0; c < cols; ++c) {
          const Index r = c0 + c;  // real row
          const double v = row[c];
          const double bound = factor * (norm_y + real_set.norms(r));
          if (std::abs(v - real_r2(r)) <= bound || (with_recall && std::abs(v - s2) <= bound))
            undecided.emplace_back(j, r);
          else
            record(j, r, v);
        }
      }
      pairs.clear();
      for (const auto& [j, r] : undecided) pairs.push_back({generated.row(j).data(), real.row(r).data()});
      exact.resize(pairs.size());
      pairwise::squared_distances(pairs, d, exact.data());
      for (std::size_t t = 0; t < undecided.size(); ++t) record(undecided[t].first, undecided[t].second, exact[t]);
    });
  });

  ManifoldMetrics out;
  out.n_real = n;
  out.n_generated = m;
  out.k = k;
  Index inside = 0;
  Index total = 0;
  for (const Index c : counts) {
    inside += c > 0 ? 1 : 0;
    total += c;
  }
  Index covered_count = 0;
  Index recalled_count = 0;
  for (std::size_t i = 0; i < static_cast<std::size_t>(n); ++i) {
    covered_count += covered[i].load();
    recalled_count += recalled[i].load();
  }
  out.precision = static_cast<double>(inside) / static_cast<double>(m);
  out.density = static_cast<double>(total) / (static_cast<double>(k) * static_cast<double>(m));
  out.coverage = static_cast<double>(covered_count) / static_cast<double>(n);
  out.recall = with_recall ? static_cast<double>(recalled_count) / static_cast<double>(n)
                           : std::numeric_limits<double>::quiet_NaN();
  return out;
}

bool fits_float(const Matrix& x, const Vector& centre) {
  return pairwise::max_centred_magnitude(x, centre) <= pairwise::kFloatLimit;
}

}  // namespace

ManifoldMetrics manifold_metrics(const Matrix& real, const Matrix& generated, int k, int threads, bool with_recall,
                                 ManifoldCache* cache) {
  check_k(k);
  const Index min_rows = static_cast<Index>(k) + 1;
  check_sample_pair(real, "real sample set", generated, "generated sample set", 1);
  check_samples(real, "real sample set", min_rows, radii_need(k));
  if (with_recall) check_samples(generated, "generated sample set", min_rows, radii_need(k) + " for recall");
  const Vector centre = real.colwise().mean().transpose();
  if (fits_float(real, centre) && fits_float(generated, centre))
    return manifold_in<float>(real, generated, centre, k, threads, with_recall, cache);
  return manifold_in<double>(real, generated, centre, k, threads, with_recall, cache);
}

bool is_manifold_metric(std::string_view name) {
  return name == "precision" || name == "recall" || name == "density" || name == "coverage";
}

double manifold_metric_value(std::string_view name, const ManifoldMetrics& m) {
  if (name == "precision") return m.precision;
  if (name == "recall") return m.recall;
  if (name == "density") return m.density;
  OURO_CHECK(name == "coverage", DataError, "'{}' is not a k-NN manifold metric", name);
  return m.coverage;
}

}  // namespace ouro
