// The model families against independent implementations run on the same arrays (label: python):
// the GMM's EM optimum against scikit-learn's GaussianMixture (same covariance floor, reg_covar), and
// its log density against SciPy's multivariate normal; the KDE's Scott/Silverman kernel covariance
// and log density against scipy.stats.gaussian_kde; OLS against numpy.linalg.lstsq.
//
// Arrays travel as text with 17 significant digits (exact for doubles); the scripts write their
// answers the same way.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "model_test_util.hpp"
#include "ouro/models/gmm.hpp"
#include "ouro/models/kde.hpp"
#include "ouro/models/linear_regression.hpp"
#include "support/python.hpp"

namespace ouro {
namespace {

using testing::read_numbers;
using testing::run_python;
using testing::TempDir;
using testing::write_matrix;
using testing::test_rng;

TEST(GmmVsSklearn, SameOptimumAndSameDensity) {
  // Three separated 2-D components; both EMs must reach the same maximum of the likelihood.
  Vector w(3);
  w << 0.5, 0.3, 0.2;
  Matrix means(3, 2);
  means << 0, 0, 6, 0, 0, 6;
  Matrix a(2, 2), b(2, 2), c(2, 2);
  a << 1.0, 0.3, 0.3, 0.5;
  b << 0.6, -0.2, -0.2, 1.2;
  c << 0.8, 0.0, 0.0, 0.8;
  const GmmModel truth(w, means, {a, b, c});
  Rng rng = test_rng(1);
  const Matrix x = truth.sample(1500, 1.0, rng);
  Rng fit_rng = test_rng(2);
  const auto fitted = GmmFamily(2, GmmSettings{3, 1e-12, 2000, 1e-6}).fit(x, fit_rng);
  const auto& gmm = dynamic_cast<const GmmModel&>(*fitted);

  TempDir dir;
  write_matrix(dir / "x.txt", x);
  write_matrix(dir / "weights.txt", gmm.weights().transpose());
  write_matrix(dir / "means.txt", gmm.means());
  Matrix covs(3, 4);
  for (Eigen::Index j = 0; j < 3; ++j) covs.row(j) = Eigen::Map<const Eigen::RowVectorXd>(gmm.covariances()[static_cast<std::size_t>(j)].data(), 4);
  write_matrix(dir / "covs.txt", covs);
  Matrix probe(4, 2);
  probe << 0.5, 0.5, 3.0, 3.0, 6.2, -0.4, -5.0, 20.0;
  write_matrix(dir / "probe.txt", probe);
  ASSERT_TRUE(run_python(dir, R"(
import sys
import numpy as np
from scipy.special import logsumexp
from scipy.stats import multivariate_normal
from sklearn.mixture import GaussianMixture
d = sys.argv[1]
x = np.loadtxt(f'{d}/x.txt', ndmin=2)
gm = GaussianMixture(n_components=3, covariance_type='full', tol=1e-12, reg_covar=1e-6, max_iter=5000,
                     n_init=4, random_state=0).fit(x)
order = np.argsort(gm.means_[:, 0] + 10 * gm.means_[:, 1])
np.savetxt(f'{d}/sk_score.txt', [gm.score(x)], fmt='%.17g')
np.savetxt(f'{d}/sk_means.txt', gm.means_[order], fmt='%.17g')
np.savetxt(f'{d}/sk_weights.txt', gm.weights_[order], fmt='%.17g')
np.savetxt(f'{d}/sk_covs.txt', gm.covariances_[order].reshape(3, 4), fmt='%.17g')
w = np.loadtxt(f'{d}/weights.txt')
m = np.loadtxt(f'{d}/means.txt', ndmin=2)
c = np.loadtxt(f'{d}/covs.txt', ndmin=2).reshape(3, 2, 2)
probe = np.loadtxt(f'{d}/probe.txt', ndmin=2)
parts = np.stack([np.log(w[j]) + multivariate_normal(m[j], c[j]).logpdf(probe) for j in range(3)])
np.savetxt(f'{d}/scipy_logpdf.txt', logsumexp(parts, axis=0), fmt='%.17g')
)"));
  // Mean log-likelihood at the optimum: the same to 1e-7 (both stop at improvements below 1e-12).
  const double sk_score = read_numbers(dir / "sk_score.txt").at(0);
  EXPECT_NEAR(gmm.log_likelihood_trace().back(), sk_score, 1e-7);
  EXPECT_NEAR(fitted->log_prob(x).mean(), sk_score, 1e-7);
  // Parameters in the same order (sorted by mean_x + 10 mean_y): within 1e-4.
  std::vector<Eigen::Index> order{0, 1, 2};
  std::sort(order.begin(), order.end(), [&](Eigen::Index p, Eigen::Index q) {
    return gmm.means()(p, 0) + 10 * gmm.means()(p, 1) < gmm.means()(q, 0) + 10 * gmm.means()(q, 1);
  });
  const std::vector<double> sk_means = read_numbers(dir / "sk_means.txt");
  const std::vector<double> sk_weights = read_numbers(dir / "sk_weights.txt");
  const std::vector<double> sk_covs = read_numbers(dir / "sk_covs.txt");
  ASSERT_EQ(sk_means.size(), 6u);
  ASSERT_EQ(sk_covs.size(), 12u);
  for (std::size_t r = 0; r < 3; ++r) {
    const Eigen::Index j = order[r];
    EXPECT_NEAR(gmm.weights()(j), sk_weights[r], 1e-4) << r;
    for (Eigen::Index k = 0; k < 2; ++k) EXPECT_NEAR(gmm.means()(j, k), sk_means[2 * r + static_cast<std::size_t>(k)], 1e-4) << r;
    for (Eigen::Index k = 0; k < 4; ++k) {
      EXPECT_NEAR(gmm.covariances()[static_cast<std::size_t>(j)].data()[k], sk_covs[4 * r + static_cast<std::size_t>(k)], 1e-4) << r;
    }
  }
  // Density of our fitted parameters, written out by SciPy.
  const std::vector<double> scipy_logpdf = read_numbers(dir / "scipy_logpdf.txt");
  const Vector lp = fitted->log_prob(probe);
  ASSERT_EQ(scipy_logpdf.size(), 4u);
  for (Eigen::Index i = 0; i < 4; ++i) EXPECT_NEAR(lp(i), scipy_logpdf[static_cast<std::size_t>(i)], 1e-10 * (1 + std::abs(lp(i)))) << i;
}

TEST(KdeVsScipy, KernelCovarianceAndDensity) {
  Rng rng = test_rng(3);
  Matrix one(50, 1), two(40, 2);
  rng.fill_normal({one.data(), 50});
  rng.fill_normal({two.data(), 80});
  two.col(1) = 0.6 * two.col(0) + 0.5 * two.col(1);
  TempDir dir;
  write_matrix(dir / "one.txt", one);
  write_matrix(dir / "two.txt", two);
  Matrix probe1(5, 1), probe2(5, 2);
  probe1 << -3.0, -0.5, 0.0, 0.7, 2.5;
  probe2 << 0, 0, 1, 1, -1, 0.5, 2, -2, 0.3, 0.1;
  write_matrix(dir / "probe1.txt", probe1);
  write_matrix(dir / "probe2.txt", probe2);
  ASSERT_TRUE(run_python(dir, R"(
import sys
import numpy as np
from scipy.stats import gaussian_kde
d = sys.argv[1]
for name in ['one', 'two']:
    x = np.loadtxt(f'{d}/{name}.txt', ndmin=2)
    probe = np.loadtxt(f'{d}/probe{1 if name == "one" else 2}.txt', ndmin=2)
    for rule in ['scott', 'silverman']:
        k = gaussian_kde(x.T, bw_method=rule)
        np.savetxt(f'{d}/{name}_{rule}_cov.txt', np.atleast_2d(k.covariance), fmt='%.17g')
        np.savetxt(f'{d}/{name}_{rule}_logpdf.txt', k.logpdf(probe.T), fmt='%.17g')
    if name == 'one':
        # A numeric kernel standard deviation h = 0.3 is scipy's factor h / std(x, ddof=1).
        k = gaussian_kde(x.T, bw_method=0.3 / np.std(x[:, 0], ddof=1))
        np.savetxt(f'{d}/one_fixed_logpdf.txt', k.logpdf(probe.T), fmt='%.17g')
)"));
  struct Case {
    std::string name;
    const Matrix* x;
    const Matrix* probe;
  };
  for (const Case& c : {Case{"one", &one, &probe1}, Case{"two", &two, &probe2}}) {
    for (const auto& [rule_name, rule] :
         {std::pair{std::string("scott"), BandwidthRule::kScott}, std::pair{std::string("silverman"), BandwidthRule::kSilverman}}) {
      const std::string what = c.name + " " + rule_name;
      const Matrix kernel = kde_kernel_covariance(*c.x, {rule});
      const std::vector<double> expected = read_numbers(dir / (c.name + "_" + rule_name + "_cov.txt"));
      ASSERT_EQ(expected.size(), static_cast<std::size_t>(kernel.size())) << what;
      for (Eigen::Index k = 0; k < kernel.size(); ++k) {
        EXPECT_NEAR(kernel.data()[k], expected[static_cast<std::size_t>(k)], 1e-13) << what;
      }
      Rng fit_rng = test_rng(4);
      const auto model = KdeFamily(c.x->cols(), {rule}).fit(*c.x, fit_rng);
      const Vector lp = model->log_prob(*c.probe);
      const std::vector<double> logpdf = read_numbers(dir / (c.name + "_" + rule_name + "_logpdf.txt"));
      ASSERT_EQ(logpdf.size(), 5u) << what;
      for (Eigen::Index i = 0; i < 5; ++i) EXPECT_NEAR(lp(i), logpdf[static_cast<std::size_t>(i)], 1e-10 * (1 + std::abs(lp(i)))) << what << " row " << i;
    }
  }
  Rng fit_rng = test_rng(5);
  const auto fixed = KdeFamily(1, {BandwidthRule::kFixed, 0.3}).fit(one, fit_rng);
  const Vector lp = fixed->log_prob(probe1);
  const std::vector<double> logpdf = read_numbers(dir / "one_fixed_logpdf.txt");
  for (Eigen::Index i = 0; i < 5; ++i) EXPECT_NEAR(lp(i), logpdf[static_cast<std::size_t>(i)], 1e-10 * (1 + std::abs(lp(i)))) << "fixed row " << i;
}

TEST(OlsVsNumpy, LstsqGivesTheSameWeights) {
  Rng rng = test_rng(6);
  Matrix data(40, 6);
  rng.fill_normal({data.data(), static_cast<std::size_t>(data.size())});
  data.col(5) = data.leftCols(5) * Vector::LinSpaced(5, -1.0, 2.0) + 0.7 * data.col(5);
  TempDir dir;
  write_matrix(dir / "data.txt", data);
  ASSERT_TRUE(run_python(dir, R"(
import sys
import numpy as np
d = sys.argv[1]
a = np.loadtxt(f'{d}/data.txt', ndmin=2)
w, *_ = np.linalg.lstsq(a[:, :-1], a[:, -1], rcond=None)
np.savetxt(f'{d}/w.txt', w, fmt='%.17g')
)"));
  Rng fit_rng = test_rng(7);
  const auto model = LinearRegressionFamily(5, 0.49, RegressionDesign::kFixed).fit(data, fit_rng);
  const std::vector<double> w = read_numbers(dir / "w.txt");
  ASSERT_EQ(w.size(), 5u);
  for (Eigen::Index k = 0; k < 5; ++k) EXPECT_NEAR((*model->coefficients())(k), w[static_cast<std::size_t>(k)], 1e-12) << k;
}

}  // namespace
}  // namespace ouro
