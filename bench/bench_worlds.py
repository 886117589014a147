"""A zoo of worlds: the project beside its peers, on the same rows, against the truth.

For every world of ``bench/worlds.py``, ``bench/blind_worlds.py`` and
``bench/policy_worlds.py`` (50,000 training rows, a separate 50,000-row test
set), in the same run and under one thread:

* ``project``: :func:`xieshang.train` (the default :class:`~xieshang.ApprovalModel`);
* the peers of ``bench/peers.py``, each given the same three plan features
  (instalment, burden, income left): ``baseline`` (the plain boosted baseline
  of issue 9), ``ebm`` (``ExplainableBoostingClassifier`` defaults) and
  ``lightgbm`` (defaults, isotonic ``CalibratedClassifierCV(cv=5)``).

Each model fits ``--repeat`` times (default 2; EBM once: a fit takes minutes),
interleaved, and the fastest fit counts (noise from other work on shared cores
only adds time). Printed per world and model: log-loss ratio to the oracle (the
truth's own log loss on the test labels), mean |p̂ − p|, AUC gap to the oracle,
fit seconds and their ratio to the baseline's (wall clock, and process CPU time), and the median one-row
``predict_proba`` (a one-row frame, 25 rows), then the targets of issue 21 for the
project (log-loss ratio and mean |p̂ − p| at most EBM's, ratio <= 1.01,
mean |p̂ − p| <= 0.02, fit <= the baseline's, no direction violations).

``--curve 5000,50000,500000`` runs the learning curve instead: the same models on
one world (``--worlds ours``) at each training size, on one 50,000-row test set
(``--max-ebm-rows`` skips EBM above that size: says so, measures nothing).

Usage: ``python bench/bench_worlds.py [--rows 50000] [--worlds ours,other,...] [--models project,baseline,ebm,lightgbm]
[--repeat 2] [--curve 5000,50000,500000] [--candidates logistic_monotone,hgb_monotone,...] [--seed 0] [--json out.json]``
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parent))
from blind_worlds import BLIND
from peers import PEERS
from policy_worlds import BLIND as POLICY
from worlds import WORLDS

from xieshang import ApprovalModel, train
from xieshang.contract import FEATURE_NAMES, LABEL, TRUTH
from xieshang.metrics import evaluate
from xieshang.modeling.boosting import REFIT_SHRINK
from xieshang.modeling.selection import direction_violations

MODELS = ("project", *PEERS)
ONCE = {"ebm"}  # fitted once whatever --repeat says: one fit takes minutes
PREDICT_ROWS = 25


CANDIDATES: tuple[str, ...] | None = None
"""``--candidates``: the project's candidates (``ApprovalModel(candidates=...)``); ``None``: the default model."""


def _fit(name: str, train_df: pd.DataFrame, present: list[str], seed: int) -> tuple[object, float, float]:
    """The fitted model, its fit's wall seconds and its process CPU seconds (one thread: under load from other
    work on the same cores, the CPU seconds stay close to what the fit costs on an idle machine)."""
    t, cpu = time.perf_counter(), time.process_time()
    with threadpool_limits(1):
        if name == "project" and CANDIDATES:
            model = ApprovalModel(seed=seed, candidates=CANDIDATES).fit(train_df[present], train_df[LABEL])
        elif name == "project":
            model = train(train_df.drop(columns=TRUTH), seed=seed)
        else:
            model = PEERS[name]().fit(train_df[present], train_df[LABEL].to_numpy())
    return model, time.perf_counter() - t, time.process_time() - cpu


def _one_row_ms(model, rows: pd.DataFrame) -> float:
    """Median milliseconds of ``predict_proba`` on a one-row frame, over ``PREDICT_ROWS`` rows."""
    times = []
    with threadpool_limits(1):
        model.predict_proba(rows.iloc[[0]])  # warm
        for i in range(min(PREDICT_ROWS, len(rows))):
            one = rows.iloc[[i]]
            t = time.perf_counter()
            model.predict_proba(one)
            times.append(time.perf_counter() - t)
    return 1000 * float(np.median(times))


