// Fixed-length beam search (see beam_search.hpp).
#include "ouro/text/beam_search.hpp"

#include <algorithm>
#include <cmath>

#include "ouro/core/error.hpp"

namespace ouro::text {
namespace {

struct Extension {
  double score;
  std::size_t parent;
  TokenId token;
};

// Better first: higher score, then smaller parent, then smaller token.
bool better(const Extension& a, const Extension& b) {
  if (a.score != b.score) return a.score > b.score;
  if (a.parent != b.parent) return a.parent < b.parent;
  return a.token < b.token;
}

}  // namespace

std::vector<TokenId> beam_search(std::size_t length, std::size_t beams, const NextLogProbs& next) {
  OURO_CHECK(beams >= 1, ConfigError, "beam search needs at least 1 beam");
  std::vector<std::vector<TokenId>> sequences(1);
  std::vector<double> scores{0.0};
  std::vector<std::size_t> parents;
  std::vector<TokenId> tokens;
  std::vector<Extension> extensions;
  for (std::size_t step = 0; step < length; ++step) {
    const std::vector<std::vector<double>> log_probs = next(parents, tokens, sequences);
    OURO_CHECK(log_probs.size() == sequences.size(), DataError,
               "beam search: {} rows of log-probabilities for {} live beams", log_probs.size(), sequences.size());
    extensions.clear();
    for (std::size_t b = 0; b < log_probs.size(); ++b) {
      for (std::size_t t = 0; t < log_probs[b].size(); ++t) {
        const double lp = log_probs[b][t];
        if (lp == -INFINITY) continue;  // a token the model (or a filter) rules out
        extensions.push_back({scores[b] + lp, b, static_cast<TokenId>(t)});
      }
    }
    OURO_CHECK(!extensions.empty(), DataError, "beam search: no token has a finite log-probability at step {}", step);
    const std::size_t keep = std::min(beams, extensions.size());
    std::partial_sort(extensions.begin(), extensions.begin() + static_cast<std::ptrdiff_t>(keep), extensions.end(),
                      better);
    std::vector<std::vector<TokenId>> next_sequences;
    std::vector<double> next_scores;
    parents.clear();
    tokens.clear();
    for (std::size_t k = 0; k < keep; ++k) {
      const Extension& e = extensions[k];
      next_sequences.push_back(sequences[e.parent]);
      next_sequences.back().push_back(e.token);
      next_scores.push_back(e.score);
      parents.push_back(e.parent);
      tokens.push_back(e.token);
    }
    sequences = std::move(next_sequences);
    scores = std::move(next_scores);
  }
  return sequences.front();  // the best: extensions were sorted best first
}

}  // namespace ouro::text
