#!/usr/bin/env python3
"""n-gram models side by side: ouroboros's `ouro lm` and KenLM on the same wikitext-2 files.

For each order it times, as whole processes (load included, as a user runs them):
  train   `ouro lm train train.txt --order N --out o.arpa`      vs  `lmplz -o N -S 1G < train.txt > k.arpa`
  binary  `ouro lm convert o.arpa o.bin`                       vs  `build_binary probing k.arpa k.bin`
  score   `ouro lm score o.bin test×R.txt`                      vs  `query -v summary k.bin < test×R.txt`
and prints tokens per second and the ratio ouroboros / KenLM (above 1: ouroboros is faster). It
also checks the interchange: KenLM's ARPA scored by ouroboros and ouroboros's ARPA scored by
KenLM's query must give the perplexities each tool gives its own model.

KenLM refuses `<unk>` in training text, so both tools read copies of train.txt and test.txt in
which wikitext-2's `<unk>` is spelled `@unk@`, an ordinary word (wikitext-2 has no such token).

Without --kenlm it prints ouroboros's figures alone. KenLM is not a dependency of the project;
README.md (section "Speed", n-gram models against KenLM) says how to build its three programs from source.

  /usr/bin/python3 bench/kenlm_compare.py [--kenlm DIR] [--orders 3 5] [--repeat 20] [--runs 3]

Each timing is the best of --runs; the machine should be otherwise idle.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def best_time(command, runs, stdin=None, stdout=None):
    """The fastest of `runs` runs of `command`, in seconds, and the last run's stdout text (or, with
    `stdout` a path, its stdout written to that file afresh each run)."""
    best, output = float("inf"), ""
    for _ in range(runs):
        with open(stdin or os.devnull, "rb") as source, open(stdout or os.devnull, "wb") as sink:
            start = time.perf_counter()
            result = subprocess.run(command, stdin=source, stdout=subprocess.PIPE if stdout is None else sink,
                                    stderr=subprocess.PIPE, check=False)
            elapsed = time.perf_counter() - start
        if result.returncode != 0:
            sys.exit(f"kenlm_compare: {' '.join(command)} failed:\n{result.stderr.decode(errors='replace')}")
        best = min(best, elapsed)
        output = result.stdout.decode(errors="replace") if stdout is None else ""
    return best, output


def kenlm_perplexity(query_output):
    match = re.search(r"Perplexity including OOVs:\s*([0-9.eE+-]+)", query_output)
    if not match:
        sys.exit("kenlm_compare: no perplexity in query's output:\n" + query_output)
    return float(match.group(1))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kenlm", help="folder holding KenLM's lmplz, build_binary and query")
    parser.add_argument("--ouro", default=os.path.join(ROOT, "build", "apps", "ouro", "ouro"))
    parser.add_argument("--data", default=os.path.join(ROOT, "..", "shared", "data", "wikitext-2"))
    parser.add_argument("--orders", type=int, nargs="+", default=[3, 5])
    parser.add_argument("--repeat", type=int, default=20, help="copies of the test split scored (default 20)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    for name in ("train.txt", "test.txt"):
        if not os.path.isfile(os.path.join(args.data, name)):
            sys.exit(f"kenlm_compare: {os.path.join(args.data, name)} is missing (--data)")
    if not os.access(args.ouro, os.X_OK):
        sys.exit(f"kenlm_compare: {args.ouro} is not built (scripts/build.sh)")
    kenlm = None
    if args.kenlm:
        kenlm = {p: os.path.join(args.kenlm, p) for p in ("lmplz", "build_binary", "query")}
        for path in kenlm.values():
            if not os.access(path, os.X_OK):
                sys.exit(f"kenlm_compare: {path} is not an executable (--kenlm)")

    work = tempfile.mkdtemp(prefix="kenlm-compare-")
    try:
        train, test = os.path.join(work, "train.txt"), os.path.join(work, "test.txt")
        for name, path in (("train.txt", train), ("test.txt", test)):
            with open(os.path.join(args.data, name), "rb") as f:
                text = f.read().replace(b"<unk>", b"@unk@")
            with open(path, "wb") as f:
                f.write(text)
        with open(test, "rb") as f:
            text = f.read()
        test_many = os.path.join(work, "test_many.txt")
        with open(test_many, "wb") as f:
            for _ in range(args.repeat):
                f.write(text)
        ouro = args.ouro
        rows = []
        for order in args.orders:
            o_arpa, o_bin = os.path.join(work, f"o{order}.arpa"), os.path.join(work, f"o{order}.bin")
            t_train, _ = best_time([ouro, "lm", "train", train, "--order", str(order), "--out", o_arpa], args.runs)
            t_bin, _ = best_time([ouro, "lm", "convert", o_arpa, o_bin], args.runs)
            t_score, out = best_time([ouro, "lm", "score", o_bin, test_many, "--format", "json"], args.runs)
            scored = json.loads(out)
            tokens = scored["tokens"]
            _, own = best_time([ouro, "lm", "score", o_arpa, test, "--format", "json"], 1)
            own_ppl = json.loads(own)["perplexity"]
            row = {"order": order, "tokens": tokens, "ouro": {"train_s": t_train, "binary_s": t_bin,
                                                               "score_s": t_score, "ppl": own_ppl}}
            if kenlm:
                k_arpa, k_bin = os.path.join(work, f"k{order}.arpa"), os.path.join(work, f"k{order}.bin")
                k_train, _ = best_time([kenlm["lmplz"], "-o", str(order), "-S", "1G", "-T", work], args.runs,
                                       stdin=train, stdout=k_arpa)
                k_bin_t, _ = best_time([kenlm["build_binary"], "probing", k_arpa, k_bin], args.runs)
                k_score, _ = best_time([kenlm["query"], "-v", "summary", k_bin], args.runs, stdin=test_many)
                _, k_own = best_time([kenlm["query"], "-v", "summary", k_arpa], 1, stdin=test)
                _, k_on_o = best_time([kenlm["query"], "-v", "summary", o_arpa], 1, stdin=test)
                _, o_on_k = best_time([ouro, "lm", "score", k_arpa, test, "--format", "json"], 1)
                row["kenlm"] = {"train_s": k_train, "binary_s": k_bin_t, "score_s": k_score,
                                "ppl": kenlm_perplexity(k_own)}
                row["cross"] = {"kenlm_query_on_ouro_arpa": kenlm_perplexity(k_on_o),
                                "ouro_score_on_kenlm_arpa": json.loads(o_on_k)["perplexity"]}
            rows.append(row)

        print(f"wikitext-2: train.txt; scoring test.txt x{args.repeat}; best of {args.runs} runs, whole processes")
        print(f"{'work':<34}{'KenLM':>14}{'ouroboros':>14}{'ratio':>9}")
        for row in rows:
            o, k, n = row["ouro"], row.get("kenlm"), row["order"]
            lines = [(f"order-{n} training (ARPA written)", "train_s", None),
                     (f"order-{n} binary from ARPA", "binary_s", None),
                     (f"order-{n} scoring, tokens/s", "score_s", row["tokens"])]
            for label, key, tokens in lines:
                fmt = (lambda s: f"{tokens / s / 1e6:.2f}M") if tokens else (lambda s: f"{s:.2f} s")
                kv = fmt(k[key]) if k else "-"
                ratio = f"{k[key] / o[key]:.2f}x" if k else "-"
                print(f"{label:<34}{kv:>14}{fmt(o[key]):>14}{ratio:>9}")
            kenlm_ppl = f"{k['ppl']:.3f}" if k else "-"
            label = f"order-{n} test perplexity"
            print(f"{label:<34}{kenlm_ppl:>14}{o['ppl']:>14.3f}")
            if k:
                c = row["cross"]
                print(f"  KenLM's query on ouroboros's ARPA: {c['kenlm_query_on_ouro_arpa']:.3f}; "
                      f"ouroboros on KenLM's ARPA: {c['ouro_score_on_kenlm_arpa']:.3f}")
        print(json.dumps(rows))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
