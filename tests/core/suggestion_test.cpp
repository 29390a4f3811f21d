// "Did you mean" suggestions: edit distances by hand, the closeness rule at its boundary, and the
// phrase the messages end with.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "ouro/core/suggestion.hpp"

namespace {

using ouro::closest_name;
using ouro::did_you_mean;
using ouro::edit_distance;

TEST(Suggestion, EditDistanceCountsInsertionsDeletionsAndSubstitutions) {
  EXPECT_EQ(edit_distance("", ""), 0u);
  EXPECT_EQ(edit_distance("loop", "loop"), 0u);
  EXPECT_EQ(edit_distance("loops", "loop"), 1u);     // a deletion
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);  // k->s, e->i, +g
  EXPECT_EQ(edit_distance("", "abc"), 3u);
}

TEST(Suggestion, SuggestsOnlyWithinATyposDistance) {
  const std::vector<std::string> names = {"variance", "mean_shift", "trace_ratio"};
  EXPECT_EQ(closest_name("varience", names), "variance");
  EXPECT_EQ(closest_name("mean-shift", names), "mean_shift");
  // 3 edits: beyond max(2, 10 / 4) for a 10-character name; 3 edits of a 12-character one are within.
  EXPECT_EQ(closest_name("mean-shfit", names), "");
  EXPECT_EQ(closest_name("trace-rotai", names), "");
  EXPECT_EQ(closest_name("trace-ratoi_", names), "trace_ratio");
  EXPECT_EQ(closest_name("entropy", names), "");
  EXPECT_EQ(did_you_mean("varience", names), " (did you mean 'variance'?)");
  EXPECT_EQ(did_you_mean("entropy", names), "");
}

}  // namespace
