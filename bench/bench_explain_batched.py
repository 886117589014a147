"""Batched explanations: explain_frame against one explain per applicant, measured in the same run.

    python bench/bench_explain_batched.py [--applicants 300] [--model model/approval.joblib]
                                          [--predict-rows 0]

Prints the milliseconds per applicant of :func:`xieshang.explanation.explain` called
once per applicant (median and mean) and of :func:`xieshang.explanation.explain_frame`
on the same applicants, their ratio, the model rows scored per applicant, and
the time ``xieshang predict --explain`` would take on 100,000 rows at the
batched rate. With ``--predict-rows N`` it also runs ``score_file(...,
explain=True)`` on N generated rows and reports the measured rate.

Targets (issue 10): ``predict --explain`` on 100k rows in <= 3 minutes on 2
cores, batched throughput >= 10x single calls, single explain median <= 10 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "2")


from bench_explain import get_model

from xieshang.contract import LABEL
from xieshang.explanation import explain, explain_frame
from xieshang.generator import generate


class Counting:
    def __init__(self, model):
        self.model, self.rows, self.calls = model, 0, 0

    def predict_proba(self, X):
        self.rows += len(X)
        self.calls += 1
        return self.model.predict_proba(X)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--applicants", type=int, default=300)
    ap.add_argument("--model", default=None)
    ap.add_argument("--predict-rows", type=int, default=0)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    model, what = get_model(args.model)
    X = generate(args.applicants, seed=args.seed)  # every applicant, as predict --explain sees them
    print(f"{what}; {len(X)} applicants (all, not only rejected); cpu count {os.cpu_count()}")
    explain(model, X.iloc[[0]])  # warm-up (reference values, caches)

    times = []
    t0 = time.perf_counter()
    for i in range(len(X)):
        t = time.perf_counter()
        explain(model, X.iloc[[i]])
        times.append(time.perf_counter() - t)
    single_total = time.perf_counter() - t0
    t = time.perf_counter()
    explain_frame(model, X)
    batched = (time.perf_counter() - t) / len(X)
    counting = Counting(model)
    explain_frame(counting, X.iloc[: min(len(X), 256)])

    single_median = 1e3 * statistics.median(times)
    single_mean = 1e3 * single_total / len(X)
    print(f"single explain:  median {single_median:.2f} ms, mean {single_mean:.2f} ms per applicant")
    print(f"explain_frame:   {1e3 * batched:.2f} ms per applicant "
          f"({counting.rows / min(len(X), 256):.0f} model rows per applicant, {counting.calls} calls per 256)")
    print(f"ratio (single mean / batched): {single_mean / (1e3 * batched):.1f}x")
    print(f"predict --explain on 100,000 rows at this rate: ~{1e5 * batched / 60:.1f} min")
    if args.predict_rows:
        from xieshang.scoring import score_file

        big = generate(args.predict_rows, seed=args.seed + 1).drop(columns=[LABEL, "true_probability"])
        with tempfile.TemporaryDirectory() as tmp:
            src, dst = Path(tmp) / "in.parquet", Path(tmp) / "out.parquet"
            big.to_parquet(src)
            t = time.perf_counter()
            score_file(model, src, dst, explain=True, progress=None)
            took = time.perf_counter() - t
        print(f"score_file(explain=True) on {args.predict_rows:,} rows: {took:.1f} s "
              f"({1e3 * took / args.predict_rows:.2f} ms/row; 100,000 rows ~{1e5 * took / args.predict_rows / 60:.1f} min)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
