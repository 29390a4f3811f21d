// torch's CPU randperm (see torch_randperm.hpp for the algorithm and where it was checked).
#include "ouro/hygiene/torch_randperm.hpp"

#include <algorithm>
#include <cassert>
#include <numeric>
#include <random>
#include <utility>

namespace ouro::hygiene {

std::vector<std::int64_t> torch_randperm_prefix(std::int64_t n, std::uint64_t seed, std::int64_t k) {
  assert(n >= 0 && k >= 0 && k <= n);
  std::mt19937 engine(static_cast<std::uint32_t>(seed));  // torch keeps the low 32 bits
  std::vector<std::int64_t> r(static_cast<std::size_t>(n));
  std::iota(r.begin(), r.end(), std::int64_t{0});
  // torch stops at n - 2 (the last position has nothing left to swap with); a prefix of k < n
  // entries needs steps 0 .. k-1 only.
  const std::int64_t steps = std::min(k, n - 1);
  for (std::int64_t i = 0; i < steps; ++i) {
    const std::int64_t z = static_cast<std::int64_t>(engine()) % (n - i);
    std::swap(r[static_cast<std::size_t>(i)], r[static_cast<std::size_t>(i + z)]);
  }
  r.resize(static_cast<std::size_t>(k));
  return r;
}

bool torch_randperm_prefix_contains(std::int64_t n, std::uint64_t seed, std::int64_t k, std::int64_t value) {
  assert(n >= 1 && k >= 0 && k <= n && value >= 0 && value < n);
  if (k == n) return true;
  std::mt19937 engine(static_cast<std::uint32_t>(seed));
  std::int64_t position = value;  // where the value sits; positions below i are final
  for (std::int64_t i = 0; i < k; ++i) {
    const std::int64_t j = i + static_cast<std::int64_t>(engine()) % (n - i);
    if (position == j) return true;  // swapped into position i < k (or j == i == position)
    if (position == i) position = j;
  }
  return false;
}

}  // namespace ouro::hygiene
