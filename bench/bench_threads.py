"""OpenMP threads on shared cores: why the model fits with one thread by default.

Fits the same HistGradientBoostingClassifier (fixed 150 iterations, 20,000
rows) in four settings and prints each time as a ratio to one process with
one thread:

* 1 process x 1 thread (the reference);
* 1 process x 2 threads;
* 2 processes at once x 1 thread each (two jobs sharing the 2 cores);
* 2 processes at once x 2 threads each (oversubscribed: 4 busy-waiting
  OpenMP threads on 2 cores, the pathological case).

It also times ``ApprovalModel.predict_proba`` on one row and the
``threadpoolctl`` guard it enters on every call.

Usage: ``python bench/bench_threads.py``
"""

from __future__ import annotations

import multiprocessing as mp
import os
import time

N_ROWS, N_ITER = 20_000, 150


def _fit_seconds(threads: int) -> float:
    from sklearn.ensemble import HistGradientBoostingClassifier
    from threadpoolctl import threadpool_limits

    from xieshang.features import DomainFeatures
    from xieshang.generator import generate

    df = generate(N_ROWS, seed=0)
    X = DomainFeatures().fit_transform(df)
    clf = HistGradientBoostingClassifier(max_iter=N_ITER, early_stopping=False, random_state=0)
    with threadpool_limits(limits=threads):
        t = time.perf_counter()
        clf.fit(X, df["approved"])
        return time.perf_counter() - t


def _worker(threads: int, barrier, out) -> None:
    barrier.wait()
    out.put(_fit_seconds(threads))


def _concurrent(processes: int, threads: int) -> float:
    ctx = mp.get_context("spawn")
    barrier, out = ctx.Barrier(processes), ctx.Queue()
    procs = [ctx.Process(target=_worker, args=(threads, barrier, out)) for _ in range(processes)]
    for p in procs:
        p.start()
    times = [out.get() for _ in procs]
    for p in procs:
        p.join()
    return max(times)


def _guard_cost() -> tuple[float, float, float]:
    from threadpoolctl import threadpool_limits

    from xieshang.generator import generate
    from xieshang.model import ApprovalModel, _predict_thread_limit

    df = generate(1_500, seed=0)
    model = ApprovalModel(candidates=("hgb_monotone",), n_splits=2).fit(df, df["approved"])
    row = df.iloc[[0]]
    t = time.perf_counter()
    for _ in range(50):
        model.predict_proba(row)
    per_call = (time.perf_counter() - t) / 50
    t = time.perf_counter()
    for _ in range(50):
        with _predict_thread_limit(1):  # the guard predict_proba enters: a kept ThreadpoolController
            pass
    kept = (time.perf_counter() - t) / 50
    t = time.perf_counter()
    for _ in range(50):
        with threadpool_limits(limits=1):  # a fresh one per call, for comparison
            pass
    return per_call, kept, (time.perf_counter() - t) / 50


def main() -> None:
    print(f"{os.cpu_count()} logical cores, load average {os.getloadavg()[0]:.2f} before the run "
          "(other work on the machine inflates the concurrent cases)")
    ref = _concurrent(1, 1)
    rows = [("1 process x 1 thread", ref), ("1 process x 2 threads", _concurrent(1, 2)),
            ("2 processes x 1 thread", _concurrent(2, 1)), ("2 processes x 2 threads", _concurrent(2, 2))]
    print(f"HistGradientBoosting fit, {N_ROWS:,} rows, {N_ITER} iterations; reference {ref:.2f} s")
    for name, s in rows:
        print(f"  {name:26s} {s:7.2f} s   {s / ref:6.2f}x the reference")
    per_call, guard, fresh = _guard_cost()
    print(f"predict_proba on one row: {per_call * 1e3:.2f} ms, of which its thread-limit guard (kept "
          f"ThreadpoolController) {guard * 1e3:.3f} ms ({guard / per_call:.0%}); a fresh threadpool_limits per "
          f"call would cost {fresh * 1e3:.2f} ms ({fresh / guard:.0f}x the kept one)")


if __name__ == "__main__":
    main()
