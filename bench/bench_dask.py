"""Scoring on a Dask LocalCluster against one process, and training from a folder against training in memory.

    python bench/bench_dask.py                 # defaults: 4M rows, 16k explained (18 min at load 7-12 on 2 cores)
    python bench/bench_dask.py --full          # the issue's sizes: 20M rows, 200k explained, a 1M-row fit
    python bench/bench_dask.py [--rows N] [--parts N] [--explain-rows N] [--fit-rows N] [--workers N]
                               [--rounds N] [--dir /tmp/xieshang_dask] [--skip-train]

Uses the trained model (``model/approval.joblib``; ``make train`` first). All in one run:

1. ``xieshang predict all.parquet`` in one process against ``--dask`` on a LocalCluster of
   ``--workers`` processes (one thread each) over the same rows in ``--parts`` files: rows/s (the
   cluster's start-up timed apart), peak memory of each worker, and the worker peak for a dataset
   4x smaller in a quarter of the files of the same size (memory flat in the dataset's size: ratio near 1).
   Both sides import the package before their clock starts and load the model after it.
2. The same with ``--explain`` on ``--explain-rows`` rows.
3. ``xieshang train --data FOLDER --max-rows FIT`` over the ``--rows``-row folder against
   ``xieshang train --data file`` of ``FIT`` rows read whole: wall time and peak memory.
4. The paper plan: workers needed to score, and to score and explain, 100M rows in one hour at the
   measured per-row cost of one worker.

Every figure comes with the machine's load average (as ``uptime`` shows it) before and after it:
wall-clock ratios are only meaningful on idle cores. Each target of issue 20 ends as a PASS or FAIL
line with its measured ratio; the exit code is 1 if any target failed.
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
_IMPORTS = ("xieshang.scoring", "xieshang.model", "xieshang.explain", "xieshang.cluster")

# Runs the command line in a fresh process and reports its own wall time, CPU time and peak memory. The
# package is imported before the clock starts, as on the workers; the model is loaded after it, as there.
_CHILD = r"""
import importlib, json, resource, sys, time
from xieshang.cli import main
for name in IMPORTS:
    importlib.import_module(name)
def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime
PEAK
t, c = time.perf_counter(), cpu()
rc = main(sys.argv[1:])
print(json.dumps({"rc": rc, "seconds": time.perf_counter() - t, "cpu": cpu() - c, "peak_mb": peak_mb()}))
"""


def peak_mb() -> float:
    """This process's peak resident memory in MiB.

    ``VmHWM`` rather than ``ru_maxrss``: Linux carries ``ru_maxrss`` over ``exec``, so a child started by
    a process that once held the generated data would report that process's peak, not its own.
    """
    import resource

    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


_CHILD = _CHILD.replace("IMPORTS", repr(_IMPORTS)).replace("PEAK", __import__("inspect").getsource(peak_mb))


def _cpu() -> float:
    import resource

    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _load() -> str:
    """The load averages over 1, 5 and 15 minutes, as ``uptime`` prints them."""
    return "load average " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


def _import_all() -> None:
    import importlib

    for name in _IMPORTS:
        importlib.import_module(name)


def _cli(*argv: str) -> dict:
    res = subprocess.run([sys.executable, "-c", _CHILD, *argv], capture_output=True, text=True,
                         env={**os.environ, "OMP_NUM_THREADS": "1"})
    if res.returncode != 0:
        raise SystemExit(f"xieshang {' '.join(argv)} failed:\n{res.stderr[-3000:]}")
    return json.loads(res.stdout.strip().splitlines()[-1])


def make_dataset(root: Path, rows: int, parts: int) -> Path:
    """``parts`` Parquet files of ``rows`` rows in all under ``root/parts``, and ``root/all.parquet`` (kept for reruns)."""
    folder = root / "parts"
    done = root / ".complete"
    if done.is_file() and done.read_text() == f"{rows} {parts}":
        return folder
    print(f"  (generating {rows:,} rows in {parts} files under {root})", flush=True)
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
    """Score ``folder`` on a fresh LocalCluster: wall time without the start-up, CPU time of each worker
    and of this process (client and scheduler), each worker's peak memory."""
    import shutil

    from distributed import Client

    from xieshang.cluster import score_dataset, start_local_cluster

    shutil.rmtree(out, ignore_errors=True)
    t0 = time.perf_counter()
    cluster = start_local_cluster(n_workers=workers)
    with Client(cluster) as client:
        client.run(_import_all)  # imports done before the clock starts, as in the one process
        startup = time.perf_counter() - t0
        before, me = client.run(_cpu), _cpu()
        t = time.perf_counter()
        rows, _, _ = score_dataset(folder, out, cluster=client, explain=explain, progress=None)
        seconds = time.perf_counter() - t
        after = client.run(_cpu)
        per_worker = [after[w] - before[w] for w in after if w in before]
        driver = _cpu() - me
        peaks = client.run(peak_mb)
    cluster.close()
    return {"rows": rows, "seconds": seconds, "cpu": sum(per_worker) + driver, "worker_cpu": max(per_worker),
            "driver_cpu": driver, "startup": startup, "worker_peak_mb": max(peaks.values())}


