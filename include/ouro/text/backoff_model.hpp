// An n-gram language model in backoff form, the form ARPA files hold, laid out for scoring speed.
//
//   p(w | h) = prob(h w)                   when the n-gram h w is listed,
//            = backoff(h) * p(w | h')      otherwise, h' being h without its oldest word,
// with backoff(h) = 1 for a history that is not listed as a context. An interpolated Kneser-Ney
// model (kneser_ney.hpp) is this form exactly: each listed n-gram's probability is the
// interpolated one and backoff(h) is gamma(h); from() converts one with every probability
// computed by the same arithmetic as KneserNey::prob, so scores are bit for bit the same.
//
// Layout (KenLM's "probing" structure): unigrams in an array indexed by id; each higher order in
// an open-addressing table (linear probing, 1.5 slots per n-gram) keyed by a 64-bit hash of the
// n-gram's ids, with the probability and back-off weight beside the key. Keys are not checked
// against the words (as in KenLM): two n-grams of one order with the same 64-bit hash are refused
// when the table is built, and an unlisted n-gram is mistaken for a listed one with probability
// about (listed n-grams) / 2^64 per lookup. Scoring carries a State between words (the listed
// n-grams that end at the last word, newest first, with their back-off weights), so each word
// costs at most one lookup per order. About 36 bytes per n-gram of order 2 and above.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "ouro/core/huge_page_allocator.hpp"
#include "ouro/text/kneser_ney.hpp"
#include "ouro/text/vocabulary.hpp"

namespace ouro::text {

class BackoffModel {
 public:
  // The words the next word is scored after: the listed n-grams ending at the last word (length
  // 1..length, newest word first) and each one's back-off weight.
  struct State {
    std::array<TokenId, kMaxOrder - 1> words{};
    std::array<double, kMaxOrder - 1> backoff{};
    int length = 0;
  };

  // One listed n-gram: its key (hash of its ids), probability and back-off weight.
  struct Entry {
    std::uint64_t key = 0;  // 0: empty slot
    double prob = 0.0;
    double backoff = 1.0;
  };
  // A probing table: its slots in huge pages where the kernel gives them.
  using Table = std::vector<Entry, HugePageAllocator<Entry>>;

  // The model `model` is in backoff form; probabilities bit for bit those of model.prob().
  static BackoffModel from(const KneserNey& model);

  int order() const { return order_; }
  std::size_t vocab_size() const { return unigrams_.size(); }
  std::size_t ngrams(int n) const { return n == 1 ? unigrams_.size() : counts_.at(static_cast<std::size_t>(n - 1)); }
  std::size_t memory_bytes() const;

  // The state at a sentence start: the context <s>.
  State sentence_start() const;
  // p(w | state) (w < vocab_size(); map unknown words to kUnk first); `next` becomes the state
  // after w. `next` must not be `state`.
  double prob(const State& state, TokenId w, State& next) const;
  // The probabilities of a sentence's words and of its closing </s>, each after <s> and the words
  // before it: out[j] for words[j], out.back() for </s>. The same values as prob() along the
  // sentence, but the table slots of the n-grams a few words ahead are prefetched, so that their
  // memory latency (the tables are far larger than the caches) overlaps the current lookups.
  // DataError for an id outside the vocabulary.
  void sentence_probs(std::span<const TokenId> words, std::vector<double>& out) const;
  // As KneserNey::score: each sentence scored as `<s> w.. </s>`, natural logs summed.
  KneserNey::Score score(std::span<const std::vector<TokenId>> sentences) const;

  // The raw layout, for the binary file (lm_file.hpp): unigram probabilities and back-off weights
  // by id, and each higher order's slots (capacity = slots.size()).
  const std::vector<Entry>& unigrams() const { return unigrams_; }
  const Table& table(int n) const { return tables_.at(static_cast<std::size_t>(n - 2)); }
  // A model from that raw layout: DataError when a table's slot count is not what its n-gram count
  // gives, or its occupied slots are not that count.
  static BackoffModel from_layout(std::vector<Entry> unigrams, std::vector<Table> tables,
                                  std::span<const std::size_t> counts);

 private:
  friend class BackoffModelBuilder;
  const Entry* find(int n, std::uint64_t key) const;
  void prefetch(std::span<const TokenId> words, std::size_t j) const;

  int order_ = 0;
  std::vector<std::size_t> counts_;             // n-grams per order (counts_[0] = vocabulary size)
  std::vector<Entry> unigrams_;                 // by id; key unused
  std::vector<Table> tables_;                   // orders 2..order
};

// Fills a BackoffModel n-gram by n-gram, in any order (ARPA's is all unigrams, then each higher
// order). The counts per order are fixed up front, as an ARPA header gives them.
class BackoffModelBuilder {
 public:
  // `counts[n - 1]` n-grams of order n: counts.size() is the order (2..kMaxOrder), counts[0] the
  // vocabulary size (the unigrams are ids 0..counts[0]-1).
  explicit BackoffModelBuilder(std::span<const std::size_t> counts);
  // Lists `words` (ids, oldest first; 1..order of them). DataError when that order's count is
  // already reached, an id is outside the vocabulary or the n-gram was listed before.
  void add(std::span<const TokenId> words, double prob, double backoff);
  // The model; DataError naming the order when fewer n-grams were added than its count.
  BackoffModel finish();

 private:
  BackoffModel model_;
  std::vector<std::size_t> added_;
  std::vector<bool> unigram_listed_;
};

// The slots of a table holding `count` n-grams.
std::size_t backoff_table_slots(std::size_t count);

}  // namespace ouro::text
