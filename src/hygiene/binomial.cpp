// Binomial draws by geometric inversion or BTRS (binomial.hpp says which and why).
#include "ouro/hygiene/binomial.hpp"

#include <array>
#include <cmath>

#include "ouro/core/error.hpp"

namespace ouro::hygiene {
namespace {

// fc(k) = ln k! - [(k + 1/2) ln(k + 1) - (k + 1) + ln sqrt(2 pi)], the remainder of Stirling's
// formula at k + 1: tabulated below 10 (from lgamma), its asymptotic series above (error < 1e-10).
double stirling_tail(double k) {
  static constexpr std::array<double, 10> kSmall{
      0.08106146679532733,  0.04134069595540946,  0.027677925684997717, 0.02079067210376584,
      0.01664469118982126,  0.013876128823072875, 0.011896709945892425, 0.010411265261973668,
      0.00925546218270945,  0.008330563433359472};
  if (k < 10.0) return kSmall[static_cast<std::size_t>(k)];
  const double k1 = k + 1.0, k1sq = k1 * k1;
  return (1.0 / 12.0 - (1.0 / 360.0 - 1.0 / 1260.0 / k1sq) / k1sq) / k1;
}

// Successes are the gaps of a Bernoulli(p) sequence: geometric waiting times ceil(ln U / ln(1-p));
// the count of those that end within n trials is Binomial(n, p). About n p + 1 uniforms.
std::uint64_t by_inversion(std::uint64_t n, double p, Rng& rng) {
  const double log_q = std::log1p(-p);
  const auto trials = static_cast<double>(n);
  double used = 0.0;
  std::uint64_t successes = 0;
  for (;;) {
    used += std::ceil(std::log(rng.uniform()) / log_q);
    if (used > trials) return successes;
    ++successes;
  }
}

// BTRS for n p >= 10, p <= 1/2. A uniform u is mapped through a transformed-Cauchy-like hat onto
// k; a point inside the inner box is accepted at once, otherwise against the exact ratio
// ln(f(k) / f(m)) of probabilities to the mode m, written with Stirling's remainders.
std::uint64_t by_rejection(std::uint64_t n, double p, Rng& rng) {
  const double trials = static_cast<double>(n);
  const double spq = std::sqrt(trials * p * (1.0 - p));
  const double b = 1.15 + 2.53 * spq;
  const double a = -0.0873 + 0.0248 * b + 0.01 * p;
  const double c = trials * p + 0.5;
  const double v_r = 0.92 - 4.2 / b;
  const double r = p / (1.0 - p);
  const double alpha = (2.83 + 5.1 / b) * spq;
  const double m = std::floor((trials + 1.0) * p);
  for (;;) {
    const double u = rng.uniform() - 0.5;
    double v = rng.uniform();
    const double us = 0.5 - std::abs(u);
    const double k = std::floor((2.0 * a / us + b) * u + c);
    if (k < 0.0 || k > trials) continue;
    if (us >= 0.07 && v <= v_r) return static_cast<std::uint64_t>(k);
    v = std::log(v * alpha / (a / (us * us) + b));
    const double log_ratio = (m + 0.5) * std::log((m + 1.0) / (r * (trials - m + 1.0))) +
                             (trials + 1.0) * std::log((trials - m + 1.0) / (trials - k + 1.0)) +
                             (k + 0.5) * std::log(r * (trials - k + 1.0) / (k + 1.0)) + stirling_tail(m) +
                             stirling_tail(trials - m) - stirling_tail(k) - stirling_tail(trials - k);
    if (v <= log_ratio) return static_cast<std::uint64_t>(k);
  }
}

}  // namespace

std::uint64_t draw_binomial(std::uint64_t n, double p, Rng& rng) {
  OURO_CHECK(p >= 0.0 && p <= 1.0, DataError, "binomial: the success probability must be in [0, 1], got {}", p);
  if (p > 0.5) return n - draw_binomial(n, 1.0 - p, rng);
  if (n == 0 || p == 0.0) return 0;
  if (static_cast<double>(n) * p < 10.0) return by_inversion(n, p, rng);
  return by_rejection(n, p, rng);
}

}  // namespace ouro::hygiene
