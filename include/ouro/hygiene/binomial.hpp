// Binomial draws from the project's own streams, for the contamination estimate's parametric
// bootstrap (a flagged count resampled as Binomial(n, observed share)) and the simulations that
// test it. The project owns its distributions (DESIGN.md: standard libraries' binomials differ),
// and no other module draws binomials yet; this moves to core when one does.
//
// Exact: for n min(p, 1-p) < 10 by inversion through geometric waiting times (the number of
// successes before the waiting times' sum passes n), otherwise by Hörmann's transformed rejection
// with squeeze (BTRS; W. Hörmann, "The generation of binomial random variates", J. Statist.
// Comput. Simul. 46, 1993), which costs about 1.2 draws of two uniforms whatever n is. p > 1/2
// draws n - Binomial(n, 1 - p).
#pragma once

#include <cstdint>

#include "ouro/core/rng.hpp"

namespace ouro::hygiene {

// One Binomial(n, p) draw; p must be in [0, 1] (DataError otherwise).
std::uint64_t draw_binomial(std::uint64_t n, double p, Rng& rng);

}  // namespace ouro::hygiene
