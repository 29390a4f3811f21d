// The synthetic-text detector: a logistic regression (logistic_regression.hpp) over the features
// that two Kneser-Ney reference models of real text compute for a document
// (detector_features.hpp), trained on documents known to be real and known to be synthetic, and
// saved as a versioned, sealed JSON file (docs/hygiene.md#the-detector).
//
// The reference models are not stored: the file names the real text they were trained on (a
// wikitext-2 folder, whose train split is checked against its published sha256, or a text file of
// one document per line, whose sha256 the file records) with the tokenizer and order, and loading
// retrains them from it, refusing text that changed. Training is deterministic, so the loaded
// detector scores exactly as the trained one did.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ouro/hygiene/detector_features.hpp"
#include "ouro/hygiene/logistic_regression.hpp"
#include "ouro/text/tokenizer.hpp"
#include "ouro/text/vocabulary.hpp"

namespace ouro::hygiene {

// The format the detector file is written and read in; bump it when its layout changes.
inline constexpr std::string_view kDetectorFileFormat = "ouro.detector/1";

// Where the reference models' real text comes from.
struct ReferenceSpec {
  std::filesystem::path path;  // a wikitext-2 folder (train split) or a text file, one document per line
  std::string tokenizer = "word";  // word | char
  int order = 3;                   // the observer's; the performer's is order - 1; in [3, 6]
};

class Detector {
 public:
  // Builds the reference models from `spec` and fits the classifier to the features of `real`
  // (label 0) and `synthetic` (label 1) documents. ConfigError for a bad spec; DataError for
  // unreadable reference text, an empty document (naming its set and number) or too few documents.
  static Detector train(const ReferenceSpec& spec, std::span<const std::string> real,
                        std::span<const std::string> synthetic, const LogisticSettings& settings = {});
  // Reads a detector file and retrains its reference models. DataError when the file is not a
  // detector of this format, is damaged, or its reference text changed since training.
  static Detector load(const std::filesystem::path& file);
  // The same, loaded once per process and shared while anyone holds it: loading retrains the
  // reference models (seconds), and a run's detector screen and contamination metrics may name one
  // file.
  static std::shared_ptr<const Detector> load_shared(const std::filesystem::path& file);
  // Writes the detector file (complete or absent).
  void save(const std::filesystem::path& file) const;

  Detector(Detector&&) noexcept;
  Detector& operator=(Detector&&) noexcept;
  ~Detector();

  // The document's features, in detector_feature_names() order (DataError when it has no token).
  std::vector<double> features(std::string_view document) const;
  // P(synthetic) from a document's features.
  double probability(std::span<const double> features) const { return classifier_.probability(features); }
  double decision(std::span<const double> features) const { return classifier_.decision(features); }
  // P(synthetic) of a document's text; nullopt for a blank one, which gives nothing to judge.
  std::optional<double> probability_of(std::string_view document) const;

  const ReferenceSpec& reference() const { return spec_; }
  const LogisticRegression& classifier() const { return classifier_; }
  std::size_t vocabulary_size() const;

 // The reference models with their tokenizer and vocabulary (opaque; defined in detector.cpp).
  struct Reference;

 private:
  Detector(ReferenceSpec spec, std::unique_ptr<Reference> reference, LogisticRegression classifier);

  ReferenceSpec spec_;
  std::unique_ptr<Reference> reference_;
  LogisticRegression classifier_;
};

}  // namespace ouro::hygiene
