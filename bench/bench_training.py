"""Training targets: closeness to the truth, on our generator and on one the model was not designed for.

Prints, for every candidate and the chosen model: log-loss ratio to the oracle
(target <= 1.02), mean |p̂ − p| (<= 0.02), AUC gap to the oracle (<= 0.005),
ECE, and the fit time (<= 60 s for 50k rows on 2 cores), for 50,000 training
rows and a separate 50,000-row test set from

* ``ours``: :func:`xieshang.generate`;
* ``other``: :func:`worlds.other_generator` (``bench/worlds.py``, with the
  rest of the zoo ``bench_worlds.py`` runs), differently shaped (other
  distributions, interactions, thresholds);

then a learning curve of the chosen model over 5k / 50k / 500k training rows
on ours. Times are also given as a ratio to the time of one plain
``LogisticRegression`` fit on the same rows measured in the same run.

Usage: ``python bench/bench_training.py [--sizes 5000,50000,500000] [--skip-other]``
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import pandas as pd
from sklearn.linear_model import LogisticRegression

sys.path.insert(0, str(Path(__file__).resolve().parent))
from worlds import other_generator

from xieshang import generate, train
from xieshang.contract import LABEL, TRUTH
from xieshang.features import DomainFeatures
from xieshang.metrics import evaluate

TARGETS = {"log_loss_ratio_to_oracle": 1.02, "mean_abs_error_to_truth": 0.02, "auc_gap_to_oracle": 0.005}
FIT_TARGET_S = 60.0


def _reference_seconds(df: pd.DataFrame) -> float:
    X = DomainFeatures().fit_transform(df)
    # Standardised, a blank (savings may be unknown) at the column mean: LogisticRegression refuses NaN.
    X = ((X - X.mean()) / X.std().replace(0, 1)).fillna(0.0)
    t = time.perf_counter()
    LogisticRegression(max_iter=1000).fit(X, df[LABEL])
    return time.perf_counter() - t


def run(name: str, make, n_train: int, n_test: int = 50_000, seed: int = 0) -> dict:
    train_df, test_df = make(n_train, seed + 1), make(n_test, seed + 2)
    ref = _reference_seconds(train_df)
    t = time.perf_counter()
    model = train(train_df, seed=seed)
    fit_s = time.perf_counter() - t
    y, pt = test_df[LABEL].to_numpy(), test_df[TRUTH].to_numpy()
    rows = {c: evaluate(y, model.candidate_proba(test_df, c), pt) for c in model.calibrated_}
    print(f"\n== {name}: {n_train:,} training rows, {n_test:,} test rows; fit {fit_s:.1f} s "
          f"({fit_s / ref:.0f}x one LogisticRegression fit), chosen {model.candidate_} + {model.calibration_}")
    print(f"{'candidate':20s} {'CV LL':>7s} {'LL/oracle':>9s} {'mean|p̂−p|':>10s} {'AUC gap':>8s} {'ECE':>7s}  monotone")
    for c, m in rows.items():
        cv = model.cv_results_[c]
        star = "*" if c == model.candidate_ else " "
        print(f"{c + star:20s} {cv['cv_log_loss']:7.4f} {m['log_loss_ratio_to_oracle']:9.4f} "
              f"{m['mean_abs_error_to_truth']:10.4f} {m['auc_gap_to_oracle']:8.4f} {m['ece']:7.4f}  {cv['monotone']}")
    best = rows[model.candidate_]
    verdict = [f"{k} {best[k]:.4f} {'<=' if best[k] <= v else '>'} {v} {'ok' if best[k] <= v else 'MISSED'}"
               for k, v in TARGETS.items()]
    verdict.append(f"fit {fit_s:.1f} s {'<=' if fit_s <= FIT_TARGET_S else '>'} {FIT_TARGET_S:.0f} s "
                   f"{'ok' if fit_s <= FIT_TARGET_S else 'MISSED'}")
    print("targets: " + "; ".join(verdict))
    return {"fit_s": fit_s, **best}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="5000,50000,500000", help="learning-curve training sizes")
    ap.add_argument("--skip-other", action="store_true", help="skip the second generator")
    args = ap.parse_args()
    print(f"OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS')}, load average {os.getloadavg()[0]:.2f} "
          "(other work on the same cores slows every time below)")
    curve = {50_000: run("ours", generate, 50_000)}
    if not args.skip_other:
        run("other (differently shaped generator)", other_generator, 50_000)
    for n in map(int, args.sizes.split(",")):
        if n not in curve:
            curve[n] = run("ours, learning curve", generate, n)
    print("\n== learning curve on ours (chosen model)")
    print(f"{'rows':>9s} {'fit s':>7s} {'LL/oracle':>9s} {'mean|p̂−p|':>10s} {'AUC gap':>8s}")
    for n, m in sorted(curve.items()):
        print(f"{n:9,d} {m['fit_s']:7.1f} {m['log_loss_ratio_to_oracle']:9.4f} {m['mean_abs_error_to_truth']:10.4f} "
              f"{m['auc_gap_to_oracle']:8.4f}")


if __name__ == "__main__":
    main()
