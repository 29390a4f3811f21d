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

std::vector<std::vector<TokenId>> NgramFamily::sentences(const Matrix& rows, std::size_t vocab_size) {
  std::vector<std::vector<TokenId>> out;
  for (Eigen::Index i = 0; i < rows.rows(); ++i) {
    std::vector<TokenId> current;
    bool open = false;
    for (Eigen::Index j = 0; j < rows.cols(); ++j) {
      const double v = rows(i, j);
      if (v == -1.0) continue;
      OURO_CHECK(v >= 0 && v < static_cast<double>(vocab_size) && v == std::floor(v) && v != kBos, DataError,
                 "ngram: row {} column {} holds {}, which is not a token id of the {}-type vocabulary", i, j, v,
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

std::unique_ptr<GenerativeModel> NgramFamily::fit_model(const Matrix& data, Rng& /*rng*/,
                                                     const GenerativeModel* /*start*/) const {
  OURO_CHECK(data.cols() == dim_, DataError, "ngram: rows have {} columns, expected blocks of {} tokens", data.cols(),
             dim_);
  OURO_CHECK(data.rows() > 0, DataError, "ngram: no training rows");
  const auto sents = sentences(data, settings_.vocab_size);
  return std::make_unique<NgramModel>(text::KneserNey::train(sents, settings_.order, settings_.vocab_size), data,
                                      settings_);
}

NgramModel::NgramModel(text::KneserNey lm, Matrix prompts, NgramSettings settings)
    : lm_(std::move(lm)), prompts_(std::move(prompts)), settings_(settings) {}

Matrix NgramModel::sample(std::size_t n, double bias, Rng& rng) const {
  const text::SamplerSettings chain{bias, settings_.top_k, settings_.top_p};
  // Temperature alone is drawn exactly by rejection from the model; top-k/top-p need the list.
  const bool exact = settings_.top_k == 0 && settings_.top_p >= 1.0;
  const auto keep = static_cast<std::size_t>(settings_.order - 1);
  const Eigen::Index length = dim();
  Matrix out(static_cast<Eigen::Index>(n), length);
  std::vector<TokenId> history;
  std::vector<double> dense;
  for (std::size_t i = 0; i < n; ++i) {
    history.assign(1, kBos);
    if (settings_.generation == NgramGeneration::kPrompted) {
      const auto prompt = prompts_.row(static_cast<Eigen::Index>(i % static_cast<std::size_t>(prompts_.rows())));
      const auto used = std::min<Eigen::Index>(static_cast<Eigen::Index>(settings_.prompt_tokens), prompt.size());
      for (Eigen::Index j = 0; j < used; ++j)
        if (prompt[j] >= 0) push(history, static_cast<TokenId>(prompt[j]), keep);
    }
    for (Eigen::Index j = 0; j < length; ++j) {
      TokenId t;
      if (exact) {
        t = lm_.sample_tempered(history, bias, rng);
      } else {
        lm_.distribution(history, dense);
        text::Candidates candidates = text::Candidates::from_dense(dense);
        t = text::sample_chain(candidates, chain, rng);
      }
      out(static_cast<Eigen::Index>(i), j) = static_cast<double>(t);
      push(history, t, keep);
    }
  }
  return out;
}

std::optional<TokenScore> NgramModel::score_sentences(std::span<const std::vector<std::uint32_t>> sentences) const {
  const text::KneserNey::Score score = lm_.score(sentences);
  return TokenScore{score.log_prob, score.tokens};
}

Vector NgramModel::log_prob(const Matrix& x) const {
  Vector out(x.rows());
  const auto keep = static_cast<std::size_t>(settings_.order - 1);
  std::vector<TokenId> history;
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    history.assign(1, kBos);
    double sum = 0.0;
    for (Eigen::Index j = 0; j < x.cols(); ++j) {
      if (x(i, j) < 0) continue;
      const auto t = static_cast<TokenId>(x(i, j));
      sum += std::log(lm_.prob(history, t));
      push(history, t, keep);
    }
    out[i] = sum;
  }
  return out;
}

}  // namespace ouro
