// The sampler chain (see sampler.hpp).
#include "ouro/text/sampler.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "ouro/core/error.hpp"

namespace ouro::text {
namespace {

// Candidates sorted heaviest first, ties by smaller id: a deterministic order for top-k/top-p.
void sort_heaviest_first(Candidates& c) {
  std::vector<std::size_t> order(c.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (c.weights[a] != c.weights[b]) return c.weights[a] > c.weights[b];
    return c.ids[a] < c.ids[b];
  });
  Candidates sorted;
  sorted.ids.reserve(c.size());
  sorted.weights.reserve(c.size());
  for (std::size_t i : order) {
    sorted.ids.push_back(c.ids[i]);
    sorted.weights.push_back(c.weights[i]);
  }
  c = std::move(sorted);
}

}  // namespace

Candidates Candidates::from_dense(const std::vector<double>& p) {
  Candidates c;
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (p[i] > 0.0) {
      c.ids.push_back(static_cast<TokenId>(i));
      c.weights.push_back(p[i]);
    }
  }
  return c;
}

void apply_temperature(Candidates& c, double temperature) {
  OURO_CHECK(temperature > 0.0 && std::isfinite(temperature), ConfigError, "temperature {} must be > 0", temperature);
  if (temperature == 1.0) return;
  // Scale by the largest weight first so that p^(1/T) cannot underflow to 0 for every candidate.
  const double top = *std::max_element(c.weights.begin(), c.weights.end());
  for (double& w : c.weights) w = std::pow(w / top, 1.0 / temperature);
}

void apply_top_k(Candidates& c, std::size_t k) {
  if (k == 0 || k >= c.size()) return;
  sort_heaviest_first(c);
  c.ids.resize(k);
  c.weights.resize(k);
}

void apply_top_p(Candidates& c, double p) {
  OURO_CHECK(p > 0.0 && p <= 1.0, ConfigError, "top-p {} must be in (0, 1]", p);
  if (p >= 1.0) return;
  sort_heaviest_first(c);
  const double total = std::accumulate(c.weights.begin(), c.weights.end(), 0.0);
  double mass = 0.0;
  std::size_t keep = 0;
  while (keep < c.size()) {
    mass += c.weights[keep++];
    if (mass >= p * total) break;
  }
  c.ids.resize(keep);
  c.weights.resize(keep);
}

TokenId draw(const Candidates& c, Rng& rng) {
  OURO_CHECK(c.size() > 0, DataError, "cannot draw from an empty candidate list");
  const double total = std::accumulate(c.weights.begin(), c.weights.end(), 0.0);
  const double u = rng.uniform() * total;
  double running = 0.0;
  for (std::size_t i = 0; i < c.size(); ++i) {
    running += c.weights[i];
    if (u < running) return c.ids[i];
  }
  return c.ids.back();  // rounding: u within an ulp of the total
}

void apply_repetition_penalty(std::span<float> logits, std::span<const TokenId> history, double penalty) {
  OURO_CHECK(penalty > 0.0 && std::isfinite(penalty), ConfigError, "repetition penalty {} must be > 0", penalty);
  if (penalty == 1.0) return;
  std::vector<bool> seen(logits.size(), false);
  for (const TokenId t : history) {
    OURO_CHECK(t < logits.size(), DataError, "repetition penalty: token {} is outside the {} logits", t, logits.size());
    if (seen[t]) continue;  // once per token, however often it occurred
    seen[t] = true;
    float& l = logits[t];
    l = l > 0.0f ? static_cast<float>(l / penalty) : static_cast<float>(l * penalty);
  }
}

TokenId sample_chain(Candidates& c, const SamplerSettings& settings, Rng& rng) {
  apply_temperature(c, settings.temperature);
  apply_top_k(c, settings.top_k);
  apply_top_p(c, settings.top_p);
  return draw(c, rng);
}

}  // namespace ouro::text
