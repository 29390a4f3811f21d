// Dense kernels of the distribution metrics: OpenBLAS/LAPACK when built with it, Eigen otherwise
// (see dense.hpp).
//
// OpenBLAS is loaded on first use (dlopen), not linked: Debian's pthread build starts a thread pool
// when the library loads, and its idle threads spin for about 0.13 s of CPU before they sleep,
// which cost runs that never call BLAS (a one-second Gaussian loop) several percent of their wall
// time on two cores. Loaded here, only runs that compute these metrics pay it, once.
#include "dense.hpp"

#include <vector>

#ifdef OURO_HAVE_OPENBLAS
#include <dlfcn.h>

#include <cblas.h>

#include "ouro/core/error.hpp"
#endif

namespace ouro::dense {
namespace {

#ifdef OURO_HAVE_OPENBLAS
// LAPACK's symmetric divide-and-conquer eigensolver, shipped inside OpenBLAS (Fortran calling
// convention; the trailing lengths are gfortran's hidden character-argument lengths).
using Dsyevd = void (*)(const char* jobz, const char* uplo, const int* n, double* a, const int* lda, double* w,
                        double* work, const int* lwork, int* iwork, const int* liwork, int* info,
                        std::size_t jobz_len, std::size_t uplo_len);

// The OpenBLAS entry points these kernels call.
struct OpenBlas {
  decltype(&cblas_sgemm) sgemm = nullptr;
  decltype(&cblas_dgemm) dgemm = nullptr;
  decltype(&cblas_dsyrk) dsyrk = nullptr;
  Dsyevd dsyevd = nullptr;
};

template <typename Function>
Function symbol(void* library, const char* name) {
  void* address = dlsym(library, name);
  OURO_CHECK(address != nullptr, IoError, "libopenblas.so.0 has no symbol {}: {}", name, dlerror());
  return reinterpret_cast<Function>(address);
}

OpenBlas load_openblas() {
  // Never closed: the library stays loaded for the life of the process.
  void* library = dlopen("libopenblas.so.0", RTLD_NOW | RTLD_LOCAL);
  OURO_CHECK(library != nullptr, IoError,
             "cannot load OpenBLAS for the distribution metrics ({}); install libopenblas0-pthread "
             "(scripts/install-deps.sh does)", dlerror());
  // Each call is single-threaded: the metrics run their own tiles on the worker threads.
  symbol<void (*)(int)>(library, "openblas_set_num_threads")(1);
  OpenBlas blas;
  blas.sgemm = symbol<decltype(&cblas_sgemm)>(library, "cblas_sgemm");
  blas.dgemm = symbol<decltype(&cblas_dgemm)>(library, "cblas_dgemm");
  blas.dsyrk = symbol<decltype(&cblas_dsyrk)>(library, "cblas_dsyrk");
  blas.dsyevd = symbol<Dsyevd>(library, "dsyevd_");
  return blas;
}

// Loaded once, thread-safely; throws IoError naming the library when it cannot be.
const OpenBlas& openblas() {
  static const OpenBlas blas = load_openblas();
  return blas;
}

int to_int(Index value) { return static_cast<int>(value); }
#endif

template <typename Scalar>
using RowMap = Eigen::Map<Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>, 0,
                          Eigen::OuterStride<>>;
template <typename Scalar>
using ConstRowMap = Eigen::Map<const Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>, 0,
                               Eigen::OuterStride<>>;

template <typename Scalar>
void eigen_gemm_abt(Index m, Index n, Index k, const Scalar* a, Index lda, const Scalar* b, Index ldb, Scalar* c,
                    Index ldc) {
  RowMap<Scalar> out(c, m, n, Eigen::OuterStride<>(ldc));
  out.noalias() = ConstRowMap<Scalar>(a, m, k, Eigen::OuterStride<>(lda)) *
                  ConstRowMap<Scalar>(b, n, k, Eigen::OuterStride<>(ldb)).transpose();
}

SymmetricEigen eigen_solver(const Eigen::MatrixXd& a, bool with_vectors) {
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(a, with_vectors ? Eigen::ComputeEigenvectors
                                                                          : Eigen::EigenvaluesOnly);
  SymmetricEigen out;
  out.values = solver.eigenvalues();
  if (with_vectors) out.vectors = solver.eigenvectors();
  return out;
}

}  // namespace

void gemm_abt(Index m, Index n, Index k, const float* a, Index lda, const float* b, Index ldb, float* c, Index ldc) {
  if (m == 0 || n == 0) return;
#ifdef OURO_HAVE_OPENBLAS
  openblas().sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, to_int(m), to_int(n), to_int(k), 1.0f, a, to_int(lda), b,
                   to_int(ldb), 0.0f, c, to_int(ldc));
#else
  eigen_gemm_abt(m, n, k, a, lda, b, ldb, c, ldc);
#endif
}

