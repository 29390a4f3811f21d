// The detector's features (definitions in detector_features.hpp and docs/hygiene.md).
#include "ouro/hygiene/detector_features.hpp"

#include <algorithm>
#include <cmath>

#include "ouro/core/error.hpp"
#include "ouro/core/samples.hpp"
#include "ouro/metrics/text_stats.hpp"

namespace ouro::hygiene {
namespace {

using text::TokenId;

// Sums over a document's predicted tokens.
struct TokenSums {
  double log_prob = 0.0;
  double log_rank = 0.0;
  double entropy = 0.0;
  double variance = 0.0;     // sum of s_t^2
  double cross = 0.0;        // sum of the performer's expected observer surprise
  std::size_t tokens = 0;

  void add(const std::vector<double>& p, const std::vector<double>& q, TokenId x) {
    const double px = p[x];
    double h = 0.0, second = 0.0, cross_t = 0.0;
    std::size_t above = 0;
    for (std::size_t v = 0; v < p.size(); ++v) {
      if (p[v] <= 0.0) continue;  // <s>: never predicted
      const double lp = std::log(p[v]);
      h -= p[v] * lp;
      second += p[v] * lp * lp;
      cross_t -= q[v] * lp;
      above += p[v] > px;
    }
    log_prob += std::log(px);
    log_rank += std::log(1.0 + static_cast<double>(above));
    entropy += h;
    // A degenerate conditional can round to a tiny negative variance.
    variance += std::max(0.0, second - h * h);
    cross += cross_t;
    ++tokens;
  }
};

Samples one_sequence(std::span<const TokenId> document) {
  std::vector<std::int32_t> ids(document.begin(), document.end());
  const std::size_t n = ids.size();
  return Samples(std::move(ids), std::vector<std::size_t>{0, n});
}

}  // namespace

ReferenceModels ReferenceModels::train(std::span<const std::vector<TokenId>> sentences, int order,
                                       std::size_t vocab_size) {
  OURO_CHECK(order >= text::kMinOrder + 1 && order <= text::kMaxOrder, ConfigError,
             "detector: the reference order must be in [{}, {}] (the performer has one order less), got {}",
             text::kMinOrder + 1, text::kMaxOrder, order);
  return {text::KneserNey::train(sentences, order, vocab_size),
          text::KneserNey::train(sentences, order - 1, vocab_size)};
}

const std::vector<std::string>& detector_feature_names() {
  static const std::vector<std::string> names{"log_prob",   "log_rank",   "entropy",   "curvature",
                                              "binoculars", "distinct_2", "repetition"};
  return names;
}

std::vector<double> document_features(std::span<const TokenId> document, const ReferenceModels& models) {
  OURO_CHECK(!document.empty(), DataError, "detector: a document holds no token");
  const std::size_t vocab = models.observer.vocab_size();
  TokenSums sums;
  std::vector<double> p, q;
  for (const auto& sentence : text::KneserNey::split_sentences(document)) {
    std::vector<TokenId> history{text::kBos};
    auto score = [&](TokenId x) {
      OURO_CHECK(x < vocab && x != text::kBos, DataError,
                 "detector: token id {} is outside the reference vocabulary of {} ids (or is <s>)", x, vocab);
      models.observer.distribution(history, p);
      models.performer.distribution(history, q);
      sums.add(p, q, x);
      history.push_back(x);
    };
    for (const TokenId x : sentence) score(x);
    score(text::kEos);
  }
  const auto t = static_cast<double>(sums.tokens);
  const Samples sequence = one_sequence(document);
  const double distinct = text_stats::distinct(sequence, 2);
  const double repetition = text_stats::repetition(sequence, 4);
  return {sums.log_prob / t,
          sums.log_rank / t,
          sums.entropy / t,
          sums.variance > 0.0 ? (sums.log_prob + sums.entropy) / std::sqrt(sums.variance) : 0.0,
          (-sums.log_prob / t) / (sums.cross / t),
          std::isnan(distinct) ? 1.0 : distinct,
          std::isnan(repetition) ? 0.0 : repetition};
}

}  // namespace ouro::hygiene
