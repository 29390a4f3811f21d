// Text metrics on hand-made token sequences. Oracles: counts worked by hand; zipf_slope on an exact
// power law; the tail set of a known count vector.
#include <cmath>

#include <gtest/gtest.h>

#include "metrics/text/text_metrics.hpp"
#include "ouro/text/vocabulary.hpp"

namespace ouro {
namespace {

// Token sequences written as rows of ids padded with -1.
Samples sequences(const Matrix& rows) { return Samples::tokens_from_padded_rows(rows); }

TEST(TextMetrics, DistinctAndRepetition) {
  Matrix rows(2, 5);
  rows << 3, 4, 3, 4, 3,  //
      3, 4, 5, -1, -1;
  // Unigrams: 8 tokens, types {3,4,5}: 3/8. Bigrams: row 0: 34 43 34 43, row 1: 34 45 -> {34,43,45}/6.
  EXPECT_DOUBLE_EQ(text_stats::distinct(sequences(rows), 1), 3.0 / 8.0);
  EXPECT_DOUBLE_EQ(text_stats::distinct(sequences(rows), 2), 3.0 / 6.0);
  // Trigrams: 343 434 343 | 345 -> 3 distinct of 4.
  EXPECT_DOUBLE_EQ(text_stats::distinct(sequences(rows), 3), 3.0 / 4.0);
  // 2-gram repetition within rows: row 0 repeats 34 and 43 once each (2 of 4); row 1 none (0 of 2).
  EXPECT_DOUBLE_EQ(text_stats::repetition(sequences(rows), 2), 2.0 / 6.0);
  EXPECT_DOUBLE_EQ(text_stats::repetition(sequences(rows), 4), 0.0);  // 3434, 4343 once each; row 1 too short
  Matrix cycle(1, 8);
  cycle << 3, 4, 5, 6, 3, 4, 5, 6;  // 3456 4563 5634 6345 3456: one repeat of five
  EXPECT_DOUBLE_EQ(text_stats::repetition(sequences(cycle), 4), 1.0 / 5.0);
  EXPECT_EQ(text_stats::vocab_used(sequences(rows)), 3u);
}

TEST(TextMetrics, ZipfSlopeOfAnExactPowerLaw) {
  // Type r (r = 1..6) occurs 720 / r times: log f = log 720 - log r, slope -1.
  std::vector<double> tokens;
  for (int r = 1; r <= 6; ++r)
    for (int k = 0; k < 720 / r; ++k) tokens.push_back(2 + r);
  Matrix rows(1, static_cast<Eigen::Index>(tokens.size()));
  for (std::size_t i = 0; i < tokens.size(); ++i) rows(0, static_cast<Eigen::Index>(i)) = tokens[i];
  EXPECT_NEAR(text_stats::zipf_slope(sequences(rows)), -1.0, 1e-12);
}

TEST(TextMetrics, TailTypesAndMass) {
  // Counts by id: unk 0, </s> 50 (never in the tail), <s> 0, 3:60, 4:25, 5:10, 6:5. Word tokens
  // 100; the rarest types holding <= 10%: 6 (5), then 5 would make 15 > 10 -> tail {6}.
  const std::vector<std::size_t> counts{0, 50, 0, 60, 25, 10, 5};
  auto tail = text_stats::tail_types(counts, 0.10);
  EXPECT_TRUE(tail[6]);
  EXPECT_FALSE(tail[5]);
  EXPECT_FALSE(tail[text::kEos]);
  tail = text_stats::tail_types(counts, 0.15);
  EXPECT_TRUE(tail[5]);
  Matrix rows(1, 5);
  rows << 6, 3, text::kEos, 5, 6;  // 4 word tokens, 3 in the tail {5,6}
  EXPECT_DOUBLE_EQ(text_stats::tail_mass(sequences(rows), tail), 3.0 / 4.0);
}

}  // namespace
}  // namespace ouro
