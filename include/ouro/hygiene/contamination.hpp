// How much of a corpus is synthetic, from an imperfect detector's flags: the Rogan-Gladen estimate
// with a delta-method (Wald) interval and a parametric-bootstrap interval
// (docs/hygiene.md#detector-statistics-and-contamination-estimates).
//
// A detector at a fixed threshold flags a real document with probability FPR and a synthetic one
// with probability TPR, so a corpus with synthetic share pi is flagged at rate
// q = pi TPR + (1 - pi) FPR. Three samples give the estimate: the unlabeled corpus (n documents,
// flagged share q^), a real calibration set (n_r documents, flagged share FPR^) and a synthetic one
// (n_s, TPR^), all independent:
//
//   pi^  = (q^ - FPR^) / (TPR^ - FPR^)                      (Rogan & Gladen 1978), reported as is
//                                                            and clipped to [0, 1]
//   Var  = [q^(1-q^)/n + (1-pi^)^2 FPR^(1-FPR^)/n_r + pi^2 TPR^(1-TPR^)/n_s] / (TPR^ - FPR^)^2
//          (the delta method: d pi/dq = 1/D, d pi/dFPR = -(1-pi)/D, d pi/dTPR = -pi/D, D = TPR - FPR,
//          at the unclipped pi^)
//   Wald = pi^ -/+ 1.959964 sqrt(Var), clipped to [0, 1]
//   bootstrap: B triples of counts drawn as Binomial(n, q^), Binomial(n_r, FPR^),
//          Binomial(n_s, TPR^); the 2.5% and 97.5% quantiles (linear interpolation, NumPy's
//          default) of their unclipped estimates, clipped to [0, 1]. A triple with TPR* <= FPR*
//          has no estimate and is left out; the result counts them.
//
// The estimate needs TPR > FPR (DataError otherwise: the flags then carry no information about pi,
// or the detector is inverted). It is fragile when TPR - FPR is small, because every error in the
// three shares is divided by it; `warning` says so when TPR - FPR < 0.1, when the Wald interval
// before clipping is wider than [0, 1] (the data cannot locate pi), or when bootstrap triples had
// no estimate. An empty warning means none of these.
#pragma once

#include <cstdint>
#include <string>

namespace ouro::hygiene {

// Flagged documents out of a set's total.
struct FlagCount {
  std::uint64_t flagged = 0;
  std::uint64_t total = 0;
  double share() const { return static_cast<double>(flagged) / static_cast<double>(total); }
};

struct ContaminationSettings {
  std::uint64_t bootstrap = 2000;  // resampled triples; 0 skips the bootstrap interval
  std::uint64_t seed = 0;          // the bootstrap's stream: Rng(seed, {Purpose::kUser, 0, 0, 0})
};

struct Interval {
  double low;
  double high;
};

struct ContaminationEstimate {
  FlagCount corpus;     // the counts behind the estimate
  FlagCount real;       // calibration documents known to be real: FPR = flagged / total
  FlagCount synthetic;  // calibration documents known to be synthetic: TPR = flagged / total
  double q;             // corpus.share()
  double fpr;
  double tpr;
  double unclipped;       // (q - FPR) / (TPR - FPR)
  double estimate;        // unclipped, clipped to [0, 1]
  double standard_error;  // sqrt(Var) of the delta method
  Interval wald;          // 95%, clipped to [0, 1]
  Interval bootstrap;     // 95% percentile interval, clipped; NaN bounds when settings.bootstrap = 0
  std::uint64_t bootstrap_draws = 0;       // triples drawn
  std::uint64_t bootstrap_undefined = 0;   // of those, triples with TPR* <= FPR*, left out
  std::string warning;                     // empty, or why the estimate should not be trusted
};

// The estimate from the three sets' counts. DataError when a set is empty, a flagged count exceeds
// its total, or TPR <= FPR; the messages name the set.
ContaminationEstimate estimate_contamination(const FlagCount& corpus, const FlagCount& real,
                                             const FlagCount& synthetic, const ContaminationSettings& settings = {});

}  // namespace ouro::hygiene
