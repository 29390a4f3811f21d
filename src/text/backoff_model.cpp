// BackoffModel (see backoff_model.hpp): the probing tables, the scorer and the builder.
#include "ouro/text/backoff_model.hpp"

#include <algorithm>
#include <cmath>

#include "ouro/core/error.hpp"

namespace ouro::text {
namespace {

std::uint64_t mix(std::uint64_t x) {  // splitmix64's finaliser
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// The hash of an n-gram is built from its newest word back, one word at a time, so that scoring
// extends the key of the order below by the next older word. 0 marks an empty slot, so a key that
// hashes to 0 is stored as 1.
std::uint64_t first_key(TokenId newest) { return mix(std::uint64_t{newest} + 1); }
std::uint64_t next_key(std::uint64_t key, TokenId older) {
  return mix(key * 0x9e3779b97f4a7c15ULL ^ (std::uint64_t{older} + 1));
}
std::uint64_t stored(std::uint64_t key) { return key == 0 ? 1 : key; }

// Slot of `key` in a table of `slots` slots: the high bits of key * slots (Lemire's range
// reduction), so the table needs no power-of-two size.
__extension__ using Wide = unsigned __int128;  // GCC's and clang's 128-bit integer (-Wpedantic)
std::size_t home_slot(std::uint64_t key, std::size_t slots) {
  return static_cast<std::size_t>((static_cast<Wide>(key) * slots) >> 64);
}

std::uint64_t key_of(std::span<const TokenId> words) {  // words oldest first
  std::uint64_t key = first_key(words.back());
  for (std::size_t k = words.size() - 1; k-- > 0;) key = next_key(key, words[k]);
  return stored(key);
}

}  // namespace

std::size_t backoff_table_slots(std::size_t count) { return count + count / 2 + 1; }

const BackoffModel::Entry* BackoffModel::find(int n, std::uint64_t key) const {
  const Table& table = tables_[static_cast<std::size_t>(n - 2)];
  key = stored(key);
  for (std::size_t slot = home_slot(key, table.size());;) {
    const Entry& e = table[slot];
    if (e.key == key) return &e;
    if (e.key == 0) return nullptr;
    if (++slot == table.size()) slot = 0;
  }
}

BackoffModel::State BackoffModel::sentence_start() const {
  State state;
  state.words[0] = kBos;
  state.backoff[0] = unigrams_[kBos].backoff;
  state.length = order_ > 1 ? 1 : 0;
  return state;
}

double BackoffModel::prob(const State& state, TokenId w, State& next) const {
  // The longest listed n-gram ending at w gives the probability; every context of the state
  // longer than its history multiplies in its back-off weight, shortest first (the order in which
  // KneserNey::chain_prob multiplies its gammas, so the products round alike).
  double p = unigrams_[w].prob;
  next.words[0] = w;
  next.backoff[0] = unigrams_[w].backoff;
  int matched = 1;  // order of the longest listed n-gram ending at w
  std::uint64_t key = first_key(w);
  for (int k = 0; k < state.length; ++k) {
    key = next_key(key, state.words[static_cast<std::size_t>(k)]);
    const Entry* e = find(k + 2, key);
    if (e == nullptr) break;
    p = e->prob;
    matched = k + 2;
    if (k + 1 < order_ - 1) {
      next.words[static_cast<std::size_t>(k + 1)] = state.words[static_cast<std::size_t>(k)];
      next.backoff[static_cast<std::size_t>(k + 1)] = e->backoff;
    }
  }
  for (int k = matched - 1; k < state.length; ++k) p = state.backoff[static_cast<std::size_t>(k)] * p;
  next.length = std::min(matched, order_ - 1);
  return p;
}

// Prefetches the slots of the n-grams that end at position j of `<s> words </s>` (j = 0 is the
// first word, j = words.size() the </s>).
void BackoffModel::prefetch(std::span<const TokenId> words, std::size_t j) const {
  const auto at = [&](std::ptrdiff_t k) { return k < 0 ? kBos : static_cast<std::size_t>(k) < words.size() ? words[static_cast<std::size_t>(k)] : kEos; };
  const auto position = static_cast<std::ptrdiff_t>(j);
  std::uint64_t key = first_key(at(position));
  for (int n = 2; n <= order_ && position - (n - 1) >= -1; ++n) {
    key = next_key(key, at(position - (n - 1)));
    const Table& table = tables_[static_cast<std::size_t>(n - 2)];
    __builtin_prefetch(table.data() + home_slot(stored(key), table.size()));
  }
}

void BackoffModel::sentence_probs(std::span<const TokenId> words, std::vector<double>& out) const {
  for (const TokenId w : words)
    OURO_CHECK(w < unigrams_.size(), DataError, "token id {} is outside the model's {}-word vocabulary", w,
               unigrams_.size());
  constexpr std::size_t kAhead = 4;  // words prefetched ahead: enough to cover a memory access
  out.resize(words.size() + 1);
  for (std::size_t j = 0; j < std::min(kAhead, out.size()); ++j) prefetch(words, j);
  State state = sentence_start(), next;
  for (std::size_t j = 0; j < out.size(); ++j) {
    if (j + kAhead < out.size()) prefetch(words, j + kAhead);
    out[j] = prob(state, j < words.size() ? words[j] : kEos, next);
    std::swap(state, next);
  }
}

KneserNey::Score BackoffModel::score(std::span<const std::vector<TokenId>> sentences) const {
  KneserNey::Score s;
  std::vector<double> probs;
  for (const auto& sentence : sentences) {
    sentence_probs(sentence, probs);
    for (const double p : probs) s.log_prob += std::log(p);
    s.tokens += probs.size();
  }
  return s;
}

std::size_t BackoffModel::memory_bytes() const {
  std::size_t bytes = unigrams_.capacity() * sizeof(Entry);
  for (const auto& t : tables_) bytes += t.capacity() * sizeof(Entry);
  return bytes;
}

BackoffModel BackoffModel::from(const KneserNey& model) {
  std::vector<std::size_t> counts;
  for (int n = 1; n <= model.order(); ++n) counts.push_back(n == 1 ? model.vocab_size() : model.ngrams(n));
  BackoffModelBuilder builder(counts);
  model.for_each_ngram([&](int, std::span<const TokenId> words, double prob, double backoff) {
    builder.add(words, prob, backoff);
  });
  return builder.finish();
}

BackoffModel BackoffModel::from_layout(std::vector<Entry> unigrams, std::vector<Table> tables,
                                       std::span<const std::size_t> counts) {
  OURO_CHECK(counts.size() >= static_cast<std::size_t>(kMinOrder) && counts.size() <= static_cast<std::size_t>(kMaxOrder) &&
                 tables.size() + 1 == counts.size() && unigrams.size() == counts[0],
             DataError, "an n-gram model of order {} with {} unigrams needs {} tables and {} unigram entries",
             counts.size(), counts[0], counts.size() - 1, counts[0]);
  for (std::size_t t = 0; t < tables.size(); ++t) {
    OURO_CHECK(tables[t].size() == backoff_table_slots(counts[t + 1]), DataError,
               "the {}-gram table has {} slots; {} n-grams need {}", t + 2, tables[t].size(), counts[t + 1],
               backoff_table_slots(counts[t + 1]));
    const auto used = static_cast<std::size_t>(
        std::count_if(tables[t].begin(), tables[t].end(), [](const Entry& e) { return e.key != 0; }));
    OURO_CHECK(used == counts[t + 1], DataError, "the {}-gram table holds {} n-grams; its count says {}", t + 2, used,
               counts[t + 1]);
  }
  BackoffModel model;
  model.order_ = static_cast<int>(counts.size());
  model.counts_.assign(counts.begin(), counts.end());
  model.unigrams_ = std::move(unigrams);
  model.tables_ = std::move(tables);
  return model;
}

BackoffModelBuilder::BackoffModelBuilder(std::span<const std::size_t> counts) {
  OURO_CHECK(counts.size() >= static_cast<std::size_t>(kMinOrder) && counts.size() <= static_cast<std::size_t>(kMaxOrder),
             DataError, "an n-gram model of order {} is not supported; orders {} to {} are", counts.size(), kMinOrder,
             kMaxOrder);
  OURO_CHECK(counts[0] > kBos, DataError, "the vocabulary must hold <unk>, </s> and <s>; it has {} words", counts[0]);
  model_.order_ = static_cast<int>(counts.size());
  model_.counts_.assign(counts.begin(), counts.end());
  model_.unigrams_.assign(counts[0], BackoffModel::Entry{});
  for (std::size_t n = 1; n < counts.size(); ++n) model_.tables_.emplace_back(backoff_table_slots(counts[n]));
  added_.assign(counts.size(), 0);
  unigram_listed_.assign(counts[0], false);
}

void BackoffModelBuilder::add(std::span<const TokenId> words, double prob, double backoff) {
  const std::size_t n = words.size();
  OURO_CHECK(n >= 1 && n <= added_.size(), DataError, "a {}-gram does not fit a model of order {}", n, added_.size());
  OURO_CHECK(added_[n - 1] < model_.counts_[n - 1], DataError, "more {}-grams than the {} the counts give", n,
             model_.counts_[n - 1]);
  for (TokenId w : words)
    OURO_CHECK(w < model_.unigrams_.size(), DataError, "word id {} is outside the {}-word vocabulary", w,
               model_.unigrams_.size());
  ++added_[n - 1];
  if (n == 1) {
    OURO_CHECK(!unigram_listed_[words[0]], DataError, "unigram id {} is listed twice", words[0]);
    unigram_listed_[words[0]] = true;
    model_.unigrams_[words[0]] = {0, prob, backoff};
    return;
  }
  BackoffModel::Table& table = model_.tables_[n - 2];
  const std::uint64_t key = key_of(words);
  std::size_t slot = home_slot(key, table.size());
  while (table[slot].key != 0) {
    // Either the same n-gram listed twice or two n-grams whose 64-bit hashes meet (odds about
    // count^2 / 2^65): both leave lookups ambiguous, so neither is accepted.
    OURO_CHECK(table[slot].key != key, DataError, "{}-gram {} is listed twice (or shares its 64-bit hash)", n,
               added_[n - 1]);
    if (++slot == table.size()) slot = 0;
  }
  table[slot] = {key, prob, backoff};
}

BackoffModel BackoffModelBuilder::finish() {
  for (std::size_t n = 1; n <= added_.size(); ++n)
    OURO_CHECK(added_[n - 1] == model_.counts_[n - 1], DataError, "{} {}-grams were listed; the counts give {}",
               added_[n - 1], n, model_.counts_[n - 1]);
  return std::move(model_);
}

}  // namespace ouro::text
