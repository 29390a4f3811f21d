// Dense kernels of the distribution metrics: the few matrix products and the symmetric
// eigensolver they need, behind one seam so that OpenBLAS (when built with it) or Eigen does the work.
//
// OpenBLAS is set to one thread of its own the first time any of these runs: the metrics split work
// into fixed blocks over ouro::parallel_for and call these kernels from its workers, so the number
// of threads is decided by the caller (and results never depend on it). That setting is process-wide
// (OpenBLAS 0.3.21 has no per-call thread count); docs/metrics-distribution.md says so.
//
// All matrices are dense and contiguous; `ld` arguments are the row stride of row-major storage.
#pragma once

#include <Eigen/Dense>

namespace ouro::dense {

using Index = Eigen::Index;

// C (m x n) = A (m x k) * B (n x k)^T, row-major, single precision.
void gemm_abt(Index m, Index n, Index k, const float* a, Index lda, const float* b, Index ldb, float* c, Index ldc);
// The same in double precision.
void gemm_abt(Index m, Index n, Index k, const double* a, Index lda, const double* b, Index ldb, double* c,
              Index ldc);

// The upper triangle (j >= i) of C (n x n, row-major) = A (n x k) * A^T, row-major; the strict lower
// triangle of C is left unspecified.
void syrk_aat_upper(Index n, Index k, const double* a, Index lda, double* c, Index ldc);

// C (m x n) += A (k x m)^T * B (k x n), row-major: one tile of a scatter matrix.
void gemm_atb_accumulate(Index m, Index n, Index k, const double* a, Index lda, const double* b, Index ldb, double* c,
                         Index ldc);

// A^T * B and A * B of column-major matrices.
Eigen::MatrixXd multiply_at_b(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b);
Eigen::MatrixXd multiply(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b);

struct SymmetricEigen {
  Eigen::VectorXd values;   // ascending
  Eigen::MatrixXd vectors;  // columns, orthonormal; empty when only values were asked for
};

// Eigen-decomposition of the symmetric matrix `a` (only its lower triangle is read). LAPACK's
// divide-and-conquer dsyevd with OpenBLAS, Eigen::SelfAdjointEigenSolver otherwise.
SymmetricEigen symmetric_eigen(const Eigen::MatrixXd& a, bool with_vectors);

// Which backend these kernels use: "openblas" or "eigen" (reported by the benchmark).
const char* backend();

}  // namespace ouro::dense
