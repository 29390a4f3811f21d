// The SIGKILL test hook: see test_hooks.hpp.
#include "test_hooks.hpp"

#include <csignal>
#include <cstdlib>
#include <memory>
#include <string>

#include <atomic>

namespace ouro::cli {

std::function<void(std::size_t, bool)> test_kill_hook() {
  const char* text = std::getenv("OURO_TEST_KILL_AFTER_CHECKPOINTS");
  if (!text || !*text) return {};
  const long limit = std::strtol(text, nullptr, 10);
  auto count = std::make_shared<std::atomic<long>>(0);
  return [count, limit](std::size_t, bool) {
    if (++*count >= limit) std::raise(SIGKILL);
  };
}

}  // namespace ouro::cli
