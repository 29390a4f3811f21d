// make_family: the explicit name table from `model.family` to a family constructor.
//
// Each constructor reads its own [model] keys and checks that the truth can feed it: a categorical
// model needs a categorical truth (it takes K from the truth's probabilities), a linear-regression
// model a regression truth (it takes d and sigma^2 from it), and gaussian/gmm/kde need real-vector
// samples (any truth that is neither categorical nor regression). A mismatch is a ConfigError on
// model.family that names the truth kind.
#include <array>
#include <string>
#include <variant>

#include "ouro/core/config.hpp"
#include "ouro/core/error.hpp"
#include "ouro/hygiene/watermark_config.hpp"
#include "ouro/models/categorical.hpp"
#include "ouro/models/gaussian.hpp"
#include "ouro/models/generative_model.hpp"
#include "ouro/models/gmm.hpp"
#include "ouro/models/kde.hpp"
#include "ouro/models/linear_regression.hpp"
#include "ouro/models/ngram.hpp"
#include "ouro/models/ngram_corpus.hpp"
#include "ouro/models/neural_library.hpp"
#include "ouro/models/truth.hpp"

namespace ouro {
namespace {

void require_real_vectors(const Config& config, const Truth& truth, std::string_view family) {
  // A density on 784 pixel columns would be nonsense (and a 784 x 784 covariance per component).
  if (const ImageShape* shape = truth.image_shape()) {
    config.fail("model.family", fmt::format("a {} model needs real-vector samples, but truth.kind \"{}\" gives "
                                            "{} x {} x {} images; use an image model family",
                                            family, truth.kind(), shape->channels, shape->height, shape->width));
  }
  if (truth.kind() == "categorical" || truth.kind() == "regression" || truth.kind() == "corpus") {
    config.fail("model.family", fmt::format("a {} model needs real-vector samples, but truth.kind is \"{}\"; "
                                            "use a gaussian, gmm or file truth",
                                            family, truth.kind()));
  }
}

std::unique_ptr<ModelFamily> make_gaussian(const Config& config, const Truth& truth) {
  require_real_vectors(config, truth, "gaussian");
  const std::string& estimator = config.text("model.estimator");
  if (estimator != "mle" && estimator != "unbiased") config.fail("model.estimator", "expected mle or unbiased");
  return std::make_unique<GaussianFamily>(truth.dim(),
                                          estimator == "mle" ? GaussianEstimator::kMle : GaussianEstimator::kUnbiased);
}

std::unique_ptr<ModelFamily> make_categorical(const Config& config, const Truth& truth) {
  const Vector* p = truth.probabilities();
  if (truth.kind() != "categorical" || p == nullptr) {
    config.fail("model.family", fmt::format("a categorical model needs a categorical truth, but truth.kind is \"{}\"",
                                            truth.kind()));
  }
  const double smoothing = config.real("model.smoothing");
  if (!(smoothing >= 0.0)) config.fail("model.smoothing", "expected a pseudo-count >= 0");
  return std::make_unique<CategoricalFamily>(p->size(), smoothing);
}

std::unique_ptr<ModelFamily> make_gmm(const Config& config, const Truth& truth) {
  require_real_vectors(config, truth, "gmm");
  GmmSettings settings;
  settings.components = static_cast<Eigen::Index>(config.integer("model.components"));
  settings.tol = config.real("model.tol");
  settings.max_iter = static_cast<int>(config.integer("model.max_iter"));
  settings.cov_floor = config.real("model.cov_floor");
  if (settings.components < 1) config.fail("model.components", "expected at least 1 component");
  if (!(settings.tol > 0.0)) config.fail("model.tol", "expected a tolerance > 0");
  if (settings.max_iter < 1) config.fail("model.max_iter", "expected at least 1 iteration");
  if (!(settings.cov_floor >= 0.0)) config.fail("model.cov_floor", "expected a floor >= 0");
  return std::make_unique<GmmFamily>(truth.dim(), settings);
}

std::unique_ptr<ModelFamily> make_kde(const Config& config, const Truth& truth) {
  require_real_vectors(config, truth, "kde");
  const Value& value = config.value("model.bandwidth");
  KdeBandwidth bandwidth;
  if (const auto* h = std::get_if<double>(&value)) {
    if (!(*h > 0.0) || !std::isfinite(*h)) config.fail("model.bandwidth", "expected a kernel standard deviation > 0");
    bandwidth = {BandwidthRule::kFixed, *h};
  } else if (const auto* rule = std::get_if<std::string>(&value); rule && *rule == "scott") {
    bandwidth = {BandwidthRule::kScott, 0.0};
  } else if (rule && *rule == "silverman") {
    bandwidth = {BandwidthRule::kSilverman, 0.0};
  } else {
    config.fail("model.bandwidth", "expected a number > 0, \"scott\" or \"silverman\"");
  }
  return std::make_unique<KdeFamily>(truth.dim(), bandwidth);
}

std::unique_ptr<ModelFamily> make_linear_regression(const Config& config, const Truth& truth) {
  if (truth.kind() != "regression") {
    config.fail("model.family", fmt::format("a linear-regression model needs a regression truth, but truth.kind "
                                            "is \"{}\"",
                                            truth.kind()));
  }
  if (truth.dim() < 2) {
    config.fail("model.family", fmt::format("a linear-regression model needs rows [x, y] with at least one input; "
                                            "the truth has {} column(s)",
                                            truth.dim()));
  }
  const double noise = truth.noise_variance();
  if (!(noise > 0.0) || !std::isfinite(noise)) {
    config.fail("model.family",
                fmt::format("a linear-regression model needs the truth's label-noise variance > 0, got {}", noise));
  }
  const std::string& design = config.text("model.design");
  if (design != "fixed" && design != "fresh") config.fail("model.design", "expected fixed or fresh");
  return std::make_unique<LinearRegressionFamily>(
      truth.dim() - 1, noise, design == "fixed" ? RegressionDesign::kFixed : RegressionDesign::kFresh);
}

std::unique_ptr<ModelFamily> make_ngram(const Config& config, const Truth& truth) {
  const CorpusTruth* corpus = truth.corpus();
  if (corpus == nullptr)
    config.fail("model.family", fmt::format("an ngram model needs a corpus truth, but truth.kind is \"{}\"", truth.kind()));
  NgramSettings settings;
  settings.order = static_cast<int>(config.integer("model.order"));
  if (settings.order < 2 || settings.order > 6) config.fail("model.order", "expected an order from 2 to 6");
  settings.vocab_size = corpus->vocabulary().size();
  settings.generation = config.text("model.generation") == "unconditional" ? text::Generation::kUnconditional
                                                                           : text::Generation::kPrompted;
  settings.prompt_tokens = static_cast<std::size_t>(config.integer("model.prompt_tokens"));
  settings.top_k = static_cast<std::size_t>(config.integer("model.top_k"));
  settings.top_p = config.real("model.top_p");
  settings.watermark = hygiene::watermark_settings(config, settings.vocab_size);
  return std::make_unique<NgramFamily>(truth.dim(), settings);
}

// vae, ddpm, wgan-gp and transformer come from the neural library, opened here on first use (neural_library.hpp).
std::unique_ptr<ModelFamily> make_neural(const Config& config, const Truth& truth) {
  const std::string why = fmt::format("model.family = \"{}\"", config.text("model.family"));
  return neural_library(why).make_family(config, truth);
}

using Builder = std::unique_ptr<ModelFamily> (*)(const Config&, const Truth&);

struct FamilyEntry {
  std::string_view name;
  Builder build;
};

// The name table: every value model.family accepts (options.cpp lists the same names as choices).
constexpr std::array<FamilyEntry, 10> kFamilies{{
    {"gaussian", make_gaussian},
    {"categorical", make_categorical},
    {"gmm", make_gmm},
    {"kde", make_kde},
    {"linear-regression", make_linear_regression},
    {"ngram", make_ngram},
    {"vae", make_neural},
    {"ddpm", make_neural},
    {"wgan-gp", make_neural},
    {"transformer", make_neural},
}};

}  // namespace

ModelInit model_init(const Config& config, const ModelFamily& family) {
  const std::string& init = config.text("model.init");
  if (init == "scratch") return ModelInit::kScratch;
  if (!family.capabilities().warm_start) {
    config.fail("model.init", fmt::format("a {} model cannot start from an earlier model; use \"scratch\" (families "
                                          "with warm starts: gmm, vae, ddpm, wgan-gp, transformer)",
                                          family.name()));
  }
  return init == "previous" ? ModelInit::kPrevious : ModelInit::kInitial;
}

std::unique_ptr<ModelFamily> make_family(const Config& config, const Truth& truth) {
  const std::string& name = config.text("model.family");
  // Only the language models' samplers watermark; a watermark the family would ignore is refused.
  if (name != "ngram" && name != "transformer" && config.text("watermark.scheme") != "none") {
    config.fail("watermark.scheme",
                fmt::format("the {} family does not watermark its samples: only the language models (ngram, "
                            "transformer) do",
                            name));
  }
  for (const FamilyEntry& entry : kFamilies) {
    if (entry.name == name) return entry.build(config, truth);
  }
  std::string known;
  for (const FamilyEntry& entry : kFamilies) known += (known.empty() ? "" : ", ") + std::string(entry.name);
  config.fail("model.family", fmt::format("unknown model family; expected one of {}", known));
}

}  // namespace ouro
