"""The statistical families from Python, for users who build their own loops: a model fitted to a
NumPy array exactly as the loop fits it, then sampled and scored (docs/python.md).

    model = ouroboros.models.fit("gaussian", data, estimator="unbiased", seed=1)
    draws = model.sample(1000, bias=1.0, seed=2)
    model.log_prob(draws)

Families: gaussian, gmm, kde (rows of any dimension), categorical (one column of outcome indices
0 .. K-1; `outcomes=K`, by default the largest index seen plus one). Settings are the config's
`model.*` keys (docs/config.md), e.g. estimator, components, bandwidth, smoothing. `bias` is the
loop's λ (docs/loop.md#sampling-bias-λ): variances scaled by λ, categorical temperature λ.
"""
import numpy as np

from . import _core
from .runs import _toml_value


class Model:
    """A fitted model: sample(n, bias=1.0, seed=0) draws n rows, log_prob(x) scores rows."""

    def __init__(self, fitted):
        self._fitted = fitted

    @property
    def family(self):
        return self._fitted.family

    @property
    def dim(self):
        return self._fitted.dim

    def sample(self, n, bias=1.0, seed=0):
        """n rows drawn at temperature `bias` from the stream of `seed` (the same rows for the same seed)."""
        return self._fitted.sample(int(n), float(bias), int(seed))

    def log_prob(self, x):
        """The log-density (log-probability for categorical) of each row of x."""
        return self._fitted.log_prob(_rows(x))

    def __repr__(self):
        return f"Model({self.family!r}, dim={self.dim})"


def _rows(x):
    """1-D data as one column; anything else as it is (the engine checks it)."""
    x = np.asarray(x)
    return x.reshape(-1, 1) if x.ndim == 1 else x


def fit(family, data, *, seed=0, outcomes=None, **settings):
    """A `family` model fitted to the rows of `data` (2-D, or 1-D for one column; categorical: outcome
    indices)."""
    data = _rows(data)
    if outcomes is None:
        outcomes = int(np.max(data)) + 1 if family == "categorical" and data.size else 0
    assignments = [f"{key}={_toml_value(value, 'model.' + key)}" for key, value in settings.items()]
    return Model(_core.fit(family, data, assignments, int(outcomes), int(seed)))
