"""ouroboros.run / sweep / load against `ouro run` / `ouro sweep` on the same configs: the result
files are the same bytes (run.json aside: its timings differ), a config given as a file, TOML text
or a dict gives the same run, overrides are --set's, and bad input raises with the engine's message."""
import os
import subprocess

import pandas as pd
import pytest

import ouroboros

OURO = os.environ["OURO_CLI"]
RESULT_FILES = ["metrics.csv", "theory.csv", "composition.csv"]

CONFIG = {
    "run": {"generations": 6, "replicates": 4, "seed": 3},
    "truth": {"kind": "gaussian", "mean": [0.0, 1.0], "cov": [[1.0, 0.3], [0.3, 2.0]]},
    "model": {"family": "gaussian", "estimator": "mle"},
    "loop": {"initial": 50, "synthetic": 40, "real": "fresh", "real_samples": 10},
    "metrics": {"test_samples": 100},
    "filter": [{"kind": "threshold", "reward.linear": [1.0, 0.0], "min_reward": -1.5}],
}


def write_config(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(ouroboros.runs.config_toml(CONFIG))
    return path


def cli(*arguments):
    return subprocess.run([OURO, *arguments, "--quiet", "--no-report"], check=True, capture_output=True, text=True)


def read(path):
    return path.read_bytes()


def test_a_run_is_the_clis_to_the_byte(tmp_path):
    config = write_config(tmp_path)
    cli("run", str(config), "--out", str(tmp_path / "cli"), "--set", "loop.bias=0.9", "--set", "filter.0.min_reward=-1")
    run = ouroboros.run(config, tmp_path / "py", loop_bias=0.9, filter_0_min_reward=-1.0)
    for name in RESULT_FILES:
        assert read(tmp_path / "py" / name) == read(tmp_path / "cli" / name), name
    pd.testing.assert_frame_equal(run.metrics, pd.read_csv(tmp_path / "cli" / "metrics.csv"))
    pd.testing.assert_frame_equal(run.composition, pd.read_csv(tmp_path / "cli" / "composition.csv"))
    assert run.config["loop"]["bias"] == 0.9
    assert run.config["filter"][0]["min_reward"] == -1.0


def test_a_file_toml_text_and_a_dict_give_the_same_run(tmp_path):
    config = write_config(tmp_path)
    from_file = ouroboros.run(config, overrides={"run.replicates": 2})
    from_text = ouroboros.run(config.read_text(), run_replicates=2)
    from_dict = ouroboros.run(CONFIG, run_replicates=2)
    for other in (from_text, from_dict):
        pd.testing.assert_frame_equal(other.metrics, from_file.metrics)
        pd.testing.assert_frame_equal(other.theory, from_file.theory)
    assert from_file.metrics["replicate"].nunique() == 2


def test_summary_and_report(tmp_path):
    run = ouroboros.run({**CONFIG, "filter": []}, tmp_path / "run")  # without a filter the loop has theory
    summary = run.summary()
    trace_ratio = run.metrics[(run.metrics.metric == "trace_ratio") & (run.metrics.generation == 6)]["value"]
    row = summary[(summary.metric == "trace_ratio") & (summary.generation == 6)].iloc[0]
    assert row["mean"] == pytest.approx(trace_ratio.mean(), rel=1e-12)
    assert row["se"] == pytest.approx(trace_ratio.std(ddof=1) / 2, rel=1e-12)
    assert row["replicates"] == 4
    assert "expected" in summary.columns  # the theory's column, beside the measurements
    path = run.report(tmp_path / "page.html")
    assert os.path.getsize(path) > 10000
    loaded = ouroboros.load(tmp_path / "run")
    pd.testing.assert_frame_equal(loaded.metrics, run.metrics)
    # report=True writes the folder's report.html with the run, as `ouro run` does by default.
    assert not (tmp_path / "run" / "report.html").exists()
    ouroboros.run({**CONFIG, "filter": []}, tmp_path / "with_report", report=True)
    assert (tmp_path / "with_report" / "report.html").stat().st_size > 10000


def test_a_sharded_sweep_is_the_clis_to_the_byte(tmp_path):
    config = write_config(tmp_path)
    grid = ["--grid", "loop.bias=1.0,0.8", "--grid", "loop.real_samples=5,10,20"]
    for shard in ("0/2", "1/2"):
        cli("sweep", str(config), *grid, "--shard", shard, "--out", str(tmp_path / f"cli{shard[0]}"))
        ouroboros.sweep(config, {"loop.bias": [1.0, 0.8], "loop.real_samples": [5, 10, 20]},
                        tmp_path / f"py{shard[0]}", shard=(int(shard[0]), 2))
        assert read(tmp_path / f"py{shard[0]}" / "sweep.csv") == read(tmp_path / f"cli{shard[0]}" / "sweep.csv")
    subprocess.run([OURO, "merge", str(tmp_path / "merged"), str(tmp_path / "py0"), str(tmp_path / "py1")],
                   check=True, capture_output=True)
    whole = ouroboros.sweep(config, {"loop.bias": [1.0, 0.8], "loop.real_samples": [5, 10, 20]})
    assert (tmp_path / "merged" / "sweep.csv").read_bytes() == open(os.path.join(whole.folder, "sweep.csv"), "rb").read()
    merged = ouroboros.load(tmp_path / "merged")
    assert isinstance(merged, ouroboros.Sweep)
    assert sorted(merged.results["cell"].unique()) == list(range(6))
    assert set(merged.results.columns) >= {"loop.bias", "loop.real_samples", "metric", "value"}
    assert merged.cell(5).config["loop"]["real_samples"] == 20


def test_bad_input_raises_with_the_engines_message(tmp_path):
    with pytest.raises(ValueError, match="loop.nope"):
        ouroboros.run(CONFIG, loop_nope=1)
    with pytest.raises(ValueError, match="loop.initial"):
        ouroboros.run(CONFIG, loop_initial=-5)
    with pytest.raises(OSError, match="no such config file"):
        ouroboros.run(tmp_path / "missing.toml")
    with pytest.raises(ValueError, match="contradict"):
        ouroboros.run(CONFIG, tmp_path / "x", force=True, resume=True)
    ouroboros.run(CONFIG, tmp_path / "done")
    with pytest.raises(OSError, match="already holds a finished run"):
        ouroboros.run(CONFIG, tmp_path / "done")  # a finished run is not overwritten unasked
    with pytest.raises(OSError, match="neither a finished run"):
        ouroboros.load(tmp_path)
