// The gmm family: a Gaussian mixture with k full-covariance components, fitted by EM.
//
// Initialisation: k-means++ seeding (the first centre uniformly from the rows, each next one with
// probability proportional to the squared distance to the nearest chosen centre; all seeding draws
// come from the fit Rng), then every row is assigned to its nearest centre (ties to the lower index)
// and one M-step on those hard responsibilities gives the starting parameters.
//
// EM: each iteration is an E-step (responsibilities by log-sum-exp over log w_j + log N(x; mu_j,
// Sigma_j), which also yields the mean log-likelihood of the current parameters) and an M-step.
// EM stops when the mean log-likelihood improves by less than `tol` over the previous iteration, or
// after `max_iter` iterations. The fitted model exposes the mean log-likelihood of every E-step in
// log_likelihood_trace() (a debugging and testing hook: EM never decreases it when cov_floor = 0).
//
// cov_floor is added to the diagonal of every component covariance after each M-step, so that a
// component sitting on few or coincident points stays positive definite. With cov_floor = 0 a
// covariance that is not numerically positive definite ends the fit with a DataError naming
// model.cov_floor. An empty component (total responsibility below 1e-10 rows) keeps its previous
// mean and covariance and gets weight N_j / n (possibly exactly 0, after which it stays empty); it
// is not re-seeded, since moving it would break EM's monotone likelihood. A component that is empty
// at initialisation (only possible when the data has fewer distinct rows than k) starts at its seed
// row with the data covariance plus the floor, and weight 0.
//
// Sampling with bias lambda picks a component by weight and draws N(mu_j, lambda * Sigma_j).
// log_prob is the mixture log density (log-sum-exp over components); moments() is the mixture's
// mean and covariance, sum_j w_j (Sigma_j + (mu_j - mu)(mu_j - mu)^T).
#pragma once

#include <memory>
#include <vector>

#include "ouro/models/generative_model.hpp"

namespace ouro {

struct GmmSettings {
  Eigen::Index components = 2;  // k >= 1
  double tol = 1e-6;            // > 0
  int max_iter = 200;           // >= 1
  double cov_floor = 1e-6;      // >= 0
};

class GmmFamily final : public ModelFamily {
 public:
  GmmFamily(Eigen::Index dim, GmmSettings settings);

  std::string_view name() const override { return "gmm"; }
  Capabilities capabilities() const override {
    return {.samples = SampleKind::kRealVector, .moments = true, .feature_embedding = true, .warm_start = true};
  }
  // max(k, 2).
  std::size_t min_samples(Eigen::Index dim) const override;
  std::unique_ptr<GenerativeModel> decode(std::string_view bytes) const override;

  const GmmSettings& settings() const { return settings_; }

 protected:
  std::unique_ptr<GenerativeModel> fit_model(const Samples& data, Rng& rng,
                                             const GenerativeModel* start,
                                             const GenerativeModel* generation0) const override;

 private:
  Eigen::Index dim_;
  GmmSettings settings_;
};

// A fitted mixture. Concrete so that tests and tools can read the parameters and the EM trace
// (dynamic_cast a GenerativeModel from GmmFamily::fit).
class GmmModel final : public GenerativeModel {
 public:
  // weights: k, summing to 1; means: k x d; covs: k matrices d x d, positive definite (DataError
  // otherwise). `trace`: the EM mean log-likelihoods (empty when not fitted by EM).
  GmmModel(Vector weights, Matrix means, std::vector<Matrix> covs, std::vector<double> trace = {});
  ~GmmModel() override;

  std::string_view family() const override { return "gmm"; }
  Eigen::Index dim() const override { return means_.cols(); }
  Matrix sample(std::size_t n, double bias, Rng& rng) const override;
  Vector log_prob(const Matrix& x) const override;
  std::optional<Moments> moments() const override;
  // k, d, the weights, the means and the covariances as raw doubles (the EM trace is not kept).
  std::string encode() const override;

  Eigen::Index components() const { return means_.rows(); }
  const Vector& weights() const { return weights_; }
  const Matrix& means() const { return means_; }
  const std::vector<Matrix>& covariances() const { return covs_; }
  // Mean log-likelihood after each E-step, in order; the last entry is that of the parameters the
  // M-step before it produced (when EM stopped by tolerance, those are the final parameters).
  const std::vector<double>& log_likelihood_trace() const { return trace_; }

 private:
  Vector weights_;
  Matrix means_;
  std::vector<Matrix> covs_;
  std::vector<Matrix> chol_;  // lower Cholesky factors of covs_
  Vector log_norm_;           // log w_j - 0.5 (d log 2pi + log det Sigma_j)
  std::vector<double> trace_;
};

}  // namespace ouro
