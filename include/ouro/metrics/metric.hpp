// Metric: a named measurement of one generation.
//
// A metric compares the generation's fitted model (through GenerativeModel's views), and where it
// needs them the generation's own samples, with the truth and the replicate's held-out real test
// set. Metrics are immutable and thread-safe; randomness (projections, subsets) comes from the
// context's Rng, which the engine keys by (replicate, generation).
//
// Values may be +/-inf where that is the honest answer (the NLL of a test point the model gives no
// mass; the log-determinant of a collapsed covariance); they are written as "inf"/"-inf".
#pragma once

#include <any>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ouro/core/dataset.hpp"
#include "ouro/core/matrix.hpp"
#include "ouro/core/rng.hpp"
#include "ouro/models/generative_model.hpp"
#include "ouro/models/truth.hpp"

namespace ouro {

class Config;

// Working memory shared by the metrics of one replicate: results that several metrics of one
// generation need (one k-NN pass gives precision, recall, density and coverage together) and
// results that stay valid for the whole replicate (the held-out test set's k-NN radii). The engine
// keeps one per replicate and calls next_generation() before each generation's metrics. Entries
// are values computed exactly as without the scratch, so results do not depend on it.
class MetricScratch {
 public:
  void next_generation() { generation_entries_.clear(); }

  // The entry `key` for this replicate (kept across generations) or for this generation only,
  // made by `make()` on first use.
  template <typename T, typename Make>
  T& replicate_entry(const std::string& key, Make make) { return entry<T>(replicate_entries_, key, make); }
  template <typename T, typename Make>
  T& generation_entry(const std::string& key, Make make) { return entry<T>(generation_entries_, key, make); }

 private:
  template <typename T, typename Make>
  static T& entry(std::map<std::string, std::any>& entries, const std::string& key, Make& make) {
    auto it = entries.find(key);
    if (it == entries.end()) it = entries.emplace(key, std::any(T(make()))).first;
    return std::any_cast<T&>(it->second);
  }
  std::map<std::string, std::any> replicate_entries_;
  std::map<std::string, std::any> generation_entries_;
};

struct MetricContext {
  const Truth& truth;
  const TestSet& test;
  const Samples& samples;  // the generation's synthetic samples S_g (drawn with the loop's bias, filtered)
  Rng& rng;
  // Summaries computed once by the engine (per generation for the model, per run for the truth),
  // so that the several metrics of one generation do not each recompute and allocate them.
  // nullptr: the metric asks the model or truth itself.
  const Moments* model_moments = nullptr;
  const Moments* truth_moments = nullptr;
  MetricScratch* scratch = nullptr;  // nullptr: nothing is shared
  // The replicate's generation-0 model (the one fitted on real data), for metrics that judge later
  // generations by it (ppl_gen0); the engine keeps it only when such a metric is recorded
  // (Metric::needs_generation0). nullptr otherwise.
  const GenerativeModel* generation0 = nullptr;
  // The replicate's streams, for values that must not depend on the generation they are computed
  // in (a distance's real-versus-real floor draws from generation 0's metric stream, so a resumed
  // run computes it again to the same value). nullptr: such metrics are not recorded.
  const Streams* streams = nullptr;
  // With screens ([[filter]] watermark, detector): S_g as drawn, before they dropped what they
  // flagged, for metrics of what the model generates (watermark_z). nullptr: no screens (S_g is
  // `samples`).
  const Samples* unscreened = nullptr;
  // The generation's training set, with provenance (the contamination metrics). nullptr: not given.
  const Dataset* training = nullptr;

  // What the model generated this generation: S_g before any screen.
  const Samples& generated() const { return unscreened != nullptr ? *unscreened : samples; }
};

class Metric {
 public:
  virtual ~Metric() = default;
  virtual std::string_view name() const = 0;
  // True when the metric can be computed for models with these capabilities against this truth.
  // Decided before anything is fitted.
  virtual bool applies(const Capabilities& family, const Truth& truth) const = 0;
  virtual double compute(const GenerativeModel& model, const MetricContext& context) const = 0;
  // True when compute() reads context.generation0.
  virtual bool needs_generation0() const { return false; }
};

// Every metric name the engine knows, in output order.
std::vector<std::string> metric_names();

// The metrics a run records: `metrics.names` when set (ConfigError naming an unknown metric, or
// one the family's capabilities cannot supply, with the family), otherwise the family's default
// list (see docs/metrics.md).
std::vector<std::unique_ptr<Metric>> make_metrics(const Config& config, const ModelFamily& family,
                                                  const Truth& truth);

}  // namespace ouro
