// See version.hpp; OURO_GIT_COMMIT is defined for this file alone (apps/ouro/CMakeLists.txt), so a
// new commit recompiles one file.
#include "version.hpp"

#include <fmt/core.h>

#ifndef OURO_GIT_COMMIT
#define OURO_GIT_COMMIT "unknown"
#endif

namespace ouro::cli {

std::string version_text() { return fmt::format("ouro {} (commit {})", OURO_VERSION, OURO_GIT_COMMIT); }

}  // namespace ouro::cli
