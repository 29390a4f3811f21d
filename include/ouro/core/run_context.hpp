// RunContext: how a run is executed, as opposed to what it computes (the Config).
//
// Nothing here may change a result: the thread count, the output folder and progress reporting
// only decide where and how fast the same bytes are produced.
#pragma once

#include <cstdint>
#include <filesystem>

namespace ouro {

struct RunContext {
  std::uint64_t seed = 1;
  int threads = 1;                  // resolved (>= 1)
  std::filesystem::path out_dir;    // empty: write nothing
  bool progress = false;            // a progress bar on stderr
};

}  // namespace ouro
