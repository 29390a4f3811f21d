// The ngram family (see ngram.hpp).
#include "ouro/models/ngram.hpp"

#include <cmath>

#include "ouro/core/error.hpp"

namespace ouro {
namespace {

using text::kBos;
using text::kEos;
using text::TokenId;

// Keeps the history at the model's context length: only the last order - 1 tokens matter.
void push(std::vector<TokenId>& history, TokenId t, std::size_t keep) {
  if (t == kEos) {
    history.assign(1, kBos);
    return;
  }
  history.push_back(t);
  if (history.size() > keep) history.erase(history.begin(), history.end() - static_cast<std::ptrdiff_t>(keep));
}

}  // namespace

std::vector<std::vector<TokenId>> NgramFamily::sentences(const Samples& blocks, std::size_t vocab_size) {
  std::vector<std::vector<TokenId>> out;
  for (Eigen::Index i = 0; i < blocks.size(); ++i) {
    std::vector<TokenId> current;
    bool open = false;
    const auto tokens = blocks.tokens(i);
    for (std::size_t j = 0; j < tokens.size(); ++j) {
      const std::int32_t v = tokens[j];
      OURO_CHECK(static_cast<std::size_t>(v) < vocab_size && static_cast<TokenId>(v) != kBos, DataError,
                 "ngram: sample {} token {} is {}, which is not a token id of the {}-type vocabulary", i, j, v,
                 vocab_size);
      const auto t = static_cast<TokenId>(v);
      if (t == kEos) {
        out.push_back(std::move(current));
        current.clear();
        open = false;
      } else {
        current.push_back(t);
        open = true;
      }
    }
    if (open) out.push_back(std::move(current));
  }
  return out;
}

std::unique_ptr<GenerativeModel> NgramFamily::fit_model(const Samples& data, Rng& /*rng*/,
                                                     const GenerativeModel* /*start*/,
                                                     const GenerativeModel* /*generation0*/) const {
  // Real rows are blocks of ids padded with -1 (as tests and tools write them), checked as rows.
  if (data.storage() == SampleStorage::kReal) {
    const Matrix& rows = data.real();
    for (Eigen::Index i = 0; i < rows.rows(); ++i) {
      for (Eigen::Index j = 0; j < rows.cols(); ++j) {
        const double v = rows(i, j);
        OURO_CHECK(v == -1.0 || (v >= 0 && v < static_cast<double>(settings_.vocab_size) && v == std::floor(v)),
                   DataError, "ngram: row {} column {} holds {}, which is not a token id of the {}-type vocabulary",
                   i, j, v, settings_.vocab_size);
      }
    }
  }
  Samples blocks = data.storage() == SampleStorage::kReal ? Samples::tokens_from_padded_rows(data.real()) : data;
  OURO_CHECK(blocks.size() > 0, DataError, "ngram: no training samples");
  const auto sents = sentences(blocks, settings_.vocab_size);
  return std::make_unique<NgramModel>(text::KneserNey::train(sents, settings_.order, settings_.vocab_size),
                                      std::move(blocks), dim_, settings_);
}

NgramModel::NgramModel(text::KneserNey lm, Samples prompts, Eigen::Index length, NgramSettings settings)
    : lm_(std::move(lm)), prompts_(std::move(prompts)), length_(length), settings_(settings) {}

Samples NgramModel::draw(std::size_t n, double bias, Rng& rng) const {
  const text::SamplerSettings chain{bias, settings_.top_k, settings_.top_p};
  const std::optional<hygiene::Watermark> watermark =
      settings_.watermark ? std::optional<hygiene::Watermark>(std::in_place, *settings_.watermark) : std::nullopt;
  // Temperature alone is drawn exactly by rejection from the model; top-k/top-p and the watermark
  // need the distribution.
  const bool exact = settings_.top_k == 0 && settings_.top_p >= 1.0 && !watermark;
  const auto keep = static_cast<std::size_t>(settings_.order - 1);
  const auto length = static_cast<std::size_t>(length_);
  std::vector<std::int32_t> ids;
  ids.reserve(n * length);
  std::vector<std::size_t> offsets{0};
  std::vector<TokenId> history;
  std::vector<TokenId> emitted;  // the sample's tokens so far, prompt included: the watermark's seed
  std::vector<double> dense;
  for (std::size_t i = 0; i < n; ++i) {
    history.assign(1, kBos);
    emitted.assign(1, kBos);
    if (settings_.generation == text::Generation::kPrompted) {
      const auto prompt = prompts_.tokens(static_cast<Eigen::Index>(i % static_cast<std::size_t>(prompts_.size())));
      const std::size_t used = std::min(settings_.prompt_tokens, prompt.size());
      for (std::size_t j = 0; j < used; ++j) {
        push(history, static_cast<TokenId>(prompt[j]), keep);
        emitted.push_back(static_cast<TokenId>(prompt[j]));
      }
    }
    for (std::size_t j = 0; j < length; ++j) {
      TokenId t;
      if (exact) {
        t = lm_.sample_tempered(history, bias, rng);
      } else {
        lm_.distribution(history, dense);
        if (watermark) watermark->bias_probabilities(emitted, dense);
        text::Candidates candidates = text::Candidates::from_dense(dense);
        t = text::sample_chain(candidates, chain, rng);
      }
      ids.push_back(static_cast<std::int32_t>(t));
      push(history, t, keep);
      emitted.push_back(t);
    }
    offsets.push_back(ids.size());
  }
  return Samples(std::move(ids), std::move(offsets));
}

Matrix NgramModel::sample(std::size_t n, double bias, Rng& rng) const { return draw(n, bias, rng).padded_rows(); }

std::optional<TokenScore> NgramModel::score_sentences(std::span<const std::vector<std::uint32_t>> sentences) const {
  const text::KneserNey::Score score = lm_.score(sentences);
  return TokenScore{score.log_prob, score.tokens};
}

const text::BackoffModel& NgramModel::backoff() const {
  std::call_once(backoff_built_, [this] { backoff_ = std::make_unique<text::BackoffModel>(text::BackoffModel::from(lm_)); });
  return *backoff_;
}

std::optional<std::vector<TokenScore>> NgramModel::score_sequences(const Samples& sequences) const {
  const text::BackoffModel& scorer = backoff();
  std::vector<TokenScore> out;
  out.reserve(static_cast<std::size_t>(sequences.size()));
  text::BackoffModel::State state, next;
  for (Eigen::Index i = 0; i < sequences.size(); ++i) {
    state = scorer.sentence_start();
    TokenScore score;
    for (const std::int32_t id : sequences.tokens(i)) {
      const auto t = static_cast<TokenId>(id);
      // An id outside the vocabulary has probability 0 and leaves no context, as in KneserNey::prob.
      double p = 0.0;
      if (t < scorer.vocab_size()) {
        p = scorer.prob(state, t, next);
      } else {
        next.length = 0;
      }
      score.log_prob += std::log(p);
      ++score.tokens;
      if (t == kEos) next = scorer.sentence_start();
      std::swap(state, next);
    }
    out.push_back(score);
  }
  return out;
}

Vector NgramModel::log_prob(const Matrix& x) const { return padded_sequence_log_probs(*this, x); }

}  // namespace ouro
