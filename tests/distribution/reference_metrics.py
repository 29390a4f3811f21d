"""Independent reference for the distribution-metric tests: straightforward NumPy/SciPy/scikit-learn
implementations on whole distance matrices, as the published code computes them.

Usage: reference_metrics.py REAL.npy GENERATED.npy K  -> prints one JSON object.

- fid: pytorch-fid's calculate_frechet_distance (scipy.linalg.sqrtm of S1 S2, real part, with its
  1e-6 eps*I retry when the square root is not finite).
- precision/recall/density/coverage: the prdc package's formulas (Naeem et al. 2020) on
  sklearn.metrics.pairwise_distances, with closed balls (<=) as in ouroboros; reported as integer
  counts so that the comparison is exact.
- mmd2: the unbiased cubic-kernel MMD^2 on all rows; w1: scipy.stats.wasserstein_distance (1-D).
"""
import json
import sys

import numpy as np
from scipy import linalg, stats
from sklearn.metrics import pairwise_distances


def fid(a, b):
    mu1, mu2 = a.mean(axis=0), b.mean(axis=0)
    s1 = np.atleast_2d(np.cov(a, rowvar=False))
    s2 = np.atleast_2d(np.cov(b, rowvar=False))
    diff = mu1 - mu2
    covmean, _ = linalg.sqrtm(s1.dot(s2), disp=False)
    if not np.isfinite(covmean).all():
        offset = np.eye(s1.shape[0]) * 1e-6
        covmean = linalg.sqrtm((s1 + offset).dot(s2 + offset))
    if np.iscomplexobj(covmean):
        covmean = covmean.real
    return float(diff.dot(diff) + np.trace(s1) + np.trace(s2) - 2 * np.trace(covmean))


def prdc_counts(real, fake, k):
    rr = pairwise_distances(real, real)
    ff = pairwise_distances(fake, fake)
    rf = pairwise_distances(real, fake)
    r = np.partition(rr, k, axis=1)[:, k]  # column 0 is the row itself (distance 0)
    f = np.partition(ff, k, axis=1)[:, k]
    inside = rf <= r[:, None]  # [real i, fake j]: fake j in the ball of real i
    return {
        "precision_hits": int(inside.any(axis=0).sum()),
        "recall_hits": int((rf <= f[None, :]).any(axis=1).sum()),
        "density_sum": int(inside.sum()),
        "coverage_hits": int((rf.min(axis=1) <= r).sum()),
    }


def mmd2(x, y):
    d = x.shape[1]
    kxx = (x @ x.T / d + 1) ** 3
    kyy = (y @ y.T / d + 1) ** 3
    kxy = (x @ y.T / d + 1) ** 3
    m, n = len(x), len(y)
    return float((kxx.sum() - np.trace(kxx)) / (m * (m - 1)) + (kyy.sum() - np.trace(kyy)) / (n * (n - 1))
                 - 2 * kxy.mean())


def main():
    real = np.load(sys.argv[1])
    fake = np.load(sys.argv[2])
    k = int(sys.argv[3])
    out = {"fid": fid(real, fake), "mmd2": mmd2(real, fake)}
    out.update(prdc_counts(real, fake, k))
    if real.shape[1] == 1:
        out["w1"] = float(stats.wasserstein_distance(real[:, 0], fake[:, 0]))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
