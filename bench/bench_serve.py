"""The web API under a bounded load on 127.0.0.1, as ratios to the same calls made directly in Python.

    python bench/bench_serve.py [--model model/approval.joblib] [--requests 200] [--memory-requests 10000]

Starts ``xieshang serve`` on a free port of 127.0.0.1 (a child process, one
worker, OMP_NUM_THREADS=1), measures, stops it; nothing else is contacted.

* ``/v1/explain``: latency p50 and p99 with 1 and with 8 concurrent clients
  (each a keep-alive ``httpx.Client`` in a thread of this process), against
  ``explain(model, applicant).to_dict()`` called directly on the same
  applicants in this process (one at a time);
* ``/v1/predict`` with 10,000-row bodies: rows per second, against the direct
  call from the same rows (``model.predict_proba(validate_frame(DataFrame(rows)))``),
  and against ``predict_proba`` on a ready, validated frame;
* the server's resident memory (``VmRSS``) after 100 requests and after
  10,000 (8 clients, ``/v1/explain``);
* the 8 clients again against ``xieshang serve --workers 2``.

Targets (issue 19): explain p50 <= 1.5x the direct call, p99 <= 100 ms at 8 clients;
predict within 1.3x of the direct call; no memory growth. The client shares the
machine's cores with the server, so the load average is printed with the figures.
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor

os.environ.setdefault("OMP_NUM_THREADS", "1")

import httpx
import numpy as np
import pandas as pd

from xieshang import explain, generate, load_model
from xieshang.contract import FEATURE_NAMES
from xieshang.serve.live import LiveServer
from xieshang.validation import validate_frame


def _rows(n: int, seed: int) -> list[dict]:
    df = generate(n, seed=seed)[list(FEATURE_NAMES)]
    rows = json.loads(df.to_json(orient="records"))  # plain JSON values, NaN as null
    return rows


def _pct(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q))


def _explain_direct(model, applicants: list[dict]) -> list[float]:
    out = []
    for a in applicants:
        t = time.perf_counter()
        json.dumps(explain(model, a).to_dict())
        out.append(time.perf_counter() - t)
    return out


def _explain_http(url: str, applicants: list[dict], clients: int) -> tuple[list[float], float]:
    """Latencies of every request, and the wall time, with ``clients`` concurrent clients."""
    latencies: list[float] = []
    lock = threading.Lock()
    chunks = [applicants[i::clients] for i in range(clients)]

    def work(chunk: list[dict]) -> None:
        mine = []
        with httpx.Client(base_url=url, timeout=60) as c:
            for a in chunk:
                t = time.perf_counter()
                r = c.post("/v1/explain", json={"applicant": a})
                mine.append(time.perf_counter() - t)
                if r.status_code != 200:
                    raise RuntimeError(f"/v1/explain answered {r.status_code}")
        with lock:
            latencies.extend(mine)

    start = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(work, chunks))
    return latencies, time.perf_counter() - start


def _predict(url: str, model, rows: list[dict], rounds: int) -> dict[str, float]:
    body = json.dumps({"rows": rows})
    http, direct, frame_only = [], [], []
    with httpx.Client(base_url=url, timeout=120) as c:
        for _ in range(rounds):  # alternating, so a change of load hits both alike
            t = time.perf_counter()
            r = c.post("/v1/predict", content=body, headers={"Content-Type": "application/json"})
            got = r.json()["probabilities"]
            http.append(time.perf_counter() - t)
            t = time.perf_counter()
            want = model.predict_proba(validate_frame(pd.DataFrame(json.loads(body)["rows"])))[:, 1]
            direct.append(time.perf_counter() - t)
            frame = validate_frame(pd.DataFrame(rows))
            t = time.perf_counter()
            model.predict_proba(frame)
            frame_only.append(time.perf_counter() - t)
            if not np.allclose(got, want, rtol=0, atol=1e-12):
                raise RuntimeError("/v1/predict and the direct call disagree")
    return {"http": statistics.median(http), "direct": statistics.median(direct),
            "frame": statistics.median(frame_only)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="model/approval.joblib")
    parser.add_argument("--requests", type=int, default=200, help="explain requests per latency measurement")
    parser.add_argument("--predict-rows", type=int, default=10_000)
    parser.add_argument("--predict-rounds", type=int, default=5)
    parser.add_argument("--memory-requests", type=int, default=10_000)
    args = parser.parse_args()
    model = load_model(args.model)
    applicants = _rows(args.requests, seed=31)
    print(f"bench_serve {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC, load average "
          f"{os.getloadavg()[0]:.2f} on {os.cpu_count()} cores, OMP_NUM_THREADS={os.environ['OMP_NUM_THREADS']}")
    with LiveServer(args.model) as server:
        _explain_http(server.url, applicants[:20], 1)  # warm-up of both sides
        _explain_direct(model, applicants[:20])
        direct = _explain_direct(model, applicants)
        d50, d99 = _pct(direct, 50) * 1e3, _pct(direct, 99) * 1e3
        print(f"\n/v1/explain, {len(applicants)} applicants; direct explain(...).to_dict(): "
              f"p50 {d50:.1f} ms, p99 {d99:.1f} ms")
        print(f"{'clients':>8} {'p50 ms':>8} {'p99 ms':>8} {'p50/direct':>11} {'p99/direct':>11} {'req/s':>7}")
        for clients in (1, 8):
            lat, wall = _explain_http(server.url, applicants, clients)
            p50, p99 = _pct(lat, 50) * 1e3, _pct(lat, 99) * 1e3
            print(f"{clients:>8} {p50:>8.1f} {p99:>8.1f} {p50 / d50:>10.2f}x {p99 / d99:>10.2f}x "
                  f"{len(lat) / wall:>7.0f}")
        rows = _rows(args.predict_rows, seed=32)
        pr = _predict(server.url, model, rows, args.predict_rounds)
        n = len(rows)
        print(f"\n/v1/predict, {n:,}-row bodies (median of {args.predict_rounds}):")
        print(f"  HTTP            {pr['http'] * 1e3:8.0f} ms  {n / pr['http']:>9,.0f} rows/s")
        print(f"  direct (rows)   {pr['direct'] * 1e3:8.0f} ms  {n / pr['direct']:>9,.0f} rows/s   "
              f"HTTP / direct = {pr['http'] / pr['direct']:.2f}x")
        print(f"  predict_proba on a ready frame {pr['frame'] * 1e3:.0f} ms   HTTP / that = "
              f"{pr['http'] / pr['frame']:.2f}x")
        # Memory: after 100 explain requests (counted from the start of this phase), then after the rest.
        pool = _rows(500, seed=33)
        cycle = [pool[i % len(pool)] for i in range(args.memory_requests)]
        _explain_http(server.url, cycle[:100], 8)
        rss_100 = server.rss_mib()
        start = time.perf_counter()
        _explain_http(server.url, cycle[100:], 8)
        rss_all = server.rss_mib()
        print(f"\nserver memory (VmRSS): {rss_100:.0f} MiB after 100 requests, {rss_all:.0f} MiB after "
              f"{args.memory_requests:,} (+{rss_all - rss_100:.0f} MiB; "
              f"{args.memory_requests - 100:,} requests in {time.perf_counter() - start:.0f} s, 8 clients)")
    # The same 8 clients against two worker processes (xieshang serve --workers 2), one per core.
    with LiveServer(args.model, workers=2) as server:
        _explain_http(server.url, applicants[:40], 8)  # warm-up of both workers
        lat, wall = _explain_http(server.url, applicants, 8)
        p50, p99 = _pct(lat, 50) * 1e3, _pct(lat, 99) * 1e3
        print(f"\n/v1/explain with --workers 2, 8 clients: p50 {p50:.1f} ms, p99 {p99:.1f} ms "
              f"({p50 / d50:.2f}x, {p99 / d99:.2f}x the direct call), {len(lat) / wall:.0f} req/s")
    print(f"load average at the end {os.getloadavg()[0]:.2f}")
    if not math.isfinite(rss_all):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
