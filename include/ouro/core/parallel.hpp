// Deterministic parallel loops.
//
// Work is split into fixed tasks indexed 0..n-1; threads claim tasks from an atomic counter, and
// each task writes only its own results, so the output never depends on the number of threads or
// the order in which tasks finish. An exception thrown by any task is collected and rethrown on the
// calling thread after all workers have stopped (the first one by task index wins, so the reported
// error is itself deterministic).
#pragma once

#include <cstddef>
#include <functional>

namespace ouro {

// Number of hardware threads, at least 1.
int hardware_threads();

// Resolves a user thread setting: 0 means all hardware threads.
int resolve_threads(int requested);

// Runs task(i) for i in [0, n) on up to `threads` threads.
void parallel_for(std::size_t n, int threads, const std::function<void(std::size_t)>& task);

}  // namespace ouro
