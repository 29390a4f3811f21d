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
