"""Memory stays flat while ``xieshang predict`` streams a large file.

    python bench/bench_predict_stream.py [--rows 5000000] [--small 500000] [--dir /tmp/xieshang_stream]

Writes two Parquet files (``--small`` and ``--rows`` rows, generated 500,000
rows at a time), scores each in a fresh process with the real command line
(``xieshang predict IN -o OUT``; the trained model if ``model/approval.joblib``
exists, otherwise the oracle through :func:`xieshang.scoring.score_file`) and
prints the peak resident memory of each run: the ratio big/small should stay
near 1 although the file is 10x larger.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from xieshang.generator import generate

_STEP = 500_000

_CHILD = r"""
import json, resource, sys, time
import numpy as np
src, dst, use_model = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
t = time.perf_counter()
if use_model:
    from xieshang.cli import main
    rc = main(["predict", src, "-o", dst, "--quiet"])
else:
    from xieshang.generator import true_probability
    from xieshang.scoring import score_file
    class Oracle:
        def predict_proba(self, X):
            p = true_probability(X)
            return np.column_stack([1 - p, p])
    score_file(Oracle(), src, dst, progress=None)
    rc = 0
print(json.dumps({"rc": rc, "seconds": time.perf_counter() - t,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def make_file(path: Path, rows: int) -> None:
    if path.exists() and pq.ParquetFile(path).metadata.num_rows == rows:
        return
    writer = None
    tmp = path.with_suffix(".tmp")
    for i, start in enumerate(range(0, rows, _STEP)):
        df = generate(min(_STEP, rows - start), seed=1000 + i)
        table = pa.Table.from_pandas(df, preserve_index=False)
        writer = writer or pq.ParquetWriter(tmp, table.schema)
        writer.write_table(table, row_group_size=100_000)
    writer.close()
    os.replace(tmp, path)


def run(src: Path, dst: Path, use_model: bool) -> dict:
    res = subprocess.run([sys.executable, "-c", _CHILD, str(src), str(dst), "1" if use_model else "0"],
                         capture_output=True, text=True, env={**os.environ, "OMP_NUM_THREADS": "1"})
    if res.returncode != 0:
        raise SystemExit(res.stderr)
    return json.loads(res.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=5_000_000)
    ap.add_argument("--small", type=int, default=500_000)
    ap.add_argument("--dir", default="/tmp/xieshang_stream")
    args = ap.parse_args()
    d = Path(args.dir)
    d.mkdir(parents=True, exist_ok=True)
    use_model = Path("model/approval.joblib").exists()
    print(f"scoring with {'the trained model (xieshang predict)' if use_model else 'the oracle (score_file)'}")
    results = {}
    for n in (args.small, args.rows):
        src = d / f"requests_{n}.parquet"
        t = time.perf_counter()
        make_file(src, n)
        print(f"{n:,} rows: file ready in {time.perf_counter() - t:.0f} s ({src.stat().st_size / 1e6:.0f} MB)")
        r = run(src, d / f"scored_{n}.parquet", use_model)
        results[n] = r
        print(f"{n:,} rows: {r['seconds']:.0f} s, {n / r['seconds']:,.0f} rows/s, peak RSS {r['peak_rss_mb']:.0f} MB")
    small, big = results[args.small], results[args.rows]
    print(f"peak RSS {args.rows:,} / {args.small:,} rows = {big['peak_rss_mb'] / small['peak_rss_mb']:.2f} "
          f"(flat memory: close to 1 for a {args.rows / args.small:.0f}x larger file)")


if __name__ == "__main__":
    main()
