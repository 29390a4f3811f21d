// Interpolated modified Kneser-Ney n-gram language model (Chen & Goodman 1998, section 3.5), orders
// 2-6, with sentence boundaries handled as SRILM and KenLM do.
//
// Training text is a sequence of sentences; each is read as `<s> w1 .. wk </s>`. `<s>` is context
// only (never predicted, probability 0); `</s>` is predicted and counted in perplexity. The
// highest order keeps raw counts; lower orders keep continuation counts N1+(. h w) (the number of
// distinct words seen to the left), except n-grams that begin with `<s>`, which cannot be extended
// to the left and keep raw counts (KenLM's rule). Each order n has three discounts D1, D2, D3+
// from its count-of-counts: Y = n1/(n1 + 2 n2), D1 = 1 - 2Y n2/n1, D2 = 2 - 3Y n3/n2,
// D3+ = 3 - 4Y n4/n3 (a value above c is clamped to c; one that is undefined or not positive,
// as tiny or collapsed corpora give, becomes c/2, KenLM's fallback 0.5, 1, 1.5, so every context
// keeps back-off mass and every word a non-zero probability).
//
//   p(w | h) = max(c(hw) - D(c(hw)), 0) / c(h.) + gamma(h) p(w | h'),
//   gamma(h) = (D1 N1(h.) + D2 N2(h.) + D3+ N3+(h.)) / c(h.),
// with h' the history without its oldest word; a history never seen falls back to h'. The unigram
// level interpolates with the uniform distribution over the vocabulary's predictable types (every
// id except `<s>`), so every type, seen or not, has mass and each context's distribution sums to 1.
//
// Storage is sized for large corpora: contexts live in a reversed trie (newest word first) whose
// edges are an open-addressing hash map keyed by (parent node << 32 | word); the n-grams of each
// context are a sorted slice of flat arrays (word, count, cumulative discounted count), so scoring
// is N hash probes plus binary searches and exact sampling is a binary search per level.
// About 40 bytes per distinct n-gram (all orders), i.e. ~100M tokens at order 3 fit in a few GB.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "ouro/core/rng.hpp"
#include "ouro/text/vocabulary.hpp"

namespace ouro::text {

inline constexpr int kMinOrder = 2;
inline constexpr int kMaxOrder = 6;

// Open-addressing map from 64-bit keys to 32-bit values (linear probing, power-of-two capacity,
// load <= 0.5). Keys must not be ~0.
class U64Map {
 public:
  explicit U64Map(std::size_t expected = 16);
  // The value of `key`, inserting `value_if_new` when absent; second = true when inserted.
  std::pair<std::uint32_t, bool> insert(std::uint64_t key, std::uint32_t value_if_new);
  // The value of `key` or ~0u.
  std::uint32_t find(std::uint64_t key) const;
  std::size_t size() const { return size_; }
  std::size_t bytes() const { return keys_.capacity() * 8 + values_.capacity() * 4; }

 private:
  void grow();
  std::vector<std::uint64_t> keys_;
  std::vector<std::uint32_t> values_;
  std::size_t size_ = 0;
  std::size_t mask_ = 0;
};

struct Discounts {
  double d1 = 0.5, d2 = 1.0, d3 = 1.5;
  double operator()(std::uint32_t count) const { return count == 0 ? 0.0 : count == 1 ? d1 : count == 2 ? d2 : d3; }
};

class KneserNey {
 public:
  // Counts `sentences` (token ids without boundary markers; kBos must not occur in them) for a
  // model of `order` over a vocabulary of `vocab_size` ids (ids >= vocab_size are an error).
  static KneserNey train(std::span<const std::vector<TokenId>> sentences, int order, std::size_t vocab_size);

  // A token stream in which kEos ends a sentence (the customary `<eos>` stream), split into
  // sentences; a trailing fragment without kEos is a sentence too.
  static std::vector<std::vector<TokenId>> split_sentences(std::span<const TokenId> stream);

  int order() const { return order_; }
  std::size_t vocab_size() const { return vocab_size_; }
  const Discounts& discounts(int n) const { return discounts_.at(n - 1); }

  // p(w | history), history oldest-first (only its last order-1 tokens matter; include kBos at a
  // sentence start).
  double prob(std::span<const TokenId> history, TokenId w) const;

  // The full distribution p(. | history) over all ids (p[kBos] = 0), written to `out`.
  void distribution(std::span<const TokenId> history, std::vector<double>& out) const;

  // An exact draw from p(. | history).
  TokenId sample(std::span<const TokenId> history, Rng& rng) const;

  // An exact draw from q(w) proportional to p(w | history)^(1/temperature), temperature in (0, 1],
  // without building the distribution: rejection from p with acceptance (p(w)/B)^(1/T - 1), where
  // B >= max_w p(w | history) is the bound max-alpha + gamma * (bound one level down) kept per
  // context. The expected number of proposals is B^a / sum_w p^(1 + a), a = 1/T - 1 (a few for
  // natural text at T >= 0.5).
  TokenId sample_tempered(std::span<const TokenId> history, double temperature, Rng& rng) const;

