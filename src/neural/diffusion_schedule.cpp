// The DDPM noise schedule and its respaced sampling chain (see diffusion_schedule.hpp).
#include "diffusion_schedule.hpp"

#include <cmath>

#include "ouro/core/error.hpp"

namespace ouro::neural {

DiffusionSchedule::DiffusionSchedule(std::vector<double> betas) : betas_(std::move(betas)) {
  double product = 1.0;
  for (const double beta : betas_) {
    product *= 1.0 - beta;
    alpha_bars_.push_back(product);
  }
}

DiffusionSchedule DiffusionSchedule::linear(int steps) {
  OURO_CHECK(steps >= 2, ConfigError, "a diffusion schedule needs at least 2 steps, not {}", steps);
  const double scale = 1000.0 / steps;
  const double first = 1e-4 * scale, last = std::min(0.02 * scale, 0.999);
  std::vector<double> betas(static_cast<std::size_t>(steps));
  for (int t = 0; t < steps; ++t) betas[static_cast<std::size_t>(t)] = first + (last - first) * t / (steps - 1);
  return DiffusionSchedule(std::move(betas));
}

SamplingChain DiffusionSchedule::respace(int sampling_steps) const {
  OURO_CHECK(sampling_steps >= 1 && sampling_steps <= steps(), ConfigError,
             "sampling steps must be in [1, {}] (the training steps), not {}", steps(), sampling_steps);
  SamplingChain chain;
  for (int i = 0; i < sampling_steps; ++i) {
    const int t = sampling_steps == 1
                      ? steps() - 1
                      : static_cast<int>(std::lround(static_cast<double>(i) * (steps() - 1) / (sampling_steps - 1)));
    chain.timesteps.push_back(t);
    chain.alpha_bars.push_back(alpha_bars_[static_cast<std::size_t>(t)]);
  }
  for (std::size_t i = 0; i < chain.timesteps.size(); ++i) {
    const double previous = i == 0 ? 1.0 : chain.alpha_bars[i - 1];
    const double alpha_bar = chain.alpha_bars[i];
    const double beta = 1.0 - alpha_bar / previous;
    chain.betas.push_back(beta);
    chain.posterior_variances.push_back(i == 0 ? 0.0 : beta * (1.0 - previous) / (1.0 - alpha_bar));
    chain.coef_x0.push_back(beta * std::sqrt(previous) / (1.0 - alpha_bar));
    chain.coef_xt.push_back((1.0 - previous) * std::sqrt(1.0 - beta) / (1.0 - alpha_bar));
  }
  return chain;
}

double guidance_weight(double bias) {
  OURO_CHECK(bias > 0.0 && bias <= 1.0, DataError, "ddpm: sampling bias {} is outside (0, 1]", bias);
  return 1.0 / bias - 1.0;
}

}  // namespace ouro::neural
