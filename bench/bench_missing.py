"""Unknown values: how much does the model lose when records have blanks, and is it still calibrated?

Trains on 20,000 rows and scores 20,000 other rows of :func:`xieshang.generate`
five times, each time with the same blanks mechanism on both sides:

* ``complete``: no blanks (the reference);
* ``mcar_10`` / ``mcar_30``: 10 % / 30 % of the values of every ``missing_ok``
  column blanked completely at random;
* ``mnar``: values missing *because of the applicant*: an evasive borrower
  leaves about half of them blank, one with a weak credit record (score under
  550) a third, others 5 %;

and prints, against the generator's truth (``true_probability`` of the
complete rows, the oracle): the log-loss ratio to the oracle, mean |p̂ − p|,
the AUC gap, and on the test rows with at least one unknown value the
calibration against the truth (mean |p̂ − p| per decile of p̂, weighted: an ECE
measured against the true probability, not the noisy labels) and against
the labels (ECE). Information is lost with the blanks, so the ratio must rise
above the complete one; a well-behaved model loses a little and stays
calibrated.

Needs the NaN-aware model (issue 9): before it, the first fit with blanks
fails, and the script says so.

Usage: ``python bench/bench_missing.py [--rows 20000] [--seed 0]``
"""

from __future__ import annotations

import argparse
import os
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np
import pandas as pd

from xieshang import generate, train
from xieshang.contract import LABEL, MISSING_OK_NAMES, TRUTH
from xieshang.metrics import evaluate, expected_calibration_error


def blank(df: pd.DataFrame, how: str, seed: int) -> pd.DataFrame:
    """``df`` with values of the ``missing_ok`` columns made unknown (NaN) by mechanism ``how``."""
    rng = np.random.default_rng(seed)
    n = len(df)
    if how == "complete":
        return df
    if how.startswith("mcar_"):
        share = np.full(n, int(how.split("_")[1]) / 100)
    elif how == "mnar":
        evasive = (df["communication"].astype(str) == "evasive").to_numpy()
        weak = (df["credit_score"] < 550).to_numpy()
        share = np.where(evasive, 0.5, np.where(weak, 0.33, 0.05))
    else:
        raise ValueError(f"how: expected complete, mcar_10, mcar_30 or mnar, got {how!r}")
    out = df.copy()
    for name in MISSING_OK_NAMES:
        gone = rng.random(n) < share
        col = out[name]
        if isinstance(col.dtype, pd.CategoricalDtype):
            out[name] = col.where(~gone)
        else:
            out[name] = col.astype(float).where(~gone)
    return out


def truth_ece(p: np.ndarray, p_true: np.ndarray, n_bins: int = 10) -> float:
    """Calibration against the truth: weighted mean |mean p̂ − mean p| over deciles of p̂."""
    edges = np.quantile(p, np.linspace(0, 1, n_bins + 1))
    bins = np.clip(np.searchsorted(edges, p, side="right") - 1, 0, n_bins - 1)
    total = 0.0
    for b in range(n_bins):
        m = bins == b
        if m.any():
            total += m.mean() * abs(p[m].mean() - p_true[m].mean())
    return float(total)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=20_000, help="training rows and test rows (default 20000)")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    train_df = generate(args.rows, seed=args.seed)
    test_df = generate(args.rows, seed=args.seed + 1)
    p_true = test_df[TRUTH].to_numpy()
    y = test_df[LABEL].to_numpy()
    print(f"{args.rows:,} training rows, {args.rows:,} test rows; truth = the complete rows' true_probability")
    head = (f"{'blanks':<9} {'unknown':>8} {'ll ratio':>9} {'|p̂-p|':>8} {'AUC gap':>8} "
            f"{'rows w/ unknown: |p̂-p| ECE':>27} {'label ECE':>10} {'fit s':>6}")
    print(head)
    print("-" * len(head))
    for i, how in enumerate(("complete", "mcar_10", "mcar_30", "mnar")):
        tr = blank(train_df, how, seed=100 + i)
        te = blank(test_df, how, seed=200 + i)
        t0 = time.perf_counter()
        try:
            model = train(tr, seed=args.seed)
        except (ValueError, TypeError) as exc:
            print(f"{how}: the model cannot train on unknown values yet (needs the NaN-aware model of issue 9): "
                  f"{type(exc).__name__}: {' '.join(str(exc).split())[:200]}", file=sys.stderr)
            return 1
        fit_s = time.perf_counter() - t0
        p = model.predict_proba(te)[:, 1]
        m = evaluate(y, p, p_true)
        unknown = te[list(MISSING_OK_NAMES)].isna().to_numpy()
        share = unknown.mean()
        rows = unknown.any(axis=1)
        if rows.sum() >= 100:
            cal = f"{truth_ece(p[rows], p_true[rows]):.4f} ({rows.mean():.0%} of rows)"
            ece = f"{expected_calibration_error(y[rows], p[rows]):.4f}"
        else:
            cal, ece = "-", "-"
        print(f"{how:<9} {share:>8.1%} {m['log_loss_ratio_to_oracle']:>9.4f} {m['mean_abs_error_to_truth']:>8.4f} "
              f"{m['auc_gap_to_oracle']:>8.4f} {cal:>27} {ece:>10} {fit_s:>6.1f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
