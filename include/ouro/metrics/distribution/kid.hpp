// Kernel Inception Distance: the unbiased estimate of the squared maximum mean discrepancy (MMD^2)
// with the cubic polynomial kernel k(x, y) = (x.y / d + 1)^3 (Binkowski et al. 2018), averaged over
// random subsets, as torch-fidelity and clean-fid compute it.
//
// For one subset pair (m rows of each set, drawn without replacement):
//   MMD^2_u = sum_{i != j} k(x_i, x_j) / (m (m - 1)) + sum_{i != j} k(y_i, y_j) / (m (m - 1))
//             - 2 sum_{i, j} k(x_i, y_j) / m^2,
// which is unbiased, so it can be negative when the two sets come from one distribution. KID is the
// mean over the subsets; its standard error is the standard deviation over subsets (n - 1) divided
// by sqrt(subsets). Subsets overlap when the sets are small, so that error describes the subset
// resampling, not a fresh draw of the data. The subset size is capped at the smaller set's size.
//
// Subsets are drawn from the caller's Rng before any work is split, and each subset is one task, so
// the result is the same for any thread count.
#pragma once

#include "ouro/core/matrix.hpp"
#include "ouro/core/rng.hpp"

namespace ouro {

struct KidResult {
  double value = 0;           // mean MMD^2_u over the subsets
  double standard_error = 0;  // NaN with one subset
  Eigen::Index subset_size = 0;
  int subsets = 0;
};

// Unbiased MMD^2 between all rows of x and all rows of y (no subsets), each needing >= 2 rows.
double mmd2_unbiased(const Matrix& x, const Matrix& y);

// KID between the rows of a and b: `subsets` subset pairs of min(subset_size, rows of a, rows of b)
// rows each (at least 2). DataError on empty, non-finite or mismatched sets.
KidResult kid(const Matrix& a, const Matrix& b, int subsets, Eigen::Index subset_size, Rng& rng, int threads = 1);

}  // namespace ouro
