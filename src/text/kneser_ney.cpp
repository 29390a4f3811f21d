// Interpolated modified Kneser-Ney (see kneser_ney.hpp for the definitions and the storage).
#include "ouro/text/kneser_ney.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "ouro/core/error.hpp"

namespace ouro::text {
namespace {

constexpr std::uint64_t kEmpty = ~std::uint64_t{0};
constexpr std::uint32_t kNone = ~std::uint32_t{0};

std::uint64_t mix(std::uint64_t x) {  // splitmix64 finaliser: packed ids are far from uniform
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

std::uint64_t pack(std::uint32_t node, TokenId word) { return (std::uint64_t{node} << 32) | word; }

// One discount, kept in (0, c]. An undefined ratio (no counts of that size) or a non-positive
// estimate, which only tiny or collapsed corpora produce, falls back to c / 2 (KenLM's fallback
// discounts 0.5, 1, 1.5): a discount of 0 would leave a context whose successors all share that
// count without back-off mass, so every other word would get probability 0 after it.
double clamp_discount(double value, double c) {
  if (!std::isfinite(value) || value <= 0.0) return c / 2.0;
  return std::min(value, c);
}

Discounts estimate_discounts(const std::array<double, 5>& n) {
  Discounts d;
  const double y = n[1] / (n[1] + 2.0 * n[2]);
  d.d1 = clamp_discount(1.0 - 2.0 * y * n[2] / n[1], 1.0);
  d.d2 = clamp_discount(2.0 - 3.0 * y * n[3] / n[2], 2.0);
  d.d3 = clamp_discount(3.0 - 4.0 * y * n[4] / n[3], 3.0);
  return d;
}

}  // namespace

U64Map::U64Map(std::size_t expected) {
  std::size_t capacity = 16;
  while (capacity < 2 * expected) capacity *= 2;
  keys_.assign(capacity, kEmpty);
  values_.assign(capacity, 0);
  mask_ = capacity - 1;
}

void U64Map::grow() {
  std::vector<std::uint64_t> keys(keys_.size() * 2, kEmpty);
  std::vector<std::uint32_t> values(keys.size(), 0);
  const std::size_t mask = keys.size() - 1;
  for (std::size_t i = 0; i < keys_.size(); ++i) {
    if (keys_[i] == kEmpty) continue;
    std::size_t slot = mix(keys_[i]) & mask;
    while (keys[slot] != kEmpty) slot = (slot + 1) & mask;
    keys[slot] = keys_[i];
    values[slot] = values_[i];
  }
  keys_.swap(keys);
  values_.swap(values);
  mask_ = mask;
}

std::pair<std::uint32_t, bool> U64Map::insert(std::uint64_t key, std::uint32_t value_if_new) {
  if (2 * (size_ + 1) > keys_.size()) grow();
  std::size_t slot = mix(key) & mask_;
  while (keys_[slot] != kEmpty) {
    if (keys_[slot] == key) return {values_[slot], false};
    slot = (slot + 1) & mask_;
  }
  keys_[slot] = key;
  values_[slot] = value_if_new;
  ++size_;
  return {value_if_new, true};
}

std::uint32_t U64Map::find(std::uint64_t key) const {
  std::size_t slot = mix(key) & mask_;
  while (keys_[slot] != kEmpty) {
    if (keys_[slot] == key) return values_[slot];
    slot = (slot + 1) & mask_;
  }
  return kNone;
}

std::vector<std::vector<TokenId>> KneserNey::split_sentences(std::span<const TokenId> stream) {
  std::vector<std::vector<TokenId>> sentences;
  std::vector<TokenId> current;
  for (TokenId t : stream) {
    if (t == kEos) {
      sentences.push_back(std::move(current));
      current.clear();
    } else {
      current.push_back(t);
    }
  }
  if (!current.empty()) sentences.push_back(std::move(current));
  return sentences;
}

KneserNey KneserNey::train(std::span<const std::vector<TokenId>> sentences, int order, std::size_t vocab_size) {
  OURO_CHECK(order >= kMinOrder && order <= kMaxOrder, ConfigError, "n-gram order {} is out of range; expected {} to {}",
             order, kMinOrder, kMaxOrder);
  OURO_CHECK(vocab_size > kBos, DataError, "the vocabulary must hold the reserved ids <unk>, </s>, <s>");
  std::size_t total_tokens = 0;
  for (const auto& s : sentences) total_tokens += s.size() + 1;
  OURO_CHECK(total_tokens > 0, DataError, "cannot train an n-gram model on an empty corpus");

  KneserNey model;
  model.order_ = order;
  model.vocab_size_ = vocab_size;
  const auto n_orders = static_cast<std::size_t>(order);

  // Context nodes: the reversed trie. Node 0 is the empty context.
  std::vector<std::uint32_t>& parent = model.parent_;
  std::vector<TokenId>& edge_word = model.edge_word_;
  parent.assign(1, 0);
  edge_word.assign(1, kBos);
  model.depth_.push_back(0);
  model.edges_ = U64Map(total_tokens);
  const auto child = [&](std::uint32_t node, TokenId word) {
    const auto next = static_cast<std::uint32_t>(parent.size());
    const auto [id, inserted] = model.edges_.insert(pack(node, word), next);
    if (inserted) {
      parent.push_back(node);
      edge_word.push_back(word);
      model.depth_.push_back(static_cast<std::uint8_t>(model.depth_[node] + 1));
    }
    return id;
  };

  // n-grams of each order: key (context node, word) -> index into keys/counts.
  std::vector<U64Map> index;
  for (std::size_t n = 0; n < n_orders; ++n) index.emplace_back(n == 0 ? vocab_size : total_tokens);
  std::vector<std::vector<std::uint64_t>> keys(n_orders);
  std::vector<std::vector<std::uint32_t>> counts(n_orders);
  const auto add = [&](std::size_t n, std::uint64_t key, std::uint32_t amount) {
    const auto next = static_cast<std::uint32_t>(keys[n - 1].size());
    const auto [i, inserted] = index[n - 1].insert(key, next);
    if (inserted) {
      keys[n - 1].push_back(key);
      counts[n - 1].push_back(0);
    }
    counts[n - 1][i] += amount;
  };

  // Raw counts of the longest n-gram ending at each position.
  std::vector<TokenId> padded;
  for (const auto& sentence : sentences) {
    padded.assign(1, kBos);
    for (TokenId t : sentence) {
      OURO_CHECK(t < vocab_size && t != kBos, DataError, "token id {} is {}", t,
                 t == kBos ? "<s>, which marks sentence starts only" : "outside the vocabulary");
      padded.push_back(t);
    }
    padded.push_back(kEos);
    for (std::size_t j = 1; j < padded.size(); ++j) {
      const std::size_t m = std::min(n_orders, j + 1);
      std::uint32_t node = 0;
      for (std::size_t len = 1; len < m; ++len) node = child(node, padded[j - len]);
      add(m, pack(node, padded[j]), 1);
    }
  }

  // Continuation counts: each distinct n-gram adds one to its suffix (n-1)-gram, unless that suffix
  // begins with <s> (it keeps its raw count).
  for (std::size_t n = n_orders; n >= 2; --n) {
    for (std::uint64_t key : keys[n - 1]) {
      const auto node = static_cast<std::uint32_t>(key >> 32);
      const std::uint32_t suffix = parent[node];
      if (suffix != 0 && edge_word[suffix] == kBos) continue;
      add(n - 1, pack(suffix, static_cast<TokenId>(key)), 1);
    }
  }
  index.clear();

  // Discounts per order from the count-of-counts.
  for (std::size_t n = 1; n <= n_orders; ++n) {
    std::array<double, 5> coc{};
    for (std::uint32_t c : counts[n - 1])
      if (c <= 4) coc[c] += 1.0;
    model.discounts_.push_back(estimate_discounts(coc));
    model.ngrams_.push_back(keys[n - 1].size());
  }

  // Successor slices: all n-grams sorted by (context node, word).
  struct Entry {
    std::uint64_t key;
    std::uint32_t count;
  };
  std::vector<Entry> entries;
  for (std::size_t n = 0; n < n_orders; ++n) {
    for (std::size_t i = 0; i < keys[n].size(); ++i) entries.push_back({keys[n][i], counts[n][i]});
    std::vector<std::uint64_t>().swap(keys[n]);
    std::vector<std::uint32_t>().swap(counts[n]);
  }
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.key < b.key; });
  model.contexts_.assign(parent.size(), Context{});
  model.words_.resize(entries.size());
  model.counts_.resize(entries.size());
  model.cumulative_.resize(entries.size());
  for (std::size_t i = 0; i < entries.size();) {
    const auto node = static_cast<std::uint32_t>(entries[i].key >> 32);
    const Discounts& d = model.discounts_[model.depth_[node]];
    Context& ctx = model.contexts_[node];
    ctx.begin = i;
    double running = 0.0, held = 0.0;
    for (; i < entries.size() && static_cast<std::uint32_t>(entries[i].key >> 32) == node; ++i) {
      const std::uint32_t c = entries[i].count;
      model.words_[i] = static_cast<TokenId>(entries[i].key);
      model.counts_[i] = c;
      ctx.total += c;
      held += d(c);
      running += std::max(c - d(c), 0.0);
      ctx.max_alpha = std::max(ctx.max_alpha, std::max(c - d(c), 0.0));
      model.cumulative_[i] = running;
    }
    ctx.end = i;
    ctx.gamma = held / ctx.total;
    ctx.max_alpha /= ctx.total;
  }
  return model;
}

