#!/usr/bin/env python3
"""The single-Gaussian collapse of Shumailov et al. (Nature 2024, Fig. 2's statistical model) from a
notebook or script: examples/demo.toml run through ouroboros, then plotted with pandas and
matplotlib beside the closed form. Left: the fitted variance's log-ratio to the truth's
(logdet_ratio; expectation from docs/theory.md) falls linearly in the generation, mean ± 1 standard
error over replicates with the 10%–90% band; right: the same run's W2 distance to the truth, whose
mean a few replicates that drifted far carry above its expectation (README.md, "A first
experiment", explains such heavy-tailed metrics).

    PYTHONPATH=build/python /usr/bin/python3 examples/python/gaussian_collapse.py --out gaussian.png

Measured with the defaults (200 replicates, 1000 generations): at generation 1000 logdet_ratio is
-20.0 ± 0.3 against the theory's -20.2, the figure README.md quotes for `ouro run examples/demo.toml`.
"""
import argparse
import os

import matplotlib

matplotlib.use("Agg")  # files, no display
import matplotlib.pyplot as plt  # noqa: E402

import ouroboros  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--replicates", type=int, default=200)
    parser.add_argument("--generations", type=int, default=1000)
    parser.add_argument("--out", default="gaussian_collapse.png")
    args = parser.parse_args()

    run = ouroboros.run(os.path.join(HERE, "..", "demo.toml"), run_replicates=args.replicates,
                        run_generations=args.generations)
    summary = run.summary()
    quantiles = (run.metrics.groupby(["metric", "generation"])["value"].quantile([0.1, 0.9])
                 .unstack().reset_index().rename(columns={0.1: "q10", 0.9: "q90"}))

    figure, axes = plt.subplots(1, 2, figsize=(10, 4), constrained_layout=True)
    for axis, metric, label in [(axes[0], "logdet_ratio", "log(σ²_g / σ²)"), (axes[1], "w2", "W2 to the truth")]:
        rows = summary[summary.metric == metric]
        band = quantiles[quantiles.metric == metric]
        axis.fill_between(band.generation, band.q10, band.q90, color="C0", alpha=0.15, label="10%–90% of replicates")
        axis.plot(rows.generation, rows["mean"], color="C0", label="mean ± 1 s.e. over replicates")
        axis.fill_between(rows.generation, rows["mean"] - rows.se, rows["mean"] + rows.se, color="C0", alpha=0.4)
        if "expected" in rows and rows.expected.notna().any():
            axis.plot(rows.generation, rows.expected, "k--", label="theory")
        axis.set_xlabel("generation")
        axis.set_ylabel(label)
        axis.legend()
    figure.suptitle(f"1-D Gaussian, n = 100, MLE: {args.replicates} replicates")
    figure.savefig(args.out, dpi=120)

    last = summary[(summary.metric == "logdet_ratio") & (summary.generation == args.generations)].iloc[0]
    print(f"generation {args.generations}: logdet_ratio {last['mean']:.1f} ± {last.se:.1f} "
          f"(theory {last.expected:.1f}); wrote {args.out}")


if __name__ == "__main__":
    main()
