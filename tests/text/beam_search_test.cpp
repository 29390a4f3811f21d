// Fixed-length beam search (text/beam_search.hpp) on a toy model whose next-token log-probabilities
// depend on the whole prefix. Oracles: with beams >= V^(length-1) it equals an exhaustive search over
// all V^length sequences; with one beam it is greedy decoding; a model built so that the greedy first
// token leads nowhere shows two beams recovering the better sequence; ties go to smaller ids.
#include <cmath>
#include <limits>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ouro/core/error.hpp"
#include "ouro/core/rng.hpp"
#include "ouro/text/beam_search.hpp"

namespace ouro::text {
namespace {

using ::testing::ElementsAre;

// log-probabilities of the next token after `prefix`: a softmax of scores hashed from the prefix.
std::vector<double> toy_log_probs(const std::vector<TokenId>& prefix, std::size_t vocab) {
  std::uint64_t key = 17;
  for (const TokenId t : prefix) key = key * 31 + t + 1;
  Rng rng(5, {Purpose::kUser, key, 0, 0});
  std::vector<double> scores(vocab);
  double z = 0.0;
  for (double& s : scores) {
    s = 3.0 * rng.normal();
    z += std::exp(s);
  }
  for (double& s : scores) s -= std::log(z);
  return scores;
}

NextLogProbs toy_model(std::size_t vocab, std::size_t* calls = nullptr) {
  return [vocab, calls](std::span<const std::size_t>, std::span<const TokenId>,
                        const std::vector<std::vector<TokenId>>& sequences) {
    if (calls != nullptr) ++*calls;
    std::vector<std::vector<double>> rows;
    for (const auto& s : sequences) rows.push_back(toy_log_probs(s, vocab));
    return rows;
  };
}

double score(const std::vector<TokenId>& sequence, std::size_t vocab) {
  double total = 0.0;
  std::vector<TokenId> prefix;
  for (const TokenId t : sequence) {
    total += toy_log_probs(prefix, vocab)[t];
    prefix.push_back(t);
  }
  return total;
}

TEST(BeamSearch, EnoughBeamsEqualExhaustiveSearch) {
  for (const std::size_t vocab : {2u, 3u, 4u}) {
    const std::size_t length = 4;
    std::vector<TokenId> best;
    double best_score = -std::numeric_limits<double>::infinity();
    std::size_t total = 1;
    for (std::size_t i = 0; i < length; ++i) total *= vocab;
    for (std::size_t code = 0; code < total; ++code) {
      std::vector<TokenId> sequence;
      for (std::size_t i = 0, c = code; i < length; ++i, c /= vocab) sequence.push_back(static_cast<TokenId>(c % vocab));
      if (const double s = score(sequence, vocab); s > best_score) {
        best_score = s;
        best = sequence;
      }
    }
    std::size_t calls = 0;
    EXPECT_EQ(beam_search(length, total / vocab, toy_model(vocab, &calls)), best) << "vocabulary " << vocab;
    EXPECT_EQ(calls, length);  // one call per new token, none after the last
  }
}

TEST(BeamSearch, OneBeamIsGreedy) {
  const std::size_t vocab = 6, length = 7;
  std::vector<TokenId> greedy;
  for (std::size_t i = 0; i < length; ++i) {
    const std::vector<double> lp = toy_log_probs(greedy, vocab);
    greedy.push_back(static_cast<TokenId>(std::max_element(lp.begin(), lp.end()) - lp.begin()));
  }
  EXPECT_EQ(beam_search(length, 1, toy_model(vocab)), greedy);
}

TEST(BeamSearch, TwoBeamsRecoverWhatGreedyMisses) {
  // First token: 0 (p 0.6) or 1 (p 0.4). After 0 the model is unsure (two tokens at 0.5); after 1
  // it is certain. Greedy takes 0 then a coin (0.6 * 0.5 = 0.3); two beams find 1, 0 (0.4).
  const NextLogProbs model = [](std::span<const std::size_t>, std::span<const TokenId>,
                                const std::vector<std::vector<TokenId>>& sequences) {
    std::vector<std::vector<double>> rows;
    for (const auto& s : sequences) {
      if (s.empty()) rows.push_back({std::log(0.6), std::log(0.4)});
      else if (s[0] == 0) rows.push_back({std::log(0.5), std::log(0.5)});
      else rows.push_back({0.0, -INFINITY});
    }
    return rows;
  };
  EXPECT_THAT(beam_search(2, 1, model), ElementsAre(0u, 0u));  // the tie goes to the smaller id
  EXPECT_THAT(beam_search(2, 2, model), ElementsAre(1u, 0u));
}

TEST(BeamSearch, ParentsAndTokensDescribeEachStep) {
  // The callback sees each live beam's parent and appended token, consistent with its sequence.
  std::vector<std::vector<TokenId>> previous;
  const NextLogProbs check = [&](std::span<const std::size_t> parents, std::span<const TokenId> tokens,
                                 const std::vector<std::vector<TokenId>>& sequences) {
    EXPECT_EQ(parents.size(), previous.empty() ? 0u : sequences.size());
    for (std::size_t b = 0; b < parents.size(); ++b) {
      std::vector<TokenId> expected = previous[parents[b]];
      expected.push_back(tokens[b]);
      EXPECT_EQ(sequences[b], expected);
    }
    previous = sequences;
    std::vector<std::vector<double>> rows;
    for (const auto& s : sequences) rows.push_back(toy_log_probs(s, 5));
    return rows;
  };
  EXPECT_EQ(beam_search(5, 3, check).size(), 5u);
  EXPECT_THROW(beam_search(2, 0, check), ConfigError);
}

}  // namespace
}  // namespace ouro::text