int KneserNey::chain(std::span<const TokenId> history, std::array<std::uint32_t, kMaxOrder>& nodes) const {
  nodes[0] = 0;
  const std::size_t longest = std::min<std::size_t>(history.size(), static_cast<std::size_t>(order_ - 1));
  int found = 0;
  for (std::size_t len = 1; len <= longest; ++len) {
    const std::uint32_t next = edges_.find(pack(nodes[len - 1], history[history.size() - len]));
    if (next == kNone || contexts_[next].total == 0.0) break;
    nodes[len] = next;
    found = static_cast<int>(len);
  }
  return found;
}

void KneserNey::context_words(std::uint32_t node, std::span<TokenId> words) const {
  for (TokenId& w : words) {
    w = edge_word_[node];
    node = parent_[node];
  }
}

KneserNey::BackoffForm KneserNey::backoff_form() const {
  BackoffForm form;
  const auto as_context = [&](std::uint32_t parent, TokenId word) {
    if (parent == kNoContext) return kNoContext;
    const std::uint32_t node = edges_.find(pack(parent, word));
    return node == kNone || contexts_[node].total == 0.0 ? kNoContext : node;
  };
  const std::array<std::uint32_t, kMaxOrder> root{};
  form.unigram_prob.resize(vocab_size_);
  form.unigram_context.resize(vocab_size_);
  for (TokenId w = 0; w < vocab_size_; ++w) {
    form.unigram_prob[w] = chain_prob(root, 0, w);
    form.unigram_context[w] = as_context(0, w);
  }
  form.nodes_by_depth.resize(static_cast<std::size_t>(order_));
  for (std::uint32_t node = 1; node < contexts_.size(); ++node) form.nodes_by_depth[depth_[node]].push_back(node);
  form.entry_prob.resize(words_.size());
  form.entry_context.resize(words_.size());
  std::array<std::uint32_t, kMaxOrder> chain{};
  for (std::size_t depth = 1; depth < form.nodes_by_depth.size(); ++depth) {
    for (const std::uint32_t node : form.nodes_by_depth[depth]) {
      const Context& ctx = contexts_[node];
      const std::uint32_t suffix = parent_[node];
      const Context& lower = contexts_[suffix];
      for (std::uint64_t i = ctx.begin; i < ctx.end; ++i) {
        const TokenId w = words_[i];
        double lower_prob;
        std::uint32_t lower_context;
        const auto first = words_.begin() + static_cast<std::ptrdiff_t>(lower.begin);
        const auto last = words_.begin() + static_cast<std::ptrdiff_t>(lower.end);
        const auto it = suffix == 0 ? last : std::lower_bound(first, last, w);
        if (suffix == 0) {
          lower_prob = form.unigram_prob[w];
          lower_context = form.unigram_context[w];
        } else if (it != last && *it == w) {
          const auto j = static_cast<std::size_t>(it - words_.begin());
          lower_prob = form.entry_prob[j];
          lower_context = form.entry_context[j];
        } else {  // the suffix does not list w (Kneser-Ney's continuation counts make this rare)
          for (std::uint32_t up = suffix, l = static_cast<std::uint32_t>(depth - 1); l > 0; up = parent_[up], --l)
            chain[l] = up;
          lower_prob = chain_prob(chain, static_cast<int>(depth - 1), w);
          std::array<TokenId, kMaxOrder> words{};
          context_words(suffix, std::span<TokenId>(words.data(), depth - 1));
          lower_context = form.unigram_context[w];
          for (std::size_t k = depth - 1; k-- > 0;) lower_context = as_context(lower_context, words[k]);
        }
        const std::uint32_t c = counts_[i];  // alpha(node, w), without its search
        form.entry_prob[i] = std::max(c - discounts_[depth](c), 0.0) / ctx.total + ctx.gamma * lower_prob;
        form.entry_context[i] = as_context(lower_context, edge_word_[node]);
      }
    }
  }
  return form;
}

