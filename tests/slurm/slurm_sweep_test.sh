#!/usr/bin/env bash
# `ouro sweep --slurm` against a real single-node Slurm (Debian's slurm-wlm and munge), which this
# script configures in a scratch folder, starts, and stops on exit: a 2 x 3 sweep submitted as an
# array of 3 tasks plus the merge job gives the single-process sweep.csv byte for byte; so does
# the same sweep with one task killed while it runs and queued again (scontrol requeue), which
# resumes from its checkpoints. Exits 77 (ctest: skipped), saying why, where Slurm cannot be
# started: not root, or slurmctld, slurmd or munged missing.
#
#   tests/slurm/slurm_sweep_test.sh OURO_BINARY
set -euo pipefail
ouro=${1:?usage: slurm_sweep_test.sh OURO_BINARY}
skip() { echo "SKIPPED: $*"; exit 77; }
[[ $(id -u) -eq 0 ]] || skip "starting Slurm's daemons needs root"
for tool in slurmctld slurmd munged sbatch scontrol scancel squeue; do
  command -v "$tool" >/dev/null || skip "$tool not found (Debian packages slurm-wlm and munge)"
done

work=$(mktemp -d /tmp/ouro-slurm.XXXXXX)
node=$(hostname -s)
export SLURM_CONF=$work/slurm.conf
cleanup() {
  scancel --user="$(id -un)" 2>/dev/null || true
  for pidfile in "$work"/slurmd.pid "$work"/slurmctld.pid; do
    [[ -f $pidfile ]] && kill "$(cat "$pidfile")" 2>/dev/null || true
  done
  [[ -n ${munged_pid:-} ]] && kill "$munged_pid" 2>/dev/null || true
  sleep 1
  rm -rf "$work"
}
trap cleanup EXIT

# Ports away from the defaults, so that a cluster's own daemons on this machine are not disturbed.
mkdir -p "$work"/{state,spool,munge}
cat > "$SLURM_CONF" <<CONF
ClusterName=ourotest
SlurmctldHost=$node
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$work/munge/munge.socket
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
SlurmctldPort=16817
SlurmdPort=16818
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
NodeName=$node CPUs=$(nproc) State=UNKNOWN
PartitionName=test Nodes=$node Default=YES MaxTime=INFINITE State=UP
CONF

# munged with a key and socket of its own (a key made here; the daemon runs as root, --force
# accepts the scratch folder's permissions).
dd if=/dev/urandom of="$work/munge/munge.key" bs=1024 count=1 status=none
chmod 600 "$work/munge/munge.key"
munged --force --key-file="$work/munge/munge.key" --socket="$work/munge/munge.socket" \
  --pid-file="$work/munge/munged.pid" --log-file="$work/munge/munged.log" --seed-file="$work/munge/seed" \
  || skip "munged did not start: $(tail -3 "$work/munge/munged.log" 2>/dev/null)"
munged_pid=$(cat "$work/munge/munged.pid")
slurmctld -i || skip "slurmctld did not start: $(tail -3 "$work/slurmctld.log" 2>/dev/null)"
slurmd || skip "slurmd did not start: $(tail -3 "$work/slurmd.log" 2>/dev/null)"
for _ in $(seq 60); do
  sinfo -h -o %T 2>/dev/null | grep -q idle && break
  sleep 0.5
done
sinfo -h -o %T | grep -q idle || skip "the node did not come up: $(tail -3 "$work/slurmd.log")"

# The 2 x 3 sweep: long enough per cell (a few seconds) that a task can be cancelled part-way.
cat > "$work/sweep.toml" <<'TOML'
[run]
generations = 200
replicates = 8
seed = 4
threads = 1
[truth]
kind = "gaussian"
mean = [0.0, 1.0]
cov = [[1.0, 0.2], [0.2, 1.0]]
[loop]
initial = 1000
synthetic = 1000
real = "fresh"
real_samples = 20
[metrics]
test_samples = 500
TOML
grid=(--grid loop.bias=1.0,0.9 --grid loop.real_samples=20,50,100)
"$ouro" sweep "$work/sweep.toml" "${grid[@]}" --quiet --no-report --out "$work/single"

# Waits for job $1 to leave the queue; fails if it did not complete.
wait_for() {
  for _ in $(seq 480); do
    squeue -h -j "$1" 2>/dev/null | grep -q . || break
    sleep 0.5
  done
  ! squeue -h -j "$1" 2>/dev/null | grep -q . || { echo "job $1 still queued after 240 s:"; squeue; exit 1; }
}

# 1. Submitted, run, merged.
submitted=$("$ouro" sweep "$work/sweep.toml" "${grid[@]}" --slurm --array-size 3 --checkpoint-every 20 \
  --out "$work/slurm")
echo "$submitted"
array=$(echo "$submitted" | sed -n 's/^submitted job array \([0-9]*\).*/\1/p')
merge=$(echo "$submitted" | sed -n 's/.*and merge job \([0-9]*\).*/\1/p')
[[ -n $array && -n $merge ]] || { echo "no job ids in: $submitted"; exit 1; }
wait_for "$merge"
cmp "$work/single/sweep.csv" "$work/slurm/merged/sweep.csv"
echo "PASS: the job array and its merge give the single-process sweep.csv"

# 2. Task 1 killed while it runs and queued again (`scontrol requeue`: what Slurm does to a
# preempted task or one on a failed node): it resumes from its checkpoints.
submitted=$("$ouro" sweep "$work/sweep.toml" "${grid[@]}" --slurm --array-size 3 --checkpoint-every 20 \
  --out "$work/requeued")
array=$(echo "$submitted" | sed -n 's/^submitted job array \([0-9]*\).*/\1/p')
merge=$(echo "$submitted" | sed -n 's/.*and merge job \([0-9]*\).*/\1/p')
for _ in $(seq 600); do
  compgen -G "$work/requeued/shards/1/cells/*/.partial/replicate-*.ckpt" >/dev/null && break
  compgen -G "$work/requeued/shards/1/cells/*/.partial/finished.log" >/dev/null && break
  sleep 0.1
done
scontrol requeue "${array}_1"
squeue -h -j "${array}_1" -o "task 1 after the requeue: %T (%r)"
# Slurm holds a requeued job back for a while (its begin time); let it start again at once.
scontrol update JobId="${array}_1" StartTime=now
wait_for "$merge"
grep -qi "requeu" "$work/slurmctld.log" || { echo "task 1 was not requeued"; exit 1; }
cmp "$work/single/sweep.csv" "$work/requeued/merged/sweep.csv"
echo "PASS: a task killed and requeued resumes to the same sweep.csv"
