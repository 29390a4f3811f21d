// Shared pieces of the model interface: test-set statistics and the default mean log-probability.
#include "ouro/models/generative_model.hpp"

#include <cmath>

#include "ouro/core/error.hpp"

namespace ouro {

TestSet TestSet::from(Matrix x) {
  TestSet test;
  test.mean = x.colwise().mean().transpose();
  const Matrix centered = x.rowwise() - test.mean.transpose();
  test.scatter = (centered.transpose() * centered) / static_cast<double>(x.rows());
  test.x = std::move(x);
  return test;
}

double TokenScore::perplexity() const {
  return tokens == 0 ? std::nan("") : std::exp(-log_prob / static_cast<double>(tokens));
}

std::string_view sample_kind_name(SampleKind kind) {
  switch (kind) {
    case SampleKind::kRealVector: return "real-vector";
    case SampleKind::kCategorical: return "categorical";
    case SampleKind::kRegression: return "regression";
    case SampleKind::kTokens: return "token";
    case SampleKind::kImage: return "image";
  }
  return "unknown";
}

std::unique_ptr<GenerativeModel> ModelFamily::fit(const Samples& data, Rng& rng, const GenerativeModel* start,
                                                  const GenerativeModel* generation0) const {
  if (start) {
    OURO_CHECK(capabilities().warm_start, DataError, "{} fit: this family cannot start from an earlier model", name());
    OURO_CHECK(start->family() == name(), DataError, "{} fit: cannot start from a {} model", name(), start->family());
  }
  if (generation0) {
    OURO_CHECK(capabilities().fits_from_generation0, DataError, "{} fit: this family reads nothing from generation 0",
               name());
    OURO_CHECK(generation0->family() == name(), DataError, "{} fit: cannot read a {} model as generation 0", name(),
               generation0->family());
  }
  return fit_model(data, rng, start, generation0);
}

std::unique_ptr<GenerativeModel> ModelFamily::decode(std::string_view /*bytes*/) const {
  throw DataError(fmt::format("{} models cannot be decoded from a checkpoint", name()));
}

Vector padded_sequence_log_probs(const GenerativeModel& model, const Matrix& rows) {
  const std::optional<std::vector<TokenScore>> scores = model.score_sequences(Samples::tokens_from_padded_rows(rows));
  OURO_CHECK(scores.has_value(), DataError, "{}: the model does not score token sequences", model.family());
  Vector out(rows.rows());
  for (Eigen::Index i = 0; i < rows.rows(); ++i) out[i] = (*scores)[static_cast<std::size_t>(i)].log_prob;
  return out;
}

double GenerativeModel::mean_log_prob(const TestSet& test) const { return log_prob(test.x).mean(); }

}  // namespace ouro