  // Sum of natural-log probabilities of the sentences, each scored as `<s> w.. </s>` (</s> counted,
  // <s> not), and the number of predicted tokens (words + one </s> per sentence).
  struct Score {
    double log_prob = 0.0;
    std::size_t tokens = 0;
    double perplexity() const;
  };
  Score score(std::span<const std::vector<TokenId>> sentences) const;

  std::size_t ngrams(int n) const { return ngrams_.at(n - 1); }
  std::size_t memory_bytes() const;

  // Every n-gram of the model in backoff form (ARPA's), order by order, each context's successors
  // in id order: `words` oldest first, `prob` = p(last word | the others) computed exactly as
  // prob() computes it, and `backoff` = gamma of the n-gram as a context (the weight an unseen
  // successor's lower-order probability is multiplied by), or 1 when it is no context (never at
  // the highest order). Unigrams are every id: those never seen get the uniform floor alone, and
  // <s> gets probability 0.
  template <typename Visit>  // void(int n, std::span<const TokenId> words, double prob, double backoff)
  void for_each_ngram(Visit&& visit) const;

 private:
  struct Context {
    std::uint64_t begin = 0, end = 0;  // slice of the successor arrays
    double total = 0.0;                // c(h.)
    double gamma = 0.0;                // backoff weight
    double max_alpha = 0.0;            // largest discounted probability of a successor
  };

  // Context nodes of the history's suffixes, shortest first: nodes[0] = root (empty history).
  int chain(std::span<const TokenId> history, std::array<std::uint32_t, kMaxOrder>& nodes) const;
  double alpha(std::uint32_t node, TokenId w) const;  // discounted mass of w in node, 0 if absent
  double chain_prob(const std::array<std::uint32_t, kMaxOrder>& nodes, int levels, TokenId w) const;
  TokenId chain_sample(const std::array<std::uint32_t, kMaxOrder>& nodes, int levels, Rng& rng) const;

  // The words of context `node`, oldest first, into words[0..depth).
  void context_words(std::uint32_t node, std::span<TokenId> words) const;

  // What for_each_ngram visits, computed order by order: each n-gram's probability from its
  // suffix's (p = alpha + gamma * p(suffix), the recursion chain_prob unrolls, so the same bits)
  // and its node as a context (kNoContext when it is none), found from its suffix's in one probe.
  static constexpr std::uint32_t kNoContext = ~std::uint32_t{0};
  struct BackoffForm {
    std::vector<double> unigram_prob;              // by id
    std::vector<std::uint32_t> unigram_context;    // by id
    std::vector<double> entry_prob;                // by successor entry
    std::vector<std::uint32_t> entry_context;      // by successor entry
    std::vector<std::vector<std::uint32_t>> nodes_by_depth;
  };
  BackoffForm backoff_form() const;

  int order_ = 0;
  std::size_t vocab_size_ = 0;
  std::vector<Discounts> discounts_;
  std::vector<std::size_t> ngrams_;
  U64Map edges_;                      // (parent node << 32 | word) -> child node
  std::vector<std::uint32_t> parent_; // each node's context without its oldest word
  std::vector<TokenId> edge_word_;    // each node's oldest word
  std::vector<std::uint8_t> depth_;   // context length of each node
  std::vector<Context> contexts_;     // per node
  std::vector<TokenId> words_;        // successor words, sorted within a context
  std::vector<std::uint32_t> counts_; // their (adjusted) counts
  std::vector<double> cumulative_;    // running sum of discounted counts within a context
};

template <typename Visit>
void KneserNey::for_each_ngram(Visit&& visit) const {
  const BackoffForm form = backoff_form();
  const auto gamma_of = [&](std::uint32_t node) { return node == kNoContext ? 1.0 : contexts_[node].gamma; };
  std::array<TokenId, kMaxOrder> words{};
  for (TokenId w = 0; w < vocab_size_; ++w) {
    words[0] = w;
    visit(1, std::span<const TokenId>(words.data(), 1), form.unigram_prob[w], gamma_of(form.unigram_context[w]));
  }
  for (int n = 2; n <= order_; ++n) {
    for (const std::uint32_t node : form.nodes_by_depth[static_cast<std::size_t>(n - 1)]) {
      context_words(node, std::span<TokenId>(words.data(), static_cast<std::size_t>(n - 1)));
      for (std::uint64_t i = contexts_[node].begin; i < contexts_[node].end; ++i) {
        words[static_cast<std::size_t>(n - 1)] = words_[i];
        visit(n, std::span<const TokenId>(words.data(), static_cast<std::size_t>(n)), form.entry_prob[i],
              n < order_ ? gamma_of(form.entry_context[i]) : 1.0);
      }
    }
  }
}

}  // namespace ouro::text
