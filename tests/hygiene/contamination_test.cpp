// The Rogan-Gladen contamination estimate: hand-computed values, clipping, the warnings and
// errors, the bootstrap's determinism; by simulation, the Wald and bootstrap intervals' coverage
// (2000 corpora with pi = 0.3, TPR 0.8, FPR 0.05, n = 2000, n_r = n_s = 1000: 95% within 3
// standard errors of the simulation), the delta method's standard error against the estimates'
// spread, and the estimate's unbiasedness across detector thresholds (two thresholds on the same
// simulated documents agree on average within their standard error); last, the whole pipeline:
// logistic regression, a threshold at FPR 5% and the estimate.
#include "ouro/hygiene/contamination.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "ouro/core/error.hpp"
#include "ouro/core/rng.hpp"
#include "ouro/hygiene/binomial.hpp"
#include "ouro/hygiene/logistic_regression.hpp"
#include "ouro/hygiene/roc.hpp"
#include "support/error_of.hpp"

namespace ouro::hygiene {
namespace {

using testing::error_of;

constexpr double kZ95 = 1.959963984540054;

TEST(Contamination, HandComputedEstimateAndWaldInterval) {
  // q = 0.3, FPR = 0.05, TPR = 0.8: pi = 0.25 / 0.75 = 1/3.
  // Var = [0.3 0.7 / 1000 + (2/3)^2 0.05 0.95 / 1000 + (1/3)^2 0.8 0.2 / 1000] / 0.75^2
  //     = [0.21 + 0.19/9 + 0.16/9] / 1000 / 0.5625 = 2.24 / 5062.5 = 4.4246913580e-4.
  const auto e = estimate_contamination({300, 1000}, {50, 1000}, {800, 1000}, {.bootstrap = 0});
  EXPECT_EQ(e.corpus.flagged, 300u);
  EXPECT_EQ(e.corpus.total, 1000u);
  EXPECT_EQ(e.real.flagged, 50u);
  EXPECT_EQ(e.synthetic.flagged, 800u);
  EXPECT_EQ(e.q, 0.3);
  EXPECT_EQ(e.fpr, 0.05);
  EXPECT_EQ(e.tpr, 0.8);
  EXPECT_NEAR(e.unclipped, 1.0 / 3, 1e-15);
  EXPECT_NEAR(e.estimate, 1.0 / 3, 1e-15);
  EXPECT_NEAR(e.standard_error * e.standard_error, 2.24 / 5062.5, 1e-17);
  EXPECT_NEAR(e.wald.low, 1.0 / 3 - kZ95 * std::sqrt(2.24 / 5062.5), 1e-14);
  EXPECT_NEAR(e.wald.high, 1.0 / 3 + kZ95 * std::sqrt(2.24 / 5062.5), 1e-14);
  EXPECT_NEAR(e.wald.low, 0.2921055882505216, 1e-12);
  EXPECT_TRUE(std::isnan(e.bootstrap.low) && std::isnan(e.bootstrap.high));
  EXPECT_EQ(e.bootstrap_draws, 0u);
  EXPECT_EQ(e.warning, "");
}

TEST(Contamination, ClipsTheEstimateAndIntervalsButReportsTheUnclippedValue) {
  // q = 0.03 < FPR: pi = -0.02 / 0.75; the Wald interval -0.0499 .. -0.0034 lies below 0.
  const auto e = estimate_contamination({30, 1000}, {50, 1000}, {800, 1000}, {.bootstrap = 500, .seed = 1});
  EXPECT_NEAR(e.unclipped, -0.02 / 0.75, 1e-15);
  EXPECT_EQ(e.estimate, 0.0);
  EXPECT_EQ(e.wald.low, 0.0);
  EXPECT_EQ(e.wald.high, 0.0);
  EXPECT_GE(e.bootstrap.low, 0.0);
  EXPECT_LE(e.bootstrap.high, 0.05);
  // A corpus flagged more often than the synthetic set: pi = 1.13 (SE 0.023), clipped to 1, and so
  // is the whole interval; with a less certain TPR the interval reaches back below 1.
  const auto over = estimate_contamination({900, 1000}, {50, 1000}, {800, 1000}, {.bootstrap = 0});
  EXPECT_NEAR(over.unclipped, 0.85 / 0.75, 1e-15);
  EXPECT_EQ(over.estimate, 1.0);
  EXPECT_EQ(over.wald.low, 1.0);
  EXPECT_EQ(over.wald.high, 1.0);
  const auto loose = estimate_contamination({900, 1000}, {5, 100}, {40, 50}, {.bootstrap = 0});
  EXPECT_EQ(loose.estimate, 1.0);
  EXPECT_LT(loose.wald.low, 1.0);
  EXPECT_EQ(loose.wald.high, 1.0);
}

TEST(Contamination, BootstrapIsDeterministicPerSeedAndNearTheWaldInterval) {
  const auto a = estimate_contamination({300, 1000}, {50, 1000}, {800, 1000}, {.bootstrap = 2000, .seed = 7});
  const auto b = estimate_contamination({300, 1000}, {50, 1000}, {800, 1000}, {.bootstrap = 2000, .seed = 7});
  const auto c = estimate_contamination({300, 1000}, {50, 1000}, {800, 1000}, {.bootstrap = 2000, .seed = 8});
  EXPECT_EQ(a.bootstrap.low, b.bootstrap.low);
  EXPECT_EQ(a.bootstrap.high, b.bootstrap.high);
  EXPECT_NE(a.bootstrap.low, c.bootstrap.low);
  EXPECT_EQ(a.bootstrap_draws, 2000u);
  EXPECT_EQ(a.bootstrap_undefined, 0u);
  // The 2.5% quantile of 2000 draws has a Monte-Carlo error of about 0.06 standard errors, and
  // the estimate's law is close to normal here (TPR - FPR varies by 2%), so the percentile
  // interval is the Wald interval within a quarter of an SE (4 Monte-Carlo errors).
  EXPECT_NEAR(a.bootstrap.low, a.wald.low, 0.25 * a.standard_error);
  EXPECT_NEAR(a.bootstrap.high, a.wald.high, 0.25 * a.standard_error);
}

TEST(Contamination, WarnsWhenTheDetectorBarelySeparatesOrTheIntervalSpansEverything) {
  // TPR - FPR = 0.18 - 0.10 = 0.08.
  const auto weak = estimate_contamination({150, 10000}, {1000, 10000}, {1800, 10000}, {.bootstrap = 0});
  EXPECT_NE(weak.warning.find("TPR - FPR = 0.08 is below 0.1"), std::string::npos) << weak.warning;
  // Ten documents per set: pi = 0.4 / 0.6, SE = 0.31, the interval before clipping (0.05 to 1.28)
  // is wider than [0, 1].
  const auto tiny = estimate_contamination({5, 10}, {1, 10}, {7, 10}, {.bootstrap = 200, .seed = 3});
  EXPECT_GT(2 * kZ95 * tiny.standard_error, 1.0);
  EXPECT_NE(tiny.warning.find("wider than [0, 1]"), std::string::npos) << tiny.warning;
  EXPECT_NEAR(tiny.wald.low, 2.0 / 3 - kZ95 * tiny.standard_error, 1e-15);
  EXPECT_EQ(tiny.wald.high, 1.0);
  // With so few documents some bootstrap triples have TPR* <= FPR*: counted and said.
  const auto fragile = estimate_contamination({3, 10}, {2, 10}, {4, 10}, {.bootstrap = 500, .seed = 4});
  EXPECT_GT(fragile.bootstrap_undefined, 0u);
  EXPECT_NE(fragile.warning.find("bootstrap draws had TPR <= FPR"), std::string::npos) << fragile.warning;
  EXPECT_EQ(estimate_contamination({300, 1000}, {50, 1000}, {800, 1000}, {.bootstrap = 500}).warning, "");
}

TEST(Contamination, RefusesUninformativeDetectorsAndImpossibleCounts) {
  EXPECT_NE(error_of([] { estimate_contamination({300, 1000}, {400, 1000}, {400, 1000}); }).find("is not above its FPR"),
            std::string::npos);
  EXPECT_THROW(estimate_contamination({300, 1000}, {500, 1000}, {400, 1000}), DataError);
  EXPECT_NE(error_of([] { estimate_contamination({0, 0}, {50, 1000}, {800, 1000}); }).find("corpus set holds no"),
            std::string::npos);
  EXPECT_NE(error_of([] { estimate_contamination({3, 10}, {50, 1000}, {1001, 1000}); })
                .find("synthetic calibration set has 1001 flagged of only 1000"),
            std::string::npos);
  EXPECT_NE(error_of([] { estimate_contamination({3, 10}, {5, 0}, {800, 1000}); }).find("real calibration set"),
            std::string::npos);
}

// A corpus of n documents with synthetic share pi, each synthetic one flagged with probability
// tpr and each real one with probability fpr, and the two calibration sets.
struct Simulated {
  FlagCount corpus, real, synthetic;
};

Simulated simulate(double pi, double tpr, double fpr, std::uint64_t n, std::uint64_t n_real, std::uint64_t n_synthetic,
                   Rng& rng) {
  const std::uint64_t synthetic_docs = draw_binomial(n, pi, rng);
  const std::uint64_t flagged = draw_binomial(synthetic_docs, tpr, rng) + draw_binomial(n - synthetic_docs, fpr, rng);
  return {{flagged, n}, {draw_binomial(n_real, fpr, rng), n_real}, {draw_binomial(n_synthetic, tpr, rng), n_synthetic}};
}

TEST(Contamination, WaldAndBootstrapIntervalsCover95PercentOfSimulatedCorpora) {
  constexpr double kPi = 0.3, kTpr = 0.8, kFpr = 0.05;
  constexpr int kCorpora = 2000;
  Rng rng(41, {Purpose::kUser, 0, 0, 0});
  int wald = 0, bootstrap = 0;
  double sum = 0, sum_sq = 0, se_sum = 0;
  for (int s = 0; s < kCorpora; ++s) {
    const Simulated sim = simulate(kPi, kTpr, kFpr, 2000, 1000, 1000, rng);
    const auto e = estimate_contamination(sim.corpus, sim.real, sim.synthetic,
                                          {.bootstrap = 2000, .seed = static_cast<std::uint64_t>(s)});
    wald += e.wald.low <= kPi && kPi <= e.wald.high;
    bootstrap += e.bootstrap.low <= kPi && kPi <= e.bootstrap.high;
    sum += e.unclipped;
    sum_sq += e.unclipped * e.unclipped;
    se_sum += e.standard_error;
    ASSERT_EQ(e.warning, "") << "corpus " << s;
  }
  const double margin = 3 * std::sqrt(0.95 * 0.05 / kCorpora);  // 3 SE of a coverage share
  EXPECT_NEAR(static_cast<double>(wald) / kCorpora, 0.95, margin);
  EXPECT_NEAR(static_cast<double>(bootstrap) / kCorpora, 0.95, margin);
  // Unbiased within 3 standard errors of the mean, and the delta method's SE is the estimates'
  // spread (sd of a sample of 2000 normals: relative SE 1.6%; 6% allows 3 SE and the SE's own noise).
  const double mean = sum / kCorpora, sd = std::sqrt(sum_sq / kCorpora - mean * mean);
  EXPECT_NEAR(mean, kPi, 3 * sd / std::sqrt(kCorpora));
  EXPECT_NEAR(se_sum / kCorpora, sd, 0.06 * sd);
}

TEST(Contamination, TwoThresholdsOnTheSameDocumentsEstimateTheSameShare) {
  // Documents carry a detector score: N(0, 1) for real, N(1.5, 1) for synthetic. Two detectors are
  // the same score cut at 0.5 (TPR 0.84, FPR 0.31) and at 1.8 (TPR 0.38, FPR 0.036). Each corpus
  // and calibration set is scored once; both cuts read the same documents.
  constexpr double kPi = 0.2;
  constexpr int kCorpora = 400;
  constexpr std::uint64_t kN = 3000, kCalibration = 1500;
  const double cuts[2] = {0.5, 1.8};
  Rng rng(42, {Purpose::kUser, 0, 0, 0});
  auto count = [&](std::uint64_t n, double synthetic_share, FlagCount (&out)[2]) {
    for (std::uint64_t i = 0; i < n; ++i) {
      const double score = rng.normal() + (rng.uniform() < synthetic_share ? 1.5 : 0.0);
      for (int k = 0; k < 2; ++k) out[k].flagged += score >= cuts[k];
    }
    for (auto& c : out) c.total = n;
  };
  double sum[2] = {0, 0}, sum_sq[2] = {0, 0}, diff_sum = 0, diff_sq = 0;
  int within = 0;
  for (int s = 0; s < kCorpora; ++s) {
    FlagCount corpus[2], real[2], synthetic[2];
    count(kN, kPi, corpus);
    count(kCalibration, 0.0, real);
    count(kCalibration, 1.0, synthetic);
    double pi[2], se[2];
    for (int k = 0; k < 2; ++k) {
      const auto e = estimate_contamination(corpus[k], real[k], synthetic[k], {.bootstrap = 0});
      pi[k] = e.unclipped;
      se[k] = e.standard_error;
      sum[k] += pi[k];
      sum_sq[k] += pi[k] * pi[k];
    }
    // One corpus: the two estimates agree within their errors (3 SE of the difference, taking the
    // errors as independent, which overstates the spread of the difference a little).
    within += std::abs(pi[0] - pi[1]) <= 3 * std::hypot(se[0], se[1]);
    diff_sum += pi[0] - pi[1];
    diff_sq += (pi[0] - pi[1]) * (pi[0] - pi[1]);
  }
  EXPECT_GE(within, kCorpora - 4);  // 3 SE: 0.3% expected outside, so ~1 of 400
  // Across corpora each cut is unbiased and they agree: means within 3 standard errors.
  for (int k = 0; k < 2; ++k) {
    const double mean = sum[k] / kCorpora, sd = std::sqrt(sum_sq[k] / kCorpora - mean * mean);
    EXPECT_NEAR(mean, kPi, 3 * sd / std::sqrt(kCorpora)) << "cut " << cuts[k];
  }
  const double diff_mean = diff_sum / kCorpora, diff_sd = std::sqrt(diff_sq / kCorpora - diff_mean * diff_mean);
  EXPECT_NEAR(diff_mean, 0.0, 3 * diff_sd / std::sqrt(kCorpora));
}

TEST(Contamination, FromAFittedDetectorThroughAThresholdAtFivePercentFpr) {
  // Two features per document, synthetic ones shifted (by 2 and -0.75 standard deviations: the
  // best linear score separates the classes by 2.1 sd); the detector is fitted on a labelled set,
  // its threshold chosen at FPR <= 5% on a tuning set, and FPR and TPR measured on fresh
  // calibration sets (not the tuning set, whose FPR the choice biases downwards).
  Rng rng(43, {Purpose::kUser, 0, 0, 0});
  auto documents = [&](std::size_t n, double synthetic_share, std::vector<int>& labels) {
    Matrix x(static_cast<Eigen::Index>(n), 2);
    labels.assign(n, 0);
    for (std::size_t i = 0; i < n; ++i) {
      const bool synthetic = rng.uniform() < synthetic_share;
      labels[i] = synthetic ? 1 : 0;
      x.row(static_cast<Eigen::Index>(i)) << rng.normal() + (synthetic ? 2.0 : 0.0),
          2.0 * rng.normal() + (synthetic ? -1.5 : 0.0);
    }
    return x;
  };
  std::vector<int> train_labels, tune_labels, ignored;
  const Matrix train = documents(2000, 0.5, train_labels);
  const auto detector = LogisticRegression::fit(train, train_labels);
  auto scores = [&](const Matrix& x) {
    std::vector<double> out(static_cast<std::size_t>(x.rows()));
    for (Eigen::Index i = 0; i < x.rows(); ++i)
      out[static_cast<std::size_t>(i)] = detector.decision(std::span<const double>(x.data() + 2 * i, 2));
    return out;
  };
  const Matrix tune = documents(2000, 0.5, tune_labels);
  EXPECT_GT(roc_auc(scores(tune), tune_labels), 0.9);  // Phi(2.1 / sqrt 2) = 0.93
  const RocPoint point = tpr_at_fpr(scores(tune), tune_labels, 0.05);
  EXPECT_LE(point.fpr, 0.05);
  auto flags = [&](const Matrix& x) {
    FlagCount c{0, static_cast<std::uint64_t>(x.rows())};
    for (const double s : scores(x)) c.flagged += s >= point.threshold;
    return c;
  };
  constexpr double kPi = 0.25;
  const auto e = estimate_contamination(flags(documents(4000, kPi, ignored)), flags(documents(2000, 0.0, ignored)),
                                        flags(documents(2000, 1.0, ignored)), {.bootstrap = 2000, .seed = 5});
  EXPECT_NEAR(e.unclipped, kPi, 3 * e.standard_error);
  EXPECT_LE(e.bootstrap.low, e.estimate);
  EXPECT_GE(e.bootstrap.high, e.estimate);
  EXPECT_EQ(e.warning, "");
}

}  // namespace
}  // namespace ouro::hygiene