def run_world(name: str, make, rows: int, *, models=MODELS, seed: int = 0, repeat: int = 2,
              test_rows: int | None = None) -> dict:
    """Fit every model of ``models`` on ``rows`` rows of the world, score them on a separate test set."""
    train_df, test_df = make(rows, seed + 1), make(test_rows or rows, seed + 2)
    present = [c for c in FEATURE_NAMES if c in train_df]  # a world may lack the optional savings column
    yt, pt = test_df[LABEL].to_numpy(), test_df[TRUTH].to_numpy()
    times: dict[str, list[float]] = {m: [] for m in models}
    cpu_times: dict[str, list[float]] = {m: [] for m in models}
    fitted: dict[str, object] = {}
    for r in range(repeat):  # interleaved, the fastest of each kept: the shared cores' noise only adds time
        for m in models:
            if r and m in ONCE:
                continue
            model, s, cpu = _fit(m, train_df, present, seed)
            times[m].append(s)
            cpu_times[m].append(cpu)
            fitted.setdefault(m, model)  # every model is deterministic: the first fit is kept
    out: dict = {"world": name, "rows": rows, "models": {}}
    for m, model in fitted.items():
        with threadpool_limits(1):
            p = model.predict_proba(test_df[present])[:, 1]
        out["models"][m] = {**evaluate(yt, np.clip(p, 1e-3, 1 - 1e-3), pt), "fit_s": min(times[m]),
                            "fit_cpu_s": min(cpu_times[m]),
                            "predict_ms": _one_row_ms(model, test_df[present])}
    if "project" in fitted:
        model = fitted["project"]
        out["violations"] = direction_violations(model.predict_proba, test_df, n_rows=300, seed=1)
        out["chosen"], out["calibration"] = model.candidate_, model.calibration_
        out["detail"] = _detail(model.cv_results_)
    return out


def _detail(cv: dict) -> str:
    """What the training chose on the folds: the boosting capacity and length, the blend weights."""
    out = []
    boost = cv.get("hgb_monotone", {})
    if boost.get("capacity"):
        out.append(f"boosting {boost['capacity']} on the folds, refit {boost['n_iter']} iterations at "
                   f"1/{REFIT_SHRINK} of the rate")
    weights = cv.get("blend_monotone", {}).get("blend_weights")
    if weights:
        out.append("blend " + ", ".join(f"{n} {w:.1f}" for n, w in weights.items()))
    return "; ".join(out)


ALL_WORLDS = {**WORLDS, **BLIND, **POLICY}


def world_names(text: str) -> list[str]:
    """The comma-separated worlds of a ``--worlds`` argument; exits naming any world the zoo does not have."""
    worlds = text.split(",")
    bad = [w for w in worlds if w not in ALL_WORLDS]
    if bad:
        sys.exit(f"unknown world {', '.join(bad)}: expected among {', '.join(ALL_WORLDS)}")
    return worlds
"""The zoo (``worlds.py``), then the blind worlds (``blind_worlds.py``) and the lenders that decide by rules
(``policy_worlds.py``), both written without seeing the model."""


def _table(results: list[dict], key: str = "world") -> None:
    print(f"{key:10s} {'model':9s} {'LL/oracle':>9s} {'mean|p̂−p|':>10s} {'AUC gap':>8s} {'fit s':>7s} "
          f"{'fit/base':>8s} {'cpu/base':>8s} {'1-row ms':>8s}")
    for r in results:
        base = r["models"].get("baseline", {}).get("fit_s")
        base_cpu = r["models"].get("baseline", {}).get("fit_cpu_s")
        for m, f in r["models"].items():
            ratio = f"{f['fit_s'] / base:7.2f}x" if base else "       -"
            cpu = f"{f['fit_cpu_s'] / base_cpu:7.2f}x" if base_cpu else "       -"
            print(f"{r[key]!s:10s} {m:9s} {f['log_loss_ratio_to_oracle']:9.4f} {f['mean_abs_error_to_truth']:10.4f} "
                  f"{f['auc_gap_to_oracle']:8.4f} {f['fit_s']:7.1f} {ratio} {cpu} {f['predict_ms']:8.2f}")


