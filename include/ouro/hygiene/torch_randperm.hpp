// PyTorch's CPU `torch.randperm(n, generator=g)` after `g.manual_seed(seed)`, reproduced without
// LibTorch, so that watermark green lists drawn here equal the ones the reference watermark
// implementation (jwkirchenbauer/lm-watermarking, which draws them with torch) draws, and text
// watermarked by either is detected by the other.
//
// What torch does (ATen's CPU generator and randperm kernel, checked against Debian's python3-torch
// in tests/hygiene/watermark_python_test.cpp):
//   - manual_seed(seed) seeds a standard mt19937 with the low 32 bits of the 64-bit seed (the same
//     init_genrand as std::mt19937);
//   - randperm fills r = 0 .. n-1 and, for i = 0 .. n-2, swaps r[i] with r[i + z], where
//     z = (next 32-bit mt19937 output) % (n - i): a forward Fisher-Yates shuffle.
// Position i is final after step i, so the first k entries (a green list) need only k steps.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ouro::hygiene {

// The first `k` entries of torch's randperm(n) for `seed` (k <= n; k = n gives the whole
// permutation).
std::vector<std::int64_t> torch_randperm_prefix(std::int64_t n, std::uint64_t seed, std::int64_t k);

// Whether `value` (in 0 .. n-1) is among those first `k` entries, without building the
// permutation: only the value's own position is followed through the swaps (k generator draws, no
// memory), stopping as soon as it lands in the prefix.
bool torch_randperm_prefix_contains(std::int64_t n, std::uint64_t seed, std::int64_t k, std::int64_t value);

inline std::vector<std::int64_t> torch_randperm(std::int64_t n, std::uint64_t seed) {
  return torch_randperm_prefix(n, seed, n);
}

}  // namespace ouro::hygiene
