// An independent, minimal simulation of the self-consuming loops of docs/loop.md, used as the
// Monte-Carlo oracle for the closed-form theory. It deliberately shares no code with the engine or
// the model families: it draws, fits the sample mean/covariance (or frequencies, KDE points, OLS),
// samples and refits in a few lines each, and records each metric's replicate mean and standard
// error per generation.
#pragma once

#include <cmath>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <Eigen/Dense>
#include <gtest/gtest.h>

#include "ouro/core/matrix.hpp"
#include "ouro/core/rng.hpp"

namespace ouro::testing {

// Welford's running mean and variance.
class RunningStat {
 public:
  void add(double x) {
    ++n_;
    const double delta = x - mean_;
    mean_ += delta / static_cast<double>(n_);
    m2_ += delta * (x - mean_);
  }
  double mean() const { return mean_; }
  double standard_error() const {
    return n_ > 1 ? std::sqrt(m2_ / static_cast<double>(n_ - 1) / static_cast<double>(n_)) : 0.0;
  }
  std::int64_t count() const { return n_; }

 private:
  std::int64_t n_ = 0;
  double mean_ = 0.0;
  double m2_ = 0.0;
};

// metric -> per-generation statistics.
class Measurements {
 public:
  explicit Measurements(int generations) : generations_(generations) {}
  void add(const std::string& metric, int g, double value) {
    auto& stats = table_[metric];
    if (stats.empty()) stats.resize(static_cast<std::size_t>(generations_ + 1));
    stats[static_cast<std::size_t>(g)].add(value);
  }
  const std::vector<RunningStat>& operator[](const std::string& metric) const { return table_.at(metric); }
  bool has(const std::string& metric) const { return table_.count(metric) > 0; }

