// The SIGKILL test hooks: see test_hooks.hpp.
#include "test_hooks.hpp"

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <memory>
#include <string>

#include "ouro/io/atomic_file.hpp"

namespace ouro::cli {
namespace {

// The write hook's target: set once in main() before any file is written.
std::string kill_file_name;
long kill_at_step = 0;
std::atomic<long> steps_seen{0};

void kill_at_chosen_step(const std::filesystem::path& destination, WriteStep) {
  if (destination.filename() == kill_file_name && ++steps_seen >= kill_at_step) std::raise(SIGKILL);
}

}  // namespace

std::function<void(std::size_t, bool)> test_kill_hook() {
  const char* text = std::getenv("OURO_TEST_KILL_AFTER_CHECKPOINTS");
  if (!text || !*text) return {};
  const long limit = std::strtol(text, nullptr, 10);
  auto count = std::make_shared<std::atomic<long>>(0);
  return [count, limit](std::size_t, bool) {
    if (++*count >= limit) std::raise(SIGKILL);
  };
}

void arm_test_write_kill() {
  const char* text = std::getenv("OURO_TEST_KILL_WRITING");
  if (!text || !*text) return;
  const std::string value = text;
  const auto colon = value.rfind(':');
  if (colon == std::string::npos) return;
  kill_file_name = value.substr(0, colon);
  kill_at_step = std::strtol(value.c_str() + colon + 1, nullptr, 10);
  set_write_observer(&kill_at_chosen_step);
}

}  // namespace ouro::cli
