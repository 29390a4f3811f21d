// The parts of ouroboros._core, the compiled module the pure-Python package in python/ouroboros/
// wraps (docs/python.md): each file adds its functions to the module. Every function converts its
// Python inputs to the engine's types and releases the GIL while the engine works; the module
// turns the engine's errors into Python's (core_module.cpp).
#pragma once

#include <pybind11/pybind11.h>

namespace ouro::python {

namespace py = pybind11;

// distribution_metrics (metrics_binding.cpp).
void add_metrics(py::module_& module);
// run, sweep, write_run_report (run_binding.cpp).
void add_runs(py::module_& module);

}  // namespace ouro::python
