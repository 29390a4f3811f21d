// FNV-1a, the 64-bit variant: a tiny, stable, non-cryptographic hash of bytes.
//
// Used where a short name must map to a number that never changes between versions or machines:
// the random-stream block of a metric (derived from its name, so adding a metric does not move
// another's draws). Not for anything an adversary controls, nor for long inputs (one byte at a time).
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
