// InterruptibleWork: see interruptible.hpp.
#include "interruptible.hpp"

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <thread>

namespace ouro::python {

InterruptibleWork::InterruptibleWork(const char* noun) : noun_(noun) {
  const py::object stderr_stream = py::module_::import("sys").attr("stderr");
  interactive_ = !stderr_stream.is_none() && stderr_stream.attr("isatty")().cast<bool>();
}

void InterruptibleWork::set_total(std::size_t total, std::size_t done) {
  total_ = total;
  done_ = done;
}

void InterruptibleWork::advance(std::size_t done) {
  done_ += done;
  check();
}

void InterruptibleWork::check() const {
  if (stop_) throw Interrupted();
}

void InterruptibleWork::draw_progress(bool last) const {
  if (!interactive_ || total_ == 0) return;
  const double share = static_cast<double>(done_) / static_cast<double>(total_);
  std::fprintf(stderr, "\r%zu/%zu %s (%.0f%%)%s", done_.load(), total_.load(), noun_, 100.0 * share, last ? "\n" : "");
  std::fflush(stderr);
}

void InterruptibleWork::run(const std::function<void()>& work) {
  std::mutex mutex;
  std::condition_variable finished_signal;
  bool finished = false;
  std::exception_ptr error;
  bool interrupted = false;
  {
    const py::gil_scoped_release released;
    std::thread worker([&] {
      try {
        work();
      } catch (...) {
        error = std::current_exception();
      }
      const std::lock_guard lock(mutex);
      finished = true;
      finished_signal.notify_one();
    });
    std::unique_lock lock(mutex);
    while (!finished_signal.wait_for(lock, std::chrono::milliseconds(100), [&] { return finished; })) {
      lock.unlock();
      {
        const py::gil_scoped_acquire acquired;
        if (!interrupted && PyErr_CheckSignals() != 0) {
          interrupted = true;  // the KeyboardInterrupt stays pending until the work has unwound
          stop_ = true;
        }
      }
      draw_progress(false);
      lock.lock();
    }
    lock.unlock();
    worker.join();
  }
  if (interrupted) throw py::error_already_set();
  draw_progress(true);
  if (error) std::rethrow_exception(error);
}

}  // namespace ouro::python