def _median(runs: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in runs)


class Targets:
    """The issue's targets as measured in this run: one PASS or FAIL line each."""

    def __init__(self) -> None:
        self.lines: list[tuple[bool, str]] = []

    def add(self, ok: bool, text: str) -> None:
        self.lines.append((ok, text))
        print(f"  {'PASS' if ok else 'FAIL'}  {text}")

    def summary(self) -> int:
        print("targets (issue 20):")
        for ok, text in self.lines:
            print(f"  {'PASS' if ok else 'FAIL'}  {text}")
        return int(not all(ok for ok, _ in self.lines))


def _compare(title: str, rows: int, one_argv: list[str], folder: Path, out: Path, args: argparse.Namespace,
             explain: bool, targets: Targets) -> dict:
    """One process and the cluster in alternating rounds (the load of a shared machine moves); medians."""
    ones, manys = [], []
    load_before = _load()
    for _ in range(args.rounds):
        ones.append(_cli(*one_argv))
        manys.append(_on_cluster(folder, out, args.workers, explain))
    s1, sn = _median(ones, "seconds"), _median(manys, "seconds")
    c1, cn = _median(ones, "cpu"), _median(manys, "cpu")
    startup = _median(manys, "startup")
    cores = os.cpu_count() or 1
    # Wall time if every process had a core of its own: the busiest worker, or all the CPU time shared
    # by the cores, whichever is longer. Derived from CPU time, not measured; the wall ratio is the target.
    idle = max(_median(manys, "worker_cpu"), cn / min(cores, args.workers))
    print(f"{title} (median of {args.rounds} alternating rounds; {load_before} before, {_load()} after):")
    print(f"  one process   {s1:7.1f} s  {rows / s1:10,.0f} rows/s  CPU {c1:6.1f} s  "
          f"peak {max(r['peak_mb'] for r in ones):,.0f} MiB")
    print(f"  {args.workers} workers     {sn:7.1f} s  {rows / sn:10,.0f} rows/s  CPU {cn:6.1f} s "
          f"(busiest worker {_median(manys, 'worker_cpu'):.1f} s, client and scheduler {_median(manys, 'driver_cpu'):.1f} s)  "
          f"peak per worker {max(r['worker_peak_mb'] for r in manys):,.0f} MiB")
    print(f"  cluster start-up {startup:.1f} s, not in the time above; with it: {s1 / (sn + startup):.2f}x")
    print(f"  CPU per row {cn / c1:.2f}x one process's (Dask's overhead and each worker's start, whatever the load); "
          f"estimate on {min(cores, args.workers)} idle cores from CPU time: {c1 / idle:.2f}x")
    targets.add(s1 / sn >= 1.7, f"{title}: throughput {s1 / sn:.2f}x one process (target >= 1.70x on "
                                f"{args.workers} workers; {_load()})")
    return {"row_s": sn * args.workers / rows, "cpu_row_s": cn / rows,
            "worker_peak_mb": max(r["worker_peak_mb"] for r in manys)}


