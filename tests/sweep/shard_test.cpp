// shard_cells: every cell in exactly one shard, the split worked by hand for a grid whose costs
// are known (longest first, each to the least loaded shard), the same split on every call, and
// one slow cell alone on its shard while index order would have paired it.
#include <algorithm>
#include <set>
#include <vector>

#include <gtest/gtest.h>

#include "ouro/core/config.hpp"
#include "ouro/sweep/grid.hpp"

namespace ouro {
namespace {

SweepGrid replicate_grid(const Config& base, const char* values) {
  SweepGrid grid;
  grid.add_argument(std::string("run.replicates=") + values);
  grid.resolve(base);
  return grid;
}

TEST(ShardCells, LongestFirstToTheLeastLoadedShard) {
  const Config base = Config::from_string("[run]\ngenerations = 9\n[loop]\ninitial = 60\nsynthetic = 40\n");
  // Costs proportional to 1, 2, 3, 4, 5 (replicates x 10 generations x 100 samples).
  const SweepGrid grid = replicate_grid(base, "1,2,3,4,5");
  EXPECT_DOUBLE_EQ(estimated_cell_cost(grid.cell_config(base, 4)), 5 * 10 * 100);
  // By hand: 5 -> s0, 4 -> s1, 3 -> s1 (4 < 5), 2 -> s0 (5 < 7), 1 -> s0 (7 = 7: the lower shard).
  EXPECT_EQ(shard_cells(grid, base, {0, 2}), (std::vector<std::size_t>{0, 1, 4}));
  EXPECT_EQ(shard_cells(grid, base, {1, 2}), (std::vector<std::size_t>{2, 3}));
  EXPECT_EQ(shard_cells(grid, base, {1, 2}), shard_cells(grid, base, {1, 2}));
  for (std::size_t count : {1, 3, 4, 7}) {
    std::multiset<std::size_t> all;
    for (std::size_t i = 0; i < count; ++i)
      for (const std::size_t c : shard_cells(grid, base, {i, count})) all.insert(c);
    EXPECT_EQ(all, (std::multiset<std::size_t>{0, 1, 2, 3, 4})) << count;
  }
}

TEST(ShardCells, ASlowCellGetsAShardOfItsOwn) {
  const Config base = Config::from_string("[run]\ngenerations = 9\n");
  // Cell 0 costs more than the other four together (12 against 1 + 2 + 3 + 4): index order
  // (0, 2, 4 / 1, 3) would put two more cells beside it; balanced, it runs alone.
  const SweepGrid grid = replicate_grid(base, "12,1,2,3,4");
  EXPECT_EQ(shard_cells(grid, base, {0, 2}), (std::vector<std::size_t>{0}));
  EXPECT_EQ(shard_cells(grid, base, {1, 2}), (std::vector<std::size_t>{1, 2, 3, 4}));
}

}  // namespace
}  // namespace ouro
