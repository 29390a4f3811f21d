// The words beside each metric (metric_info.hpp). One row per name of metric_names(); the
// definitions behind them are in docs/metrics.md, docs/text.md and docs/metrics-distribution.md.
#include "ouro/metrics/metric_info.hpp"

#include <array>

#include <fmt/format.h>

namespace ouro {
namespace {

using B = Better;

constexpr std::array kInfo = {
    // Model metrics (model_metrics.cpp).
    MetricInfo{"nll_real", "negative log-likelihood of held-out real data under the model", "nats per sample", B::kLower, ""},
    MetricInfo{"mean_shift", "squared distance between the model's mean and the truth's", "squared data units", B::kLower, ""},
    MetricInfo{"trace_ratio", "total variance of the model over the truth's (tr Σ_g / tr Σ)", "ratio", B::kCloserToTruth, "1"},
    MetricInfo{"logdet_ratio", "log det Σ_g − log det Σ: log volume of the model's spread against the truth's", "nats", B::kCloserToTruth, "0"},
    MetricInfo{"w2", "squared 2-Wasserstein distance from the fitted Gaussian to the Gaussian truth", "squared data units", B::kLower, ""},
    MetricInfo{"mean", "mean of the fitted distribution (1-D)", "data units", B::kCloserToTruth, "the truth's mean"},
    MetricInfo{"variance", "variance of the fitted distribution (1-D)", "squared data units", B::kCloserToTruth, "the truth's variance"},
    MetricInfo{"std", "standard deviation of the fitted distribution (1-D)", "data units", B::kCloserToTruth, "the truth's standard deviation"},
    MetricInfo{"support", "number of outcomes the model gives positive probability", "outcomes", B::kHigher, ""},
    MetricInfo{"entropy", "entropy of the model's outcome probabilities", "nats", B::kCloserToTruth, "the truth's entropy"},
    MetricInfo{"gini_simpson", "probability that two draws from the model differ (1 − Σ q²)", "probability", B::kCloserToTruth, "the truth's value"},
    MetricInfo{"tv", "total variation distance between the model and the truth", "probability", B::kLower, ""},
    MetricInfo{"tail_mass", "model probability of the truth's rarest outcomes (10% of its mass)", "probability", B::kCloserToTruth, "the truth's tail mass (at most 0.1)"},
    MetricInfo{"test_mse", "excess squared error of the fitted regression weights", "squared response units", B::kLower, ""},
    // Latent metrics (latent_metrics.cpp).
    MetricInfo{"latent_std", "spread of the samples' latent means under generation 0's encoder", "latent units", B::kCloserToTruth, "generation 0's value"},
    // Text metrics (text/text_metrics.cpp).
    MetricInfo{"ppl_real", "perplexity of the model on the real test split", "perplexity", B::kLower, ""},
    MetricInfo{"ppl_gen0", "mean perplexity of the generation's samples under the generation-0 model", "perplexity", B::kCloserToTruth, "generation 0's value"},
    MetricInfo{"ppl_gen0_median", "median perplexity of the generation's samples under the generation-0 model", "perplexity", B::kCloserToTruth, "generation 0's value"},
    MetricInfo{"ppl_gen0_p05", "5th percentile of the samples' perplexity under the generation-0 model", "perplexity", B::kCloserToTruth, "generation 0's value"},
    MetricInfo{"ppl_gen0_p95", "95th percentile of the samples' perplexity under the generation-0 model", "perplexity", B::kCloserToTruth, "generation 0's value"},
    MetricInfo{"distinct_1", "distinct unigrams over all unigrams of the synthetic samples", "share", B::kHigher, ""},
    MetricInfo{"distinct_2", "distinct bigrams over all bigrams of the synthetic samples", "share", B::kHigher, ""},
    MetricInfo{"distinct_3", "distinct 3-grams over all 3-grams of the synthetic samples", "share", B::kHigher, ""},
    MetricInfo{"distinct_4", "distinct 4-grams over all 4-grams of the synthetic samples", "share", B::kHigher, ""},
    MetricInfo{"vocab_used", "word types that occur in the synthetic samples", "word types", B::kHigher, ""},
    MetricInfo{"tail_token_mass", "share of synthetic tokens from the truth's rare vocabulary", "share", B::kCloserToTruth, "the real text's share"},
    MetricInfo{"zipf_slope", "slope of log frequency on log rank of the synthetic word types", "slope", B::kCloserToTruth, "the real text's slope"},
    MetricInfo{"repetition", "share of 4-grams that repeat an earlier 4-gram of the same sample", "share", B::kLower, ""},
    MetricInfo{"watermark_z", "mean watermark z-score of the synthetic samples ([watermark] runs)", "z", B::kHigher, ""},
    MetricInfo{"watermark_flagged", "share of synthetic samples whose watermark z exceeds watermark.z_threshold", "share", B::kHigher, ""},
    MetricInfo{"synthetic_share", "share of the generation's training set that is synthetic (its provenance)", "share", B::kLower, ""},
    MetricInfo{"contamination", "the detector's Rogan-Gladen estimate of the training set's synthetic share (metrics.detector)", "share", B::kLower, ""},
    MetricInfo{"contamination_low", "lower bound of the contamination estimate's 95% Wald interval", "share", B::kLower, ""},
    MetricInfo{"contamination_high", "upper bound of the contamination estimate's 95% Wald interval", "share", B::kLower, ""},
    MetricInfo{"oov_rate", "share of the test split's tokens outside the vocabulary", "share", B::kLower, ""},
    // Sample metrics (distribution/distribution_metrics.cpp).
    MetricInfo{"frechet", "Fréchet distance between Gaussians fitted to real and generated rows (the FID formula)", "squared data units", B::kLower, ""},
    MetricInfo{"precision", "share of generated rows inside the real k-NN manifold (quality)", "share", B::kHigher, ""},
    MetricInfo{"recall", "share of real rows inside the generated k-NN manifold (diversity)", "share", B::kHigher, ""},
    MetricInfo{"density", "mean number of real k-NN balls holding a generated row, over k", "ratio", B::kCloserToTruth, "1"},
    MetricInfo{"coverage", "share of real rows whose k-NN ball holds a generated row", "share", B::kHigher, ""},
    MetricInfo{"kid", "kernel inception distance: unbiased MMD² with a cubic polynomial kernel", "MMD²", B::kLower, ""},
    MetricInfo{"w1", "1-Wasserstein distance between the real and generated samples (1-D)", "data units", B::kLower, ""},
    MetricInfo{"w2_empirical", "2-Wasserstein distance between the real and generated samples (1-D)", "data units", B::kLower, ""},
    MetricInfo{"sliced_w2", "sliced 2-Wasserstein distance over random directions", "data units", B::kLower, ""},
    // Classifier metrics of images (classifier_metrics.cpp).
    MetricInfo{"class_coverage", "share of the 10 classes given at least metrics.class_share of the samples' classifier labels", "share", B::kHigher, ""},
    MetricInfo{"label_entropy", "entropy of the samples' classifier-label histogram", "nats", B::kCloserToTruth, "the test images' entropy (log 10 when balanced)"},
    MetricInfo{"label_agreement", "share of samples whose classifier label is the class they were generated for", "share", B::kHigher, ""},
    MetricInfo{"label_tv", "total variation between the samples' and the test images' classifier-label histograms", "probability", B::kLower, ""},
};

}  // namespace

const MetricInfo* metric_info(std::string_view name) {
  for (const MetricInfo& info : kInfo) {
    if (info.name == name) return &info;
  }
  return nullptr;
}

std::string better_text(const MetricInfo& info) {
  switch (info.better) {
    case Better::kLower: return "lower is better";
    case Better::kHigher: return "higher is better";
    case Better::kCloserToTruth: break;
  }
  return fmt::format("closer to {} is better", info.target);
}

}  // namespace ouro
