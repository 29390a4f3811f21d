"""Runs and sweeps from Python: the engine's `ouro run` and `ouro sweep`, their folders read back as
pandas DataFrames (docs/python.md).

A config is a path to a TOML file, TOML text, or a dict shaped like the file ({"run": {"generations":
9}, "filter": [{"kind": "curate"}]}). Overrides are dotted keys, as `--set` takes them: keyword
arguments with the first underscore for the dot (`loop_bias=0.8`; `filter_0_kind` for a repeated
table's key) or an `overrides` dict ({"loop.bias": 0.8}). Without `out`, the run goes to a temporary
folder that lives as long as the returned object.
"""
import json
import math
import os
import tempfile

import pandas as pd

from . import _core

_REPEATED_SECTIONS = ("filter",)


def _toml_value(value, key):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)  # a JSON string is a TOML basic string
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v, key) for v in value) + "]"
    if hasattr(value, "tolist"):  # NumPy scalars and arrays
        return _toml_value(value.tolist(), key)
    raise TypeError(f"{key}: a config value must be a bool, number, string or list, not {type(value).__name__}")


def _toml_table(values, where):
    lines = []
    for key, value in values.items():
        if isinstance(value, dict):
            raise TypeError(f"{where}.{key}: tables nest one level (a section and its keys)")
        lines.append(f"{key} = {_toml_value(value, f'{where}.{key}')}")
    return lines


def config_toml(config):
    """TOML text for a config dict: one [section] per dict, one [[section]] per element of a list
    of dicts (the repeated sections, such as filter)."""
    lines = []
    for section, values in config.items():
        if isinstance(values, (list, tuple)):
            for element in values:
                if not isinstance(element, dict):
                    raise TypeError(f"{section}: a repeated section is a list of dicts")
                lines += [f"[[{section}]]"] + _toml_table(element, section)
        elif isinstance(values, dict):
            lines += [f"[{section}]"] + _toml_table(values, section)
        else:
            raise TypeError(f"{section}: a config is a dict of sections (dicts, or lists of dicts)")
    return "\n".join(lines) + "\n"


def _source(config):
    if isinstance(config, dict):
        return _core.ConfigSource(config_toml(config), "")
    # A one-line string naming an existing file or ending in .toml is a path; anything else is text.
    if isinstance(config, os.PathLike) or (isinstance(config, str) and "\n" not in config and
                                           (os.path.isfile(config) or config.strip().endswith(".toml"))):
        path = os.fspath(config)
        if not os.path.exists(path):
            raise OSError(f"'{path}': no such config file")
        return _core.ConfigSource("", os.path.abspath(path))
    if isinstance(config, str):
        return _core.ConfigSource(config, "")
    raise TypeError("config must be a path, TOML text or a dict")


def _dotted(name):
    section, _, rest = name.partition("_")
    if section in _REPEATED_SECTIONS:
        index, _, key = rest.partition("_")
        return f"{section}.{index}.{key}"
    return f"{section}.{rest}"


def _assignments(overrides, keywords):
    merged = dict(overrides or {})
    merged.update({_dotted(name): value for name, value in keywords.items()})
    return [f"{key}={_toml_value(value, key)}" for key, value in merged.items()]


def _existing(force, resume):
    if force and resume:
        raise ValueError("force and resume contradict each other: force starts over, resume continues")
    return "force" if force else "resume" if resume else "refuse"


def _output_folder(out, prefix):
    if out is not None:
        return os.path.abspath(os.fspath(out)), None
    temporary = tempfile.TemporaryDirectory(prefix=prefix)
    return os.path.join(temporary.name, "out"), temporary


def _read_csv(folder, name):
    for candidate in (name, name + ".gz"):
        path = os.path.join(folder, candidate)
        if os.path.exists(path):
            return pd.read_csv(path)
    return None


