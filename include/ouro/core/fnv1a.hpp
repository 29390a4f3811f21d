// FNV-1a, the 64-bit variant: a tiny, stable, non-cryptographic hash of bytes.
//
// Used where a value must not change between versions or machines: the random-stream block of a
// metric (derived from its name, so adding a metric does not move another's draws) and the check
// word of each finished-replicate record in a run's checkpoint log (a torn or damaged record is
// recognised rather than read). Not for anything an adversary controls.
#pragma once

#include <cstdint>
#include <string_view>

namespace ouro {

constexpr std::uint64_t fnv1a64(std::string_view bytes) {
  std::uint64_t hash = 14695981039346656037ULL;
  for (const char c : bytes) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;
  }
  return hash;
}

}  // namespace ouro
