"""Answer time on every world of the zoo: one-row ``predict_proba`` and ``explain``, per world's default model.

    python bench/bench_explain_worlds.py [--rows 50000] [--worlds ours,gates,...] [--applicants 200]
        [--cache DIR] [--answers FILE] [--compare FILE] [--json FILE]

For every world of ``bench/worlds.py``, ``bench/blind_worlds.py`` and ``bench/policy_worlds.py``
the default model (:func:`xieshang.train`) is trained on ``--rows`` rows (50,000: the size of issue
21, so the model chooses what it chooses there: 3- or 7-leaf trees, the blend). Then, in the same
run and under one thread, on rejected applicants of a separate draw of the world:

* one-row ``predict_proba`` (a one-row frame of the contract's columns only), median over the
  applicants, and its ratio to a bare ``HistGradientBoostingClassifier`` (defaults, fit on the numeric
  contract columns of the world's 5,000-row pool as in ``bench/bench_explain.py``: 100 trees) on a
  one-row NumPy array, measured interleaved (target <= 1.5);
* ``explain`` median and 95th percentile per rejected applicant (target: median <= 5 ms).

``--cache DIR`` keeps the fitted models (``DIR/<world>_n<rows>_s<seed>.joblib``) so that a rerun
measures the answer path of the same models without training again (delete DIR after a change of the
fit path). ``--answers FILE`` writes every ``Explanation.to_dict()``; ``--compare FILE`` checks the
answers are identical to such a file (a change of the answer path must not change an answer).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import joblib
import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_worlds import ALL_WORLDS, world_names

from xieshang import train
from xieshang.contract import FEATURE_NAMES, LABEL, NUMERIC_NAMES, TRUTH
from xieshang.explain import explain


def _model(world: str, rows: int, seed: int, cache: Path | None):
    path = cache / f"{world}_n{rows}_s{seed}.joblib" if cache else None
    if path is not None and path.exists():
        return joblib.load(path), 0.0
    df = ALL_WORLDS[world](rows, seed + 1)
    t = time.perf_counter()
    model = train(df.drop(columns=TRUTH), seed=seed)
    secs = time.perf_counter() - t
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        joblib.dump(model, path)
    return model, secs


def _bare(pool: pd.DataFrame):
    """The reference of issue 21: a bare HGB (defaults) on the numeric contract columns of the world's 5,000-row
    pool, as ``bench/bench_explain.py`` fits it (no early stopping under 10,000 rows: its 100 trees)."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    X = pool[[c for c in NUMERIC_NAMES if c in pool]].to_numpy(dtype=float)
    return HistGradientBoostingClassifier(random_state=0).fit(X, pool[LABEL].to_numpy())


def _times_ms(fn, items) -> list[float]:
    out = []
    for it in items:
        t = time.perf_counter()
        fn(it)
        out.append(1e3 * (time.perf_counter() - t))
    return out


def _what(model) -> str:
    """The default's choice: the winner, its calibration, the trees' capacity and the blend weights."""
    cv = model.cv_results_
    out = [model.candidate_, model.calibration_]
    cap = cv.get("hgb_monotone", {}).get("capacity")
    if cap:
        out.append(str(cap).split(",")[0])  # "leaves=7": the trees' size
    weights = cv.get("blend_monotone", {}).get("blend_weights")
    if weights and model.candidate_ == "blend_monotone":
        out.append("/".join(f"{w:.1f}" for w in weights.values()))
    return " ".join(out)


