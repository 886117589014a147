"""The web API under a bounded load on 127.0.0.1, each figure against the same call made directly in Python.

    .venv/bin/python bench/bench_serve.py            # ~3-5 min; --quick: ~1 min, fewer requests

Starts ``xieshang serve`` on a free port of 127.0.0.1 (a child process,
OMP_NUM_THREADS=1), measures, stops it; nothing else is contacted. Prints
each target of issue 19 with PASS or FAIL and its ratio, and the load average
beside every figure: the clients share the machine's cores with the server,
and on a shared machine absolute times are noise, ratios within one run less so.

* ``/v1/explain``, 1 client: p50 and p99 against ``explain(model, a).to_dict()``
  plus ``json.dumps`` called here on the same applicants, the two measured in
  alternating blocks (target: p50 <= 1.5x the direct call);
* ``/v1/explain``, 8 concurrent clients (target: p99 <= 100 ms, judged on the
  median of 3 rounds), against one server process and against ``--workers 2``;
  with the server's CPU time per request against the direct call's (what the
  server adds, whatever the load);
* ``/v1/predict``, 10,000-row bodies: time per body against the direct call
  from the same JSON (``predict_proba(validate_frame(DataFrame(json.loads(body)["rows"])))``),
  the two alternating (target: the median of the rounds' ratios <= 1.3x);
* the server's resident memory after 100, half and all of 10,000 requests
  (target: no growth, here at most 5 % over the figure after 100).

The clients are ``http.client`` connections (keep-alive), one thread each:
little CPU of their own, so they measure the server rather than themselves.
``--check`` exits with 1 when a target fails.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import os
import statistics
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np
import pandas as pd

from xieshang import explain, generate, load_model
from xieshang.contract import FEATURE_NAMES
from xieshang.serve.live import LiveServer
from xieshang.validation import validate_frame

P50_RATIO, P99_MS, PREDICT_RATIO, MEMORY_GROWTH = 1.5, 100.0, 1.3, 0.05
RESULTS: list[tuple[str, bool]] = []


def _load() -> str:
    return f"load {os.getloadavg()[0]:.1f}"


def _target(name: str, ok: bool, figure: str) -> None:
    RESULTS.append((name, ok))
    print(f"  {'PASS' if ok else 'FAIL'}  {name}: {figure}  [{_load()}]", flush=True)


def _rows(n: int, seed: int) -> list[dict[str, Any]]:
    df = generate(n, seed=seed)[list(FEATURE_NAMES)]
    return list(json.loads(df.to_json(orient="records")))  # plain JSON values, NaN as null


def _bodies(applicants: list[dict[str, Any]]) -> list[bytes]:
    return [json.dumps({"applicant": a}).encode() for a in applicants]


def _ms(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q)) * 1e3


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _direct(model: Any, applicants: list[dict[str, Any]]) -> tuple[list[float], float]:
    """Latency of each direct call, and the CPU seconds of them all."""
    out, cpu = [], time.process_time()
    for a in applicants:
        t = time.perf_counter()
        json.dumps(explain(model, a).to_dict(), ensure_ascii=False)
        out.append(time.perf_counter() - t)
    return out, time.process_time() - cpu


def _http(port: int, path: str, bodies: list[bytes], clients: int) -> tuple[list[float], float]:
    """Latency of every request with ``clients`` concurrent keep-alive clients, and the wall time."""
    latencies: list[float] = []
    lock = threading.Lock()

    def work(chunk: list[bytes]) -> None:
        conn, mine = http.client.HTTPConnection("127.0.0.1", port, timeout=120), []
        try:
            for body in chunk:
                t = time.perf_counter()
                conn.request("POST", path, body=body, headers={"Content-Type": "application/json"})
                r = conn.getresponse()
                r.read()
                mine.append(time.perf_counter() - t)
                if r.status != 200:
                    raise RuntimeError(f"{path} answered {r.status}")
        finally:
            conn.close()
        with lock:
            latencies.extend(mine)

    start = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(work, [bodies[i::clients] for i in range(clients)]))
    return latencies, time.perf_counter() - start


def _one_client(server: LiveServer, model: Any, applicants: list[dict[str, Any]]) -> float:
    """1 client against the direct call, in alternating blocks; the direct p50 (s) for the later lines."""
    bodies, direct, served = _bodies(applicants), [], []
    for i in range(0, len(applicants), 50):  # a change of load hits both alike
        direct += _direct(model, applicants[i:i + 50])[0]
        served += _http(server.port, "/v1/explain", bodies[i:i + 50], 1)[0]
    d50, d99, s50, s99 = _ms(direct, 50), _ms(direct, 99), _ms(served, 50), _ms(served, 99)
    print(f"\n/v1/explain, 1 client, {len(applicants)} applicants: p50 {s50:.1f} ms, p99 {s99:.1f} ms; "
          f"direct call p50 {d50:.1f} ms, p99 {d99:.1f} ms (p99 {s99 / d99:.2f}x)  [{_load()}]")
    _target(f"explain p50 <= {P50_RATIO}x the direct call", s50 <= P50_RATIO * d50,
            f"{s50 / d50:.2f}x ({s50:.1f} / {d50:.1f} ms)")
    return d50 / 1e3


def _eight_clients(server: LiveServer, model: Any, applicants: list[dict[str, Any]], label: str, runs: int) -> None:
    """``runs`` rounds of 8 clients; the target is judged on the median round's p99 (a shared machine's bursts)."""
    bodies = _bodies(applicants)
    _, direct_cpu = _direct(model, applicants)
    pid = server.process.pid if server.process is not None else 0
    p99s = []
    print(f"\n/v1/explain, 8 clients, {label}, {runs} rounds of {len(bodies)} requests:")
    for _ in range(runs):
        cpu0 = _cpu_seconds(pid)
        lat, wall = _http(server.port, "/v1/explain", bodies, 8)
        served_cpu = _cpu_seconds(pid) - cpu0  # the process's own CPU: one server process (workers=1) only
        p99s.append(_ms(lat, 99))
        cpu = (f"; server CPU per request {served_cpu / len(lat) * 1e3:.1f} ms = {served_cpu / direct_cpu:.2f}x the "
               f"direct call's {direct_cpu / len(lat) * 1e3:.1f} ms" if server.workers == 1 else "")
        print(f"  p50 {_ms(lat, 50):.1f} ms, p99 {p99s[-1]:.1f} ms, {len(lat) / wall:.0f} req/s{cpu}  [{_load()}]")
    p99 = statistics.median(p99s)
    _target(f"explain p99 <= {P99_MS:g} ms at 8 clients ({label}, median of {runs} rounds)", p99 <= P99_MS,
            f"{p99:.1f} ms = {p99 / P99_MS:.2f}x the target")


def _predict(server: LiveServer, model: Any, rows: list[dict[str, Any]], rounds: int) -> None:
    body = json.dumps({"rows": rows}).encode()
    served: list[float] = []
    direct: list[float] = []
    ready: list[float] = []
    for _ in range(rounds):  # alternating, so a change of load hits both alike
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=300)
        t = time.perf_counter()
        conn.request("POST", "/v1/predict", body=body, headers={"Content-Type": "application/json"})
        got = json.loads(conn.getresponse().read())["probabilities"]
        served.append(time.perf_counter() - t)
        conn.close()
        t = time.perf_counter()
        want = model.predict_proba(validate_frame(pd.DataFrame(json.loads(body)["rows"])))[:, 1]
        direct.append(time.perf_counter() - t)
        frame = validate_frame(pd.DataFrame(rows))
        t = time.perf_counter()
        model.predict_proba(frame)
        ready.append(time.perf_counter() - t)
        if not np.allclose(got, want, rtol=0, atol=1e-12):
            raise RuntimeError("/v1/predict and the direct call disagree")
    s, d, f, n = statistics.median(served), statistics.median(direct), statistics.median(ready), len(rows)
    ratio = statistics.median(a / b for a, b in zip(served, direct))  # round by round: the pairs share the load
    print(f"\n/v1/predict, {n:,}-row bodies ({len(body) / 2**20:.1f} MiB), median of {rounds}: HTTP {s * 1e3:.0f} ms "
          f"({n / s:,.0f} rows/s); direct from the JSON {d * 1e3:.0f} ms; predict_proba on a ready frame "
          f"{f * 1e3:.0f} ms  [{_load()}]")
    _target(f"predict <= {PREDICT_RATIO}x the direct call (median of the rounds' ratios)", ratio <= PREDICT_RATIO,
            f"{ratio:.2f}x")


def _memory(server: LiveServer, requests: int) -> None:
    pool = _bodies(_rows(500, seed=33))
    cycle = [pool[i % len(pool)] for i in range(requests)]
    _http(server.port, "/v1/explain", cycle[:100], 8)
    rss = [server.rss_mib()]
    start = time.perf_counter()
    for part in (cycle[100:requests // 2], cycle[requests // 2:]):
        _http(server.port, "/v1/explain", part, 8)
        rss.append(server.rss_mib())
    growth = rss[-1] / rss[0] - 1
    print(f"\nserver memory (VmRSS): {rss[0]:.0f} MiB after 100 requests, {rss[1]:.0f} MiB after {requests // 2:,}, "
          f"{rss[2]:.0f} MiB after {requests:,} ({requests - 100:,} requests in {time.perf_counter() - start:.0f} s, "
          f"8 clients)  [{_load()}]")
    _target(f"no memory growth (<= {MEMORY_GROWTH:.0%} from 100 to {requests:,} requests)",
            growth <= MEMORY_GROWTH, f"{growth:+.1%} ({rss[2] - rss[0]:+.0f} MiB)")


def _with(model_path: str, workers: int, run: Callable[[LiveServer], None]) -> None:
    with LiveServer(model_path, workers=workers) as server:
        run(server)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="model/approval.joblib")
    parser.add_argument("--requests", type=int, default=400, help="explain requests per latency measurement")
    parser.add_argument("--predict-rows", type=int, default=10_000)
    parser.add_argument("--predict-rounds", type=int, default=7)
    parser.add_argument("--rounds", type=int, default=3, help="rounds of 8 clients (the median round is judged)")
    parser.add_argument("--memory-requests", type=int, default=10_000)
    parser.add_argument("--quick", action="store_true", help="200 requests, 1 round of 8 clients, 3 predict rounds, "
                                                              "2,000 for memory")
    parser.add_argument("--check", action="store_true", help="exit with 1 when a target fails")
    args = parser.parse_args()
    if args.quick:
        args.requests, args.predict_rounds, args.memory_requests, args.rounds = 200, 3, 2_000, 1
    model = load_model(args.model)
    applicants = _rows(args.requests, seed=31)
    print(f"bench_serve {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, "
          f"OMP_NUM_THREADS={os.environ['OMP_NUM_THREADS']}, {_load()} (1-minute average)")

    def one_worker(server: LiveServer) -> None:
        _http(server.port, "/v1/explain", _bodies(applicants[:40]), 8)  # warm-up of both sides
        _direct(model, applicants[:40])
        _one_client(server, model, applicants)
        _eight_clients(server, model, applicants, "1 server process", args.rounds)
        _predict(server, model, _rows(args.predict_rows, seed=32), args.predict_rounds)
        _memory(server, args.memory_requests)

    def two_workers(server: LiveServer) -> None:
        deadline = time.monotonic() + 120  # the second worker may still be loading the model
        while server.output().count("Application startup complete") < 2 and time.monotonic() < deadline:
            time.sleep(0.5)
        _http(server.port, "/v1/explain", _bodies(applicants[:80]), 8)  # warm-up of both workers
        _eight_clients(server, model, applicants, "--workers 2", args.rounds)

    _with(args.model, 1, one_worker)
    _with(args.model, 2, two_workers)
    failed = [name for name, ok in RESULTS if not ok]
    print(f"\n{len(RESULTS) - len(failed)} of {len(RESULTS)} targets met; {_load()} at the end"
          + (f"; not met: {'; '.join(failed)}" if failed else ""))
    return 1 if args.check and failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
