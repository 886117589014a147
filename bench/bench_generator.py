"""Benchmark: generating rows and computing their true probability.

Run: ``python bench/bench_generator.py [--rows 1000000]``

The reference, measured in the same run, is the floor of any generator: drawing
one standard normal per cell (rows × contract columns) with NumPy. Figures are
printed in seconds and as a ratio to that floor.
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np
from threadpoolctl import threadpool_limits

from xieshang import generate, true_probability
from xieshang.contract import FEATURE_NAMES


def best_of(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    n = args.rows
    with threadpool_limits(1):
        rng = np.random.default_rng(0)
        ref = best_of(lambda: rng.standard_normal((n, len(FEATURE_NAMES))), args.repeat)
        gen = best_of(lambda: generate(n, seed=0), args.repeat)
        df = generate(n, seed=0)
        truth = best_of(lambda: true_probability(df), args.repeat)
    print(f"rows: {n:,} (one thread, best of {args.repeat})")
    print(f"{'step':<34}{'seconds':>9}{'rows/s':>14}{'x reference':>13}")
    for name, sec in [("reference: normals, rows x columns", ref), ("generate(n, seed)", gen),
                      ("true_probability(df) incl. checks", truth)]:
        print(f"{name:<34}{sec:>9.2f}{n / sec:>14,.0f}{sec / ref:>13.1f}")


if __name__ == "__main__":
    main()
