// Test-only ways to kill `ouro` at a known point, so that the end-to-end tests can interrupt a run,
// sweep or report deterministically and check what is left and that --resume gives the same bytes.
// Both are inert unless their environment variable is set.
//
// OURO_TEST_KILL_AFTER_CHECKPOINTS=N: SIGKILL right after the N-th replicate checkpoint (finished
// or part-way) is on disk.
// OURO_TEST_KILL_WRITING=NAME:K: SIGKILL at the K-th step (from 1) of writing files named NAME
// (metrics.csv, report.html, replicate-0.ckpt ...), counting the steps of every such file the
// process writes: opened, each block written, synced, renamed (see WriteStep in atomic_file.hpp).
#pragma once

#include <cstddef>
#include <functional>

namespace ouro::cli {

// The RunJobOptions::on_checkpoint callback of the first hook, or an empty function when it is unset.
std::function<void(std::size_t replicate, bool finished)> test_kill_hook();

// Installs the second hook as the AtomicFile write observer when its variable is set.
void arm_test_write_kill();

}  // namespace ouro::cli
