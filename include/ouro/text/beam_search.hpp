// Beam search for a fixed number of new tokens, the decoding of Shumailov et al.'s language-model
// loop (Hugging Face's `generate(num_beams=5, repetition_penalty=3.0)`), without a language model:
// the caller supplies each live beam's next-token log-probabilities through a callback, so that the
// same search drives a transformer with a key/value cache and a toy model in the tests.
//
// Each step extends every live beam by every token, scores an extension by the beam's score plus
// the token's log-probability, and keeps the `beams` best extensions (ties: smaller parent index,
// then smaller token id, so the search is deterministic). No token ends a beam: the samples of a
// loop have a fixed length, and `</s>` is an ordinary token inside them. With beams = 1 this is
// greedy decoding; with beams >= V^(length-1) it is exhaustive (the most probable sequence).
#pragma once

#include <cstddef>
#include <functional>
#include <span>
#include <vector>

#include "ouro/text/vocabulary.hpp"

namespace ouro::text {

// Next-token log-probabilities (one vocabulary-long row per live beam, in the order of `sequences`)
// after the step that made `sequences`: live beam i is its parent parents[i] of the previous step
// extended by tokens[i]. The first call has no parents and one empty sequence (the prompt alone).
using NextLogProbs = std::function<std::vector<std::vector<double>>(
    std::span<const std::size_t> parents, std::span<const TokenId> tokens,
    const std::vector<std::vector<TokenId>>& sequences)>;

// The best of `length` new tokens under `beams` beams (>= 1).
std::vector<TokenId> beam_search(std::size_t length, std::size_t beams, const NextLogProbs& next);

}  // namespace ouro::text
