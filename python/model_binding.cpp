// ouroboros._core's statistical families (ouroboros/models.py wraps them): a model of the family
// the loop would fit, fitted to a NumPy array, then sampled and scored, for users who build their
// own loops. The family is built as the loop builds it (make_family) from the `model.*` settings,
// against a truth of the data's shape: N(0, I_d) for gaussian, gmm and kde, K equally likely
// outcomes for categorical (outcome indices in one column). Randomness comes from the seed's streams
// of replicate 0, generation 0: Purpose::kFit for the fit, Purpose::kSample for draws.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <pybind11/stl.h>

#include "ouro/core/config.hpp"
#include "ouro/core/error.hpp"
#include "ouro/core/rng.hpp"
#include "ouro/models/generative_model.hpp"
#include "ouro/models/truth.hpp"
#include "python_bindings.hpp"

namespace ouro::python {
namespace {

class FittedModel {
 public:
  FittedModel(std::unique_ptr<Truth> truth, std::unique_ptr<ModelFamily> family,
              std::unique_ptr<GenerativeModel> model)
      : truth_(std::move(truth)), family_(std::move(family)), model_(std::move(model)) {}

  std::string family() const { return std::string(model_->family()); }
  Eigen::Index dim() const { return model_->dim(); }

  py::array_t<double> sample(std::size_t n, double bias, std::uint64_t seed) const {
    Matrix out;
    {
      const py::gil_scoped_release released;
      Rng rng(seed, {Purpose::kSample, 0, 0});
      out = model_->sample(n, bias, rng);
    }
    return to_array(out);
  }

  py::array_t<double> log_prob(const py::array& x) const {
    const Matrix rows = to_matrix(x, "x");
    OURO_CHECK(rows.cols() == model_->dim(), DataError, "x has {} columns; the model's samples have {}", rows.cols(),
               model_->dim());
    Vector out;
    {
      const py::gil_scoped_release released;
      out = model_->log_prob(rows);
    }
    return to_array(out);
  }

 private:
  std::unique_ptr<Truth> truth_;  // the family may refer to it
  std::unique_ptr<ModelFamily> family_;
  std::unique_ptr<GenerativeModel> model_;
};

// `settings`: "key=value" assignments of model.* keys (without the prefix); `outcomes`: categorical's K.
FittedModel fit(const std::string& family_name, const py::array& data, const std::vector<std::string>& settings,
                std::int64_t outcomes, std::uint64_t seed) {
  const Matrix x = to_matrix(data, "data");
  Config config;
  config.set("model.family=" + family_name);
  for (const std::string& setting : settings) config.set("model." + setting);
  if (family_name == "categorical") {
    OURO_CHECK(x.cols() == 1, DataError, "categorical data is one column of outcome indices, not {} columns", x.cols());
    OURO_CHECK(outcomes >= 1, ConfigError, "categorical: outcomes must be at least 1, not {}", outcomes);
    std::string probs = "truth.probs=[1.0";
    for (std::int64_t k = 1; k < outcomes; ++k) probs += ", 1.0";
    config.set("truth.kind=categorical");
    config.set(probs + "]");
  } else if (family_name == "gaussian" || family_name == "gmm" || family_name == "kde") {
    config.set(fmt::format("truth.dim={}", x.cols()));
  } else {
    throw ConfigError(fmt::format("ouroboros.models.fit: family '{}' is not one of gaussian, categorical, gmm, kde "
                                  "(the loop runs the others from a config: ouroboros.run)",
                                  family_name));
  }
  std::unique_ptr<Truth> truth = make_truth(config, seed);
  std::unique_ptr<ModelFamily> family = make_family(config, *truth);
  std::unique_ptr<GenerativeModel> model;
  {
    const py::gil_scoped_release released;
    Rng rng(seed, {Purpose::kFit, 0, 0});
    model = family->fit(x, rng);
  }
  return FittedModel(std::move(truth), std::move(family), std::move(model));
}

}  // namespace

void add_models(py::module_& module) {
  py::class_<FittedModel>(module, "FittedModel")
      .def_property_readonly("family", &FittedModel::family)
      .def_property_readonly("dim", &FittedModel::dim)
      .def("sample", &FittedModel::sample, py::arg("n"), py::arg("bias"), py::arg("seed"))
      .def("log_prob", &FittedModel::log_prob, py::arg("x"));
  module.def("fit", &fit, py::arg("family"), py::arg("data"), py::arg("settings"), py::arg("outcomes"),
             py::arg("seed"), "A statistical family's model fitted to the rows of `data`");
}

}  // namespace ouro::python
