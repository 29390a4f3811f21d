// Blocked pairwise squared Euclidean distances between the rows of two sets, one tile at a time,
// so that no metric ever holds an N x M distance matrix (shared by the k-NN metrics).
//
// Rows are centred at a common point before the GEMM (|x|^2 + |y|^2 - 2 x.y): that removes the
// cancellation a large common offset would cause and makes the tiles invariant to translating both
// sets. The GEMM value of a squared distance is within `bound(i, j)` of the direct sum
// sum_k (x_k - y_k)^2 (a worst-case rounding bound, used to decide when a comparison must be redone
// with the direct sum). Tasks are fixed row blocks of the first set; within a task the column
// blocks are visited in order, so any computation that depends only on a task's own tiles gives the
// same result for any number of threads.
#pragma once

#include <algorithm>
#include <vector>

#include "dense.hpp"
#include "ouro/core/matrix.hpp"
#include "ouro/core/parallel.hpp"

namespace ouro::pairwise {

using Index = Eigen::Index;

inline constexpr Index kRowBlock = 256;
inline constexpr Index kColBlock = 1024;

// sum_k (x_k - y_k)^2 over d coordinates: the reference value every close comparison falls back to.
inline double squared_distance(const double* x, const double* y, Index d) {
  double sum = 0;
  for (Index k = 0; k < d; ++k) {
    const double t = x[k] - y[k];
    sum += t * t;
  }
  return sum;
}

// Squared norms of the rows of x centred at `centre`, from the same rounded centred values the
// tiles use.
inline Vector centred_norms(const Matrix& x, const Vector& centre, int threads) {
  Vector norms(x.rows());
  const auto blocks = static_cast<std::size_t>((x.rows() + kRowBlock - 1) / kRowBlock);
  parallel_for(blocks, threads, [&](std::size_t b) {
    const Index r0 = static_cast<Index>(b) * kRowBlock;
    const Index rows = std::min(kRowBlock, x.rows() - r0);
    for (Index i = r0; i < r0 + rows; ++i) norms(i) = (x.row(i).transpose() - centre).squaredNorm();
  });
  return norms;
}

// One set prepared for tiling: its rows, the centre, and the centred squared norms.
struct Prepared {
  const Matrix& x;
  Vector norms;
};

// Worst-case gap between a tile value and the direct sum, per unit of (|x_c|^2 + |y_c|^2): rounding
// of the centring (4u), of the norms and the dot product (2d u each, any summation order) and of
// the direct sum itself (2d u), with u = 2^-53, doubled for safety.
inline double bound_factor(Index d) { return static_cast<double>(2 * d + 8) * 0x1.0p-52; }

inline void centre_rows(const Matrix& x, Index r0, Index rows, const Vector& centre, std::vector<double>& out) {
  const Index d = x.cols();
  out.resize(static_cast<std::size_t>(rows * d));
  for (Index i = 0; i < rows; ++i) {
    const double* row = x.row(r0 + i).data();
    double* dst = out.data() + i * d;
    for (Index k = 0; k < d; ++k) dst[k] = row[k] - centre(k);
  }
}

// For every row block of a (one task each, on up to `threads` threads) calls
// visit(r0, rows, tiles); calling tiles(fn) then calls fn(c0, cols, d2) for every column block of b
// in order, d2 being the rows x cols row-major tile of squared distances (GEMM values, clamped at 0).
template <typename Visit>
void for_each_row_block(const Prepared& a, const Prepared& b, const Vector& centre, int threads, Visit&& visit) {
  const Index d = a.x.cols();
  const Index n = a.x.rows();
  const Index m = b.x.rows();
  const auto blocks = static_cast<std::size_t>((n + kRowBlock - 1) / kRowBlock);
  parallel_for(blocks, threads, [&](std::size_t block) {
    const Index r0 = static_cast<Index>(block) * kRowBlock;
    const Index rows = std::min(kRowBlock, n - r0);
    std::vector<double> left;
    std::vector<double> right;
    std::vector<double> tile(static_cast<std::size_t>(rows * std::min(kColBlock, m)));
    centre_rows(a.x, r0, rows, centre, left);
    auto tiles = [&](auto&& fn) {
      for (Index c0 = 0; c0 < m; c0 += kColBlock) {
        const Index cols = std::min(kColBlock, m - c0);
        centre_rows(b.x, c0, cols, centre, right);
        dense::gemm_abt(rows, cols, d, left.data(), d, right.data(), d, tile.data(), cols);
        for (Index i = 0; i < rows; ++i) {
          const double ni = a.norms(r0 + i);
          double* t = tile.data() + i * cols;
          for (Index j = 0; j < cols; ++j) t[j] = std::max(0.0, ni + b.norms(c0 + j) - 2.0 * t[j]);
        }
        fn(c0, cols, static_cast<const double*>(tile.data()));
      }
    };
    visit(r0, rows, tiles);
  });
}

}  // namespace ouro::pairwise
