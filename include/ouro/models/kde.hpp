// The kde family: a Gaussian kernel density estimate, i.e. an equal-weight mixture of N(x_i, K)
// centred on the n training rows.
//
// Kernel covariance K (model.bandwidth):
//   - a number h: K = h^2 I (isotropic; h is the kernel standard deviation);
//   - "scott" / "silverman": K = factor^2 * C, with C the data covariance (divisor n - 1) and
//     scipy.stats.gaussian_kde's factors: scott n^(-1/(d+4)), silverman (n (d+2) / 4)^(-1/(d+4)).
// A rule needs n >= 2 (a covariance); a number needs n >= 1: that is min_samples. Data whose
// covariance is singular (collapsed rows) gives a singular K; log_prob then follows the support
// rule documented in gaussian.hpp, kernel by kernel (a kernel contributes only at points on its own
// support, with its density on that support).
//
// Sampling with bias lambda: pick a training row uniformly (rng.below(n)), add N(0, lambda K)
// (kernel variance lambda h^2: bandwidth times sqrt(lambda)). log_prob: log((1/n) sum_i N(x; x_i, K))
// by log-sum-exp, O(rows * n * d). moments(): mean = mean of the rows; covariance = their
// population (divisor n) covariance + K, the mixture's own covariance.
#pragma once

#include <memory>

#include "ouro/models/generative_model.hpp"

namespace ouro {

enum class BandwidthRule { kFixed, kScott, kSilverman };

struct KdeBandwidth {
  BandwidthRule rule = BandwidthRule::kScott;
  double h = 0.0;  // kFixed: the kernel standard deviation (> 0)
};

// scipy.stats.gaussian_kde's factor for n rows in d dimensions (kScott or kSilverman).
double bandwidth_factor(BandwidthRule rule, double n, Eigen::Index d);

class KdeFamily final : public ModelFamily {
 public:
  KdeFamily(Eigen::Index dim, KdeBandwidth bandwidth);

  std::string_view name() const override { return "kde"; }
  Capabilities capabilities() const override {
    return {.samples = SampleKind::kRealVector, .moments = true, .feature_embedding = true};
  }
  // 1 for a numeric bandwidth, 2 for a rule.
  std::size_t min_samples(Eigen::Index dim) const override;

  const KdeBandwidth& bandwidth() const { return bandwidth_; }

 protected:
  std::unique_ptr<GenerativeModel> fit_model(const Samples& data, Rng& rng,
                                             const GenerativeModel* start,
                                             const GenerativeModel* generation0) const override;

 private:
  Eigen::Index dim_;
  KdeBandwidth bandwidth_;
};

// The kernel covariance a kde fitted on `data` uses (the rule applied to the data).
Matrix kde_kernel_covariance(const Matrix& data, const KdeBandwidth& bandwidth);

}  // namespace ouro
