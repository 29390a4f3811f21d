// The version `ouro version`, `ouro --version` and run.json report: the project version and the git
// commit the binary was built from, read when CMake configured the build ("unknown" outside a git
// checkout), so that a result folder can be traced to the code that wrote it.
#pragma once

#include <string>

namespace ouro::cli {

// "ouro 0.1.0 (commit 1a2b3c4d5e6f)".
std::string version_text();

}  // namespace ouro::cli
