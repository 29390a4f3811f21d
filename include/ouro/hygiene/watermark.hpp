// The KGW watermark (Kirchenbauer et al. 2023, "A Watermark for Large Language Models"), compatible
// with the reference implementation (jwkirchenbauer/lm-watermarking, extended_watermark_processor.py
// and alternative_prf_schemes.py): green lists are drawn exactly as it draws them, so text either
// watermarks is detected by the other (docs/hygiene.md#watermark).
//
// At every step of generation a pseudo-random function of the preceding tokens seeds torch's
// randperm of the vocabulary (torch_randperm.hpp); its first floor(V * gamma) ids are the green
// list, and delta is added to their logits. A detector that knows the key counts how many scored
// tokens are green: G of T, against gamma * T expected without the watermark,
//   z = (G - gamma T) / sqrt(T gamma (1 - gamma)),
// with the normal tail p-value (the reference's) and the exact binomial one P(Bin(T, gamma) >= G).
//
// Schemes (the reference's names):
//   simple_1   seed = key * (previous token): one token of context; detection scores every bigram
//   selfhash   four tokens of context, the last being the candidate itself ("self-salted"):
//              seed = min over the four of key * hashint(x_i) * hashint(x_candidate) in wrapping
//              int64 arithmetic, hashint(x) = table[x mod 1,000,003] + 1, table = torch's CPU
//              randperm(1,000,003) with seed 2971215073. A candidate is green when it is in the
//              green list its own seed draws; detection scores every 4-gram.
// Either seed reaches torch's manual_seed as (Python's) seed mod (2^64 - 1), non-negative.
//
// Detection counts each distinct scored n-gram once by default (the reference's
// ignore_repeated_ngrams = True: repeated phrases carry no new evidence); count_repeats scores every
// occurrence. A document is flagged when z > z_threshold, strictly (z = 4.0 exactly is not).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string_view>
#include <vector>

#include "ouro/text/vocabulary.hpp"

namespace ouro::hygiene {

enum class WatermarkScheme { kSimple1, kSelfHash };

std::string_view watermark_scheme_name(WatermarkScheme scheme);
// False for a name other than "simple_1" and "selfhash".
bool parse_watermark_scheme(std::string_view name, WatermarkScheme* scheme);

struct WatermarkSettings {
  WatermarkScheme scheme = WatermarkScheme::kSelfHash;
  double gamma = 0.25;               // green share of the vocabulary, in (0, 1)
  double delta = 2.0;                // logit bias of green tokens when generating, >= 0
  std::uint64_t key = 15485863;      // the reference's hash_key; at most 2^63 - 1 (torch's int64)
  std::int64_t vocab_size = 0;       // ids 0 .. vocab_size - 1 are drawn into green lists
  double z_threshold = 4.0;          // flagged when z > z_threshold
  bool count_repeats = false;        // score every occurrence of an n-gram, not each distinct one
};

// One document's detection result. Documents shorter than context_width() + 1 tokens cannot be
// scored (the reference refuses them): T = 0, z and both p-values NaN, not flagged.
struct WatermarkScore {
  std::size_t tokens = 0;   // the document's length
  std::size_t scored = 0;   // T
  std::size_t green = 0;    // G
  double z = 0.0;
  double p_normal = 0.0;    // P(N(0, 1) > z)
  double p_binomial = 0.0;  // P(Bin(T, gamma) >= G)
  bool flagged = false;     // z > z_threshold

  double green_fraction() const;  // G / T (NaN when T = 0)
};

class Watermark {
 public:
  // Throws ConfigError naming the setting that is out of range.
  explicit Watermark(const WatermarkSettings& settings);

  const WatermarkSettings& settings() const { return settings_; }
  // Tokens the seed reads: 1 (simple_1) or 4 (selfhash: three before the candidate, and it).
  std::size_t context_width() const;
  bool self_salted() const { return settings_.scheme == WatermarkScheme::kSelfHash; }
  // floor(vocab_size * gamma), as the reference's int(vocab_size * gamma).
  std::size_t green_list_size() const { return green_list_size_; }

  // The seed torch receives for the last context_width() tokens of `context` (which must hold at
  // least that many; for selfhash the last one is the candidate).
  std::uint64_t seed(std::span<const text::TokenId> context) const;
  // The green list those tokens draw, in torch's order.
  std::vector<text::TokenId> green_list(std::span<const text::TokenId> context) const;
  // Whether the last token of `ngram` is green under the seed of `ngram`'s context: simple_1 reads a
  // bigram (its first token seeds), selfhash a 4-gram (all four seed).
  bool is_green(std::span<const text::TokenId> ngram) const;

  // Generation: adds delta to the logits of `history`'s green tokens (logits.size() may exceed
  // vocab_size: ids beyond it are never green). simple_1 draws the list of history's last token;
  // selfhash checks the 41 highest-scoring candidates (logit descending, ties by smaller id), each
  // against the green list seeded by the last three history tokens and itself, as the reference's
  // rejection sampler does. With fewer history tokens than the seed needs, nothing is biased.
  void bias_logits(std::span<const text::TokenId> history, std::span<float> logits) const;
  // The same on a distribution's weights (a probability p has logit ln p + const): green weights are
  // multiplied by e^delta; the result is unnormalised. What an n-gram model's sampler uses.
  void bias_probabilities(std::span<const text::TokenId> history, std::span<double> weights) const;

  // Detection on one document's token ids (each below vocab_size; DataError otherwise).
  WatermarkScore score(std::span<const text::TokenId> tokens) const;

 private:
  // The ids the bias applies to among `candidates` scored ids, ranked by `ranks_before` (selfhash).
  std::vector<text::TokenId> biased_ids(std::span<const text::TokenId> history, std::size_t candidates,
                                        const std::function<bool(text::TokenId, text::TokenId)>& ranks_before) const;

  WatermarkSettings settings_;
  std::size_t green_list_size_;
};

// P(N(0, 1) > z) and P(Bin(trials, p) >= successes), to full double precision in the tails.
double normal_upper_tail(double z);
double binomial_upper_tail(std::size_t successes, std::size_t trials, double p);

}  // namespace ouro::hygiene
