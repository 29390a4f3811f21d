// The synthetic-text detector: reference models rebuilt from a recorded corpus, features, the
// classifier, and the detector file (see detector.hpp).
#include "ouro/hygiene/detector.hpp"

#include <cmath>
#include <map>
#include <mutex>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "ouro/core/error.hpp"
#include "ouro/io/json_file.hpp"
#include "ouro/io/sha256.hpp"
#include "ouro/text/corpus.hpp"

namespace ouro::hygiene {

struct Detector::Reference {
  std::unique_ptr<text::Tokenizer> tokenizer;
  text::Vocabulary vocabulary;
  ReferenceModels models;
  std::string sha256;  // of a text file; empty for wikitext-2 (its reader checks the published digests)
};

namespace {

constexpr std::string_view kRetrain = "train it again with `ouro detector train`";

bool is_wikitext2(const ReferenceSpec& spec) { return std::filesystem::is_directory(spec.path); }

std::vector<std::string> reference_documents(const ReferenceSpec& spec) {
  if (is_wikitext2(spec)) return text::read_wikitext2(spec.path).train;
  return text::read_text(spec.path, text::DocumentSplit::kLine);
}

// Reads the reference text, builds its vocabulary and trains both models. Deterministic: the same
// text gives the same models, which is what lets a saved detector retrain them.
std::unique_ptr<Detector::Reference> build_reference(const ReferenceSpec& spec) {
  OURO_CHECK(spec.order >= 3 && spec.order <= 6, ConfigError, "detector reference order {}: expected 3 to 6",
             spec.order);
  auto reference = std::make_unique<Detector::Reference>();
  reference->tokenizer = text::make_tokenizer(spec.tokenizer);
  OURO_CHECK(reference->tokenizer != nullptr, ConfigError, "detector tokenizer '{}': expected word or char",
             spec.tokenizer);
  OURO_CHECK(std::filesystem::exists(spec.path), IoError, "detector reference '{}' does not exist",
             spec.path.string());
  if (!is_wikitext2(spec)) reference->sha256 = sha256_file(spec.path);
  const auto documents = reference_documents(spec);
  std::vector<std::vector<std::string>> tokenized;
  tokenized.reserve(documents.size());
  for (const auto& d : documents) tokenized.push_back(reference->tokenizer->tokenize(d));
  reference->vocabulary = text::Vocabulary::build(tokenized);
  std::vector<std::vector<text::TokenId>> sentences;
  for (const auto& tokens : tokenized)
    if (!tokens.empty()) sentences.push_back(reference->vocabulary.encode(tokens));
  OURO_CHECK(!sentences.empty(), DataError, "detector reference '{}': no text", spec.path.string());
  reference->models = ReferenceModels::train(sentences, spec.order, reference->vocabulary.size());
  return reference;
}

std::vector<double> features_of(const Detector::Reference& reference, std::string_view document) {
  const auto ids = reference.vocabulary.encode(reference.tokenizer->tokenize(document));
  return document_features(ids, reference.models);
}

nlohmann::json to_json(const Vector& v) { return std::vector<double>(v.data(), v.data() + v.size()); }

Vector vector_field(const nlohmann::json& j, const char* key, const std::filesystem::path& file) {
  OURO_CHECK(j.contains(key) && j[key].is_array(), DataError, "{}: \"{}\" is missing or not an array; {}",
             file.string(), key, kRetrain);
  Vector v(static_cast<Eigen::Index>(j[key].size()));
  for (std::size_t i = 0; i < j[key].size(); ++i) {
    OURO_CHECK(j[key][i].is_number(), DataError, "{}: \"{}\"[{}] is not a number", file.string(), key, i);
    v[static_cast<Eigen::Index>(i)] = j[key][i].get<double>();
  }
  return v;
}

}  // namespace

Detector::Detector(ReferenceSpec spec, std::unique_ptr<Reference> reference, LogisticRegression classifier)
    : spec_(std::move(spec)), reference_(std::move(reference)), classifier_(std::move(classifier)) {}
Detector::Detector(Detector&&) noexcept = default;
Detector& Detector::operator=(Detector&&) noexcept = default;
Detector::~Detector() = default;

Detector Detector::train(const ReferenceSpec& spec, std::span<const std::string> real,
                         std::span<const std::string> synthetic, const LogisticSettings& settings) {
  OURO_CHECK(!real.empty() && !synthetic.empty(), DataError,
             "detector training needs real and synthetic documents ({} real, {} synthetic)", real.size(),
             synthetic.size());
  auto reference = build_reference(spec);
  const auto columns = static_cast<Eigen::Index>(detector_feature_names().size());
  Matrix features(static_cast<Eigen::Index>(real.size() + synthetic.size()), columns);
  std::vector<int> labels;
  labels.reserve(real.size() + synthetic.size());
  Eigen::Index row = 0;
  for (const auto& [set, label] : {std::pair{real, 0}, std::pair{synthetic, 1}}) {
    for (std::size_t d = 0; d < set.size(); ++d, ++row) {
      std::vector<double> f;
      try {
        f = features_of(*reference, set[d]);
      } catch (const DataError& e) {
        throw DataError(fmt::format("{} document {}: {}", label == 0 ? "real" : "synthetic", d + 1, e.what()));
      }
      for (Eigen::Index c = 0; c < columns; ++c) features(row, c) = f[static_cast<std::size_t>(c)];
      labels.push_back(label);
    }
  }
  auto classifier = LogisticRegression::fit(features, labels, settings);
  return Detector(spec, std::move(reference), std::move(classifier));
}

Detector Detector::load(const std::filesystem::path& file) {
  const nlohmann::json j = read_json_file(file, kDetectorFileFormat, kRetrain);
  OURO_CHECK(j.contains("reference") && j["reference"].is_object(), DataError, "{}: no \"reference\"; {}",
             file.string(), kRetrain);
  const auto& r = j["reference"];
  ReferenceSpec spec;
  try {
    spec.path = r.at("path").get<std::string>();
    spec.tokenizer = r.at("tokenizer").get<std::string>();
    spec.order = r.at("order").get<int>();
    OURO_CHECK(j.at("features").get<std::vector<std::string>>() == detector_feature_names(), DataError,
               "{}: its features are not this version's ({}); {}", file.string(),
               fmt::join(detector_feature_names(), ", "), kRetrain);
  } catch (const nlohmann::json::exception& e) {
    throw DataError(fmt::format("{}: {}; {}", file.string(), e.what(), kRetrain));
  }
  auto reference = build_reference(spec);
  const std::string recorded = r.value("sha256", "");
  OURO_CHECK(recorded == reference->sha256, DataError,
             "{}: the reference text '{}' changed since the detector was trained (sha256 {}, now {}); {}",
             file.string(), spec.path.string(), recorded, reference->sha256, kRetrain);
  OURO_CHECK(j.contains("intercept") && j["intercept"].is_number(), DataError, "{}: no \"intercept\"; {}",
             file.string(), kRetrain);
  auto classifier = LogisticRegression::from_parameters(vector_field(j, "mean", file), vector_field(j, "scale", file),
                                                        vector_field(j, "weights", file),
                                                        j["intercept"].get<double>());
  OURO_CHECK(classifier.features() == static_cast<Eigen::Index>(detector_feature_names().size()), DataError,
             "{}: {} weights for {} features; {}", file.string(), classifier.features(),
             detector_feature_names().size(), kRetrain);
  return Detector(std::move(spec), std::move(reference), std::move(classifier));
}

void Detector::save(const std::filesystem::path& file) const {
  nlohmann::json reference = {{"path", std::filesystem::absolute(spec_.path).lexically_normal().string()},
                              {"kind", is_wikitext2(spec_) ? "wikitext-2" : "text"},
                              {"tokenizer", spec_.tokenizer},
                              {"order", spec_.order}};
  if (!reference_->sha256.empty()) reference["sha256"] = reference_->sha256;
  const nlohmann::json j = {{"reference", reference},
                            {"features", detector_feature_names()},
                            {"mean", to_json(classifier_.mean())},
                            {"scale", to_json(classifier_.scale())},
                            {"weights", to_json(classifier_.weights())},
                            {"intercept", classifier_.intercept()}};
  write_json_file(file, j, kDetectorFileFormat);
}

std::vector<double> Detector::features(std::string_view document) const { return features_of(*reference_, document); }

std::optional<double> Detector::probability_of(std::string_view document) const {
  if (text::is_blank(document)) return std::nullopt;
  return probability(features(document));
}

std::shared_ptr<const Detector> Detector::load_shared(const std::filesystem::path& file) {
  static std::mutex mutex;
  static std::map<std::string, std::weak_ptr<const Detector>> loaded;
  const std::string key = std::filesystem::absolute(file).lexically_normal().string();
  const std::lock_guard lock(mutex);
  if (auto held = loaded[key].lock()) return held;
  auto detector = std::make_shared<const Detector>(load(file));
  loaded[key] = detector;
  return detector;
}

std::size_t Detector::vocabulary_size() const { return reference_->vocabulary.size(); }

}  // namespace ouro::hygiene
