"""examples/python/gaussian_collapse.py runs end to end (small: 10 replicates, 50 generations),
writes its figure and prints generation 50's logdet_ratio beside the theory's."""
import os
import re
import subprocess
import sys

import pytest

EXAMPLE = os.path.join(os.path.dirname(__file__), "..", "..", "examples", "python", "gaussian_collapse.py")


def test_the_example_writes_its_figure(tmp_path):
    pytest.importorskip("matplotlib")
    out = tmp_path / "figure.png"
    result = subprocess.run([sys.executable, EXAMPLE, "--replicates", "10", "--generations", "50", "--out", str(out)],
                            capture_output=True, text=True, env=os.environ)
    assert result.returncode == 0, result.stderr
    assert out.read_bytes().startswith(b"\x89PNG") and out.stat().st_size > 20000
    match = re.search(r"generation 50: logdet_ratio (-?[\d.]+) ± ([\d.]+) \(theory (-?[\d.]+)\)", result.stdout)
    assert match, result.stdout
    mean, se, theory = map(float, match.groups())
    assert abs(mean - theory) < 5 * se + 0.2  # theory: E log(σ²_50/σ²) ≈ -1.0 at n = 100