double KneserNey::alpha(std::uint32_t node, TokenId w) const {
  const Context& ctx = contexts_[node];
  const auto first = words_.begin() + static_cast<std::ptrdiff_t>(ctx.begin);
  const auto last = words_.begin() + static_cast<std::ptrdiff_t>(ctx.end);
  const auto it = std::lower_bound(first, last, w);
  if (it == last || *it != w) return 0.0;
  const std::uint32_t c = counts_[static_cast<std::size_t>(it - words_.begin())];
  return std::max(c - discounts_[depth_[node]](c), 0.0) / ctx.total;
}

double KneserNey::chain_prob(const std::array<std::uint32_t, kMaxOrder>& nodes, int levels, TokenId w) const {
  if (w == kBos || w >= vocab_size_) return 0.0;
  double p = alpha(0, w) + contexts_[0].gamma / static_cast<double>(vocab_size_ - 1);
  for (int l = 1; l <= levels; ++l) p = alpha(nodes[l], w) + contexts_[nodes[l]].gamma * p;
  return p;
}

double KneserNey::prob(std::span<const TokenId> history, TokenId w) const {
  std::array<std::uint32_t, kMaxOrder> nodes{};
  const int levels = chain(history, nodes);
  return chain_prob(nodes, levels, w);
}

void KneserNey::distribution(std::span<const TokenId> history, std::vector<double>& out) const {
  out.assign(vocab_size_, 0.0);
  std::array<std::uint32_t, kMaxOrder> nodes{};
  const int levels = chain(history, nodes);
  double weight = 1.0;
  for (int l = levels; l >= 0; --l) {
    const Context& ctx = contexts_[nodes[l]];
    const Discounts& d = discounts_[depth_[nodes[l]]];
    for (std::uint64_t i = ctx.begin; i < ctx.end; ++i)
      out[words_[i]] += weight * std::max(counts_[i] - d(counts_[i]), 0.0) / ctx.total;
    weight *= ctx.gamma;
  }
  const double uniform = weight / static_cast<double>(vocab_size_ - 1);
  for (std::size_t w = 0; w < vocab_size_; ++w)
    if (w != kBos) out[w] += uniform;
}

