"""Benchmark: training on 1,000,000 rows and scoring 5,000,000 rows — time and peak memory.

Run: ``python bench/bench_scale.py [--scale 1.0] [--reference 0.1]``, or
``python bench/bench_scale.py --fit-curve`` (``make bench-fit``): only the fit
of ``ApprovalModel`` at 50k, 200k and 1M rows, each in its own process, with
its peak memory and how time grows (target of issue 21: 1M rows in at most 120 s; the fit
alone, not the generation of its rows, with its CPU seconds beside: one thread, so under load from
other work the CPU seconds stay close to what the fit takes on an idle machine).

Every step runs the real command line in its own process, and its peak
resident memory (``ru_maxrss`` of that process) is read when it ends:

1. ``xieshang generate`` the training file (1,000,000 rows × scale);
2. ``xieshang train --data`` on it (default pipeline, reports included);
3. write the file to score (5,000,000 rows × scale) chunk by chunk;
4. ``xieshang predict`` it, streamed in chunks.

The reference, measured in the same run, is the same four steps at
``--reference`` times the size (default a tenth). The ratios show how time
and memory grow with the data: about 10 for time means linear; near 1 for the
memory of ``predict`` means it streams in bounded memory. The machine has
2 shared cores and 24 GiB: run the full size once, not in a loop.
Results also go to ``bench/results/scale.json`` (read by
``scripts/robustness_report.py``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

TRAIN_ROWS = 1_000_000
SCORE_ROWS = 5_000_000
RESULTS = Path(__file__).resolve().parent / "results" / "scale.json"

# Run one step in a child interpreter and report its own peak memory.
_CHILD = r"""
import json, resource, sys, time
step, args, report = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3]
t = time.perf_counter()
extra = {}
if step == "cli":
    from xieshang.cli import main
    code = main(args)
    if code:
        sys.exit(code)
elif step == "fit":
    from xieshang import ApprovalModel, generate
    df = generate(args[0], seed=0)
    X, y = df.drop(columns=["approved", "true_probability"]), df["approved"]
    t, cpu = time.perf_counter(), time.process_time()  # the fit alone, not the rows' generation
    t = time.perf_counter()  # the fit alone
    model = ApprovalModel(seed=0).fit(X, y)
    extra = {"candidate": model.candidate_, "calibration": model.calibration_,
             "capacity": model.cv_results_.get("hgb_monotone", {}).get("capacity"),
             "n_iter": model.cv_results_.get("hgb_monotone", {}).get("n_iter"),
             "cpu_seconds": time.process_time() - cpu}
elif step == "write_score_file":
    import pyarrow as pa, pyarrow.parquet as pq
    from xieshang.generator import generate
    path, rows, chunk = args
    writer, done, i = None, 0, 0
    while done < rows:
        n = min(chunk, rows - done)
        table = pa.Table.from_pandas(generate(n, seed=1000 + i), preserve_index=False)
        writer = writer or pq.ParquetWriter(path, table.schema)
        writer.write_table(table)
        done, i = done + n, i + 1
    writer.close()
