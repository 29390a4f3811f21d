// `ouro contamination DETECTOR CORPUS --real R --synthetic S`: the share of synthetic documents in
// an unlabeled corpus, from a detector's flags corrected for its error rates on calibration sets of
// known real (R) and known synthetic (S) documents (the Rogan-Gladen estimate,
// include/ouro/hygiene/contamination.hpp), with its 95% Wald and bootstrap intervals, the counts
// behind it and a warning when the detector separates the classes too little to say anything.
// A document is flagged when its probability of being synthetic reaches the threshold: given with
// --threshold, or else the one whose FPR on R is the largest within --fpr (default 0.05).
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "cli_numbers.hpp"
#include "commands.hpp"
#include "document_input.hpp"
#include "ouro/core/error.hpp"
#include "ouro/hygiene/contamination.hpp"
#include "ouro/hygiene/detector.hpp"
#include "ouro/hygiene/roc.hpp"

namespace ouro::cli {
namespace {

using hygiene::Detector;
using hygiene::FlagCount;

struct ContaminationOptions {
  std::string detector, corpus, real, synthetic;
  DocumentInput documents;
  std::string threshold, fpr = "0.05";
  std::string bootstrap = "2000";
  std::string seed = "1";
  std::string format = "text";
};

// Each document's probability of being synthetic; an empty document is an error naming it.
std::vector<double> probabilities(const Detector& detector, const std::string& file, const DocumentInput& input) {
  const auto texts = read_text_documents(file, input);
  std::vector<double> out;
  out.reserve(texts.size());
  for (std::size_t d = 0; d < texts.size(); ++d) {
    try {
      out.push_back(detector.probability(detector.features(texts[d])));
    } catch (const DataError& e) {
      throw DataError(fmt::format("{}: document {}: {}", file, d + 1, e.what()));
    }
  }
  return out;
}

FlagCount flags(const std::vector<double>& p, double threshold) {
  FlagCount count{0, p.size()};
  for (const double x : p) count.flagged += x >= threshold ? 1 : 0;
  return count;
}

// The probability threshold whose FPR on the real calibration set is the largest within `target`
// (at most that TPR on the synthetic one; roc.hpp's convention, flagging probability >= t).
double calibrated_threshold(const std::vector<double>& real, const std::vector<double>& synthetic, double target) {
  std::vector<double> scores(real);
  scores.insert(scores.end(), synthetic.begin(), synthetic.end());
  std::vector<int> labels(real.size(), 0);
  labels.resize(scores.size(), 1);
  return hygiene::tpr_at_fpr(scores, labels, target).threshold;
}

std::string interval_text(const hygiene::Interval& i) { return fmt::format("[{:.4f}, {:.4f}]", i.low, i.high); }

int run_contamination(const ContaminationOptions& options) {
  OURO_CHECK(options.format == "text" || options.format == "json", ConfigError, "--format {}: expected text or json",
             options.format);
  hygiene::ContaminationSettings settings;
  const std::int64_t bootstrap = parse_integer_flag("--bootstrap", options.bootstrap);
  OURO_CHECK(bootstrap >= 0, ConfigError, "--bootstrap {}: expected a count >= 0", options.bootstrap);
  settings.bootstrap = static_cast<std::uint64_t>(bootstrap);
  settings.seed = static_cast<std::uint64_t>(parse_integer_flag("--seed", options.seed));
  const Detector detector = Detector::load(options.detector);
  const auto corpus = probabilities(detector, options.corpus, options.documents);
  const auto real = probabilities(detector, options.real, options.documents);
  const auto synthetic = probabilities(detector, options.synthetic, options.documents);

  double threshold = 0.0;
  if (!options.threshold.empty()) {
    threshold = parse_real_flag("--threshold", options.threshold);
    OURO_CHECK(threshold > 0.0 && threshold <= 1.0, ConfigError, "--threshold {}: expected a probability in (0, 1]",
               options.threshold);
  } else {
    threshold = calibrated_threshold(real, synthetic, parse_real_flag("--fpr", options.fpr));
    OURO_CHECK(std::isfinite(threshold), DataError,
               "--fpr {}: no threshold keeps the false-positive rate on {} real documents within it; raise --fpr or "
               "give --threshold",
               options.fpr, real.size());
  }
  const auto e = hygiene::estimate_contamination(flags(corpus, threshold), flags(real, threshold),
                                                 flags(synthetic, threshold), settings);
  if (options.format == "json") {
    const auto count = [](const FlagCount& c) { return nlohmann::json{{"flagged", c.flagged}, {"total", c.total}}; };
    const auto interval = [](const hygiene::Interval& i) {
      return nlohmann::json::array({std::isnan(i.low) ? nlohmann::json(nullptr) : nlohmann::json(i.low),
                                    std::isnan(i.high) ? nlohmann::json(nullptr) : nlohmann::json(i.high)});
    };
    const nlohmann::json j = {{"estimate", e.estimate},         {"unclipped", e.unclipped},
                              {"standard_error", e.standard_error}, {"wald_95", interval(e.wald)},
                              {"bootstrap_95", interval(e.bootstrap)}, {"bootstrap_draws", e.bootstrap_draws},
                              {"bootstrap_undefined", e.bootstrap_undefined},
                              {"threshold", threshold},           {"q", e.q},
                              {"fpr", e.fpr},                     {"tpr", e.tpr},
                              {"corpus", count(e.corpus)},        {"real", count(e.real)},
                              {"synthetic", count(e.synthetic)},  {"warning", e.warning}};
    fmt::print("{}\n", j.dump(2));
    return 0;
  }
  fmt::print("synthetic share of {}: {:.4f} (95% Wald {}, bootstrap {}; unclipped {:.4f} ± {:.4f})\n", options.corpus,
             e.estimate, interval_text(e.wald), interval_text(e.bootstrap), e.unclipped, e.standard_error);
  fmt::print("  flagged at probability >= {:.6g}: corpus {}/{} (q = {:.4f}), real {}/{} (FPR = {:.4f}), "
             "synthetic {}/{} (TPR = {:.4f})\n",
             threshold, e.corpus.flagged, e.corpus.total, e.q, e.real.flagged, e.real.total, e.fpr,
             e.synthetic.flagged, e.synthetic.total, e.tpr);
  if (!e.warning.empty()) fmt::print(stderr, "warning: {}\n", e.warning);
  return 0;
}

}  // namespace

Subcommand add_contamination_command(CLI::App& app) {
  auto options = std::make_shared<ContaminationOptions>();
  auto* sub = app.add_subcommand(
      "contamination", "Estimate the share of synthetic documents in a corpus, corrected for a detector's errors");
  sub->add_option("detector", options->detector, "The detector file (ouro detector train)")->required();
  sub->add_option("corpus", options->corpus, "The unlabeled documents")->required();
  sub->add_option("--real", options->real, "Calibration documents known to be real")->required();
  sub->add_option("--synthetic", options->synthetic, "Calibration documents known to be synthetic")->required();
  sub->add_option("--threshold", options->threshold, "Flag documents whose probability of being synthetic is >= this");
  sub->add_option("--fpr", options->fpr, "Without --threshold: the largest false-positive rate on --real to allow")
      ->capture_default_str();
  sub->add_option("--bootstrap", options->bootstrap, "Bootstrap resamples (0: none)")->capture_default_str();
  sub->add_option("--seed", options->seed, "The bootstrap's seed")->capture_default_str();
  sub->add_option("--format", options->format, "text or json")->capture_default_str();
  add_document_input_options(*sub, options->documents);
  return {sub, [options] { return run_contamination(*options); }};
}

}  // namespace ouro::cli