 private:
  int generations_;
  std::map<std::string, std::vector<RunningStat>> table_;
};

// The generations a curve is checked at: 0, 1, 2, a few spread out, and the last.
inline std::vector<int> check_points(int generations) {
  std::vector<int> out;
  for (int g : {0, 1, 2, generations / 4, generations / 2, (3 * generations) / 4, generations}) {
    if (g >= 0 && g <= generations && (out.empty() || g > out.back())) out.push_back(g);
  }
  return out;
}

// Expects the replicate mean within k standard errors of the closed form at the check points.
inline void expect_matches(const Measurements& measured, const std::string& metric, const std::vector<double>& expected,
                           double k, const std::string& label) {
  ASSERT_TRUE(measured.has(metric)) << label << ": " << metric << " not measured";
  const auto& stats = measured[metric];
  ASSERT_EQ(stats.size(), expected.size()) << label << ": " << metric;
  for (int g : check_points(static_cast<int>(expected.size()) - 1)) {
    const RunningStat& s = stats[static_cast<std::size_t>(g)];
    EXPECT_NEAR(s.mean(), expected[static_cast<std::size_t>(g)], k * s.standard_error() + 1e-12)
        << label << ": " << metric << " at generation " << g << " (standard error " << s.standard_error() << ")";
  }
}

// True when the simulation rejects `alternative` at generation g (more than k standard errors
// away): shows that a check has the power to tell two formulas apart.
inline bool rejects(const Measurements& measured, const std::string& metric, int g, double alternative, double k) {
  const RunningStat& s = measured[metric][static_cast<std::size_t>(g)];
  return std::abs(s.mean() - alternative) > k * s.standard_error();
}

// ---- Gaussian loops ----

struct GaussianFit {
  Vector mean;
  Matrix cov;
};

inline GaussianFit fit_gaussian(const Matrix& x, bool unbiased) {
  GaussianFit fit;
  fit.mean = x.colwise().mean().transpose();
  const Matrix centred = x.rowwise() - fit.mean.transpose();
  const double divisor = static_cast<double>(x.rows()) - (unbiased ? 1.0 : 0.0);
  fit.cov = centred.transpose() * centred / divisor;
  return fit;
}

// A symmetric square root (works for singular covariances too).
inline Matrix symmetric_sqrt(const Matrix& cov) {
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eigen(cov);
  const Eigen::VectorXd root = eigen.eigenvalues().cwiseMax(0.0).cwiseSqrt();
  return eigen.eigenvectors() * root.asDiagonal() * eigen.eigenvectors().transpose();
}

// n rows from N(mean, scale * cov).
inline Matrix draw_gaussian(const Vector& mean, const Matrix& cov, double scale, int n, Rng& rng) {
  const Matrix root = symmetric_sqrt(scale * cov);
  Matrix z(n, mean.size());
  for (Eigen::Index i = 0; i < z.rows(); ++i)
    for (Eigen::Index j = 0; j < z.cols(); ++j) z(i, j) = rng.normal();
  return (z * root).rowwise() + mean.transpose();
}

using Sampler = std::function<Matrix(int n, Rng& rng)>;

inline Sampler gaussian_sampler(Vector mean, Matrix cov) {
  return [mean, cov](int n, Rng& rng) { return draw_gaussian(mean, cov, 1.0, n, rng); };
}

// A mixture of 1-D Gaussians: weights, means, variances.
inline Sampler mixture_sampler(std::vector<double> weights, std::vector<double> means, std::vector<double> variances) {
  return [=](int n, Rng& rng) {
    Matrix x(n, 1);
    for (int i = 0; i < n; ++i) {
      double u = rng.uniform();
      std::size_t k = 0;
      while (k + 1 < weights.size() && u > weights[k]) u -= weights[k++];
      x(i, 0) = means[k] + std::sqrt(variances[k]) * rng.normal();
    }
    return x;
  };
}

enum class RealPart { kNone, kFresh, kFixed };

struct GaussianLoop {
  Sampler truth;
  Vector truth_mean;
  Matrix truth_cov;
  int initial = 10;
  int synthetic = 10;
  int real = 0;
  double bias = 1.0;
  bool unbiased = false;
  int generations = 20;
  RealPart real_part = RealPart::kNone;
};

// Runs the loop `replicates` times (keep = replace) and records every Gaussian metric.
inline Measurements simulate_gaussian(const GaussianLoop& loop, int replicates, std::uint64_t seed) {
  Measurements out(loop.generations);
  const Eigen::Index d = loop.truth_mean.size();
  const double truth_trace = loop.truth_cov.trace();
  const double truth_logdet = std::log(loop.truth_cov.determinant());
  const double sigma = std::sqrt(loop.truth_cov(0, 0));
  for (int r = 0; r < replicates; ++r) {
    Rng rng(seed, {Purpose::kUser, static_cast<std::uint64_t>(r), 0, 0});
    const Matrix d0 = loop.truth(loop.initial, rng);
    GaussianFit fit = fit_gaussian(d0, loop.unbiased);
    for (int g = 0; g <= loop.generations; ++g) {
      if (g > 0) {
        const Matrix synthetic = draw_gaussian(fit.mean, fit.cov, loop.bias, loop.synthetic, rng);
        Matrix real(0, d);
        if (loop.real_part == RealPart::kFresh) real = loop.truth(loop.real, rng);
        if (loop.real_part == RealPart::kFixed) real = d0.topRows(loop.real);
        Matrix train(real.rows() + synthetic.rows(), d);
        train << real, synthetic;
        fit = fit_gaussian(train, loop.unbiased);
      }
      const double shift = (fit.mean - loop.truth_mean).squaredNorm();
      out.add("mean_shift", g, shift);
      out.add("trace_ratio", g, fit.cov.trace() / truth_trace);
      out.add("logdet_ratio", g, std::log(fit.cov.determinant()) - truth_logdet);
      if (d == 1) {
        const double variance = fit.cov(0, 0);
        out.add("mean", g, fit.mean(0));
        out.add("variance", g, variance);
        out.add("std", g, std::sqrt(variance));
        out.add("w2", g, shift + (std::sqrt(variance) - sigma) * (std::sqrt(variance) - sigma));
      }
    }
  }
  return out;
}

// ---- Categorical loop (keep = replace, real = none, lambda = 1, MLE) ----

inline std::vector<double> draw_frequencies(const std::vector<double>& probs, int n, Rng& rng) {
  std::vector<double> freq(probs.size(), 0.0);
  for (int i = 0; i < n; ++i) {
    double u = rng.uniform();
    std::size_t k = 0;
    while (k + 1 < probs.size() && u > probs[k]) u -= probs[k++];
    freq[k] += 1.0 / n;
  }
  return freq;
}

inline Measurements simulate_categorical(const std::vector<double>& probs, int initial, int synthetic,
                                         int generations, int replicates, std::uint64_t seed) {
  Measurements out(generations);
  for (int r = 0; r < replicates; ++r) {
    Rng rng(seed, {Purpose::kUser, static_cast<std::uint64_t>(r), 0, 0});
    std::vector<double> q = draw_frequencies(probs, initial, rng);
    for (int g = 0; g <= generations; ++g) {
      if (g > 0) q = draw_frequencies(q, synthetic, rng);
      double sum_sq = 0.0;
      for (double v : q) sum_sq += v * v;
      out.add("gini_simpson", g, 1.0 - sum_sq);
    }
  }
  return out;
}

// ---- KDE loop (keep = replace, real = none, fixed bandwidth h) ----

inline Measurements simulate_kde(const Sampler& truth, double truth_trace, int initial, int synthetic, double bandwidth,
                                 double bias, int generations, int replicates, std::uint64_t seed) {
  Measurements out(generations);
  for (int r = 0; r < replicates; ++r) {
    Rng rng(seed, {Purpose::kUser, static_cast<std::uint64_t>(r), 0, 0});
    Matrix points = truth(initial, rng);
    const Eigen::Index d = points.cols();
    for (int g = 0; g <= generations; ++g) {
      if (g > 0) {
        // Pick a training point uniformly and add kernel noise N(0, bias h^2 I).
        Matrix next(synthetic, d);
        for (int i = 0; i < synthetic; ++i) {
          const auto j = static_cast<Eigen::Index>(rng.below(static_cast<std::uint64_t>(points.rows())));
          for (Eigen::Index c = 0; c < d; ++c) next(i, c) = points(j, c) + std::sqrt(bias) * bandwidth * rng.normal();
        }
        points = std::move(next);
      }
      const Matrix centred = points.rowwise() - points.colwise().mean();
      const double population_trace = centred.squaredNorm() / static_cast<double>(points.rows());
      const double total = population_trace + static_cast<double>(d) * bandwidth * bandwidth;
      if (d == 1) out.add("variance", g, total);
      out.add("trace_ratio", g, total / truth_trace);
    }
  }
  return out;
}

// ---- Least-squares loop (real = none) ----

struct RegressionLoop {
  int dim = 3;
  double noise = 0.5;  // sigma^2
  int initial = 12;
  int synthetic = 12;
  double bias = 1.0;
  bool fresh_design = false;
  bool accumulate = false;
  int generations = 8;
};

inline Matrix standard_normal(int rows, int cols, Rng& rng) {
  Matrix z(rows, cols);
  for (Eigen::Index i = 0; i < z.rows(); ++i)
    for (Eigen::Index j = 0; j < z.cols(); ++j) z(i, j) = rng.normal();
  return z;
}

inline Measurements simulate_regression(const RegressionLoop& loop, int replicates, std::uint64_t seed) {
  Measurements out(loop.generations);
  Rng setup(seed, {Purpose::kUser, 0, 0, 99});
  Vector w_star(loop.dim);
  for (auto& v : w_star) v = setup.normal();
  for (int r = 0; r < replicates; ++r) {
    Rng rng(seed, {Purpose::kUser, static_cast<std::uint64_t>(r), 0, 0});
    Matrix x = standard_normal(loop.initial, loop.dim, rng);
    Vector y = x * w_star;
    for (auto& v : y) v += std::sqrt(loop.noise) * rng.normal();
    for (int g = 0; g <= loop.generations; ++g) {
      if (g > 0) {
        const Vector w_prev = (x.transpose() * x).ldlt().solve(x.transpose() * y);
        Matrix xs(loop.synthetic, loop.dim);
        if (loop.fresh_design) {
          xs = standard_normal(loop.synthetic, loop.dim, rng);
        } else {
          for (int i = 0; i < loop.synthetic; ++i) xs.row(i) = x.row(i % x.rows());  // cycle the training design
        }
        Vector ys = xs * w_prev;
        for (auto& v : ys) v += std::sqrt(loop.bias * loop.noise) * rng.normal();
        if (loop.accumulate) {
          Matrix x_all(x.rows() + xs.rows(), loop.dim);
          x_all << x, xs;
          Vector y_all(y.size() + ys.size());
          y_all << y, ys;
          x = std::move(x_all);
          y = std::move(y_all);
        } else {
          x = std::move(xs);
          y = std::move(ys);
        }
      }
      const Vector w = (x.transpose() * x).ldlt().solve(x.transpose() * y);
      out.add("test_mse", g, (w - w_star).squaredNorm());
    }
  }
  return out;
}

}  // namespace ouro::testing
