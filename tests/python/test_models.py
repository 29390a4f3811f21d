"""ouroboros.models.fit against independent references: the Gaussian's log-density against SciPy's
with NumPy's MLE and unbiased covariances, the categorical's against the smoothed counts, the KDE's
against the mixture of kernels, the GMM's against scikit-learn's EM on separated clusters; draws are
the same for the same seed and follow the fitted law scaled by λ; bad input raises the engine's
message."""
import numpy as np
import pytest
from scipy.special import logsumexp
from scipy.stats import multivariate_normal

import ouroboros


@pytest.mark.parametrize("estimator, ddof", [("mle", 0), ("unbiased", 1)])
def test_gaussian_log_prob_is_scipys(estimator, ddof):
    rng = np.random.default_rng(1)
    data = rng.multivariate_normal([1.0, -2.0, 0.5], [[2.0, 0.3, 0.0], [0.3, 1.0, 0.2], [0.0, 0.2, 0.5]], size=200)
    model = ouroboros.models.fit("gaussian", data, estimator=estimator)
    x = rng.standard_normal((50, 3))
    expected = multivariate_normal(data.mean(axis=0), np.cov(data, rowvar=False, ddof=ddof)).logpdf(x)
    np.testing.assert_allclose(model.log_prob(x), expected, rtol=1e-10)
    assert model.family == "gaussian" and model.dim == 3


def test_gaussian_draws_follow_the_fit_scaled_by_the_bias():
    rng = np.random.default_rng(2)
    data = rng.standard_normal(500) * 3.0 + 1.0  # 1-D: one column
    model = ouroboros.models.fit("gaussian", data)
    draws = model.sample(20000, bias=0.5, seed=7)
    assert draws.shape == (20000, 1)
    assert np.array_equal(draws, model.sample(20000, bias=0.5, seed=7))
    assert not np.array_equal(draws, model.sample(20000, bias=0.5, seed=8))
    n = len(draws)
    assert abs(draws.mean() - data.mean()) < 4 * np.sqrt(0.5 * data.var() / n)
    # Var of a sample variance of normal draws: 2 sigma^4 / (n - 1).
    assert abs(draws.var(ddof=1) - 0.5 * data.var()) < 4 * np.sqrt(2 / (n - 1)) * 0.5 * data.var()


def test_categorical_log_prob_is_the_smoothed_counts():
    data = np.array([0, 0, 1, 3, 3, 3, 0, 1])
    model = ouroboros.models.fit("categorical", data, smoothing=0.5, outcomes=5)
    counts = np.bincount(data, minlength=5)
    expected = np.log((counts + 0.5) / (len(data) + 5 * 0.5))
    np.testing.assert_allclose(model.log_prob(np.arange(5)), expected, rtol=1e-12)
    draws = model.sample(1000, seed=3)
    assert set(np.unique(draws)) <= set(range(5))


def test_kde_log_prob_is_the_kernel_mixture():
    rng = np.random.default_rng(4)
    data = rng.standard_normal((80, 2))
    h = 0.4
    model = ouroboros.models.fit("kde", data, bandwidth=h)
    x = rng.standard_normal((30, 2))
    squared = ((x[:, None, :] - data[None, :, :]) ** 2).sum(axis=2)
    expected = logsumexp(-squared / (2 * h * h), axis=1) - np.log(len(data)) - np.log(2 * np.pi * h * h)
    np.testing.assert_allclose(model.log_prob(x), expected, rtol=1e-10)


def test_gmm_matches_scikit_learn_on_separated_clusters():
    sklearn = pytest.importorskip("sklearn.mixture")
    rng = np.random.default_rng(5)
    data = np.vstack([rng.normal([-5.0, 0.0], 1.0, size=(300, 2)), rng.normal([5.0, 3.0], 0.7, size=(200, 2))])
    model = ouroboros.models.fit("gmm", data, components=2, seed=1)
    reference = sklearn.GaussianMixture(2, covariance_type="full", tol=1e-10, max_iter=1000, random_state=0).fit(data)
    x = rng.standard_normal((40, 2)) * 4
    np.testing.assert_allclose(model.log_prob(x), reference.score_samples(x), rtol=1e-4)
    assert np.array_equal(model.sample(100, seed=2), ouroboros.models.fit("gmm", data, components=2,
                                                                          seed=1).sample(100, seed=2))


def test_bad_input_raises_with_the_engines_message():
    with pytest.raises(ValueError, match="family 'vae' is not one of"):
        ouroboros.models.fit("vae", np.zeros((10, 2)))
    with pytest.raises(ValueError, match="model.nope"):
        ouroboros.models.fit("gaussian", np.zeros((10, 2)), nope=1)
    with pytest.raises(ValueError, match="outcome index"):
        ouroboros.models.fit("categorical", np.array([0.5, 1.0]), outcomes=3)
    model = ouroboros.models.fit("gaussian", np.random.default_rng(0).standard_normal((10, 2)))
    with pytest.raises(ValueError, match="x has 3 columns; the model's samples have 2"):
        model.log_prob(np.zeros((4, 3)))
