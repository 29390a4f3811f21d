// A test-only way to kill `ouro` at a known point: when the environment variable
// OURO_TEST_KILL_AFTER_CHECKPOINTS=N is set, the process sends itself SIGKILL right after its N-th
// replicate checkpoint (finished or part-way) is on disk, so the end-to-end tests can interrupt a
// run or sweep deterministically and check that --resume gives the same bytes. Unset: no effect.
#pragma once

#include <cstddef>
#include <functional>

namespace ouro::cli {

// The RunJobOptions::on_checkpoint callback of the hook, or an empty function when it is unset.
std::function<void(std::size_t replicate, bool finished)> test_kill_hook();

}  // namespace ouro::cli
