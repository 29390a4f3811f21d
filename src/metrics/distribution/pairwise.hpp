// Blocked pairwise squared Euclidean distances between the rows of two sets, one tile at a time,
// so that no metric ever holds an N x M distance matrix (shared by the k-NN metrics).
//
// Rows are centred at a common point and rounded to `Scalar` (float: single-precision GEMM, twice
// the speed of double on current CPUs; double where the centred values are too large for float)
// before the GEMM |x|^2 + |y|^2 - 2 x.y: centring removes the cancellation a large common offset
// would cause and makes the tiles invariant to translating both sets. A tile value is within
// bound_factor * (|x_c|^2 + |y_c|^2) of the direct double sum sum_k (x_k - y_k)^2 (a worst-case
// rounding bound), which the metrics use to decide when a comparison must be redone with the
// direct sum. Tasks are fixed row blocks of the first set; within a task the column blocks are
// visited in order, so any computation that depends only on a task's own tiles gives the same
// result for any number of threads.
#pragma once

#include <algorithm>
#include <cmath>
#include <vector>

#include "dense.hpp"
#include "ouro/core/matrix.hpp"
#include "ouro/core/parallel.hpp"

namespace ouro::pairwise {

using Index = Eigen::Index;

inline constexpr Index kRowBlock = 256;
inline constexpr Index kColBlock = 1024;
// for_each_upper_tile's column blocks then start at row-block boundaries.
static_assert(kColBlock % kRowBlock == 0);

// Row blocks of a set of `rows` rows: the tasks of every pass over it.
inline std::size_t row_blocks(Index rows) { return static_cast<std::size_t>((rows + kRowBlock - 1) / kRowBlock); }

// sum_k (x_k - y_k)^2 over d coordinates: the reference value every close comparison falls back to.
inline double squared_distance(const double* x, const double* y, Index d) {
  double sum = 0;
  for (Index k = 0; k < d; ++k) {
    const double t = x[k] - y[k];
    sum += t * t;
  }
  return sum;
}

// Two rows whose squared distance is wanted.
struct RowPair {
  const double* x;
  const double* y;
};

// squared_distance of each pair, into out[0..pairs.size()): each value is the same sequential sum,
// bit for bit, but four run side by side, so that the additions of one sum do not wait on those
// before them (a single sum is bound by the latency of its additions).
inline void squared_distances(const std::vector<RowPair>& pairs, Index d, double* out) {
  std::size_t t = 0;
  for (; t + 4 <= pairs.size(); t += 4) {
    const RowPair p = pairs[t], q = pairs[t + 1], u = pairs[t + 2], v = pairs[t + 3];
    double sp = 0, sq = 0, su = 0, sv = 0;
    for (Index k = 0; k < d; ++k) {
      const double tp = p.x[k] - p.y[k], tq = q.x[k] - q.y[k], tu = u.x[k] - u.y[k], tv = v.x[k] - v.y[k];
      sp += tp * tp;
      sq += tq * tq;
      su += tu * tu;
      sv += tv * tv;
    }
    out[t] = sp;
    out[t + 1] = sq;
    out[t + 2] = su;
    out[t + 3] = sv;
  }
  for (; t < pairs.size(); ++t) out[t] = squared_distance(pairs[t].x, pairs[t].y, d);
}

// Single precision is used when every centred value is at most this large in magnitude (so that
// no product or sum of d of them can overflow a float).
inline constexpr double kFloatLimit = 1e12;

// Largest |x_ij - centre_j|.
inline double max_centred_magnitude(const Matrix& x, const Vector& centre) {
  double out = 0;
  for (Index i = 0; i < x.rows(); ++i)
    out = std::max(out, (x.row(i).transpose() - centre).cwiseAbs().maxCoeff());
  return out;
}

// Worst-case gap between a tile value and the direct sum, per unit of (|x_c|^2 + |y_c|^2): rounding
// of the centred values to Scalar (about 4u), of the dot product (d u, any summation order, FMA or
// not) and of the norms and the direct sum (d u' in double), with u the unit roundoff of Scalar;
// doubled for safety.
template <typename Scalar>
double bound_factor(Index d) {
  const double unit = sizeof(Scalar) == 4 ? 0x1.0p-24 : 0x1.0p-53;
  return 2.0 * static_cast<double>(2 * d + 8) * unit;
}

// One set prepared for tiling: its rows, the same rows centred and rounded to Scalar (computed once,
// since every row block of the other set meets them; n * d Scalars beside the n * d doubles of the
// rows), and the squared norms of the centred rows, summed in double from those rounded values.
template <typename Scalar>
struct Prepared {
  const Matrix& x;
  std::vector<Scalar> centred;
  Vector norms;
  double max_norm = 0;

