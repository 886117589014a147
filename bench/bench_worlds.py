"""A zoo of worlds: the project against a plain boosted baseline, on the same rows, against the truth.

For every world of ``bench/worlds.py`` and ``bench/blind_worlds.py`` (50,000 training rows, a separate
50,000-row test set), in the same run:

* ``project``: :func:`xieshang.train` (the default :class:`~xieshang.ApprovalModel`);
* ``baseline``: the plain boosted baseline of issue 9, exactly: the plan's
  instalment, its burden ``instalment / (max(disposable, 0) + 200)`` and the
  income left after it, one-hot categories, ``HistGradientBoostingClassifier``
  (defaults, ``random_state=0``) inside ``CalibratedClassifierCV(method="isotonic", cv=5)``.

Both fit under one thread, each ``--repeat`` times (default 2), interleaved, and
the fastest fit of each counts (noise from other work on shared cores only
adds time). Printed per world: log-loss ratio to the oracle
(the truth's own log loss on the test labels), mean |p̂ − p|, AUC gap to
the oracle, fit seconds and the fit-time ratio project / baseline, then the
targets of issue 9 (ratio <= 1.01 and <= the baseline's, mean |p̂ − p| <= 0.02,
fit <= 2x the baseline, no direction violations).

Usage: ``python bench/bench_worlds.py [--rows 50000] [--worlds ours,other,...] [--repeat 2]`` (every world of
``worlds.py`` and ``blind_worlds.py`` by default)
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np
import pandas as pd
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parent))
from blind_worlds import BLIND
from worlds import WORLDS

from xieshang import train
from xieshang.contract import BOOL_NAMES, FEATURE_NAMES, LABEL, TRUTH
from xieshang.metrics import evaluate
from xieshang.modeling.boosting import REFIT_SHRINK
from xieshang.modeling.selection import direction_violations

CATEGORIES = ["hardship_reason", "communication"]


def _baseline_features(X: pd.DataFrame) -> pd.DataFrame:
    X = X[[c for c in FEATURE_NAMES if c in X]].copy()
    for b in BOOL_NAMES:
        X[b] = X[b].astype(float)  # booleans as 0/1 (NaN stays NaN)
    instalment = X["outstanding_balance"] * (1 - X["down_payment_ratio"]) / X["plan_months"]
    disposable = X["monthly_income"] - X["monthly_expenses"] - X["other_debt_payments"]
    X["instalment"] = instalment
    X["burden"] = instalment / (np.maximum(disposable, 0) + 200)
    X["left"] = disposable - instalment
    return X


def baseline() -> CalibratedClassifierCV:
    """The plain boosted baseline of issue 9."""
    columns = ColumnTransformer([("cat", OneHotEncoder(handle_unknown="ignore"), CATEGORIES)],
                                remainder="passthrough")
    pipe = make_pipeline(FunctionTransformer(_baseline_features), columns,
                         HistGradientBoostingClassifier(random_state=0))
    return CalibratedClassifierCV(pipe, method="isotonic", cv=5)


def run_world(name: str, make, rows: int, seed: int = 0, repeat: int = 2) -> dict:
    train_df, test_df = make(rows, seed + 1), make(rows, seed + 2)
    present = [c for c in FEATURE_NAMES if c in train_df]  # a world may lack the optional savings column
    X, y = train_df[present], train_df[LABEL].to_numpy()
    yt, pt = test_df[LABEL].to_numpy(), test_df[TRUTH].to_numpy()
    base_times, fit_times, base, model = [], [], None, None
    for _ in range(repeat):  # interleaved, the fastest of each kept: the shared cores' noise only adds time
        t = time.perf_counter()
        with threadpool_limits(1):
            b = baseline().fit(X, y)
        base_times.append(time.perf_counter() - t)
        t = time.perf_counter()
        m = train(train_df.drop(columns=TRUTH), seed=seed)
        fit_times.append(time.perf_counter() - t)
        base = b if base is None else base  # both are deterministic: the first fit of each is kept
        model = m if model is None else model
    base_s, fit_s = min(base_times), min(fit_times)
    with threadpool_limits(1):
        pb = base.predict_proba(test_df[present])[:, 1]
    pm = model.predict_proba(test_df)[:, 1]
    viol = direction_violations(model.predict_proba, test_df, n_rows=300, seed=1)
    return {"world": name, "project": evaluate(yt, pm, pt), "baseline": evaluate(yt, np.clip(pb, 1e-3, 1 - 1e-3), pt),
            "fit_s": fit_s, "base_s": base_s, "violations": viol, "chosen": model.candidate_,
            "calibration": model.calibration_, "detail": _detail(model.cv_results_)}


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


ALL_WORLDS = {**WORLDS, **BLIND}
"""The zoo (``worlds.py``), then the blind worlds (``blind_worlds.py``, written without seeing the model)."""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=50_000, help="training rows (and test rows) per world")
    ap.add_argument("--worlds", default=",".join(ALL_WORLDS),
                    help="comma-separated worlds of bench/worlds.py and bench/blind_worlds.py")
    ap.add_argument("--repeat", type=int, default=2, help="fits of each model per world; the fastest is kept")
    args = ap.parse_args()
    print(f"OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS')}, load average {os.getloadavg()[0]:.2f} "
          f"(other work on the same cores slows every time below); {args.rows:,} train / {args.rows:,} test rows; "
          f"fit times: the fastest of {args.repeat} interleaved fits")
    results = []
    for w in args.worlds.split(","):
        if w not in ALL_WORLDS:
            sys.exit(f"--worlds: unknown world {w!r}, expected some of {', '.join(ALL_WORLDS)}")
        r = run_world(w, ALL_WORLDS[w], args.rows, repeat=args.repeat)
        results.append(r)
        print(f"  {w}: project {r['fit_s']:.1f} s ({r['chosen']} + {r['calibration']}; {r['detail']}), "
              f"baseline {r['base_s']:.1f} s", flush=True)
    head = (f"{'world':10s} {'LL/oracle':>17s} {'mean|p̂−p|':>17s} {'AUC gap':>17s} {'fit s':>13s} {'fit':>6s}  "
            "viol  targets")
    print("\nEach cell: project / baseline; fit ratio = project / baseline; viol = direction violations")
    print(head)
    for r in results:
        m, b = r["project"], r["baseline"]
        ll, bl = m["log_loss_ratio_to_oracle"], b["log_loss_ratio_to_oracle"]
        ratio = r["fit_s"] / r["base_s"]
        checks = {"LL<=1.01": ll <= 1.01, "LL<=base": ll <= bl, "MAE<=0.02": m["mean_abs_error_to_truth"] <= 0.02,
                  "fit<=2x": ratio <= 2.0, "monotone": not r["violations"]}
        missed = [k for k, ok in checks.items() if not ok]
        print(f"{r['world']:10s} {ll:8.4f} / {bl:6.4f} {m['mean_abs_error_to_truth']:8.4f} / "
              f"{b['mean_abs_error_to_truth']:6.4f} {m['auc_gap_to_oracle']:8.4f} / {b['auc_gap_to_oracle']:6.4f} "
              f"{r['fit_s']:5.1f} / {r['base_s']:5.1f} {ratio:5.2f}x  {len(r['violations']):4d}  "
              + ("all met" if not missed else "MISSED " + ", ".join(missed)))


if __name__ == "__main__":
    main()
