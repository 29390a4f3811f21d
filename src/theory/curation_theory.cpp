// The exact curated law of a categorical model: see curation_theory.hpp.
#include "ouro/theory/curation_theory.hpp"

#include <cmath>
#include <vector>

#include "ouro/core/error.hpp"

namespace ouro::theory {
namespace {

// Sums, over every composition c of `others` candidates into the outcomes of `support`, the
// multinomial probability of c times K e^{r_x} / (e^{r_x} + sum_k c_k e^{r_k}) for every x.
class CompositionSum {
 public:
  // Rewards are shifted by their maximum: the ratios do not change and exp never overflows.
  CompositionSum(const Vector& p, const Vector& r, std::size_t candidates)
      : r_(r.array() - r.maxCoeff()), candidates_(candidates) {
    for (Eigen::Index k = 0; k < p.size(); ++k) {
      if (p(k) > 0.0) {
        support_.push_back(k);
        log_p_.push_back(std::log(p(k)));
      }
    }
    expectation_ = Vector::Zero(p.size());
  }

  Vector run() {
    visit(0, candidates_ - 1, 0.0, std::lgamma(static_cast<double>(candidates_)));
    return expectation_;
  }

 private:
  // Places `left` candidates on support_[position..]; `sum` is the e^r mass placed so far and
  // `log_weight` the log multinomial probability's part fixed so far.
  void visit(std::size_t position, std::size_t left, double sum, double log_weight) {
    const Eigen::Index k = support_[position];
    if (position + 1 == support_.size()) {
      const double c = static_cast<double>(left);
      const double weight = std::exp(log_weight + c * log_p_[position] - std::lgamma(c + 1.0));
      const double total = sum + c * std::exp(r_(k));
      for (const Eigen::Index x : support_) {
        const double ex = std::exp(r_(x));
        expectation_(x) += weight * static_cast<double>(candidates_) * ex / (ex + total);
      }
      return;
    }
    for (std::size_t c = 0; c <= left; ++c) {
      const double cd = static_cast<double>(c);
      visit(position + 1, left - c, sum + cd * std::exp(r_(k)),
            log_weight + cd * log_p_[position] - std::lgamma(cd + 1.0));
    }
  }

  Vector r_;
  std::size_t candidates_;
  std::vector<Eigen::Index> support_;
  std::vector<double> log_p_;
  Vector expectation_;
};

}  // namespace

Vector curated_probabilities(const Vector& p, const Vector& r, std::size_t candidates) {
  OURO_CHECK(p.size() == r.size() && p.size() > 0, DataError,
             "curated_probabilities: {} probabilities for {} rewards", p.size(), r.size());
  OURO_CHECK(candidates >= 1, DataError, "curated_probabilities: needs K >= 1 candidates");
  const Vector expectation = CompositionSum(p, r, candidates).run();
  return p.cwiseProduct(expectation);
}

Vector reward_tilt(const Vector& p, const Vector& r) {
  OURO_CHECK(p.size() == r.size(), DataError, "reward_tilt: {} probabilities for {} rewards", p.size(), r.size());
  const Vector tilted = p.cwiseProduct((r.array() - r.maxCoeff()).exp().matrix());
  return tilted / tilted.sum();
}

}  // namespace ouro::theory
