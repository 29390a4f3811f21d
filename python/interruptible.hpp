// Engine work that Python can interrupt: the work runs on a thread of its own while the calling
// thread, the GIL released, wakes every 100 ms to let Python handle signals (PyErr_CheckSignals,
// which raises KeyboardInterrupt on Ctrl-C) and to draw a progress line on an interactive stderr.
// On an interrupt it sets the stop flag, which the work's own callbacks check between generations
// or replicates and answer by throwing Interrupted; once the work has unwound (the RunJob keeps its
// checkpoints, as after a kill) the KeyboardInterrupt reaches the caller.
#pragma once

#include <atomic>
#include <cstddef>
#include <exception>
#include <functional>

#include "python_bindings.hpp"

namespace ouro::python {

// Thrown by a work's callbacks once the stop flag is set.
struct Interrupted : std::exception {
  const char* what() const noexcept override { return "interrupted"; }
};

class InterruptibleWork {
 public:
  // `noun` names what the progress line counts ("generations", "replicates").
  explicit InterruptibleWork(const char* noun);

  // Called by the work (any thread): `done` more units of `total`; throws Interrupted once stopped.
  void advance(std::size_t done);
  void set_total(std::size_t total, std::size_t done);
  void check() const;

  // Runs `work` on its own thread until it returns or throws, handling signals meanwhile; rethrows
  // the work's exception, or raises the pending KeyboardInterrupt (py::error_already_set).
  void run(const std::function<void()>& work);

 private:
  void draw_progress(bool last) const;

  const char* noun_;
  bool interactive_ = false;  // stderr is a terminal
  std::atomic<bool> stop_{false};
  std::atomic<std::size_t> done_{0};
  std::atomic<std::size_t> total_{0};
};

}  // namespace ouro::python
