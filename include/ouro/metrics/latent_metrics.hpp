// Latent metrics: a generation's samples seen through generation 0's encoder (families declaring
// Capabilities::latent_encoder, such as the VAE).
//
// Definition (docs/metrics.md):
//   latent_std   the standard deviation of every entry of the n x k matrix of generation-0 encoder
//                means of the generation's first n = metrics.latent_samples synthetic samples
//                (pooled over samples and latent dimensions; divisor n k - 1).
// Shumailov et al. (Nature 2024, the VAE on MNIST) follow this spread as it narrows generation by
// generation: the samples crowd into a shrinking region of the original model's latent space.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "ouro/metrics/metric.hpp"

namespace ouro {

const std::vector<std::string>& latent_metric_names();

// The latent metric called `name`, or nullptr.
std::unique_ptr<Metric> make_latent_metric(std::string_view name, const Config& config);

// The pooled standard deviation of every entry of `means` (divisor size - 1; NaN below 2 entries).
double pooled_std(const Matrix& means);

}  // namespace ouro
