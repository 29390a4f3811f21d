// k-nearest-neighbour manifold metrics between a real and a generated sample set: improved
// precision and recall (Kynkaanniemi et al. 2019) and density and coverage (Naeem et al. 2020).
//
// The manifold of a set is the union of closed balls B(x, r_k(x)) around its rows, where r_k(x) is
// the Euclidean distance from x to its k-th nearest other row of the same set. With real rows X
// (N of them, radii r) and generated rows Y (M, radii s):
//   precision = (1/M) #{j : some i has |Y_j - X_i| <= r_i}      (generated inside the real manifold)
//   recall    = (1/N) #{i : some j has |X_i - Y_j| <= s_j}      (real inside the generated manifold)
//   density   = (1/(k M)) sum_j #{i : |Y_j - X_i| <= r_i}
//   coverage  = (1/N) #{i : some j has |X_i - Y_j| <= r_i}
// Balls are closed (`<=`, the definition of both papers; the prdc package compares with `<`, which
// differs only on exact ties). A row's own distance 0 is excluded from its radius once; duplicates
// of it count as neighbours at distance 0.
//
// Distances are never held as an N x M matrix: tiles of squared distances come from blocked GEMM
// (|x|^2 + |y|^2 - 2 x.y on rows centred at the real mean and rounded to single precision, or double
// when the centred values are too large for float; centring makes a translation of both sets
// change nothing). Every comparison whose GEMM value lies within its worst-case rounding bound of
// the radius is redone as a direct double sum of squared differences, and the radii are direct
// sums over certified k-NN candidates (see manifold.cpp). The counts are therefore those of the
// direct sums, whatever the GEMM precision. Work is split into fixed row blocks over `threads`
// threads; the results are the same for any thread count.
#pragma once

#include <string_view>

#include "ouro/core/matrix.hpp"

namespace ouro {

struct ManifoldMetrics {
  double precision = 0;
  double recall = 0;  // NaN when not requested
  double density = 0;
  double coverage = 0;
  Eigen::Index n_real = 0;
  Eigen::Index n_generated = 0;
  int k = 0;
};

// The real set's squared k-NN radii from an earlier call, reused when the same real set (same
// storage, rows and k) meets another generated set: the loop engine compares every generation with
// one held-out test set. Filled by manifold_metrics; holds one entry per precision used.
struct ManifoldCache {
  const double* real_data = nullptr;
  Eigen::Index real_rows = 0;
  int k = 0;
  Vector real_r2_float;   // radii computed on the single-precision path
  Vector real_r2_double;  // and on the double-precision path
};

// Distance from every row of `x` to its k-th nearest other row. Needs more than k rows (DataError).
Vector knn_radii(const Matrix& x, int k, int threads = 1);

// All four metrics from one pass over the real x generated distances (plus one pass per set for the
// radii). `with_recall = false` skips the generated set's radii (recall is then NaN), and the
// generated set then needs only one row. Both sets must be finite with equal column counts, the
// real set needs more than k rows (DataError naming what is missing).
// `cache`, when given, supplies or receives the real set's radii (the values are the same either way).
ManifoldMetrics manifold_metrics(const Matrix& real, const Matrix& generated, int k, int threads = 1,
                                 bool with_recall = true, ManifoldCache* cache = nullptr);

// True for precision, recall, density and coverage; and that metric's value in `m`.
bool is_manifold_metric(std::string_view name);
double manifold_metric_value(std::string_view name, const ManifoldMetrics& m);

}  // namespace ouro