def run_world(world: str, args: argparse.Namespace, cache: Path | None) -> dict:
    model, fit_s = _model(world, args.rows, args.seed, cache)
    pool = ALL_WORLDS[world](5000, args.seed + 7)
    bare = _bare(pool)
    pool = pool[[c for c in FEATURE_NAMES if c in pool]]
    with threadpool_limits(1):
        rej = pool[model.predict_proba(pool)[:, 1] < args.target].head(args.applicants)
        apps = [rej.iloc[[i]] for i in range(len(rej))]
        arrays = [a[[c for c in NUMERIC_NAMES if c in a]].to_numpy(dtype=float) for a in apps]
        one, ref = [], []
        for _ in range(2):  # interleaved: the load shifts; the lower median of each is kept
            one.append(statistics.median(_times_ms(model.predict_proba, apps)))
            ref.append(statistics.median(_times_ms(bare.predict_proba, arrays)))
        answers = []
        t_exp = _times_ms(lambda a: answers.append(explain(model, a, target=args.target).to_dict()), apps)
    return {"world": world, "model": _what(model), "fit_s": fit_s, "applicants": len(apps),
            "one_ms": min(one), "bare_ms": min(ref), "ratio": min(one) / min(ref),
            "explain_median_ms": statistics.median(t_exp), "explain_p95_ms": float(np.percentile(t_exp, 95)),
            "load": os.getloadavg()[0], "answers": answers}


def _print(r: dict) -> None:
    ok = "ok" if r["ratio"] <= 1.5 and r["explain_median_ms"] <= 5 else "MISSED"
    print(f"{r['world']:10s} {r['model'][:42]:42s} {r['one_ms']:7.2f} {r['bare_ms']:7.2f} {r['ratio']:6.2f}x "
          f"{r['explain_median_ms']:8.1f} {r['explain_p95_ms']:8.1f} {r['load']:5.2f}  {ok}", flush=True)


def _compare(results: list[dict], path: str) -> int:
    old = json.loads(Path(path).read_text())
    bad = 0
    for r in results:
        before = old.get(r["world"])
        now = json.loads(json.dumps(r["answers"], default=str))
        if before is None:
            print(f"  {r['world']}: not in {path}")
            continue
        diff = sum(a != b for a, b in zip(before, now)) + abs(len(before) - len(now))
        bad += diff
        print(f"  {r['world']}: {len(now)} answers, {diff} differ from {path}")
    return bad


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=50_000, help="training rows per world (issue 21: 50,000)")
    ap.add_argument("--worlds", default=",".join(ALL_WORLDS), help="comma-separated worlds (default: all 13)")
    ap.add_argument("--applicants", type=int, default=200, help="rejected applicants per world")
    ap.add_argument("--target", type=float, default=0.6)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--cache", default=None, help="directory keeping the fitted models between runs")
    ap.add_argument("--answers", default=None, help="write every Explanation.to_dict() to this JSON file")
    ap.add_argument("--compare", default=None, help="check the answers are identical to this --answers file")
    ap.add_argument("--json", default=None, help="write the figures to this JSON file")
    args = ap.parse_args()
    worlds = world_names(args.worlds)
    cache = Path(args.cache) if args.cache else None
    print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; load average {os.getloadavg()[0]:.2f}; "
          f"models trained on {args.rows:,} rows; {args.applicants} rejected applicants per world; one thread")
    print(f"{'world':10s} {'default model (blend weights: additive/trees)':42s} {'1-row':>7s} {'bare':>7s} {'ratio':>7s} {'explain':>8s} "
          f"{'p95':>8s} {'load':>5s}  (ms; targets ratio <= 1.5, explain median <= 5)")
    results = []
    for w in worlds:
        r = run_world(w, args, cache)
        _print(r)
        results.append(r)
    worst_ratio = max(r["ratio"] for r in results)
    worst_explain = max(r["explain_median_ms"] for r in results)
    print(f"worst world: one-row ratio {worst_ratio:.2f}x (target <= 1.5), explain median {worst_explain:.1f} ms "
          f"(target <= 5): {'both met' if worst_ratio <= 1.5 and worst_explain <= 5 else 'MISSED'}; "
          f"load average now {os.getloadavg()[0]:.2f}")
    if args.answers:
        Path(args.answers).write_text(json.dumps({r["world"]: r["answers"] for r in results}, default=str))
    if args.json:
        Path(args.json).write_text(json.dumps([{k: v for k, v in r.items() if k != "answers"} for r in results],
                                              indent=1))
    if args.compare:
        sys.exit(1 if _compare(results, args.compare) else 0)


if __name__ == "__main__":
    main()
