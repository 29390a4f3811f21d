// KenLM-style scoring of text (see lm_query.hpp).
#include "ouro/text/lm_query.hpp"

#include <cmath>

#include "ouro/io/check_word.hpp"
#include "ouro/text/tokenizer.hpp"

namespace ouro::text {
namespace {

std::uint64_t word_hash(std::string_view word) {
  const std::uint64_t h = check_word(word);
  return h == 0 ? 1 : h;  // 0 marks an empty slot
}

}  // namespace

double QueryScore::perplexity() const { return std::pow(10.0, -log10_prob / static_cast<double>(tokens)); }

double QueryScore::perplexity_without_oov() const {
  return std::pow(10.0, -(log10_prob - oov_log10_prob) / static_cast<double>(tokens - oov));
}

QueryScore& QueryScore::operator+=(const QueryScore& other) {
  sentences += other.sentences;
  tokens += other.tokens;
  oov += other.oov;
  log10_prob += other.log10_prob;
  oov_log10_prob += other.oov_log10_prob;
  return *this;
}

LmQuery::LmQuery(const WordModel& model) : model_(model) {
  std::size_t capacity = 16;
  while (capacity < 2 * model.vocabulary.size()) capacity *= 2;
  slots_.assign(capacity, {0, kUnk});
  mask_ = capacity - 1;
  for (TokenId id = 0; id < model.vocabulary.size(); ++id) {
    const std::uint64_t h = word_hash(model.vocabulary.token(id));
    std::uint64_t slot = h & mask_;
    while (slots_[slot].first != 0) slot = (slot + 1) & mask_;
    slots_[slot] = {h, id == kBos ? kUnk : id};  // <s> in the text: a word the model cannot predict
  }
}

TokenId LmQuery::id(std::string_view word) const {
  const std::uint64_t h = word_hash(word);
  for (std::uint64_t slot = h & mask_;; slot = (slot + 1) & mask_) {
    if (slots_[slot].first == h) return slots_[slot].second;
    if (slots_[slot].first == 0) return kUnk;
  }
}

QueryScore LmQuery::score(std::string_view document) {
  split_words(document, words_);
  ids_.clear();
  for (const std::string_view word : words_) ids_.push_back(id(word));
  model_.model.sentence_probs(ids_, probs_);
  QueryScore score;
  score.sentences = 1;
  score.tokens = probs_.size();
  for (std::size_t j = 0; j < probs_.size(); ++j) {
    const double lp = std::log10(probs_[j]);
    score.log10_prob += lp;
    if (j < ids_.size() && ids_[j] == kUnk) {
      ++score.oov;
      score.oov_log10_prob += lp;
    }
  }
  return score;
}

}  // namespace ouro::text
