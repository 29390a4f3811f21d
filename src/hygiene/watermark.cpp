// The KGW watermark: seeds, green lists, the generation-time logit bias and detection (see
// watermark.hpp for the definitions and the reference implementation they follow).
#include "ouro/hygiene/watermark.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <numbers>
#include <numeric>

#include "ouro/core/error.hpp"
#include "ouro/hygiene/torch_randperm.hpp"

namespace ouro::hygiene {
namespace {

using text::TokenId;

// The reference's selfhash table: torch's CPU randperm(1,000,003) with seed 2971215073 (fib47).
constexpr std::int64_t kHashTableSize = 1'000'003;
constexpr std::uint64_t kHashTableSeed = 2971215073ULL;

// The reference's rejection sampler checks candidates 0 .. 40 by score ("fixed_compute").
constexpr std::size_t kSelfHashCandidates = 41;

std::int64_t hashint(TokenId x) {
  static const std::vector<std::int64_t> table = torch_randperm(kHashTableSize, kHashTableSeed);
  return table[x % kHashTableSize] + 1;
}

// Python's `seed % (2**64 - 1)` for a signed 64-bit seed: the non-negative residue.
std::uint64_t python_mod_2_64_minus_1(std::int64_t seed) {
  constexpr std::uint64_t kModulus = std::numeric_limits<std::uint64_t>::max();
  if (seed >= 0) return static_cast<std::uint64_t>(seed);
  return kModulus - static_cast<std::uint64_t>(-(seed + 1)) - 1;  // seed + 2^64 - 1, without overflow
}

// A 128-bit product for simple_1's exact seed (__extension__: GCC's and Clang's, not ISO C++).
__extension__ using Uint128 = unsigned __int128;

// int64 multiplication that wraps around as torch's integer kernels do (unsigned arithmetic is the
// defined way to get two's-complement wrap-around in C++).
std::int64_t wrapping_multiply(std::int64_t a, std::int64_t b) {
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(a) * static_cast<std::uint64_t>(b));
}

}  // namespace

std::string_view watermark_scheme_name(WatermarkScheme scheme) {
  return scheme == WatermarkScheme::kSimple1 ? "simple_1" : "selfhash";
}

bool parse_watermark_scheme(std::string_view name, WatermarkScheme* scheme) {
  if (name == "simple_1") *scheme = WatermarkScheme::kSimple1;
  else if (name == "selfhash") *scheme = WatermarkScheme::kSelfHash;
  else return false;
  return true;
}

double WatermarkScore::green_fraction() const {
  return scored == 0 ? std::numeric_limits<double>::quiet_NaN()
                     : static_cast<double>(green) / static_cast<double>(scored);
}

Watermark::Watermark(const WatermarkSettings& settings) : settings_(settings) {
  OURO_CHECK(settings.gamma > 0.0 && settings.gamma < 1.0, ConfigError,
             "watermark gamma {}: expected a share in (0, 1)", settings.gamma);
  OURO_CHECK(std::isfinite(settings.delta) && settings.delta >= 0.0, ConfigError,
             "watermark delta {}: expected a finite bias >= 0", settings.delta);
  OURO_CHECK(settings.key <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()), ConfigError,
             "watermark key {}: expected at most 2^63 - 1 (the reference multiplies it as a 64-bit integer)",
             settings.key);
  OURO_CHECK(settings.vocab_size >= 2, ConfigError, "watermark vocabulary size {}: expected at least 2",
             settings.vocab_size);
  OURO_CHECK(std::isfinite(settings.z_threshold), ConfigError, "watermark z threshold {}: expected a finite number",
             settings.z_threshold);
  green_list_size_ = static_cast<std::size_t>(static_cast<double>(settings.vocab_size) * settings.gamma);
  OURO_CHECK(green_list_size_ >= 1, ConfigError,
             "watermark gamma {} with a vocabulary of {}: the green list would be empty", settings.gamma,
             settings.vocab_size);
}

std::size_t Watermark::context_width() const { return self_salted() ? 4 : 1; }

std::uint64_t Watermark::seed(std::span<const TokenId> context) const {
  const std::size_t width = context_width();
  assert(context.size() >= width);
  const auto window = context.last(width);
  if (!self_salted()) {
    // Python multiplies exactly; the product of a 63-bit key and a 32-bit id fits in 128 bits.
    const Uint128 product = static_cast<Uint128>(settings_.key) * window[0];
    return static_cast<std::uint64_t>(product % std::numeric_limits<std::uint64_t>::max());
  }
  const auto key = static_cast<std::int64_t>(settings_.key);
  const std::int64_t anchor = hashint(window.back());
  std::int64_t smallest = std::numeric_limits<std::int64_t>::max();
  for (const TokenId x : window)
    smallest = std::min(smallest, wrapping_multiply(wrapping_multiply(key, hashint(x)), anchor));
  return python_mod_2_64_minus_1(smallest);
}

std::vector<TokenId> Watermark::green_list(std::span<const TokenId> context) const {
  const auto ids = torch_randperm_prefix(settings_.vocab_size, seed(context),
                                         static_cast<std::int64_t>(green_list_size_));
  return {ids.begin(), ids.end()};
}

