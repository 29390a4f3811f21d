// The export's choice, on hand-computed cases: scores (watermark 1, else the detector's
// probability, else 0), the longest run of lowest scores whose mean stays within the bound, ties by
// insertion order, duplicates dropped before anything is counted (first occurrence wins), the
// detector threshold, the bounds 0 and 1, and a bound outside [0, 1] refused.
#include "ouro/provenance/export_plan.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ouro/core/error.hpp"

namespace ouro::provenance {
namespace {

using Fate = ExportFate;

DocumentScores document(std::int64_t id, std::string text, std::optional<bool> flagged, std::optional<double> p) {
  // Any string identifies a text here.
  return DocumentScores{id, std::string("s"), std::move(text), flagged, p};
}

TEST(ExportPlan, SyntheticScoreIsTheWatermarkElseTheDetectorElseZero) {
  EXPECT_EQ(synthetic_score(document(1, "a", true, 0.1)), 1.0);
  EXPECT_EQ(synthetic_score(document(1, "a", false, 0.3)), 0.3);
  EXPECT_EQ(synthetic_score(document(1, "a", std::nullopt, 0.3)), 0.3);
  EXPECT_EQ(synthetic_score(document(1, "a", false, std::nullopt)), 0.0);
  EXPECT_EQ(synthetic_score(document(1, "a", std::nullopt, std::nullopt)), 0.0);
}

TEST(ExportPlan, KeepsTheLowestScoresWhileTheMeanStaysWithinTheBound) {
  // Scores 0.9, 0, 1 (watermark), 0.2, 0.4, 0 (unscored), 0.2.
  const std::vector<DocumentScores> docs = {
      document(1, "a", false, 0.9), document(2, "b", false, 0.0),        document(3, "c", true, std::nullopt),
      document(4, "d", false, 0.2), document(5, "e", std::nullopt, 0.4), document(6, "f", std::nullopt, std::nullopt),
      document(7, "g", false, 0.2)};
  // Sorted: 0 (2), 0 (6), 0.2 (4), 0.2 (7), 0.4 (5), 0.9 (1), 1 (3); running means 0, 0, 0.0667,
  // 0.1, 0.16, 0.2833, 0.3857.
  ExportPlan plan = plan_export(docs, 0.2);
  EXPECT_EQ(plan.kept, 5);
  EXPECT_DOUBLE_EQ(plan.estimated_share, 0.8 / 5);
  EXPECT_EQ(plan.fates, (std::vector<Fate>{Fate::kOverShare, Fate::kKept, Fate::kOverShare, Fate::kKept, Fate::kKept,
                                           Fate::kKept, Fate::kKept}));
  plan = plan_export(docs, 0.1);  // 0.1 exactly: the fourth keeps the mean at the bound
  EXPECT_EQ(plan.kept, 4);
  EXPECT_DOUBLE_EQ(plan.estimated_share, 0.1);
  plan = plan_export(docs, 0.0);
  EXPECT_EQ(plan.kept, 2);
  EXPECT_EQ(plan.estimated_share, 0.0);
  plan = plan_export(docs, 1.0);
  EXPECT_EQ(plan.kept, 7);
  EXPECT_DOUBLE_EQ(plan.estimated_share, 2.7 / 7);
}

TEST(ExportPlan, TiesGoByInsertionOrder) {
  // Four watermarked among four clean: under 0.34 two of them fit (2 / 6), the first two inserted.
  std::vector<DocumentScores> docs;
  for (int i = 0; i < 8; ++i) docs.push_back(document(i + 1, std::string(1, 'a' + i), i % 2 == 1, std::nullopt));
  const ExportPlan plan = plan_export(docs, 0.34);
  EXPECT_EQ(plan.kept, 6);
  EXPECT_EQ(plan.fates, (std::vector<Fate>{Fate::kKept, Fate::kKept, Fate::kKept, Fate::kKept, Fate::kKept,
                                           Fate::kOverShare, Fate::kKept, Fate::kOverShare}));
}

TEST(ExportPlan, DuplicatesGoFirstThenWhatTheDetectorFlags) {
  // "a" twice: the second (clean) copy is a duplicate even though it scores lower, so the first
  // occurrence, flagged, is what counts.
  const std::vector<DocumentScores> docs = {document(1, "a", true, std::nullopt), document(2, "b", false, 0.7),
                                            document(3, "a", false, 0.0), document(4, "c", false, 0.5),
                                            document(5, "d", false, 0.1)};
  ExportPlan plan = plan_export(docs, 1.0, 0.7);
  EXPECT_EQ(plan.fates, (std::vector<Fate>{Fate::kKept, Fate::kDetectorFlagged, Fate::kDuplicate, Fate::kKept,
                                           Fate::kKept}));
  EXPECT_DOUBLE_EQ(plan.estimated_share, 1.6 / 3);
  plan = plan_export(docs, 0.3, 0.5);  // c (0.5) flagged too; d alone then 1 would be 0.55
  EXPECT_EQ(plan.fates, (std::vector<Fate>{Fate::kOverShare, Fate::kDetectorFlagged, Fate::kDuplicate,
                                           Fate::kDetectorFlagged, Fate::kKept}));
  EXPECT_DOUBLE_EQ(plan.estimated_share, 0.1);
}

TEST(ExportPlan, ABoundOutsideZeroToOneIsRefused) {
  const std::vector<DocumentScores> docs = {document(1, "a", false, 0.1)};
  EXPECT_THROW(plan_export(docs, -0.1), ConfigError);
  EXPECT_THROW(plan_export(docs, 1.5), ConfigError);
  EXPECT_EQ(plan_export({}, 0.5).kept, 0);
}

}  // namespace
}  // namespace ouro::provenance