def _targets(results: list[dict]) -> None:
    print("\nTargets of issue 21 for the project (viol = direction violations):")
    for r in results:
        ms = r["models"]
        if "project" not in ms:
            continue
        p, checks = ms["project"], {}
        ll, mae = p["log_loss_ratio_to_oracle"], p["mean_abs_error_to_truth"]
        if "ebm" in ms:
            checks["LL<=EBM"] = ll <= ms["ebm"]["log_loss_ratio_to_oracle"]
            checks["MAE<=EBM"] = mae <= ms["ebm"]["mean_abs_error_to_truth"]
        checks["LL<=1.01"], checks["MAE<=0.02"] = ll <= 1.01, mae <= 0.02
        if "baseline" in ms:
            checks["fit<=base"] = p["fit_s"] <= ms["baseline"]["fit_s"]
        checks["monotone"] = not r["violations"]
        missed = [k for k, ok in checks.items() if not ok]
        print(f"  {r['world']:10s} viol {len(r['violations'])}  ({r['chosen']} + {r['calibration']}; {r['detail']})  "
              + ("all met" if not missed else "MISSED " + ", ".join(missed)))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=50_000, help="training rows (and test rows) per world")
    ap.add_argument("--worlds", default=None, help="comma-separated worlds (default: every world; ours with --curve)")
    ap.add_argument("--models", default=",".join(MODELS), help=f"comma-separated, among {', '.join(MODELS)}")
    ap.add_argument("--repeat", type=int, default=2, help="fits of each model per world; the fastest is kept")
    ap.add_argument("--curve", default=None, help="learning curve: comma-separated training sizes (e.g. 5000,50000,500000)")
    ap.add_argument("--max-ebm-rows", type=int, default=200_000, help="--curve: sizes above this fit no EBM")
    ap.add_argument("--seed", type=int, default=0, help="seed of every model; the rows are drawn with seed+1 and seed+2")
    ap.add_argument("--candidates", default=None,
                    help="the project's candidates, comma-separated (default: the default model's)")
    ap.add_argument("--json", default=None, help="also write every figure to this JSON file")
    args = ap.parse_args()
    global CANDIDATES
    CANDIDATES = tuple(args.candidates.split(",")) if args.candidates else None
    worlds = world_names(args.worlds or ("ours" if args.curve else ",".join(ALL_WORLDS)))
    models = args.models.split(",")
    bad = [m for m in models if m not in MODELS]
    if bad:
        sys.exit(f"unknown model {', '.join(bad)}: expected among {', '.join(MODELS)}")
    sizes = [int(n) for n in args.curve.split(",")] if args.curve else [args.rows]
    print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS')}, "
          f"load average {os.getloadavg()[0]:.2f} (other work on the same cores slows every time below); "
          f"{'/'.join(f'{n:,}' for n in sizes)} train rows; fit times: the fastest of {args.repeat} interleaved fits "
          f"(EBM: one fit)", flush=True)
    results = []
    for w in worlds:
        for n in sizes:
            use = [m for m in models if not (args.curve and m == "ebm" and n > args.max_ebm_rows)]
            if len(use) < len(models):
                print(f"  {w} at {n:,} rows: EBM not fitted (above --max-ebm-rows {args.max_ebm_rows:,})", flush=True)
            r = run_world(w, ALL_WORLDS[w], n, models=use, repeat=args.repeat, seed=args.seed,
                          test_rows=50_000 if args.curve else None)
            r["load"] = os.getloadavg()[0]
            results.append(r)
            print(f"  {w} at {n:,} rows done, load {r['load']:.2f}: "
                  + ", ".join(f"{m} {f['mean_abs_error_to_truth']:.4f} ({f['fit_s']:.1f} s)" for m, f in r["models"].items()),
                  flush=True)
            if args.json:  # after every world: a long run interrupted keeps what it measured
                Path(args.json).write_text(json.dumps(results, indent=1, default=float))
    print()
    _table(results, "rows" if args.curve else "world")
    if not args.curve:
        _targets(results)


if __name__ == "__main__":
    main()
