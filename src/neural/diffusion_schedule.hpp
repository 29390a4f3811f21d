// The noise schedule of a DDPM (Ho et al. 2020) and its respaced sampling chain (Nichol & Dhariwal
// 2021), as plain numbers: what the training loss and the sampler read, kept apart from the network
// so that it can be checked by hand.
//
// Training uses T steps with beta_t linear from 1e-4 to 0.02 at T = 1000, both scaled by 1000/T so
// that a short schedule still ends near pure noise (improved DDPM's rule); alpha_bar_t is the
// product of (1 - beta_s) for s <= t, and x_t = sqrt(alpha_bar_t) x_0 + sqrt(1 - alpha_bar_t) eps.
//
// Sampling walks S <= T of those steps, evenly spaced from 0 to T - 1 (t_i = round(i (T-1)/(S-1))).
// The respaced chain keeps the training alpha_bar at its steps and gives each step the beta that
// reaches it from the previous kept step, beta'_i = 1 - alpha_bar(t_i)/alpha_bar(t_{i-1}), so
// S = T is the training chain itself.
#pragma once

#include <vector>

namespace ouro::neural {

struct SamplingChain {
  std::vector<int> timesteps;       // t_i, increasing, t_0 = 0 and t_{S-1} = T - 1
  std::vector<double> alpha_bars;   // alpha_bar(t_i)
  std::vector<double> betas;        // beta'_i
  // The variance of the posterior q(x_{i-1} | x_i, x_0) of the chain: beta'_i (1 - alpha_bar_{i-1}) /
  // (1 - alpha_bar_i), and 0 at i = 0 (the last step adds no noise).
  std::vector<double> posterior_variances;
  // The posterior mean coef_x0 * x_0 + coef_xt * x_i.
  std::vector<double> coef_x0, coef_xt;
};

class DiffusionSchedule {
 public:
  // The linear schedule of `steps` training steps (>= 2).
  static DiffusionSchedule linear(int steps);

  int steps() const { return static_cast<int>(betas_.size()); }
  const std::vector<double>& betas() const { return betas_; }
  const std::vector<double>& alpha_bars() const { return alpha_bars_; }

  // The chain of `sampling_steps` (1 .. steps()) evenly spaced steps.
  SamplingChain respace(int sampling_steps) const;

 private:
  explicit DiffusionSchedule(std::vector<double> betas);
  std::vector<double> betas_, alpha_bars_;
};

// Classifier-free guidance (Ho & Salimans 2022) from the loop's sampling bias: the guided noise
// estimate is (1 + w) eps(x, c) - w eps(x, none), and ouroboros reads lambda = 1/(1 + w), as
// Alemohammad et al. do, so w = 1/lambda - 1 (lambda = 1: no guidance).
double guidance_weight(double bias);

}  // namespace ouro::neural