def bench_scoring(root: Path, args: argparse.Namespace, targets: Targets) -> dict:
    folder = make_dataset(root / "score", args.rows, args.parts)
    small = make_dataset(root / "score_small", args.rows // 4, max(args.parts // 4, 1))  # same file size
    big = _compare(f"score {args.rows:,} rows ({args.parts} files)", args.rows,
                   ["predict", str(root / "score" / "all.parquet"), "-o", str(root / "one.parquet"), "--quiet"],
                   folder, root / "out", args, explain=False, targets=targets)
    quarter = _on_cluster(small, root / "out_small", args.workers, explain=False)
    flat = big["worker_peak_mb"] / quarter["worker_peak_mb"]
    targets.add(flat <= 1.25, f"worker peak memory flat in the dataset's size: {args.rows:,} / {args.rows // 4:,} "
                              f"rows = {flat:.2f} (target <= 1.25)")
    return {"score": big}


def _timed_task(payload, src: str, dst: str) -> dict:
    """One partition as a worker scores it, with the CPU time of this thread (the task alone, whatever
    else the process does) split into the model's check and unpickling (first use only) and the scoring."""
    from xieshang.cluster import score_dataset  # noqa: F401  (the same imports as a job)
    from xieshang.partition import worker_model
    from xieshang.scoring import score_file

    c = time.thread_time()
    model = worker_model(payload)
    m = time.thread_time()
    score_file(model, src, dst, progress=None)
    return {"model": m - c, "task": time.thread_time() - c, "pid": os.getpid()}


def where_time_goes(folder: Path, root: Path, args: argparse.Namespace) -> None:
    """Per-partition CPU time of the same task in this process, one after another, and on the workers:
    what each worker adds (the model's first load, Dask's own work) apart from the machine's load."""
    import shutil

    from distributed import Client

    from xieshang.cluster import dataset_files, start_local_cluster
    from xieshang.partition import model_payload

    files, out = dataset_files(folder), root / "out_tasks"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    payload = model_payload("model/approval.joblib")
    c0 = _cpu()
    here = [_timed_task(payload, str(f), str(out / f"here-{f.name}")) for f in files]
    beside_here = _cpu() - c0 - sum(t["task"] for t in here)
    cluster = start_local_cluster(n_workers=args.workers)
    with Client(cluster) as client:
        client.run(_import_all)
        shared = client.scatter(payload, broadcast=True, hash=False)
        before, me = client.run(_cpu), _cpu()
        futures = [client.submit(_timed_task, shared, str(f), str(out / f.name), pure=False) for f in files]
        there = client.gather(futures)
        after = client.run(_cpu)
        driver = _cpu() - me
    cluster.close()
    process_cpu = sum(after[w] - before[w] for w in after if w in before)
    steady = statistics.median(t["task"] for t in here[1:])
    first = {pid: max((t for t in there if t["pid"] == pid), key=lambda t: t["model"])
             for pid in {t["pid"] for t in there}}  # a worker's first task is the one that loaded the model
    steady_w = statistics.median(t["task"] for t in there if t is not first[t["pid"]])
    firsts = [t["task"] for t in first.values()]
    print(f"where the time goes, {len(files)} partitions of {args.rows // args.parts:,} rows, CPU time per task "
          f"({_load()}):")
    print(f"  a partition, after the first: {steady:.2f} s in one process, {steady_w:.2f} s on a worker "
          f"({steady_w / steady:.2f}x)")
    print(f"  the model's check and unpickling: {here[0]['model']:.2f} s in one process, "
          f"{statistics.median(t['model'] for t in first.values()):.2f} s on each worker's first task "
          f"(later tasks: at most {max(t['model'] for t in there if t is not first[t['pid']]):.3f} s)")
    print(f"  a worker's first partition, model included: {statistics.median(firsts):.2f} s (one process's first: "
          f"{here[0]['task']:.2f} s)")
    print(f"  CPU beside the tasks' own threads (Arrow's threads; on the workers also Dask's): one process "
          f"{beside_here:.2f} s beside {sum(t['task'] for t in here):.2f} s of tasks; the workers "
          f"{process_cpu - sum(t['task'] for t in there):.2f} s beside {sum(t['task'] for t in there):.2f} s, "
          f"and the client and scheduler {driver:.2f} s")


def bench_explain(root: Path, args: argparse.Namespace, targets: Targets) -> dict:
    parts = max(args.workers * 4, args.explain_rows // 25_000)
    folder = make_dataset(root / "explain", args.explain_rows, parts)
    res = _compare(f"score and explain {args.explain_rows:,} rows ({parts} files)", args.explain_rows,
                   ["predict", str(root / "explain" / "all.parquet"), "-o", str(root / "one_x.parquet"), "--explain",
                    "--quiet"], folder, root / "out_x", args, explain=True, targets=targets)
    return {"score and explain": res}


def bench_training(root: Path, args: argparse.Namespace, targets: Targets) -> None:
    folder = make_dataset(root / "score", args.rows, args.parts)
    fit = root / f"fit_{args.fit_rows}.parquet"
    if not fit.exists():
        generate(args.fit_rows, seed=77).to_parquet(fit, index=False)
    load_before = _load()
    mem = _cli("train", "--data", str(fit), "--out", str(root / "m1"), "--reports", str(root / "r1"))
    big = _cli("train", "--data", str(folder), "--max-rows", str(args.fit_rows), "--out", str(root / "m2"),
               "--reports", str(root / "r2"))
    print(f"train: a {args.rows:,}-row folder sampled to {args.fit_rows:,} rows against {args.fit_rows:,} rows "
          f"read whole ({load_before} before, {_load()} after):")
    print(f"  in memory     {mem['seconds']:7.1f} s  peak {mem['peak_mb']:,.0f} MiB")
    print(f"  from folder   {big['seconds']:7.1f} s  peak {big['peak_mb']:,.0f} MiB")
    ratio = big["peak_mb"] / mem["peak_mb"]
    targets.add(ratio <= 1.5, f"train from a {args.rows:,}-row folder: peak {ratio:.2f}x the {args.fit_rows:,}-row fit "
                              f"in memory (target <= 1.50x; time {big['seconds'] / mem['seconds']:.2f}x)")


def paper_plan(cost: dict) -> None:
    print("paper plan, 100M rows in one hour, from this run's per-row cost of one worker "
          "(wall clock under this run's load, and CPU time: the cost on a core of its own):")
    for name, c in cost.items():
        wall = math.ceil(100e6 * c["row_s"] / 3600)
        cpu = math.ceil(100e6 * c["cpu_row_s"] / 3600)
        print(f"  {name:18s} {c['row_s'] * 1e3:8.4f} ms/row/worker wall -> {wall:,} workers; "
              f"{c['cpu_row_s'] * 1e3:8.4f} ms/row CPU -> {cpu:,} workers")


def _args(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--full", action="store_true",
                    help="the issue's sizes: --rows 20000000 --parts 80 --explain-rows 200000 --fit-rows 1000000")
    ap.add_argument("--rows", type=int, default=None, help="rows of the dataset scored (default 4,000,000)")
    ap.add_argument("--parts", type=int, default=None, help="files it is split into (default 16: 250,000 rows each)")
    ap.add_argument("--explain-rows", type=int, default=None, help="rows scored with --explain (default 16,000)")
    ap.add_argument("--fit-rows", type=int, default=None, help="rows of the fits compared (default 100,000)")
    ap.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    ap.add_argument("--dir", default="/tmp/xieshang_dask", help="where the data goes (kept for reruns)")
    ap.add_argument("--rounds", type=int, default=2, help="alternating rounds, medians reported (default 2)")
    ap.add_argument("--skip-train", action="store_true", help="leave out the training comparison")
    args = ap.parse_args(argv)
    sizes = ({"rows": 20_000_000, "parts": 80, "explain_rows": 200_000, "fit_rows": 1_000_000} if args.full else
             {"rows": 4_000_000, "parts": 16, "explain_rows": 16_000, "fit_rows": 100_000})
    for name, value in sizes.items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    return args


def main() -> int:
    args = _args()
    if not Path("model/approval.joblib").exists():
        raise SystemExit("model/approval.joblib: no model; run `make train` first")
    _import_all()
    root = Path(args.dir)
    root.mkdir(parents=True, exist_ok=True)
    print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} cores, {_load()}; "
          f"--rows {args.rows} --parts {args.parts} --explain-rows {args.explain_rows} --fit-rows {args.fit_rows} "
          f"--workers {args.workers} --rounds {args.rounds}", flush=True)
    targets = Targets()
    cost = bench_scoring(root, args, targets)
    where_time_goes(root / "score" / "parts", root, args)
    cost.update(bench_explain(root, args, targets))
    if not args.skip_train:
        bench_training(root, args, targets)
    paper_plan(cost)
    print(f"{time.strftime('%H:%M UTC', time.gmtime())}, {_load()} at the end")
    return targets.summary()


if __name__ == "__main__":
    sys.exit(main())