class Run:
    """A run folder: metrics, theory and composition as tidy DataFrames, the resolved config, and
    run.json as `info`."""

    def __init__(self, folder, _temporary=None):
        self.folder = folder
        self._temporary = _temporary  # keeps a temporary folder alive with the object
        with open(os.path.join(folder, "run.json")) as f:
            self.info = json.load(f)
        self.config = self.info["config"]
        self.metrics = _read_csv(folder, "metrics.csv")
        self.theory = _read_csv(folder, "theory.csv")
        self.composition = _read_csv(folder, "composition.csv")

    def summary(self):
        """Per generation and metric: the mean over replicates, its standard error, the replicates
        counted and, where the config has one, the theory's expectation."""
        grouped = self.metrics.groupby(["generation", "metric"])["value"]
        table = grouped.agg(mean="mean", se="sem", replicates="count").reset_index()
        if self.theory is not None and len(self.theory):
            table = table.merge(self.theory, on=["generation", "metric"], how="left")
        return table

    def report(self, path=None):
        """Writes the run's HTML report (default: report.html in the run folder); returns its path."""
        path = os.fspath(path) if path is not None else os.path.join(self.folder, "report.html")
        _core.write_run_report(self.folder, path)
        return path

    def __repr__(self):
        run = self.config.get("run", {})
        return (f"Run({self.folder!r}, {run.get('replicates')} replicates x {run.get('generations')} generations, "
                f"{self.metrics['metric'].nunique()} metrics)")


class Sweep:
    """A sweep folder: sweep.csv as `results` (one row per cell, replicate, generation and metric, the
    swept keys as columns), sweep.json as `plan`, and each cell's Run through cell(i)."""

    def __init__(self, folder, _temporary=None):
        self.folder = folder
        self._temporary = _temporary
        with open(os.path.join(folder, "sweep.json")) as f:
            self.plan = json.load(f)
        self.results = _read_csv(folder, "sweep.csv")

    def cell(self, index):
        """Cell `index` (as sweep.csv numbers it) as a Run."""
        return Run(os.path.join(self.folder, self.plan["cells"][index]["folder"]), self._temporary)

    def __repr__(self):
        return f"Sweep({self.folder!r}, {len(self.plan['cells'])} cells)"


def run(config, out=None, *, overrides=None, force=False, resume=False, checkpoint_every="30s", report=False,
        **keywords):
    """Runs a loop experiment as `ouro run` does and returns its Run. With `out`, the folder is the
    CLI's (`force` overwrites one there, `resume` continues an interrupted one); `report` also
    writes report.html."""
    folder, temporary = _output_folder(out, "ouroboros_run_")
    _core.run(_source(config), _assignments(overrides, keywords), folder, _existing(force, resume),
              str(checkpoint_every), report)
    return Run(folder, temporary)


def sweep(config, grid=None, out=None, *, shard=None, overrides=None, force=False, resume=False,
          checkpoint_every="30s", report=False, **keywords):
    """Runs a grid of experiments as `ouro sweep` does and returns its Sweep. `grid` maps dotted keys
    to lists of values (`{"loop.bias": [1.0, 0.8]}`), added to a config file's [sweep] table;
    `shard=(i, n)` runs shard i of n (a share of the cells balanced by cost), as `--shard i/n`."""
    folder, temporary = _output_folder(out, "ouroboros_sweep_")
    arguments = [f"{key}=" + ",".join(_toml_value(v, key) for v in values) for key, values in (grid or {}).items()]
    shard_text = "" if shard is None else f"{shard[0]}/{shard[1]}"
    _core.sweep(_source(config), _assignments(overrides, keywords), arguments, shard_text, folder,
                _existing(force, resume), str(checkpoint_every), report)
    return Sweep(folder, temporary)


def load(folder):
    """A folder `ouro run` or `ouro sweep` wrote, as a Run or a Sweep."""
    folder = os.path.abspath(os.fspath(folder))
    if os.path.exists(os.path.join(folder, "sweep.json")):
        return Sweep(folder)
    if os.path.exists(os.path.join(folder, "run.json")):
        return Run(folder)
    raise OSError(f"'{folder}' is neither a finished run (no run.json) nor a sweep (no sweep.json)")
