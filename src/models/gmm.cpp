// The gmm family: k-means++ seeding and EM; see gmm.hpp for the stopping rule, the covariance floor
// and what happens to empty components.
#include "ouro/models/gmm.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "covariance_factor.hpp"
#include "model_checks.hpp"
#include "ouro/core/error.hpp"

namespace ouro {
namespace {

using detail::kLog2Pi;
using ColMatrix = Eigen::MatrixXd;  // n x k responsibilities: column j is component j's

// A component whose responsibilities sum to less than this many rows is empty.
constexpr double kEmptyMass = 1e-10;

struct Params {
  Vector weights;
  Matrix means;
  std::vector<Matrix> covs;
};

// Lower Cholesky factor of a component covariance, or a DataError naming the floor that would fix it.
Matrix cholesky(const Matrix& cov, Eigen::Index component, std::string_view what) {
  const Eigen::LLT<Matrix> llt(cov);
  OURO_CHECK(llt.info() == Eigen::Success, DataError,
             "{}: component {} covariance is not positive definite; raise model.cov_floor", what, component);
  return llt.matrixL();
}

// out(i, j) = log_norm(j) - 0.5 ||L_j^-1 (x_i - mu_j)||^2: the log of w_j N(x_i; mu_j, Sigma_j).
void log_joint(const Matrix& x, const Matrix& means, const std::vector<Matrix>& chol, const Vector& log_norm,
               ColMatrix& out) {
  out.resize(x.rows(), means.rows());
  for (Eigen::Index j = 0; j < means.rows(); ++j) {
    Eigen::MatrixXd delta = (x.rowwise() - means.row(j)).transpose();  // d x n
    chol[static_cast<std::size_t>(j)].triangularView<Eigen::Lower>().solveInPlace(delta);
    out.col(j) = (-0.5 * delta.colwise().squaredNorm().transpose()).array() + log_norm(j);
  }
}

// log w_j - 0.5 (d log 2pi + log det Sigma_j) for each component.
Vector log_norms(const Vector& weights, const std::vector<Matrix>& chol) {
  Vector out(weights.size());
  for (Eigen::Index j = 0; j < weights.size(); ++j) {
    const Matrix& l = chol[static_cast<std::size_t>(j)];
    const double log_det = 2.0 * l.diagonal().array().log().sum();
    out(j) = std::log(weights(j)) - 0.5 * (static_cast<double>(l.rows()) * kLog2Pi + log_det);
  }
  return out;
}

// Turns the log joint into responsibilities in place; returns the mean log-likelihood.
double normalise(ColMatrix& log_joint) {
  double total = 0.0;
  for (Eigen::Index i = 0; i < log_joint.rows(); ++i) {
    const double ll = detail::log_sum_exp(log_joint.row(i));
    log_joint.row(i) = (log_joint.row(i).array() - ll).exp();
    total += ll;
  }
  return total / static_cast<double>(log_joint.rows());
}

// The M-step: weighted means and covariances (plus the floor); empty components keep `previous`.
Params maximise(const Matrix& x, const ColMatrix& resp, const Params& previous, double floor) {
  const Vector mass = resp.colwise().sum().transpose();
  Params next;
  next.weights = mass / mass.sum();
  next.means = previous.means;
  next.covs = previous.covs;
  for (Eigen::Index j = 0; j < resp.cols(); ++j) {
    if (!(mass(j) >= kEmptyMass)) continue;
    next.means.row(j) = (resp.col(j).transpose() * x) / mass(j);
    const Matrix delta = x.rowwise() - next.means.row(j);
    const Matrix weighted = delta.array().colwise() * resp.col(j).array();
    Matrix cov = (weighted.transpose() * delta) / mass(j);
    cov = 0.5 * (cov + cov.transpose());
    cov.diagonal().array() += floor;
    next.covs[static_cast<std::size_t>(j)] = std::move(cov);
  }
  return next;
}

// k-means++ seeding: the indices of k rows.
std::vector<Eigen::Index> seed_centres(const Matrix& x, Eigen::Index k, Rng& rng) {
  const Eigen::Index n = x.rows();
  std::vector<Eigen::Index> centres{static_cast<Eigen::Index>(rng.below(static_cast<std::uint64_t>(n)))};
  Vector nearest = (x.rowwise() - x.row(centres[0])).rowwise().squaredNorm();
  while (static_cast<Eigen::Index>(centres.size()) < k) {
    const double total = nearest.sum();
    Eigen::Index pick = 0;
    if (total > 0.0) {
      const double target = rng.uniform() * total;
      double running = 0.0;
      pick = -1;
      for (Eigen::Index i = 0; i < n; ++i) {
        running += nearest(i);
        if (nearest(i) > 0.0) {
          pick = i;  // rounding can leave target >= the final sum: fall back to the last candidate
          if (target < running) break;
        }
      }
    } else {
      // Every row coincides with a chosen centre: the data has fewer distinct rows than k.
      pick = static_cast<Eigen::Index>(rng.below(static_cast<std::uint64_t>(n)));
    }
    centres.push_back(pick);
    nearest = nearest.cwiseMin((x.rowwise() - x.row(pick)).rowwise().squaredNorm());
  }
  return centres;
}

// Starting parameters: hard assignment to the nearest seed, then one M-step.
Params initialise(const Matrix& x, Eigen::Index k, double floor, Rng& rng) {
  const Eigen::Index n = x.rows();
  const std::vector<Eigen::Index> centres = seed_centres(x, k, rng);
  Params start;
  start.means.resize(k, x.cols());
  for (Eigen::Index j = 0; j < k; ++j) start.means.row(j) = x.row(centres[static_cast<std::size_t>(j)]);
  const Matrix centered = x.rowwise() - x.colwise().mean();
  Matrix data_cov = (centered.transpose() * centered) / static_cast<double>(n);
  data_cov.diagonal().array() += floor;
  start.covs.assign(static_cast<std::size_t>(k), data_cov);
  start.weights = Vector::Constant(k, 1.0 / static_cast<double>(k));

  ColMatrix resp = ColMatrix::Zero(n, k);
  for (Eigen::Index i = 0; i < n; ++i) {
    Eigen::Index best = 0;
    double best_distance = std::numeric_limits<double>::infinity();
    for (Eigen::Index j = 0; j < k; ++j) {
      const double distance = (x.row(i) - start.means.row(j)).squaredNorm();
      if (distance < best_distance) {
        best_distance = distance;
        best = j;
      }
    }
    resp(i, best) = 1.0;
  }
  return maximise(x, resp, start, floor);
}

}  // namespace

GmmFamily::GmmFamily(Eigen::Index dim, GmmSettings settings) : dim_(dim), settings_(settings) {
  OURO_CHECK(dim >= 1, DataError, "gmm family: dimension must be at least 1, got {}", dim);
  OURO_CHECK(settings.components >= 1, DataError, "gmm family: needs at least 1 component, got {}",
             settings.components);
  OURO_CHECK(settings.tol > 0.0 && settings.max_iter >= 1 && settings.cov_floor >= 0.0, DataError,
             "gmm family: tol must be > 0, max_iter >= 1 and cov_floor >= 0 (got {}, {}, {})", settings.tol,
             settings.max_iter, settings.cov_floor);
}

std::size_t GmmFamily::min_samples(Eigen::Index dim) const {
  (void)dim;
  return static_cast<std::size_t>(std::max<Eigen::Index>(settings_.components, 2));
}

std::unique_ptr<GenerativeModel> GmmFamily::fit_model(const Samples& samples, Rng& rng,
                                                      const GenerativeModel* start,
                                                      const GenerativeModel* /*generation0*/) const {
  const Matrix& data = samples.real();
  detail::check_fit_input(data, dim_, min_samples(dim_), "gmm fit", "max(k, 2)");
  const Eigen::Index k = settings_.components;
  Params params;
  if (start) {
    // A warm start (model.init) continues EM from the given mixture's parameters, as
    // scikit-learn's warm_start does; it draws nothing from `rng`.
    const auto& from = static_cast<const GmmModel&>(*start);
    OURO_CHECK(from.components() == k && from.dim() == dim_, DataError,
               "gmm fit: cannot start from a mixture of {} components in {} dimensions; this family fits {} in {}",
               from.components(), from.dim(), k, dim_);
    params.weights = from.weights();
    params.means = from.means();
    params.covs = from.covariances();
  } else {
    params = initialise(data, k, settings_.cov_floor, rng);
  }

  std::vector<double> trace;
  ColMatrix resp;
  std::vector<Matrix> chol(static_cast<std::size_t>(k));
  const auto e_step = [&] {
    for (Eigen::Index j = 0; j < k; ++j) {
      chol[static_cast<std::size_t>(j)] = cholesky(params.covs[static_cast<std::size_t>(j)], j, "gmm fit");
    }
    log_joint(data, params.means, chol, log_norms(params.weights, chol), resp);
    trace.push_back(normalise(resp));
  };
  bool converged = false;
  for (int iteration = 0; iteration < settings_.max_iter; ++iteration) {
    e_step();
    if (trace.size() >= 2 && trace.back() - trace[trace.size() - 2] < settings_.tol) {
      converged = true;
      break;
    }
    params = maximise(data, resp, params, settings_.cov_floor);
  }
  // After the cap, score the final M-step too, so the trace always ends with the returned model.
  if (!converged) e_step();
  return std::make_unique<GmmModel>(std::move(params.weights), std::move(params.means), std::move(params.covs),
                                    std::move(trace));
}

GmmModel::GmmModel(Vector weights, Matrix means, std::vector<Matrix> covs, std::vector<double> trace)
    : weights_(std::move(weights)), means_(std::move(means)), covs_(std::move(covs)), trace_(std::move(trace)) {
  const Eigen::Index k = means_.rows();
  const Eigen::Index d = means_.cols();
  OURO_CHECK(k >= 1 && d >= 1 && weights_.size() == k && static_cast<Eigen::Index>(covs_.size()) == k, DataError,
             "gmm model: {} weights, {} x {} means and {} covariances do not describe one mixture", weights_.size(),
             k, d, covs_.size());
  OURO_CHECK(weights_.allFinite() && (weights_.array() >= 0.0).all() && std::abs(weights_.sum() - 1.0) < 1e-9,
             DataError, "gmm model: weights must be non-negative and sum to 1");
  for (Eigen::Index j = 0; j < k; ++j) {
    const Matrix& cov = covs_[static_cast<std::size_t>(j)];
    OURO_CHECK(cov.rows() == d && cov.cols() == d && cov.allFinite(), DataError,
               "gmm model: component {} covariance must be a finite {} x {} matrix", j, d, d);
    chol_.push_back(cholesky(cov, j, "gmm model"));
  }
  log_norm_ = log_norms(weights_, chol_);
}

GmmModel::~GmmModel() = default;

std::string GmmModel::encode() const {
  std::string out;
  const auto put = [&out](const double* data, Eigen::Index count) {
    out.append(reinterpret_cast<const char*>(data), static_cast<std::size_t>(count) * sizeof(double));
  };
  const double shape[2] = {static_cast<double>(components()), static_cast<double>(dim())};
  put(shape, 2);
  put(weights_.data(), weights_.size());
  put(means_.data(), means_.size());
  for (const Matrix& cov : covs_) put(cov.data(), cov.size());
  return out;
}

std::unique_ptr<GenerativeModel> GmmFamily::decode(std::string_view bytes) const {
  const Eigen::Index k = settings_.components;
  const Eigen::Index d = dim_;
  const std::size_t doubles = static_cast<std::size_t>(2 + k + k * d + k * d * d);
  OURO_CHECK(bytes.size() == doubles * sizeof(double), DataError,
             "gmm model: {} bytes do not encode a mixture of {} components in {} dimensions", bytes.size(), k, d);
  std::vector<double> values(doubles);
  std::memcpy(values.data(), bytes.data(), bytes.size());
  OURO_CHECK(values[0] == static_cast<double>(k) && values[1] == static_cast<double>(d), DataError,
             "gmm model: encodes {} components in {} dimensions; this family fits {} in {}", values[0], values[1], k, d);
  const double* at = values.data() + 2;
  Vector weights = Eigen::Map<const Vector>(at, k);
  at += k;
  Matrix means = Eigen::Map<const Matrix>(at, k, d);
  at += k * d;
  std::vector<Matrix> covs;
  for (Eigen::Index j = 0; j < k; ++j, at += d * d) covs.emplace_back(Eigen::Map<const Matrix>(at, d, d));
  return std::make_unique<GmmModel>(std::move(weights), std::move(means), std::move(covs));
}

Matrix GmmModel::sample(std::size_t n, double bias, Rng& rng) const {
  detail::check_bias(bias, "gmm");
  const Eigen::Index k = components();
  const Eigen::Index d = dim();
  Vector cumulative(k);
  double running = 0.0;
  Eigen::Index last_positive = 0;
  for (Eigen::Index j = 0; j < k; ++j) {
    running += weights_(j);
    cumulative(j) = running;
    if (weights_(j) > 0.0) last_positive = j;
  }
  const double scale = std::sqrt(bias);
  Matrix out(static_cast<Eigen::Index>(n), d);
  Vector z(d);
  for (Eigen::Index i = 0; i < out.rows(); ++i) {
    const double u = rng.uniform();
    // The first j with u < cumulative(j) never has weight 0; rounding past the end goes to the last
    // component with positive weight.
    Eigen::Index j = last_positive;
    for (Eigen::Index c = 0; c < k; ++c) {
      if (u < cumulative(c)) {
        j = c;
        break;
      }
    }
    rng.fill_normal({z.data(), static_cast<std::size_t>(d)});
    out.row(i) = means_.row(j) + scale * (chol_[static_cast<std::size_t>(j)].triangularView<Eigen::Lower>() * z).transpose();
  }
  return out;
}

Vector GmmModel::log_prob(const Matrix& x) const {
  detail::check_columns(x, dim(), "gmm log_prob");
  ColMatrix joint;
  log_joint(x, means_, chol_, log_norm_, joint);
  Vector out(x.rows());
  for (Eigen::Index i = 0; i < x.rows(); ++i) out(i) = detail::log_sum_exp(joint.row(i));
  return out;
}

std::optional<Moments> GmmModel::moments() const {
  Moments m;
  m.mean = (weights_.transpose() * means_).transpose();
  m.cov = Matrix::Zero(dim(), dim());
  for (Eigen::Index j = 0; j < components(); ++j) {
    const Vector shift = means_.row(j).transpose() - m.mean;
    m.cov += weights_(j) * (covs_[static_cast<std::size_t>(j)] + shift * shift.transpose());
  }
  return m;
}

}  // namespace ouro
