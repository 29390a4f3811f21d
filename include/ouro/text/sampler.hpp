// Decoding as a chain of small samplers (llama.cpp's llama-sampling): temperature -> top-k ->
// top-p -> draw. Each stage transforms a candidate list (token ids with non-negative weights that
// need not be normalised) in place; `draw` picks one with probability proportional to its weight,
// using only ouro::Rng.
//
//   temperature T: w_i <- p_i^(1/T) (T = 1 leaves the list as is; the loop's bias lambda is T)
//   top-k k:       keeps the k heaviest candidates (ties broken by smaller id); k = 0 keeps all
//   top-p p:       keeps the smallest prefix of the candidates sorted by weight (heaviest first,
//                  ties by smaller id) whose mass reaches p of the total; p = 1 keeps all
//
// A neural model's logits pass through the repetition penalty first (Keskar et al. 2019, as Hugging
// Face's RepetitionPenaltyLogitsProcessor applies it before temperature and the filters).
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "ouro/core/rng.hpp"
#include "ouro/text/vocabulary.hpp"

namespace ouro::text {

// Where a language model's synthetic samples start: from the first tokens of a training block (the
// prompt: Shumailov et al.'s continuations) or from <s> alone.
enum class Generation { kPrompted, kUnconditional };

struct Candidates {
  std::vector<TokenId> ids;
  std::vector<double> weights;

  // Every id with a positive probability in a dense distribution p[id].
  static Candidates from_dense(const std::vector<double>& p);
  std::size_t size() const { return ids.size(); }
};

struct SamplerSettings {
  double temperature = 1.0;  // in (0, inf)
  std::size_t top_k = 0;     // 0: off
  double top_p = 1.0;        // in (0, 1]

  // True when the chain leaves the distribution unchanged (an exact draw needs no candidate list).
  bool identity() const { return temperature == 1.0 && top_k == 0 && top_p >= 1.0; }
};

void apply_temperature(Candidates& c, double temperature);
void apply_top_k(Candidates& c, std::size_t k);
void apply_top_p(Candidates& c, double p);
TokenId draw(const Candidates& c, Rng& rng);

// Every token id occurring in `history` has its logit divided by `penalty` when positive and
// multiplied by it otherwise (penalty > 1 discourages repeats; 1 leaves the logits unchanged).
void apply_repetition_penalty(std::span<float> logits, std::span<const TokenId> history, double penalty);

// The whole chain: temperature, top-k, top-p, then one draw.
TokenId sample_chain(Candidates& c, const SamplerSettings& settings, Rng& rng);

}  // namespace ouro::text
