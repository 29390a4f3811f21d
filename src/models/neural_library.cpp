// Finding and opening libouro_neural.so (see neural_library.hpp).
//
// The search order puts an explicit $OURO_NEURAL_LIBRARY first (installed layouts, tests of a stale
// plugin), then the executable's own folder (a copied build), then the build tree the binary came
// from (OURO_NEURAL_LIBRARY_DIR, compiled in), so `build/apps/ouro/ouro` and the test binaries find
// the plugin without any setup. The library is opened RTLD_LOCAL: its symbols stay out of the
// process's global namespace, and only the entry point is looked up.
//
// BLAS and OpenMP read their thread counts from the environment when they start, which for torch's
// OpenBLAS is the moment the plugin is opened; one thread each is set first (unless the user set
// them), because the engine runs one model per core and parallelises over replicates instead.
#include "ouro/models/neural_library.hpp"

#include <dlfcn.h>
#include <unistd.h>

#include <cstdlib>
#include <mutex>
#include <vector>

#include <fmt/format.h>

#include "ouro/core/error.hpp"

namespace ouro {
namespace {

constexpr std::string_view kLibraryName = "libouro_neural.so";

std::filesystem::path executable_folder() {
  std::error_code error;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", error);
  return error ? std::filesystem::path() : self.parent_path();
}

std::vector<std::filesystem::path> candidate_paths() {
  std::vector<std::filesystem::path> paths;
  if (const char* env = std::getenv("OURO_NEURAL_LIBRARY"); env != nullptr && *env != '\0') {
    paths.emplace_back(env);
    return paths;  // an explicit choice is never silently replaced by another file
  }
  if (const auto folder = executable_folder(); !folder.empty()) paths.push_back(folder / kLibraryName);
#ifdef OURO_NEURAL_LIBRARY_DIR
  paths.push_back(std::filesystem::path(OURO_NEURAL_LIBRARY_DIR) / kLibraryName);
#endif
  return paths;
}

void limit_thread_pools() {
  for (const char* name : {"OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"}) {
    ::setenv(name, "1", /*overwrite=*/0);
  }
}

const NeuralLibrary* open_library(std::string_view why) {
  const std::vector<std::filesystem::path> paths = candidate_paths();
  std::string tried;
  for (const auto& path : paths) {
    tried += fmt::format("\n  {}", path.string());
    std::error_code error;
    if (!std::filesystem::exists(path, error)) {
      tried += " (absent)";
      continue;
    }
    limit_thread_pools();
    void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND);
    if (handle == nullptr) {
      throw IoError(fmt::format("{} needs the neural library, but {} could not be loaded: {}", why, path.string(),
                                ::dlerror()));
    }
    using Entry = const NeuralLibrary* (*)();
    auto entry = reinterpret_cast<Entry>(::dlsym(handle, "ouro_neural_library"));
    OURO_CHECK(entry != nullptr, IoError, "{}: {} does not export ouro_neural_library; it is not ouroboros' neural library",
               why, path.string());
    const NeuralLibrary* library = entry();
    OURO_CHECK(library != nullptr && library->abi == NeuralLibrary::kAbi, IoError,
               "{}: {} was built for neural-library ABI {}, this binary needs ABI {}; rebuild both from one checkout",
               why, path.string(), library ? library->abi : -1, NeuralLibrary::kAbi);
    return library;  // the handle stays open for the life of the process
  }
  throw ConfigError(fmt::format(
      "{} needs ouroboros' neural library ({}), which this build does not have. It is built when LibTorch is "
      "installed: run scripts/install-deps.sh (Debian's libtorch-dev) and rebuild with scripts/build.sh. Looked for:{}",
      why, kLibraryName, tried));
}

std::mutex library_mutex;
const NeuralLibrary* loaded_library = nullptr;

}  // namespace

const NeuralLibrary& neural_library(std::string_view why) {
  std::lock_guard lock(library_mutex);
  if (loaded_library == nullptr) loaded_library = open_library(why);
  return *loaded_library;
}

bool neural_library_loaded() {
  std::lock_guard lock(library_mutex);
  return loaded_library != nullptr;
}

}  // namespace ouro
