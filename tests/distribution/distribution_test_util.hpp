// Helpers for the distribution-metric tests: seeded Gaussian sample sets, a brute-force k-NN
// implementation (every distance as a direct sum, no GEMM, no blocks) used as an independent
// oracle, and mean/standard-error summaries for Monte-Carlo checks.
#pragma once

#include <algorithm>
#include <cmath>
#include <vector>

#include "ouro/core/matrix.hpp"
#include "ouro/core/rng.hpp"

namespace ouro::testing {

inline Rng dist_rng(std::uint64_t block, std::uint64_t seed = 29) { return Rng(seed, {Purpose::kUser, 0, 0, block}); }

// n rows of N(shift, scale^2 I_d).
inline Matrix gaussian_rows(Eigen::Index n, Eigen::Index d, Rng& rng, double shift = 0.0, double scale = 1.0) {
  Matrix x(n, d);
  for (Eigen::Index i = 0; i < n; ++i)
    for (Eigen::Index j = 0; j < d; ++j) x(i, j) = shift + scale * rng.normal();
  return x;
}

inline double direct_sq(const Matrix& a, Eigen::Index i, const Matrix& b, Eigen::Index j) {
  double s = 0;
  for (Eigen::Index k = 0; k < a.cols(); ++k) {
    const double t = a(i, k) - b(j, k);
    s += t * t;
  }
  return s;
}

// Squared k-NN radius of every row, by sorting all its direct squared distances to the other rows.
inline std::vector<double> brute_radii_sq(const Matrix& x, int k) {
  std::vector<double> out(static_cast<std::size_t>(x.rows()));
  std::vector<double> d;
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    d.clear();
    for (Eigen::Index j = 0; j < x.rows(); ++j)
      if (j != i) d.push_back(direct_sq(x, i, x, j));
    std::nth_element(d.begin(), d.begin() + (k - 1), d.end());
    out[static_cast<std::size_t>(i)] = d[static_cast<std::size_t>(k - 1)];
  }
  return out;
}

struct BruteCounts {
  long precision_hits = 0;  // generated rows inside the real manifold
  long recall_hits = 0;     // real rows inside the generated manifold
  long density_sum = 0;     // sum over generated rows of the real balls containing them
  long coverage_hits = 0;   // real rows whose ball holds a generated row
};

inline BruteCounts brute_counts(const Matrix& real, const Matrix& gen, int k) {
  const auto r = brute_radii_sq(real, k);
  const auto s = brute_radii_sq(gen, k);
  BruteCounts c;
  std::vector<char> covered(static_cast<std::size_t>(real.rows()), 0);
  std::vector<char> recalled(static_cast<std::size_t>(real.rows()), 0);
  for (Eigen::Index j = 0; j < gen.rows(); ++j) {
    long count = 0;
    for (Eigen::Index i = 0; i < real.rows(); ++i) {
      const double d = direct_sq(gen, j, real, i);
      if (d <= r[static_cast<std::size_t>(i)]) {
        ++count;
        covered[static_cast<std::size_t>(i)] = 1;
      }
      if (d <= s[static_cast<std::size_t>(j)]) recalled[static_cast<std::size_t>(i)] = 1;
    }
    c.precision_hits += count > 0;
    c.density_sum += count;
  }
  for (std::size_t i = 0; i < covered.size(); ++i) {
    c.coverage_hits += covered[i];
    c.recall_hits += recalled[i];
  }
  return c;
}

struct Summary {
  double mean = 0;
  double se = 0;
};

inline Summary summarise(const std::vector<double>& v) {
  Summary s;
  for (const double x : v) s.mean += x;
  s.mean /= static_cast<double>(v.size());
  double sq = 0;
  for (const double x : v) sq += (x - s.mean) * (x - s.mean);
  s.se = std::sqrt(sq / static_cast<double>(v.size() - 1) / static_cast<double>(v.size()));
  return s;
}

}  // namespace ouro::testing