TokenId KneserNey::chain_sample(const std::array<std::uint32_t, kMaxOrder>& nodes, int levels, Rng& rng) const {
  // Level l keeps its discounted mass (1 - gamma of the whole); the rest falls to the level below.
  for (int l = levels; l >= 0; --l) {
    const Context& ctx = contexts_[nodes[l]];
    const double u = rng.uniform() * ctx.total;
    if (ctx.end > ctx.begin && u < cumulative_[ctx.end - 1]) {
      const auto first = cumulative_.begin() + static_cast<std::ptrdiff_t>(ctx.begin);
      const auto last = cumulative_.begin() + static_cast<std::ptrdiff_t>(ctx.end);
      const auto it = std::upper_bound(first, last, u);
      return words_[static_cast<std::size_t>(it - cumulative_.begin())];
    }
  }
  // The uniform floor over every id but <s>.
  auto w = static_cast<TokenId>(rng.below(vocab_size_ - 1));
  return w >= kBos ? w + 1 : w;
}

TokenId KneserNey::sample(std::span<const TokenId> history, Rng& rng) const {
  std::array<std::uint32_t, kMaxOrder> nodes{};
  const int levels = chain(history, nodes);
  return chain_sample(nodes, levels, rng);
}

TokenId KneserNey::sample_tempered(std::span<const TokenId> history, double temperature, Rng& rng) const {
  OURO_CHECK(temperature > 0.0 && temperature <= 1.0, ConfigError, "temperature {} must be in (0, 1]", temperature);
  std::array<std::uint32_t, kMaxOrder> nodes{};
  const int levels = chain(history, nodes);
  if (temperature == 1.0) return chain_sample(nodes, levels, rng);
  double bound = contexts_[0].max_alpha + contexts_[0].gamma / static_cast<double>(vocab_size_ - 1);
  for (int l = 1; l <= levels; ++l) bound = contexts_[nodes[l]].max_alpha + contexts_[nodes[l]].gamma * bound;
  bound = std::min(bound, 1.0);
  const double a = 1.0 / temperature - 1.0;
  for (;;) {
    const TokenId w = chain_sample(nodes, levels, rng);
    if (rng.uniform() < std::pow(chain_prob(nodes, levels, w) / bound, a)) return w;
  }
}

double KneserNey::Score::perplexity() const { return std::exp(-log_prob / static_cast<double>(tokens)); }

KneserNey::Score KneserNey::score(std::span<const std::vector<TokenId>> sentences) const {
  Score s;
  std::vector<TokenId> history;
  for (const auto& sentence : sentences) {
    history.assign(1, kBos);
    for (std::size_t j = 0; j <= sentence.size(); ++j) {
      const TokenId w = j < sentence.size() ? sentence[j] : kEos;
      s.log_prob += std::log(prob(history, w));
      ++s.tokens;
      history.push_back(w);
    }
  }
  return s;
}

std::size_t KneserNey::memory_bytes() const {
  return edges_.bytes() + parent_.capacity() * 4 + edge_word_.capacity() * 4 + depth_.capacity() + contexts_.capacity() * sizeof(Context) + words_.capacity() * 4 +
         counts_.capacity() * 4 + cumulative_.capacity() * 8;
}

}  // namespace ouro::text
