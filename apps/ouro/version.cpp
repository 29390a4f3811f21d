// See version.hpp. git_commit.hpp is written at every build (apps/ouro/git_commit.cmake) and
// included here alone, so a new commit recompiles one file.
#include "version.hpp"

#include <fmt/core.h>

#include "git_commit.hpp"

namespace ouro::cli {

std::string version_text() { return fmt::format("ouro {} (commit {})", OURO_VERSION, OURO_GIT_COMMIT); }

}  // namespace ouro::cli
