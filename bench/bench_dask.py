"""Scoring on a Dask LocalCluster against one process, and training from a folder against training in memory.

    python bench/bench_dask.py [--rows 2000000] [--parts 16] [--explain-rows 10000] [--fit-rows 100000]
                               [--workers 2] [--dir /tmp/xieshang_dask] [--skip-train]

Uses the trained model (``model/approval.joblib``; ``make train`` first). All in one run:

1. ``xieshang predict all.parquet`` in one process against ``--dask`` on a LocalCluster of
   ``--workers`` processes (one thread each) over the same rows in ``--parts`` files: rows/s (the
   cluster's start-up timed apart), peak memory of each worker, and the worker peak for a dataset
   4x smaller in a quarter of the files of the same size (memory flat in the dataset's size: ratio near 1).
2. The same with ``--explain`` on ``--explain-rows`` rows.
3. ``xieshang train --data FOLDER --max-rows FIT`` over the ``--rows``-row folder against
   ``xieshang train --data file`` of ``FIT`` rows read whole: wall time and peak memory.
4. The paper plan: workers needed to score, and to score and explain, 100M rows in one hour at the
   measured per-row cost of one worker.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from xieshang.generator import generate

_STEP = 250_000

# Runs the command line in a fresh process and reports its own wall time and peak memory.
_CHILD = r"""
import json, resource, sys, time
from xieshang.cli import main
def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime
t, c = time.perf_counter(), cpu()
rc = main(sys.argv[1:])
print(json.dumps({"rc": rc, "seconds": time.perf_counter() - t, "cpu": cpu() - c,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def _cpu() -> float:
    import resource

    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _cli(*argv: str) -> dict:
    res = subprocess.run([sys.executable, "-c", _CHILD, *argv], capture_output=True, text=True,
                         env={**os.environ, "OMP_NUM_THREADS": "1"})
    if res.returncode != 0:
        raise SystemExit(f"xieshang {' '.join(argv)} failed:\n{res.stderr[-3000:]}")
    return json.loads(res.stdout.strip().splitlines()[-1])


def make_dataset(root: Path, rows: int, parts: int) -> Path:
    """``parts`` Parquet files of ``rows`` rows in all under ``root/parts``, and ``root/all.parquet``."""
    folder = root / "parts"
    done = root / ".complete"
    if done.is_file() and done.read_text() == f"{rows} {parts}":
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.parquet"):
        old.unlink()
    per = math.ceil(rows / parts)
    writer = None
    for k, start in enumerate(range(0, rows, per)):
        df = generate(min(per, rows - start), seed=2000 + k)
        df.to_parquet(folder / f"part-{k:04d}.parquet", index=False)
        for lo in range(0, len(df), _STEP):
            table = pa.Table.from_pandas(df.iloc[lo:lo + _STEP], preserve_index=False)
            writer = writer or pq.ParquetWriter(root / "all.tmp", table.schema)
            writer.write_table(table, row_group_size=100_000)
    assert writer is not None
    writer.close()
    os.replace(root / "all.tmp", root / "all.parquet")
    done.write_text(f"{rows} {parts}")
    return folder


def _on_cluster(folder: Path, out: Path, workers: int, explain: bool) -> dict:
    """Score ``folder`` on a fresh LocalCluster: wall time without the start-up, CPU time of the workers
    and of this process (client and scheduler), each worker's peak memory."""
    import resource
    import shutil

    from distributed import Client

    from xieshang.cluster import score_dataset, start_local_cluster

    shutil.rmtree(out, ignore_errors=True)
    t0 = time.perf_counter()
    cluster = start_local_cluster(n_workers=workers)
    with Client(cluster) as client:
        client.run(lambda: __import__("xieshang.explanation"))  # imports done before the clock starts
        startup = time.perf_counter() - t0
        before, me = client.run(_cpu), _cpu()
        t = time.perf_counter()
        rows, _, _ = score_dataset(folder, out, cluster=client, explain=explain, progress=None)
        seconds = time.perf_counter() - t
        after = client.run(_cpu)
        cpu = sum(after[w] - before[w] for w in after if w in before) + _cpu() - me
        peaks = client.run(lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    cluster.close()
    return {"rows": rows, "seconds": seconds, "cpu": cpu, "startup": startup, "worker_peak_mb": max(peaks.values())}


def _median(runs: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def _compare(title: str, rows: int, one_argv: list[str], folder: Path, out: Path, args: argparse.Namespace,
             explain: bool) -> dict:
    """One process and the cluster in alternating rounds (the load of a shared machine moves); medians."""
    ones, manys = [], []
    for _ in range(args.rounds):
        ones.append(_cli(*one_argv))
        manys.append(_on_cluster(folder, out, args.workers, explain))
    s1, sn = _median(ones, "seconds"), _median(manys, "seconds")
    c1, cn = _median(ones, "cpu"), _median(manys, "cpu")
    print(f"{title} (median of {args.rounds} alternating rounds):")
    print(f"  one process   {s1:7.1f} s  {rows / s1:10,.0f} rows/s  CPU {c1:6.1f} s  "
          f"peak {max(r['peak_mb'] for r in ones):,.0f} MiB")
    print(f"  {args.workers} workers     {sn:7.1f} s  {rows / sn:10,.0f} rows/s  CPU {cn:6.1f} s  "
          f"peak per worker {max(r['worker_peak_mb'] for r in manys):,.0f} MiB  "
          f"(cluster start-up {_median(manys, 'startup'):.1f} s apart)")
    print(f"  throughput ratio {s1 / sn:.2f}x one process (wall clock, under the machine's load); "
          f"CPU per row {cn / c1:.2f}x one process's (Dask's overhead, whatever the load)")
    return {"row_s": sn * args.workers / rows, "cpu_row_s": cn / rows,
            "worker_peak_mb": max(r["worker_peak_mb"] for r in manys)}


def bench_scoring(root: Path, args: argparse.Namespace) -> dict:
    folder = make_dataset(root / "score", args.rows, args.parts)
    small = make_dataset(root / "score_small", args.rows // 4, max(args.parts // 4, 1))  # same file size
    big = _compare(f"score {args.rows:,} rows ({args.parts} files)", args.rows,
                   ["predict", str(root / "score" / "all.parquet"), "-o", str(root / "one.parquet"), "--quiet"],
                   folder, root / "out", args, explain=False)
    quarter = _on_cluster(small, root / "out_small", args.workers, explain=False)
    print(f"  worker peak at {args.rows:,} / {args.rows // 4:,} rows = "
          f"{big['worker_peak_mb'] / quarter['worker_peak_mb']:.2f} (flat: near 1)")
    return {"score": big}


def bench_explain(root: Path, args: argparse.Namespace) -> dict:
    folder = make_dataset(root / "explain", args.explain_rows, max(args.workers * 2, 4))
    res = _compare(f"score and explain {args.explain_rows:,} rows", args.explain_rows,
                   ["predict", str(root / "explain" / "all.parquet"), "-o", str(root / "one_x.parquet"), "--explain",
                    "--quiet"], folder, root / "out_x", args, explain=True)
    return {"score and explain": res}


def bench_training(root: Path, args: argparse.Namespace) -> None:
    folder = make_dataset(root / "score", args.rows, args.parts)
    fit = root / f"fit_{args.fit_rows}.parquet"
    if not fit.exists():
        generate(args.fit_rows, seed=77).to_parquet(fit, index=False)
    mem = _cli("train", "--data", str(fit), "--out", str(root / "m1"), "--reports", str(root / "r1"))
    big = _cli("train", "--data", str(folder), "--max-rows", str(args.fit_rows), "--out", str(root / "m2"),
               "--reports", str(root / "r2"))
    print(f"train: a {args.rows:,}-row folder sampled to {args.fit_rows:,} rows against {args.fit_rows:,} rows "
          "read whole:")
    print(f"  in memory     {mem['seconds']:7.1f} s  peak {mem['peak_mb']:,.0f} MiB")
    print(f"  from folder   {big['seconds']:7.1f} s  peak {big['peak_mb']:,.0f} MiB")
    print(f"  ratios (folder / in memory): time {big['seconds'] / mem['seconds']:.2f}, "
          f"peak {big['peak_mb'] / mem['peak_mb']:.2f}")


def paper_plan(cost: dict, workers: int) -> None:
    print("paper plan, 100M rows in one hour, from this run's per-row cost of one worker "
          "(wall clock under this run's load, and CPU time: the cost on a core of its own):")
    for name, c in cost.items():
        wall = math.ceil(100e6 * c["row_s"] / 3600)
        cpu = math.ceil(100e6 * c["cpu_row_s"] / 3600)
        print(f"  {name:18s} {c['row_s'] * 1e3:8.4f} ms/row/worker wall -> {wall:,} workers; "
              f"{c['cpu_row_s'] * 1e3:8.4f} ms/row CPU -> {cpu:,} workers")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=2_000_000, help="rows of the dataset scored (default 2,000,000)")
    ap.add_argument("--parts", type=int, default=16, help="files it is split into (default 16)")
    ap.add_argument("--explain-rows", type=int, default=10_000, help="rows scored with --explain (default 10,000)")
    ap.add_argument("--fit-rows", type=int, default=100_000, help="rows of the fits compared (default 100,000)")
    ap.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    ap.add_argument("--dir", default="/tmp/xieshang_dask", help="where the data goes")
    ap.add_argument("--rounds", type=int, default=2, help="alternating rounds, medians reported (default 2)")
    ap.add_argument("--skip-train", action="store_true", help="leave out the training comparison")
    args = ap.parse_args()
    if not Path("model/approval.joblib").exists():
        raise SystemExit("model/approval.joblib: no model; run `make train` first")
    root = Path(args.dir)
    root.mkdir(parents=True, exist_ok=True)
    print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} cores, "
          f"load {os.getloadavg()[0]:.1f}")
    cost = bench_scoring(root, args)
    cost.update(bench_explain(root, args))
    if not args.skip_train:
        bench_training(root, args)
    paper_plan(cost, args.workers)
    print(f"load at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
