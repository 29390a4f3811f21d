// ROC curve, AUC and TPR at a target FPR: hand-worked small cases with ties, the extremes (all
// tied, perfect, inverted), and scikit-learn's roc_auc_score and roc_curve(drop_intermediate=False)
// on 600 scores with heavy ties (run through OURO_PYTHON; skipped, naming the module, without numpy
// or sklearn); bad input.
#include "ouro/hygiene/roc.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "ouro/core/error.hpp"
#include "ouro/core/rng.hpp"
#include "support/error_of.hpp"
#include "support/python.hpp"

namespace ouro::hygiene {
namespace {

using testing::error_of;

constexpr double kInf = std::numeric_limits<double>::infinity();

// Positives 0.9 0.8 0.6 0.4, negatives 0.8 0.4 0.2: ties at 0.8 and at 0.4.
const std::vector<double> kScores{0.9, 0.8, 0.8, 0.6, 0.4, 0.4, 0.2};
const std::vector<int> kLabels{1, 1, 0, 1, 0, 1, 0};

TEST(Roc, HandWorkedCurveWithTies) {
  // threshold  flagged positives  flagged negatives   TPR   FPR
  //   +inf            0                 0              0     0
  //   0.9             1                 0             1/4    0
  //   0.8             2                 1             2/4   1/3
  //   0.6             3                 1             3/4   1/3
  //   0.4             4                 2              1    2/3
  //   0.2             4                 3              1     1
  const std::vector<RocPoint> want{{kInf, 0, 0},           {0.9, 0, 0.25},         {0.8, 1.0 / 3, 0.5},
                                   {0.6, 1.0 / 3, 0.75},   {0.4, 2.0 / 3, 1.0},    {0.2, 1.0, 1.0}};
  const std::vector<RocPoint> got = roc_curve(kScores, kLabels);
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t k = 0; k < want.size(); ++k) {
    EXPECT_EQ(got[k].threshold, want[k].threshold) << k;
    EXPECT_EQ(got[k].fpr, want[k].fpr) << k;
    EXPECT_EQ(got[k].tpr, want[k].tpr) << k;
  }
}

TEST(Roc, HandWorkedAucCountsTiesOneHalf) {
  // Pairs (positive, negative) won: 0.9 beats all 3; 0.8 ties 0.8 and beats 0.4, 0.2 (2.5); 0.6
  // beats 0.4, 0.2 (2); 0.4 ties 0.4 and beats 0.2 (1.5). 9 of 12 pairs.
  EXPECT_EQ(roc_auc(kScores, kLabels), 0.75);
  // All scores equal: every pair a tie.
  EXPECT_EQ(roc_auc(std::vector<double>{1, 1, 1, 1, 1}, std::vector<int>{1, 0, 0, 1, 0}), 0.5);
  // Perfect and inverted detectors.
  const std::vector<double> scores{5, 4, 3, 2, 1};
  EXPECT_EQ(roc_auc(scores, std::vector<int>{1, 1, 0, 0, 0}), 1.0);
  EXPECT_EQ(roc_auc(scores, std::vector<int>{0, 0, 0, 1, 1}), 0.0);
  // Mann-Whitney's count is the trapezoidal area under the curve.
  const auto curve = roc_curve(kScores, kLabels);
  double area = 0;
  for (std::size_t k = 1; k < curve.size(); ++k)
    area += (curve[k].fpr - curve[k - 1].fpr) * (curve[k].tpr + curve[k - 1].tpr) / 2;
  EXPECT_NEAR(area, 0.75, 1e-15);
}

TEST(Roc, TprAtFprTakesTheLargestTprWithinTheTargetAtTheSmallestFpr) {
  // FPR 0 allows only the thresholds above every negative: 0.9, TPR 1/4.
  RocPoint p = tpr_at_fpr(kScores, kLabels, 0.0);
  EXPECT_EQ(p.threshold, 0.9);
  EXPECT_EQ(p.tpr, 0.25);
  EXPECT_EQ(p.fpr, 0.0);
  // 1/3 exactly reaches the points at 0.8 and 0.6; 0.6 has the larger TPR.
  p = tpr_at_fpr(kScores, kLabels, 1.0 / 3);
  EXPECT_EQ(p.threshold, 0.6);
  EXPECT_EQ(p.tpr, 0.75);
  // Just below 1/3: back to 0.9.
  EXPECT_EQ(tpr_at_fpr(kScores, kLabels, 0.33).threshold, 0.9);
  // Anything from 2/3 up: TPR 1, reached first at 0.4 (FPR 2/3), not at 0.2 (FPR 1).
  for (const double target : {2.0 / 3, 0.9, 1.0}) {
    p = tpr_at_fpr(kScores, kLabels, target);
    EXPECT_EQ(p.threshold, 0.4) << target;
    EXPECT_EQ(p.tpr, 1.0) << target;
    EXPECT_EQ(p.fpr, 2.0 / 3) << target;
  }
  // When the highest score is a negative's, FPR 0 only allows flagging nothing.
  p = tpr_at_fpr(std::vector<double>{3, 2, 1}, std::vector<int>{0, 1, 1}, 0.0);
  EXPECT_EQ(p.threshold, kInf);
  EXPECT_EQ(p.tpr, 0.0);
}

TEST(RocVsSklearn, SameAucAndCurveWithHeavyTies) {
  for (const char* module : {"numpy", "sklearn"})
    if (!testing::python_imports(module))
      GTEST_SKIP() << OURO_PYTHON << " cannot import " << module << " (Debian: python3-" << module << ")";
  // Scores rounded to 0.25 over roughly [-3, 4]: about 30 distinct values for 600 documents.
  Rng rng(21, {Purpose::kUser, 0, 0, 0});
  constexpr Eigen::Index kN = 600;
  Matrix data(kN, 2);
  std::vector<double> scores(kN);
  std::vector<int> labels(kN);
  for (Eigen::Index i = 0; i < kN; ++i) {
    const int y = rng.uniform() < 0.4 ? 1 : 0;
    const double s = std::round((rng.normal() + 1.2 * y) * 4.0) / 4.0;
    scores[static_cast<std::size_t>(i)] = s;
    labels[static_cast<std::size_t>(i)] = y;
    data.row(i) << s, y;
  }
  testing::TempDir dir;
  testing::write_matrix(dir / "data.txt", data);
  ASSERT_TRUE(testing::run_python(dir, R"(
import sys
import numpy as np
from sklearn.metrics import roc_auc_score, roc_curve
d = sys.argv[1]
data = np.loadtxt(f'{d}/data.txt', ndmin=2)
s, y = data[:, 0], data[:, 1].astype(int)
np.savetxt(f'{d}/auc.txt', [roc_auc_score(y, s)], fmt='%.17g')
fpr, tpr, thresholds = roc_curve(y, s, drop_intermediate=False)
# The first point flags nothing; its threshold is max + 1 or inf depending on the version.
np.savetxt(f'{d}/curve.txt', np.column_stack([thresholds[1:], fpr[1:], tpr[1:]]), fmt='%.17g')
np.savetxt(f'{d}/first.txt', [fpr[0], tpr[0]], fmt='%.17g')
)")) << "the scikit-learn script failed";
  EXPECT_NEAR(roc_auc(scores, labels), testing::read_numbers(dir / "auc.txt").at(0), 1e-12);
  const std::vector<double> curve = testing::read_numbers(dir / "curve.txt");
  const std::vector<RocPoint> got = roc_curve(scores, labels);
  ASSERT_EQ(3 * (got.size() - 1), curve.size());
  EXPECT_GT(got.size(), 20u);
  EXPECT_LT(got.size(), 60u);  // the ties are there
  EXPECT_EQ(testing::read_numbers(dir / "first.txt"), (std::vector<double>{0.0, 0.0}));
  EXPECT_EQ(got[0].fpr, 0.0);
  EXPECT_EQ(got[0].tpr, 0.0);
  for (std::size_t k = 1; k < got.size(); ++k) {
    EXPECT_EQ(got[k].threshold, curve[3 * (k - 1)]) << k;
    EXPECT_NEAR(got[k].fpr, curve[3 * (k - 1) + 1], 1e-15) << k;
    EXPECT_NEAR(got[k].tpr, curve[3 * (k - 1) + 2], 1e-15) << k;
  }
  // tpr_at_fpr against sklearn's curve read by the same rule.
  for (const double target : {0.0, 0.01, 0.05, 0.1, 0.3, 0.999}) {
    std::size_t best = 0;
    for (std::size_t k = 1; k < got.size() && curve[3 * (k - 1) + 1] <= target; ++k)
      if (best == 0 || curve[3 * (k - 1) + 2] > curve[3 * (best - 1) + 2]) best = k;
    const RocPoint p = tpr_at_fpr(scores, labels, target);
    if (best == 0) {
      EXPECT_EQ(p.threshold, kInf) << target;
      continue;
    }
    EXPECT_EQ(p.threshold, curve[3 * (best - 1)]) << target;
    EXPECT_NEAR(p.tpr, curve[3 * (best - 1) + 2], 1e-15) << target;
    EXPECT_LE(p.fpr, target);
  }
}

TEST(Roc, RefusesEmptyMismatchedNonFiniteAndOneClassInput) {
  EXPECT_NE(error_of([] { roc_auc(std::vector<double>{}, std::vector<int>{}); }).find("no scores"), std::string::npos);
  EXPECT_NE(error_of([] { roc_auc(std::vector<double>{1, 2}, std::vector<int>{1}); }).find("2 scores but 1 labels"),
            std::string::npos);
  EXPECT_NE(error_of([] {
              roc_curve(std::vector<double>{1, std::numeric_limits<double>::quiet_NaN()}, std::vector<int>{1, 0});
            }).find("document 1 is not finite"),
            std::string::npos);
  EXPECT_THROW(roc_curve(std::vector<double>{1, kInf}, std::vector<int>{1, 0}), DataError);
  EXPECT_NE(error_of([] { roc_auc(std::vector<double>{1, 2}, std::vector<int>{1, 1}); }).find("one class only"),
            std::string::npos);
  EXPECT_NE(error_of([] { roc_auc(std::vector<double>{1, 2}, std::vector<int>{1, -1}); }).find("label -1 of document 1"),
            std::string::npos);
  EXPECT_THROW(tpr_at_fpr(kScores, kLabels, 1.5), ConfigError);
  EXPECT_THROW(tpr_at_fpr(kScores, kLabels, std::numeric_limits<double>::quiet_NaN()), ConfigError);
}

}  // namespace
}  // namespace ouro::hygiene