  const Scalar* centred_row(Index row) const { return centred.data() + row * x.cols(); }
};

template <typename Scalar>
Prepared<Scalar> prepare(const Matrix& x, const Vector& centre, int threads) {
  const Index d = x.cols();
  Prepared<Scalar> out{x, std::vector<Scalar>(static_cast<std::size_t>(x.rows() * d)), Vector(x.rows())};
  parallel_for(row_blocks(x.rows()), threads, [&](std::size_t b) {
    const Index r0 = static_cast<Index>(b) * kRowBlock;
    const Index rows = std::min(kRowBlock, x.rows() - r0);
    for (Index i = r0; i < r0 + rows; ++i) {
      const double* row = x.row(i).data();
      Scalar* centred = out.centred.data() + i * d;
      double sum = 0;
      for (Index k = 0; k < d; ++k) {
        centred[k] = static_cast<Scalar>(row[k] - centre(k));
        const auto v = static_cast<double>(centred[k]);
        sum += v * v;
      }
      out.norms(i) = sum;
    }
  });
  out.max_norm = x.rows() > 0 ? out.norms.maxCoeff() : 0.0;
  return out;
}

// The rows x cols row-major tile of squared distances between rows r0.. of a and rows c0.. of b
// (GEMM values, clamped at 0), and the products it is made from.
template <typename Scalar>
struct TileScratch {
  std::vector<Scalar> products;
  std::vector<double> tile;

  const double* compute(const Prepared<Scalar>& a, Index r0, Index rows, const Prepared<Scalar>& b, Index c0,
                        Index cols) {
    const Index d = a.x.cols();
    const auto size = static_cast<std::size_t>(rows * cols);
    if (products.size() < size) {
      products.resize(size);
      tile.resize(size);
    }
    dense::gemm_abt(rows, cols, d, a.centred_row(r0), d, b.centred_row(c0), d, products.data(), cols);
    for (Index i = 0; i < rows; ++i) {
      const double ni = a.norms(r0 + i);
      const Scalar* g = products.data() + i * cols;
      double* t = tile.data() + i * cols;
      for (Index j = 0; j < cols; ++j) t[j] = std::max(0.0, ni + b.norms(c0 + j) - 2.0 * static_cast<double>(g[j]));
    }
    return tile.data();
  }
};

// For every row block of a (one task each, on up to `threads` threads) calls visit(r0, rows, tiles);
// calling tiles(fn) then calls fn(c0, cols, d2) for the column blocks of b from first_column(r0) to
// the last, in order, d2 being the rows x cols row-major tile of squared distances (GEMM values,
// clamped at 0).
template <typename Scalar, typename FirstColumn, typename Visit>
void visit_row_blocks(const Prepared<Scalar>& a, const Prepared<Scalar>& b, int threads, FirstColumn&& first_column,
                      Visit&& visit) {
  const Index n = a.x.rows();
  const Index m = b.x.rows();
  const std::size_t blocks = row_blocks(n);
  parallel_for(blocks, threads, [&](std::size_t block) {
    const Index r0 = static_cast<Index>(block) * kRowBlock;
    const Index rows = std::min(kRowBlock, n - r0);
    TileScratch<Scalar> scratch;
    auto tiles = [&](auto&& fn) {
      for (Index c0 = first_column(r0); c0 < m; c0 += kColBlock) {
        const Index cols = std::min(kColBlock, m - c0);
        fn(c0, cols, scratch.compute(a, r0, rows, b, c0, cols));
      }
    };
    visit(r0, rows, tiles);
  });
}

// Every tile of a against b: visit(r0, rows, tiles) per row block of a, tiles(fn) over all of b.
template <typename Scalar, typename Visit>
void for_each_row_block(const Prepared<Scalar>& a, const Prepared<Scalar>& b, int threads, Visit&& visit) {
  visit_row_blocks(a, b, threads, [](Index) { return Index{0}; }, visit);
}

// The within-set distances of a, each pair once: for every row block (one task each) calls
// fn(r0, rows, c0, cols, d2) for the column blocks from the block's own first row to the last row,
// so that every pair i < j lies in exactly one tile with i among its rows (the tiles starting at r0
// also hold pairs with j <= i, which the caller skips). Half the GEMM work of for_each_row_block(a,
// a); tasks run concurrently and in any order, so a caller that records a pair for both rows must
// make the result independent of that order.
template <typename Scalar, typename Visit>
void for_each_upper_tile(const Prepared<Scalar>& a, int threads, Visit&& fn) {
  visit_row_blocks(a, a, threads, [](Index r0) { return r0; }, [&](Index r0, Index rows, auto&& tiles) {
    tiles([&](Index c0, Index cols, const double* d2) { fn(r0, rows, c0, cols, d2); });
  });
}

}  // namespace ouro::pairwise
