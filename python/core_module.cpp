// ouroboros._core: the module's definition and its error translation. The engine's errors reach
// Python with the engine's own message: ConfigError and DataError as ValueError (bad settings or
// data), IoError as OSError, any other as RuntimeError.
#include "ouro/core/error.hpp"
#include "python_bindings.hpp"

PYBIND11_MODULE(_core, module) {
  module.doc() = "The ouroboros engine (C++), wrapped by the ouroboros package";
  pybind11::register_exception_translator([](std::exception_ptr error) {
    try {
      if (error) std::rethrow_exception(error);
    } catch (const ouro::IoError& e) {
      PyErr_SetString(PyExc_OSError, e.what());
    } catch (const ouro::ConfigError& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    } catch (const ouro::DataError& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    } catch (const ouro::Error& e) {
      PyErr_SetString(PyExc_RuntimeError, e.what());
    }
  });
  ouro::python::add_metrics(module);
  ouro::python::add_runs(module);
  ouro::python::add_models(module);
}
