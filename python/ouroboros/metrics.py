"""Distribution metrics between a real (reference) and a generated sample array, as `ouro metric`
computes them (docs/metrics-distribution.md has the definitions).

Arrays are 2-D, rows are samples: float64 or float32 (or integers), C or Fortran order. The real set
comes first: precision is the share of generated rows inside the real set's k-NN manifold, recall
the converse. kid and sliced_w2 draw random subsets or projections from `seed`; every value is the
same for any `threads`.
"""
import numpy as np

from . import _core

_DEFAULTS = dict(k=5, kid_subsets=100, kid_subset_size=1000, projections=128, seed=0, threads=0)


def _compute(real, generated, names, **settings):
    unknown = set(settings) - set(_DEFAULTS)
    if unknown:
        raise TypeError(f"unknown setting(s) {sorted(unknown)}; the settings are {sorted(_DEFAULTS)}")
    merged = {**_DEFAULTS, **settings}
    return _core.distribution_metrics(real, generated, list(names), **merged)


def all(real, generated, **settings):
    """Every metric that applies to the arrays' dimension, as {name: value}; kid's standard error
    over subsets as "kid_se". Settings: k=5, kid_subsets=100, kid_subset_size=1000,
    projections=128, seed=0, threads=0 (all cores)."""
    out = {}
    for name, (value, standard_error) in _compute(real, generated, [], **settings).items():
        out[name] = value
        if name == "kid":
            out["kid_se"] = standard_error
    return out


def _single(name):
    def metric(real, generated, **settings):
        return _compute(real, generated, [name], **settings)[name][0]

    metric.__name__ = name
    metric.__doc__ = f"The {name} metric between `real` and `generated` (settings as for all())."
    return metric


frechet = _single("frechet")
precision = _single("precision")
recall = _single("recall")
density = _single("density")
coverage = _single("coverage")
w1 = _single("w1")
w2_empirical = _single("w2_empirical")
sliced_w2 = _single("sliced_w2")


def kid(real, generated, **settings):
    """(KID, its standard error over subsets) between `real` and `generated` (settings as for all())."""
    return tuple(_compute(real, generated, ["kid"], **settings)["kid"])


def precision_recall(real, generated, **settings):
    """(precision, recall) with k nearest neighbours (settings as for all())."""
    values = _compute(real, generated, ["precision", "recall"], **settings)
    return values["precision"][0], values["recall"][0]


def density_coverage(real, generated, **settings):
    """(density, coverage) with k nearest neighbours (settings as for all())."""
    values = _compute(real, generated, ["density", "coverage"], **settings)
    return values["density"][0], values["coverage"][0]


def wasserstein(real, generated, **settings):
    """w1 for one-dimensional samples, sliced_w2 otherwise (settings as for all())."""
    shape = np.shape(real)
    name = "w1" if len(shape) == 2 and shape[1] == 1 else "sliced_w2"
    return _compute(real, generated, [name], **settings)[name][0]