seconds = time.perf_counter() - t
peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
json.dump({"seconds": seconds, "peak_mib": peak_mib, **extra}, open(report, "w"))
"""


def run_step(step: str, args: list, work: Path) -> dict[str, float]:
    report = work / "step.json"
    cmd = [sys.executable, "-c", _CHILD, step, json.dumps(args), str(report)]
    res = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if res.returncode != 0:
        raise SystemExit(f"step {step} {args} failed:\n{res.stderr[-2000:]}")
    return json.loads(report.read_text())


def run_size(scale: float, work: Path) -> dict[str, dict[str, float]]:
    train_rows, score_rows = max(2000, int(TRAIN_ROWS * scale)), max(5000, int(SCORE_ROWS * scale))
    data, big, out = work / "train.parquet", work / "score.parquet", work / "scored.parquet"
    steps = {}
    print(f"  generate {train_rows:,} training rows", flush=True)
    steps["generate"] = run_step("cli", ["generate", "--rows", str(train_rows), "--seed", "0", "--out", str(data)], work)
    print(f"  train on {train_rows:,} rows", flush=True)
    steps["train"] = run_step("cli", ["train", "--data", str(data), "--seed", "0", "--out", str(work / "model"),
                                      "--reports", str(work / "reports")], work)
    print(f"  write {score_rows:,} rows to score", flush=True)
    steps["write_score_file"] = run_step("write_score_file", [str(big), score_rows, 500_000], work)
    print(f"  predict {score_rows:,} rows (streamed)", flush=True)
    steps["predict"] = run_step("cli", ["predict", str(big), "-o", str(out), "--model",
                                        str(work / "model" / "approval.joblib"), "--quiet"], work)
    for name, rows in (("generate", train_rows), ("train", train_rows), ("write_score_file", score_rows),
                       ("predict", score_rows)):
        steps[name]["rows"] = rows
    for f in (data, big, out):
        f.unlink(missing_ok=True)
    return steps


FIT_SIZES = (50_000, 200_000, 1_000_000)
FIT_TARGET_S = 120.0
"""Issue 21's target for the fit on 1,000,000 rows (issue 4's was 300 s)."""


def fit_curve(sizes: tuple[int, ...]) -> None:
    """Fit time and peak memory of ``ApprovalModel().fit`` at each size, each in its own process."""
    print(f"fit curve: {', '.join(f'{n:,}' for n in sizes)} rows of xieshang.generate, one thread; "
          f"load average {os.getloadavg()[0]:.2f}", flush=True)
    from xieshang.modeling.boosting import REFIT_SHRINK  # here: the measured steps run in child interpreters

    rows = []
    with tempfile.TemporaryDirectory(prefix="xieshang_fit_") as work:
        for n in sizes:
            r = run_step("fit", [n], Path(work))
            rows.append((n, r))
            print(f"  {n:>9,} rows: {r['seconds']:.1f} s ({r['cpu_seconds']:.1f} s CPU), peak {r['peak_mib']:,.0f} MiB "
                  f"({r['candidate']} + {r['calibration']}; boosting {r['capacity']} on the folds, refit "
                  f"{r['n_iter']} iterations at 1/{REFIT_SHRINK} of the rate)",
                  flush=True)
    print(f"\n{'rows':>11}{'fit s':>9}{'peak MiB':>10}{'rows x prev':>13}{'time x prev':>13}")
    prev = None
    for n, r in rows:
        growth = (f"{n / prev[0]:>13.1f}{r['seconds'] / prev[1]['seconds']:>13.2f}" if prev else f"{'':>13}{'':>13}")
        print(f"{n:>11,}{r['seconds']:>9.1f}{r['peak_mib']:>10,.0f}{growth}")
        prev = (n, r)
    last_n, last = rows[-1]
    ok = last["seconds"] <= FIT_TARGET_S
    print(f"target: {last_n:,} rows fit in {last['seconds']:.0f} s {'<=' if ok else '>'} {FIT_TARGET_S:.0f} s "
          f"{'ok' if ok else 'MISSED'} (2 shared cores, one thread)")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.with_name("fit_curve.json").write_text(json.dumps(
        {"when": time.strftime("%Y-%m-%d %H:%M"), "sizes": {str(n): r for n, r in rows}}, indent=2) + "\n")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=1.0, help="fraction of the full size (default 1.0)")
    ap.add_argument("--reference", type=float, default=0.1, help="size of the reference run, as a fraction")
    ap.add_argument("--fit-curve", action="store_true",
                    help="only the fit: time and peak memory at 50k, 200k and 1M rows (~6 min), then stop")
    args = ap.parse_args()
    if args.fit_curve:
        fit_curve(FIT_SIZES)
        return
    results = {}
    for label, scale in (("reference", args.scale * args.reference), ("full", args.scale)):
        work = Path(tempfile.mkdtemp(prefix=f"xieshang_scale_{label}_"))
        try:
            print(f"{label} run ({scale:g} x full size)", flush=True)
            results[label] = run_size(scale, work)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    ref, full = results["reference"], results["full"]
    print(f"\n{'step':<18}{'rows':>11}{'seconds':>9}{'rows/s':>11}{'peak MiB':>10}"
          f"{'time x ref':>12}{'mem x ref':>11}")
    for name in full:
        f, r = full[name], ref[name]
        print(f"{name:<18}{f['rows']:>11,}{f['seconds']:>9.1f}{f['rows'] / f['seconds']:>11,.0f}"
              f"{f['peak_mib']:>10,.0f}{f['seconds'] / r['seconds']:>12.1f}{f['peak_mib'] / r['peak_mib']:>11.2f}")
    print(f"(size ratio full/reference: {1 / args.reference:g}; 24 GiB RAM, {os.cpu_count()} cores)")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"scale": args.scale, "reference_fraction": args.reference, "machine": {
        "cpus": os.cpu_count(), "python": platform.python_version()}, "when": time.strftime("%Y-%m-%d %H:%M"),
        **results}, indent=2) + "\n")


if __name__ == "__main__":
    main()