void gemm_abt(Index m, Index n, Index k, const double* a, Index lda, const double* b, Index ldb, double* c,
              Index ldc) {
  if (m == 0 || n == 0) return;
#ifdef OURO_HAVE_OPENBLAS
  openblas().dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, to_int(m), to_int(n), to_int(k), 1.0, a, to_int(lda), b,
                   to_int(ldb), 0.0, c, to_int(ldc));
#else
  eigen_gemm_abt(m, n, k, a, lda, b, ldb, c, ldc);
#endif
}

void syrk_aat_upper(Index n, Index k, const double* a, Index lda, double* c, Index ldc) {
  if (n == 0) return;
#ifdef OURO_HAVE_OPENBLAS
  openblas().dsyrk(CblasRowMajor, CblasUpper, CblasNoTrans, to_int(n), to_int(k), 1.0, a, to_int(lda), 0.0, c,
                   to_int(ldc));
#else
  RowMap<double> out(c, n, n, Eigen::OuterStride<>(ldc));
  const ConstRowMap<double> in(a, n, k, Eigen::OuterStride<>(lda));
  out.template triangularView<Eigen::Upper>() = in * in.transpose();
#endif
}

void gemm_atb_accumulate(Index m, Index n, Index k, const double* a, Index lda, const double* b, Index ldb, double* c,
                         Index ldc) {
  if (m == 0 || n == 0 || k == 0) return;
#ifdef OURO_HAVE_OPENBLAS
  openblas().dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, to_int(m), to_int(n), to_int(k), 1.0, a, to_int(lda), b,
                   to_int(ldb), 1.0, c, to_int(ldc));
#else
  RowMap<double> out(c, m, n, Eigen::OuterStride<>(ldc));
  out.noalias() += ConstRowMap<double>(a, k, m, Eigen::OuterStride<>(lda)).transpose() *
                   ConstRowMap<double>(b, k, n, Eigen::OuterStride<>(ldb));
#endif
}

Eigen::MatrixXd multiply_at_b(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) {
  Eigen::MatrixXd out(a.cols(), b.cols());
#ifdef OURO_HAVE_OPENBLAS
  openblas().dgemm(CblasColMajor, CblasTrans, CblasNoTrans, to_int(a.cols()), to_int(b.cols()), to_int(a.rows()), 1.0,
                   a.data(), to_int(a.rows()), b.data(), to_int(b.rows()), 0.0, out.data(), to_int(out.rows()));
#else
  out.noalias() = a.transpose() * b;
#endif
  return out;
}

Eigen::MatrixXd multiply(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) {
  Eigen::MatrixXd out(a.rows(), b.cols());
#ifdef OURO_HAVE_OPENBLAS
  openblas().dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, to_int(a.rows()), to_int(b.cols()), to_int(a.cols()), 1.0,
                   a.data(), to_int(a.rows()), b.data(), to_int(b.rows()), 0.0, out.data(), to_int(out.rows()));
#else
  out.noalias() = a * b;
#endif
  return out;
}

SymmetricEigen symmetric_eigen(const Eigen::MatrixXd& a, bool with_vectors) {
  if (a.rows() == 0) return {};
#ifdef OURO_HAVE_OPENBLAS
  const Dsyevd dsyevd = openblas().dsyevd;
  const char jobz = with_vectors ? 'V' : 'N';
  const char uplo = 'L';
  const int n = to_int(a.rows());
  Eigen::MatrixXd work_matrix = a;
  Eigen::VectorXd values(n);
  int info = 0;
  int lwork = -1;
  int liwork = -1;
  double work_query = 0;
  int iwork_query = 0;
  dsyevd(&jobz, &uplo, &n, work_matrix.data(), &n, values.data(), &work_query, &lwork, &iwork_query, &liwork, &info,
          1, 1);
  if (info == 0) {
    lwork = static_cast<int>(work_query) + 1;
    liwork = iwork_query;
    std::vector<double> work(static_cast<std::size_t>(lwork));
    std::vector<int> iwork(static_cast<std::size_t>(std::max(1, liwork)));
    dsyevd(&jobz, &uplo, &n, work_matrix.data(), &n, values.data(), work.data(), &lwork, iwork.data(), &liwork,
            &info, 1, 1);
  }
  if (info == 0) {
    SymmetricEigen out;
    out.values = std::move(values);
    if (with_vectors) out.vectors = std::move(work_matrix);
    return out;
  }
  // dsyevd reports non-convergence with info > 0 (not seen in practice); the QR-based solver is
  // slower but as accurate, so fall back to it rather than fail.
#endif
  return eigen_solver(a, with_vectors);
}

const char* backend() {
#ifdef OURO_HAVE_OPENBLAS
  return "openblas";
#else
  return "eigen";
#endif
}

}  // namespace ouro::dense
