// NumPy arrays to and from the engine's matrices (python_bindings.hpp).
#include <string>

#include <pybind11/numpy.h>

#include "ouro/core/error.hpp"
#include "python_bindings.hpp"

namespace ouro::python {

Matrix to_matrix(const py::array& array, const char* name) {
  if (array.ndim() != 2) {
    throw ouro::DataError(std::string(name) + " must be a 2-D array (rows are samples), not " +
                          std::to_string(array.ndim()) + "-D; reshape 1-D data with x.reshape(-1, 1)");
  }
  const auto as_double = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(array);
  if (!as_double) throw ouro::DataError(std::string(name) + " holds values that are not numbers");
  const auto rows = static_cast<Eigen::Index>(as_double.shape(0));
  const auto cols = static_cast<Eigen::Index>(as_double.shape(1));
  return Eigen::Map<const Matrix>(as_double.data(), rows, cols);
}

py::array_t<double> to_array(const Matrix& matrix) {
  py::array_t<double> out({matrix.rows(), matrix.cols()});
  Eigen::Map<Matrix>(out.mutable_data(), matrix.rows(), matrix.cols()) = matrix;
  return out;
}

py::array_t<double> to_array(const Vector& vector) {
  py::array_t<double> out(vector.size());
  Eigen::Map<Vector>(out.mutable_data(), vector.size()) = vector;
  return out;
}

}  // namespace ouro::python
