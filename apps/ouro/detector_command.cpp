// `ouro detector train | score | eval`: the synthetic-text detector (include/ouro/hygiene/
// detector.hpp) from the command line. `train` fits it to files of real and synthetic documents
// against reference models of real text and writes the detector file; `score` gives each document
// of a file its probability of being synthetic, with the features behind it; `eval` measures a
// detector on held-out real and synthetic documents: ROC AUC and the TPR at 1% and 0.1% FPR, with
// the thresholds that reach them (docs/hygiene.md#the-detector).
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <fmt/core.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli_numbers.hpp"
#include "commands.hpp"
#include "document_input.hpp"
#include "ouro/core/error.hpp"
#include "ouro/hygiene/detector.hpp"
#include "ouro/hygiene/roc.hpp"
#include "ouro/io/atomic_file.hpp"

namespace ouro::cli {
namespace {

using hygiene::Detector;

struct DetectorOptions {
  std::string detector;  // the detector file (train: written; score, eval: read)
  std::string file;      // score: the documents
  std::string real, synthetic;
  DocumentInput documents;
  std::string reference;
  std::string tokenizer = "word";
  std::string order = "3";
  std::string c = "1";
  std::string format;
  std::string out;
};

// The documents' features, one row each; a document without tokens is an error naming it.
std::vector<std::vector<double>> features_of(const Detector& detector, const std::vector<std::string>& texts,
                                             const std::string& file) {
  std::vector<std::vector<double>> rows;
  rows.reserve(texts.size());
  for (std::size_t d = 0; d < texts.size(); ++d) {
    try {
      rows.push_back(detector.features(texts[d]));
    } catch (const DataError& e) {
      throw DataError(fmt::format("{}: document {}: {}", file, d + 1, e.what()));
    }
  }
  return rows;
}

int run_train(const DetectorOptions& options) {
  hygiene::ReferenceSpec spec;
  OURO_CHECK(!options.reference.empty(), ConfigError,
             "--reference: give the real text the reference models learn (a wikitext-2 folder or a text file)");
  spec.path = options.reference;
  spec.tokenizer = options.tokenizer;
  spec.order = static_cast<int>(parse_integer_flag("--order", options.order));
  hygiene::LogisticSettings settings;
  settings.c = parse_real_flag("--c", options.c);
  const auto real = read_text_documents(options.real, options.documents);
  const auto synthetic = read_text_documents(options.synthetic, options.documents);
  const Detector detector = Detector::train(spec, real, synthetic, settings);
  detector.save(options.detector);
  fmt::print("{}: trained on {} real and {} synthetic documents; reference {} ({} tokenizer, order {}, {} types)\n",
             options.detector, real.size(), synthetic.size(), options.reference, spec.tokenizer, spec.order,
             detector.vocabulary_size());
  return 0;
}

void write_scores(std::ostream& out, const Detector& detector, const std::vector<std::vector<double>>& rows,
                  const std::string& format) {
  const auto& names = hygiene::detector_feature_names();
  if (format == "csv") out << fmt::format("document,probability,decision,{}\n", fmt::join(names, ","));
  for (std::size_t d = 0; d < rows.size(); ++d) {
    const double p = detector.probability(rows[d]);
    const double decision = detector.decision(rows[d]);
    if (format == "csv") {
      out << fmt::format("{},{},{},{}\n", d + 1, p, decision, fmt::join(rows[d], ","));
      continue;
    }
    nlohmann::json row = {{"document", d + 1}, {"probability", p}, {"decision", decision}};
    for (std::size_t f = 0; f < names.size(); ++f) row[names[f]] = rows[d][f];
    out << row.dump() << '\n';
  }
}

int run_score(const DetectorOptions& options) {
  const std::string format = options.format.empty() ? "csv" : options.format;
  OURO_CHECK(format == "csv" || format == "json", ConfigError, "--format {}: expected csv or json", format);
  const Detector detector = Detector::load(options.detector);
  const auto rows = features_of(detector, read_text_documents(options.file, options.documents), options.file);
  if (options.out.empty()) {
    write_scores(std::cout, detector, rows, format);
  } else {
    AtomicFile file(options.out);
    write_scores(file.stream(), detector, rows, format);
    file.commit();
  }
  return 0;
}

int run_eval(const DetectorOptions& options) {
  const std::string format = options.format.empty() ? "text" : options.format;
  OURO_CHECK(format == "text" || format == "json", ConfigError, "--format {}: expected text or json", format);
  const Detector detector = Detector::load(options.detector);
  std::vector<double> scores;
  std::vector<int> labels;
  for (const auto& [file, label] : {std::pair{options.real, 0}, std::pair{options.synthetic, 1}}) {
    for (const auto& row : features_of(detector, read_text_documents(file, options.documents), file)) {
      scores.push_back(detector.decision(row));
      labels.push_back(label);
    }
  }
  const std::size_t positives = static_cast<std::size_t>(std::count(labels.begin(), labels.end(), 1));
  nlohmann::json result = {{"detector", options.detector},
                           {"real", labels.size() - positives},
                           {"synthetic", positives},
                           {"auc", hygiene::roc_auc(scores, labels)}};
  for (const double target : {0.01, 0.001}) {
    const hygiene::RocPoint point = hygiene::tpr_at_fpr(scores, labels, target);
    // Scores are log-odds; the threshold is reported as the probability that flags (none: no
    // threshold keeps the FPR within the target).
    const nlohmann::json threshold = std::isinf(point.threshold)
                                         ? nlohmann::json(nullptr)
                                         : nlohmann::json(1.0 / (1.0 + std::exp(-point.threshold)));
    result[fmt::format("tpr_at_fpr_{}", target)] = {
        {"tpr", point.tpr}, {"fpr", point.fpr}, {"threshold_probability", threshold}};
  }
  if (format == "json") {
    fmt::print("{}\n", result.dump(2));
    return 0;
  }
  fmt::print("{} on {} real and {} synthetic documents: ROC AUC {:.4f}\n", options.detector,
             result["real"].get<std::size_t>(), positives, result["auc"].get<double>());
  for (const double target : {0.01, 0.001}) {
    const auto& p = result[fmt::format("tpr_at_fpr_{}", target)];
    fmt::print("  at FPR <= {:g}: TPR {:.4f} (FPR {:.4f}, flagging probability >= {})\n", target, p["tpr"].get<double>(),
               p["fpr"].get<double>(), p["threshold_probability"].is_null() ? "none" : p["threshold_probability"].dump());
  }
  return 0;
}

}  // namespace

Subcommand add_detector_command(CLI::App& app) {
  auto* detector = app.add_subcommand("detector", "The synthetic-text detector: train, score documents, evaluate");
  detector->require_subcommand(1);
  auto options = std::make_shared<DetectorOptions>();

  auto* train = detector->add_subcommand("train", "Fit the detector to real and synthetic documents; write its file");
  train->add_option("--real", options->real, "Documents known to be real")->required();
  train->add_option("--synthetic", options->synthetic, "Documents known to be synthetic")->required();
  train->add_option("--reference", options->reference,
                    "Real text for the reference models: a wikitext-2 folder (train split) or a text file, a document "
                    "per line")->required();
  train->add_option("--tokenizer", options->tokenizer, "word or char")->capture_default_str();
  train->add_option("--order", options->order, "The observer model's order, 3 to 6")->capture_default_str();
  train->add_option("--c", options->c, "Inverse L2 penalty of the logistic regression")->capture_default_str();
  train->add_option("--out", options->detector, "The detector file to write")->required();
  add_document_input_options(*train, options->documents);

  auto* score = detector->add_subcommand("score", "Each document's probability of being synthetic, and its features");
  score->add_option("detector", options->detector, "The detector file")->required();
  score->add_option("file", options->file, "The documents")->required();
  score->add_option("--format", options->format, "csv (default) or json (JSON lines)");
  score->add_option("--out", options->out, "Write to this file instead of stdout");
  add_document_input_options(*score, options->documents);

  auto* eval = detector->add_subcommand("eval", "ROC AUC and TPR at 1% and 0.1% FPR on held-out documents");
  eval->add_option("detector", options->detector, "The detector file")->required();
  eval->add_option("--real", options->real, "Held-out real documents")->required();
  eval->add_option("--synthetic", options->synthetic, "Held-out synthetic documents")->required();
  eval->add_option("--format", options->format, "text (default) or json");
  add_document_input_options(*eval, options->documents);

  return {detector, [options, train, score] {
            if (train->parsed()) return run_train(*options);
            if (score->parsed()) return run_score(*options);
            return run_eval(*options);
          }};
}

}  // namespace ouro::cli
