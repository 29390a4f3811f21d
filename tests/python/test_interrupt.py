"""Ctrl-C during ouroboros.run: KeyboardInterrupt reaches the caller once the loop has stopped, the
folder keeps its checkpoints as after a kill, and resume=True completes it to the bytes of an
uninterrupted `ouro run`."""
import os
import signal
import subprocess
import sys
import time

import ouroboros

OURO = os.environ["OURO_CLI"]

# A run of several seconds (2000 generations x 40 replicates of 3000 points), checkpointed every
# 100 generations, so that it is interrupted part-way.
CONFIG = """[run]
generations = 2000
replicates = 40
seed = 2
[truth]
kind = "gaussian"
mean = [0.0, 0.0]
cov = [[1.0, 0.0], [0.0, 1.0]]
[loop]
initial = 3000
synthetic = 3000
[metrics]
test_samples = 2000
"""

SCRIPT = """
import sys
import ouroboros
try:
    ouroboros.run(sys.argv[1], sys.argv[2], checkpoint_every="100")
    print("finished")
except KeyboardInterrupt:
    print("interrupted")
"""


def test_ctrl_c_leaves_a_resumable_folder(tmp_path):
    config = tmp_path / "long.toml"
    config.write_text(CONFIG)
    out = tmp_path / "run"
    process = subprocess.Popen([sys.executable, "-c", SCRIPT, str(config), str(out)], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env=os.environ)
    partial = out / ".partial"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not any(p.name.startswith("replicate-") for p in
                                                  (partial.iterdir() if partial.exists() else [])):
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=120)
    assert stdout.strip() == "interrupted", stderr
    assert partial.exists() and not (out / "run.json").exists()

    resumed = ouroboros.run(config, out, resume=True, checkpoint_every="100")
    subprocess.run([OURO, "run", str(config), "--out", str(tmp_path / "cli"), "--quiet", "--no-report"], check=True)
    for name in ("metrics.csv", "theory.csv", "composition.csv"):
        assert (out / name).read_bytes() == (tmp_path / "cli" / name).read_bytes(), name
    assert resumed.metrics["replicate"].nunique() == 40
