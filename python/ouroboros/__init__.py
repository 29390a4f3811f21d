"""ouroboros from Python: the engine's distribution metrics on NumPy arrays (docs/python.md).

    import numpy as np, ouroboros
    real, generated = np.random.randn(500, 2), np.random.randn(400, 2) + 0.1
    ouroboros.metrics.frechet(real, generated)
    ouroboros.metrics.all(real, generated, k=5)      # every metric that applies, as a dict

The numbers are those `ouro metric` prints for the same data and settings. Errors arrive as
ValueError (bad data or settings), OSError (files) or RuntimeError, with the engine's message.
"""
from . import metrics

__all__ = ["metrics"]