bool Watermark::is_green(std::span<const TokenId> ngram) const {
  assert(ngram.size() == (self_salted() ? context_width() : context_width() + 1));
  const TokenId target = ngram.back();
  if (target >= static_cast<std::uint64_t>(settings_.vocab_size)) return false;
  const auto context = self_salted() ? ngram : ngram.first(ngram.size() - 1);
  return torch_randperm_prefix_contains(settings_.vocab_size, seed(context), static_cast<std::int64_t>(green_list_size_),
                                        target);
}

std::vector<TokenId> Watermark::biased_ids(std::span<const TokenId> history, std::size_t candidates,
                                           const std::function<bool(TokenId, TokenId)>& ranks_before) const {
  if (!self_salted()) {
    if (history.empty()) return {};
    std::vector<TokenId> green = green_list(history);
    std::erase_if(green, [&](TokenId id) { return id >= candidates; });
    return green;
  }
  if (history.size() < context_width() - 1) return {};
  std::vector<TokenId> order(candidates);
  std::iota(order.begin(), order.end(), TokenId{0});
  const std::size_t checked = std::min(kSelfHashCandidates, order.size());
  std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(checked), order.end(),
                    [&](TokenId a, TokenId b) { return ranks_before(a, b); });
  std::vector<TokenId> ngram(history.end() - static_cast<std::ptrdiff_t>(context_width() - 1), history.end());
  ngram.push_back(0);
  std::vector<TokenId> green;
  const auto vocab = static_cast<std::size_t>(settings_.vocab_size);
  for (std::size_t c = 0; c < checked; ++c) {
    if (order[c] >= vocab) continue;  // outside the watermark's vocabulary: never green
    ngram.back() = order[c];
    if (is_green(ngram)) green.push_back(order[c]);
  }
  return green;
}

void Watermark::bias_logits(std::span<const TokenId> history, std::span<float> logits) const {
  // Candidates are ranked by the unbiased logits (logit descending, ties by smaller id), as in the
  // reference, and biased after all checks.
  const auto green = biased_ids(history, logits.size(), [&](TokenId a, TokenId b) {
    return logits[a] > logits[b] || (logits[a] == logits[b] && a < b);
  });
  const auto delta = static_cast<float>(settings_.delta);
  for (const TokenId id : green) logits[id] += delta;
}

void Watermark::bias_probabilities(std::span<const TokenId> history, std::span<double> weights) const {
  const auto green = biased_ids(history, weights.size(), [&](TokenId a, TokenId b) {
    return weights[a] > weights[b] || (weights[a] == weights[b] && a < b);
  });
  const double factor = std::exp(settings_.delta);
  for (const TokenId id : green) weights[id] *= factor;
}

WatermarkScore Watermark::score(std::span<const TokenId> tokens) const {
  for (std::size_t i = 0; i < tokens.size(); ++i)
    OURO_CHECK(tokens[i] < static_cast<std::uint64_t>(settings_.vocab_size), DataError,
               "token {} (position {}): outside the watermark's vocabulary of {} ids", tokens[i], i,
               settings_.vocab_size);
  WatermarkScore out;
  out.tokens = tokens.size();
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  if (tokens.size() < context_width() + 1) {
    out.z = out.p_normal = out.p_binomial = kNaN;
    return out;
  }
  const std::size_t n = self_salted() ? context_width() : context_width() + 1;
  std::map<std::vector<TokenId>, bool> verdicts;  // each distinct n-gram is seeded once
  for (std::size_t i = 0; i + n <= tokens.size(); ++i) {
    std::vector<TokenId> ngram(tokens.begin() + static_cast<std::ptrdiff_t>(i),
                               tokens.begin() + static_cast<std::ptrdiff_t>(i + n));
    auto [it, inserted] = verdicts.try_emplace(std::move(ngram), false);
    if (inserted) it->second = is_green(it->first);
    if (inserted || settings_.count_repeats) {
      ++out.scored;
      out.green += it->second ? 1 : 0;
    }
  }
  const double gamma = settings_.gamma;
  const auto t = static_cast<double>(out.scored);
  out.z = (static_cast<double>(out.green) - gamma * t) / std::sqrt(t * gamma * (1.0 - gamma));
  out.p_normal = normal_upper_tail(out.z);
  out.p_binomial = binomial_upper_tail(out.green, out.scored, gamma);
  out.flagged = out.z > settings_.z_threshold;
  return out;
}

double normal_upper_tail(double z) { return 0.5 * std::erfc(z / std::numbers::sqrt2); }

double binomial_upper_tail(std::size_t successes, std::size_t trials, double p) {
  assert(successes <= trials && p > 0.0 && p < 1.0);
  if (successes == 0) return 1.0;
  const auto n = static_cast<double>(trials);
  const auto log_pmf = [&](std::size_t k) {
    const auto kd = static_cast<double>(k);
    return std::lgamma(n + 1.0) - std::lgamma(kd + 1.0) - std::lgamma(n - kd + 1.0) + kd * std::log(p) +
           (n - kd) * std::log1p(-p);
  };
  // Sum the tail from its largest term (the mode, or the first term when the mode lies below it).
  const auto mode = static_cast<std::size_t>(std::floor((n + 1.0) * p));
  const double peak = log_pmf(std::max(successes, std::min(mode, trials)));
  double sum = 0.0;
  for (std::size_t k = successes; k <= trials; ++k) {
    const double term = std::exp(log_pmf(k) - peak);
    sum += term;
    if (k > mode && term < 1e-18 * sum) break;  // the rest decreases geometrically
  }
  return std::min(1.0, sum * std::exp(peak));
}

}  // namespace ouro::hygiene
