// Statistics of token sequences (text_stats.hpp), in a small library of their own: the text
// metrics and the synthetic-text detector's features both compute them, and the detector's metrics
// sit above the detector, so neither may own them. Token statistics are computed within sequences
// (a synthetic sample is one continuation), over every token; </s> is a token for distinct-n and
// repetition (it is part of the text's n-grams) but not a word type for vocab_used, zipf_slope and
// tail_token_mass.
#include "ouro/metrics/text_stats.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <unordered_map>
#include <unordered_set>

#include "ouro/core/error.hpp"
#include "ouro/text/vocabulary.hpp"

namespace ouro {
namespace text_stats {
namespace {

std::vector<std::uint64_t> row_tokens(const Samples& sequences, Eigen::Index i) {
  const auto t = sequences.tokens(i);
  return std::vector<std::uint64_t>(t.begin(), t.end());
}

// An n-gram (n <= 4, ids < 2^32) as a hashable pair of 64-bit words.
struct Gram {
  std::uint64_t hi = 0, lo = 0;
  bool operator==(const Gram&) const = default;
};
struct GramHash {
  std::size_t operator()(const Gram& g) const { return std::hash<std::uint64_t>{}(g.hi * 0x9e3779b97f4a7c15ULL ^ g.lo); }
};
Gram gram(const std::vector<std::uint64_t>& t, std::size_t at, int n) {
  Gram g;
  for (int k = 0; k < n; ++k) {
    std::uint64_t& word = k < 2 ? g.lo : g.hi;
    word = (word << 32) | t[at + static_cast<std::size_t>(k)];
  }
  return g;
}

std::unordered_map<std::uint64_t, std::size_t> word_counts(const Samples& sequences) {
  std::unordered_map<std::uint64_t, std::size_t> counts;
  for (const std::int32_t t : sequences.all_tokens())
    if (static_cast<std::uint64_t>(t) != text::kEos) ++counts[static_cast<std::uint64_t>(t)];
  return counts;
}

}  // namespace

double distinct(const Samples& sequences, int n) {
  // Sorting packed n-grams (32 bits per id) is several times faster than hashing millions of them.
  std::vector<__uint128_t> grams;
  grams.reserve(sequences.all_tokens().size());
  for (Eigen::Index i = 0; i < sequences.size(); ++i) {
    const auto t = row_tokens(sequences, i);
    for (std::size_t a = 0; a + static_cast<std::size_t>(n) <= t.size(); ++a) {
      __uint128_t key = 0;
      for (int k = 0; k < n; ++k) key = (key << 32) | t[a + static_cast<std::size_t>(k)];
      grams.push_back(key);
    }
  }
  if (grams.empty()) return std::nan("");
  const std::size_t total = grams.size();
  std::sort(grams.begin(), grams.end());
  const auto distinct_count = static_cast<std::size_t>(std::unique(grams.begin(), grams.end()) - grams.begin());
  return static_cast<double>(distinct_count) / static_cast<double>(total);
}

double repetition(const Samples& sequences, int n) {
  std::size_t repeated = 0, total = 0;
  std::unordered_set<Gram, GramHash> seen;
  for (Eigen::Index i = 0; i < sequences.size(); ++i) {
    const auto t = row_tokens(sequences, i);
    seen.clear();
    for (std::size_t a = 0; a + static_cast<std::size_t>(n) <= t.size(); ++a) {
      if (!seen.insert(gram(t, a, n)).second) ++repeated;
      ++total;
    }
  }
  return total == 0 ? std::nan("") : static_cast<double>(repeated) / static_cast<double>(total);
}

std::size_t vocab_used(const Samples& sequences) { return word_counts(sequences).size(); }

double zipf_slope(const Samples& sequences) {
  std::vector<double> freq;
  for (const auto& [id, c] : word_counts(sequences)) freq.push_back(static_cast<double>(c));
  if (freq.size() < 2) return std::nan("");
  std::sort(freq.begin(), freq.end(), std::greater<>());
  // Least squares of log f on log rank.
  const double n = static_cast<double>(freq.size());
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (std::size_t r = 0; r < freq.size(); ++r) {
    const double x = std::log(static_cast<double>(r + 1)), y = std::log(freq[r]);
    sx += x; sy += y; sxx += x * x; sxy += x * y;
  }
  return (n * sxy - sx * sy) / (n * sxx - sx * sx);
}

std::vector<bool> tail_types(const std::vector<std::size_t>& counts, double share) {
  std::vector<std::size_t> order;
  std::size_t total = 0;
  for (std::size_t id = 0; id < counts.size(); ++id) {
    if (id == text::kEos || counts[id] == 0) continue;
    order.push_back(id);
    total += counts[id];
  }
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return counts[a] != counts[b] ? counts[a] < counts[b] : a > b;
  });
  std::vector<bool> tail(counts.size(), false);
  std::size_t held = 0;
  for (std::size_t id : order) {
    if (static_cast<double>(held + counts[id]) > share * static_cast<double>(total)) break;
    held += counts[id];
    tail[id] = true;
  }
  return tail;
}

double tail_mass(const Samples& sequences, const std::vector<bool>& tail) {
  std::size_t in = 0, total = 0;
  for (const std::int32_t id : sequences.all_tokens()) {
    const auto t = static_cast<std::uint64_t>(id);
    if (t == text::kEos) continue;
    ++total;
    if (t < tail.size() && tail[t]) ++in;
  }
  return total == 0 ? std::nan("") : static_cast<double>(in) / static_cast<double>(total);
}

std::vector<double> sequence_perplexities(const GenerativeModel& model, const Samples& sequences) {
  const std::optional<std::vector<TokenScore>> scores = model.score_sequences(sequences);
  OURO_CHECK(scores.has_value(), Error, "internal: a {} model scores no token sequences", model.family());
  std::vector<double> out;
  out.reserve(scores->size());
  for (const TokenScore& score : *scores)
    if (score.tokens > 0) out.push_back(score.perplexity());
  return out;
}

}  // namespace text_stats

}  // namespace ouro
