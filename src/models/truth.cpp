// make_truth: the table from truth.kind to the builder of that kind (see truth.hpp).
#include "ouro/models/truth.hpp"

#include <string>

#include "ouro/core/config.hpp"
#include "ouro/core/error.hpp"
#include "truth_kinds.hpp"

namespace ouro {
namespace {

struct TruthKind {
  std::string_view name;
  std::unique_ptr<Truth> (*make)(const Config&, std::uint64_t);
};

// Must list the same kinds as truth.kind's choices in the option table.
constexpr TruthKind kTruthKinds[] = {
    {"gaussian", detail::make_gaussian_truth},
    {"categorical", detail::make_categorical_truth},
    {"gmm", detail::make_gmm_truth},
    {"regression", detail::make_regression_truth},
    {"file", detail::make_file_truth},
    {"corpus", detail::make_corpus_truth},
    {"mnist", detail::make_mnist_truth},
    {"fashion-mnist", detail::make_fashion_mnist_truth},
};

}  // namespace

std::unique_ptr<Truth> make_truth(const Config& config, std::uint64_t seed) {
  const std::string& kind = config.text("truth.kind");
  if (config.has("truth.columns") && kind != "file")
    config.fail("truth.columns", fmt::format("columns are chosen for a file truth only; truth.kind is \"{}\"", kind));
  for (const TruthKind& entry : kTruthKinds) {
    if (entry.name == kind) return entry.make(config, seed);
  }
  std::string known;
  for (const TruthKind& entry : kTruthKinds) known += (known.empty() ? "" : ", ") + std::string(entry.name);
  config.fail("truth.kind", fmt::format("unknown truth kind; expected one of {}", known));
}

}  // namespace ouro
