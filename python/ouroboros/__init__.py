"""ouroboros from Python: loop experiments, sweeps and the distribution metrics with the engine's
own code, results as pandas DataFrames (docs/python.md).

    import ouroboros
    run = ouroboros.run("examples/shumailov_gaussian_mle_n100.toml", run_replicates=20)
    run.metrics                    # tidy: replicate, generation, metric, value
    run.summary()                  # mean, standard error and theory per generation and metric
    sweep = ouroboros.sweep("examples/mad_gaussian_fresh_data.toml", grid={"loop.bias": [1.0, 0.8]})
    sweep.results                  # sweep.csv
    ouroboros.load("out/demo")     # any folder `ouro run` or `ouro sweep` wrote
    ouroboros.metrics.frechet(real, generated)
    model = ouroboros.models.fit("gmm", data, components=3, seed=1)   # a family, for your own loop

The numbers are the CLI's for the same config. Errors arrive as ValueError (bad settings or data),
OSError (files) or RuntimeError, with the engine's message.
"""
from . import metrics, models
from .runs import Run, Sweep, load, run, sweep

__all__ = ["metrics", "models", "run", "sweep", "load", "Run", "Sweep"]
