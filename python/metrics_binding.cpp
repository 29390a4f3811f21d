// ouroboros._core's distribution metrics (ouroboros/metrics.py wraps them): NumPy arrays in, the
// values `ouro metric` computes out, with the GIL released while they are computed.
#include <cstdint>
#include <string>
#include <vector>

#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include "ouro/core/error.hpp"
#include "ouro/core/matrix.hpp"
#include "ouro/core/parallel.hpp"
#include "ouro/metrics/distribution/distribution_metrics.hpp"
#include "python_bindings.hpp"

namespace ouro::python {
namespace {

// {name: (value, standard error)} for the named metrics (every one that applies when `names` is empty).
py::dict distribution_metrics(const py::array& real_array, const py::array& generated_array,
                              std::vector<std::string> names, int k, int kid_subsets, long long kid_subset_size,
                              int projections, std::uint64_t seed, int threads) {
  const ouro::Matrix real = to_matrix(real_array, "real");
  const ouro::Matrix generated = to_matrix(generated_array, "generated");
  ouro::DistributionSettings settings;
  settings.k = k;
  settings.kid_subsets = kid_subsets;
  settings.kid_subset_size = kid_subset_size;
  settings.projections = projections;
  std::vector<ouro::DistributionValue> values;
  {
    const py::gil_scoped_release released;
    settings.threads = ouro::resolve_threads(threads);
    if (names.empty()) {
      for (const auto& name : ouro::distribution_metric_names())
        if (ouro::distribution_metric_applies(name, real.cols())) names.push_back(name);
    }
    for (const auto& name : names) {
      if (!ouro::is_distribution_metric(name)) throw ouro::ConfigError("unknown distribution metric '" + name + "'");
    }
    ouro::check_distribution_inputs(names, real, "real", generated, "generated", settings);
    values = ouro::compute_distribution_metrics(names, real, generated, settings, seed);
  }
  py::dict out;
  for (const auto& v : values) out[py::str(v.name)] = py::make_tuple(v.value, v.standard_error);
  return out;
}

}  // namespace

void add_metrics(py::module_& module) {
  module.def("distribution_metrics", &distribution_metrics, py::arg("real"), py::arg("generated"),
             py::arg("names"), py::arg("k"), py::arg("kid_subsets"), py::arg("kid_subset_size"),
             py::arg("projections"), py::arg("seed"), py::arg("threads"),
             "{name: (value, standard error)} of the distribution metrics between two sample arrays");
}

}  // namespace ouro::python
