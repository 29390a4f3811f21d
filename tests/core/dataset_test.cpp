// Dataset: provenance travels with rows through select and concat; non-finite data is named.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ouro/core/dataset.hpp"
#include "ouro/core/error.hpp"

namespace ouro {
namespace {

TEST(Dataset, ConcatKeepsRowsAndProvenanceInOrder) {
  Matrix a(2, 1), b(1, 1);
  a << 1, 2;
  b << 3;
  const Dataset da(a, Provenance{0, Origin::kOriginal});
  const Dataset db(b, Provenance{4, Origin::kSynthetic});
  const Dataset* parts[] = {&da, &db};
  const Dataset joined = Dataset::concat(parts);
  ASSERT_EQ(joined.size(), 3);
  EXPECT_EQ(joined.x()(2, 0), 3);
  EXPECT_EQ(joined.provenance()[2].origin, Origin::kSynthetic);
  EXPECT_EQ(joined.provenance()[2].generation, 4);
}

TEST(Dataset, SelectPicksRowsWithTheirProvenance) {
  Matrix a(3, 1);
  a << 10, 20, 30;
  const Dataset d(a, std::vector<Provenance>{{0, Origin::kOriginal}, {1, Origin::kFresh}, {2, Origin::kSynthetic}});
  const std::size_t idx[] = {2, 0};
  const Dataset s = d.select(idx);
  EXPECT_EQ(s.x()(0, 0), 30);
  EXPECT_EQ(s.provenance()[0].origin, Origin::kSynthetic);
  EXPECT_EQ(s.provenance()[1].origin, Origin::kOriginal);
}

TEST(Dataset, EverySampleKeepsItsIdThroughSelectAndConcat) {
  // A set drawn whole numbers its rows; select and concat keep each row's number, and the runs
  // they are stored in merge where the numbers continue and split where they do not.
  Matrix a(5, 1);
  a << 0, 1, 2, 3, 4;
  const Dataset drawn(a, Provenance{3, Origin::kSynthetic});
  ASSERT_EQ(drawn.provenance_runs().size(), 1u);
  const std::size_t idx[] = {1, 2, 3, 0};
  const Dataset picked = drawn.select(idx);
  const std::vector<Provenance> p = picked.provenance();
  ASSERT_EQ(p.size(), 4u);
  EXPECT_EQ(p[0].index, 1u);
  EXPECT_EQ(p[2].index, 3u);
  EXPECT_EQ(p[3].index, 0u);
  EXPECT_EQ(p[3].candidate, 0u);
  EXPECT_EQ(p[3].generation, 3);
  EXPECT_EQ(picked.provenance_runs().size(), 2u);  // rows 1..3, then row 0
  const Dataset fresh(Matrix::Zero(2, 1), Provenance{5, Origin::kFresh});
  const Dataset* parts[] = {&picked, &fresh};
  const Dataset joined = Dataset::concat(parts);
  const std::vector<Provenance> q = joined.provenance();
  ASSERT_EQ(q.size(), 6u);
  EXPECT_EQ(q[4].origin, Origin::kFresh);
  EXPECT_EQ(q[5].index, 1u);
  // Explicit records (a filtered set: candidates 0, 1, 5) are stored as the runs they form.
  const Dataset filtered(Matrix::Zero(3, 1), std::vector<Provenance>{{2, Origin::kSynthetic, false, 0, 0},
                                                                    {2, Origin::kSynthetic, false, 1, 1},
                                                                    {2, Origin::kSynthetic, false, 2, 5}});
  EXPECT_EQ(filtered.provenance_runs().size(), 2u);
  EXPECT_EQ(filtered.provenance()[2].candidate, 5u);
  EXPECT_THROW(Dataset(Samples(Matrix::Zero(3, 1)), std::vector<ProvenanceRun>{{Provenance{}, 2}}), DataError);
}

TEST(Dataset, ConcatRejectsMismatchedColumns) {
  const Dataset a(Matrix::Zero(2, 1), Provenance{});
  const Dataset b(Matrix::Zero(2, 3), Provenance{});
  const Dataset* parts[] = {&a, &b};
  EXPECT_THROW(Dataset::concat(parts), DataError);
}

TEST(Dataset, NonFiniteValuesAreNamedByRowAndColumn) {
  Matrix x = Matrix::Zero(3, 2);
  x(2, 1) = std::numeric_limits<double>::quiet_NaN();
  try {
    check_finite(x, "initial data");
    FAIL();
  } catch (const DataError& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("initial data: row 2, column 1"));
  }
}

}  // namespace
}  // namespace ouro
