// The parts of ouroboros._core, the compiled module the pure-Python package in python/ouroboros/
// wraps (docs/python.md): each file adds its functions to the module. Every function converts its
// Python inputs to the engine's types and releases the GIL while the engine works; the module
// turns the engine's errors into Python's (core_module.cpp).
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include "ouro/core/matrix.hpp"

namespace ouro::python {

namespace py = pybind11;

// A 2-D array as the engine's row-major double matrix: a C-ordered float64 array is copied once;
// any other (float32, integers, Fortran order) is first converted by NumPy, then copied. DataError
// naming the argument for an array that is not 2-D or not numeric (arrays.cpp).
Matrix to_matrix(const py::array& array, const char* name);
// The engine's results as new NumPy arrays.
py::array_t<double> to_array(const Matrix& matrix);
py::array_t<double> to_array(const Vector& vector);

// distribution_metrics (metrics_binding.cpp).
void add_metrics(py::module_& module);
// run, sweep, write_run_report (run_binding.cpp).
void add_runs(py::module_& module);
// fit and the FittedModel class (model_binding.cpp).
void add_models(py::module_& module);

}  // namespace ouro::python
