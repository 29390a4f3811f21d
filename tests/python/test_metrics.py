"""ouroboros.metrics on NumPy arrays against `ouro metric` on the same arrays saved as .npy: the
same numbers, exactly (JSON carries every double's shortest round-trip text), for float64 and
float32, C and Fortran order, one and several dimensions; bad input raises ValueError with the
engine's message."""
import json
import os
import subprocess

import numpy as np
import pytest

import ouroboros

OURO = os.environ["OURO_CLI"]


def cli_metrics(tmp_path, real, generated, *flags):
    np.save(tmp_path / "real.npy", real)
    np.save(tmp_path / "generated.npy", generated)
    out = subprocess.run([OURO, "metric", "all", str(tmp_path / "real.npy"), str(tmp_path / "generated.npy"),
                          "--format", "json", *flags], check=True, capture_output=True, text=True).stdout
    return json.loads(out)


@pytest.mark.parametrize("dim", [1, 3])
def test_all_equals_the_cli(tmp_path, dim):
    rng = np.random.default_rng(7)
    real = rng.standard_normal((300, dim))
    generated = rng.standard_normal((250, dim)) * 1.2 + 0.3
    expected = cli_metrics(tmp_path, real, generated, "--k", "4", "--seed", "9", "--kid-subset-size", "100")
    got = ouroboros.metrics.all(real, generated, k=4, seed=9, kid_subset_size=100)
    assert set(got) == set(expected["metrics"]) | {"kid_se"}
    for name, value in expected["metrics"].items():
        assert got[name] == value, name
    assert got["kid_se"] == expected["standard_errors"]["kid"]


def test_layouts_and_precisions_give_the_same_numbers(tmp_path):
    rng = np.random.default_rng(3)
    real = rng.standard_normal((200, 2)).astype(np.float32)
    generated = rng.standard_normal((180, 2)).astype(np.float32)
    expected = cli_metrics(tmp_path, real, generated)["metrics"]  # the CLI reads float32 .npy
    for r, g in [(real, generated), (np.asfortranarray(real), np.asfortranarray(generated)),
                 (real.astype(np.float64), generated.astype(np.float64))]:
        assert ouroboros.metrics.frechet(r, g) == expected["frechet"]
        assert ouroboros.metrics.precision_recall(r, g) == (expected["precision"], expected["recall"])
        assert ouroboros.metrics.density_coverage(r, g) == (expected["density"], expected["coverage"])
        assert ouroboros.metrics.kid(r, g)[0] == expected["kid"]
        assert ouroboros.metrics.wasserstein(r, g) == expected["sliced_w2"]


def test_the_values_do_not_depend_on_threads():
    rng = np.random.default_rng(5)
    real, generated = rng.standard_normal((400, 4)), rng.standard_normal((400, 4))
    assert ouroboros.metrics.all(real, generated, threads=1) == ouroboros.metrics.all(real, generated, threads=2)


def test_bad_input_raises_with_the_engines_message():
    good = np.zeros((10, 2)) + np.arange(20).reshape(10, 2)
    with pytest.raises(ValueError, match="dimensions differ: real has 2 columns but generated has 3"):
        ouroboros.metrics.frechet(good, np.ones((10, 3)))
    bad = good.copy()
    bad[3, 1] = np.nan
    with pytest.raises(ValueError, match=r"generated: row 3, column 1 \(counting from 0\) is NaN"):
        ouroboros.metrics.frechet(good, bad)
    with pytest.raises(ValueError, match="2-D"):
        ouroboros.metrics.frechet(np.arange(10.0), good)
    with pytest.raises(ValueError, match="w1 compares one-dimensional samples, but real has 2 columns"):
        ouroboros.metrics.w1(good, good)
    with pytest.raises(TypeError, match="unknown setting"):
        ouroboros.metrics.all(good, good, neighbours=3)
