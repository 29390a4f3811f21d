// How well a detector's scores separate synthetic documents (label 1, the positives) from real
// ones (label 0): the ROC curve, its area, and the operating point a contamination estimate uses
// (docs/hygiene.md#detector-statistics-and-contamination-estimates).
//
// Conventions. A higher score means "more likely synthetic"; a threshold t flags a document when
// score >= t (scikit-learn's roc_curve). The operating points are those of the thresholds at the
// distinct scores, from the highest down, after the point that flags nothing (t = +infinity,
// FPR = TPR = 0); a threshold strictly between two neighbouring distinct scores flags the same
// documents as the higher of the two, so no other threshold gives another point.
//
//   TPR(t) = #{positives with score >= t} / #positives
//   FPR(t) = #{negatives with score >= t} / #negatives
//   AUC    = (1 / (n_pos n_neg)) sum over (positive i, negative j) of [s_i > s_j] + [s_i = s_j] / 2
//            (the Mann-Whitney statistic: ties count one half; the trapezoidal area under the curve
//            of all operating points, which is what sklearn.metrics.roc_auc_score computes)
//
// tpr_at_fpr(target) is the operating point with the largest TPR among those with FPR <= target;
// among points with that TPR it takes the one of smallest FPR (the highest threshold). With
// target < the smallest achievable positive FPR it is the best zero-false-positive point, possibly
// the point that flags nothing (threshold +infinity, TPR 0).
//
// Every function here throws DataError for empty input, scores and labels of different lengths, a
// label that is not 0 or 1, a score that is NaN or infinite (a threshold must be a number) or a
// single class.
#pragma once

#include <span>
#include <vector>

namespace ouro::hygiene {

struct RocPoint {
  double threshold;  // flags score >= threshold; +infinity for the point that flags nothing
  double fpr;
  double tpr;
};

// Every operating point, thresholds descending (the first flags nothing, the last flags everything).
std::vector<RocPoint> roc_curve(std::span<const double> scores, std::span<const int> labels);

// The Mann-Whitney area with ties counted one half.
double roc_auc(std::span<const double> scores, std::span<const int> labels);

// The operating point of largest TPR whose FPR <= target_fpr (ConfigError unless target_fpr is in
// [0, 1]).
RocPoint tpr_at_fpr(std::span<const double> scores, std::span<const int> labels, double target_fpr);

}  // namespace ouro::hygiene
