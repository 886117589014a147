"""How the calibration is chosen, against the truth, on every world of the zoo.

For every world (50,000 training rows, a separate 50,000-row test set, the rows
of ``bench/bench_worlds.py``), the default :class:`~xieshang.ApprovalModel` is fitted
once. Its winning candidate's out-of-fold decision values are kept, and on the
same refit model every calibration method is applied to the test rows. Printed
per world: the test figures (log-loss ratio to the oracle, mean |p̂ − p|) of each
method, and the method each rule chooses on the folds:

* ``unclipped``: held-out log loss of the raw calibrated probabilities (the rule
  before 2026-12-03);
* ``clipped``: of the probabilities clipped as the model predicts them
  (``ApprovalModel(clip=1e-3)``, today's rule).

Both rules choose among the model's own methods (``ApprovalModel().calibration``);
the choices, scores and refit are the model's own, so the two rules are compared
in one fit. Usage: ``python bench/bench_calibration.py [--rows 50000] [--worlds gates,ours] [--seed 0] [--json out.json]``
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
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_worlds import ALL_WORLDS, world_names

import xieshang.model as model_module
from xieshang.contract import FEATURE_NAMES, LABEL, TRUTH
from xieshang.metrics import evaluate
from xieshang.modeling.calibration import NONE, RefitCalibrated, choose_calibration

SHOWN = ("sigmoid", "isotonic", NONE)


def _recording(store: dict):
    """``choose_calibration`` that also keeps each candidate's out-of-fold values (for the test-set comparison)."""
    def choose(result, y, folds, **kw):
        store[result.name] = (result, np.asarray(y), folds)
        return choose_calibration(result, y, folds, **kw)
    return choose


def run_world(name: str, rows: int, seed: int = 0) -> dict:
    """Fit the default model once; every method's test figures and each rule's choice."""
    make = ALL_WORLDS[name]
    train_df, test_df = make(rows, seed + 1), make(rows, seed + 2)
    present = [c for c in FEATURE_NAMES if c in train_df]
    store: dict = {}
    model_module.choose_calibration = _recording(store)
    try:
        t = time.perf_counter()
        with threadpool_limits(1):
            model = model_module.ApprovalModel(seed=seed).fit(train_df[present], train_df[LABEL])
        fit_s = time.perf_counter() - t
    finally:
        model_module.choose_calibration = choose_calibration
    res, y_cv, folds = store[model.candidate_]
    refit = model.calibrated_[model.candidate_].estimator_
    yt, pt = test_df[LABEL].to_numpy(), test_df[TRUTH].to_numpy()
    test = {}
    for m in SHOWN:
        cal = RefitCalibrated(refit, method=m).fit(train_df[present], train_df[LABEL], oof_scores=res.oof_score,
                                                   fitted_estimator=refit, oof_labels=y_cv)
        with threadpool_limits(1):
            p = np.clip(cal.predict_proba(test_df[present])[:, 1], model.clip, 1 - model.clip)
        e = evaluate(yt, p, pt)
        test[m] = {"log_loss_ratio": e["log_loss_ratio_to_oracle"], "mean_abs_error": e["mean_abs_error_to_truth"]}
    rules = {rule: choose_calibration(res, y_cv, folds, methods=model.calibration, clip=c)
             for rule, c in (("unclipped", 0.0), ("clipped", float(model.clip)))}
    with threadpool_limits(1):
        own = evaluate(yt, model.predict_proba(test_df[present])[:, 1], pt)["mean_abs_error_to_truth"]
    return {"world": name, "rows": rows, "candidate": model.candidate_, "fit_s": fit_s, "test": test,
            "choice": {r: m for r, (m, _) in rules.items()},
            "fold_scores": {r: s for r, (_, s) in rules.items()}, "model_mean_abs_error": own}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=50_000, help="training rows (and test rows) per world")
    ap.add_argument("--worlds", default=",".join(ALL_WORLDS), help="comma-separated worlds (default: every world)")
    ap.add_argument("--seed", type=int, default=0, help="seed of the model; the rows are drawn with seed+1 and seed+2")
    ap.add_argument("--json", default=None, help="also write every figure to this JSON file")
    args = ap.parse_args()
    worlds = world_names(args.worlds)
    print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS')}, "
          f"load average {os.getloadavg()[0]:.2f}; {args.rows:,} train rows, seed {args.seed}", flush=True)
    print(f"{'world':10s} {'candidate':16s} " + " ".join(f"{m + ' LL/MAE':>17s}" for m in SHOWN)
          + "  unclipped→  clipped→")
    results = []
    for w in worlds:
        r = run_world(w, args.rows, args.seed)
        r["load"] = os.getloadavg()[0]
        results.append(r)
        figs = " ".join(f"{r['test'][m]['log_loss_ratio']:8.4f}/{r['test'][m]['mean_abs_error']:.4f}" for m in SHOWN)
        print(f"{w:10s} {r['candidate']:16s} {figs}  {r['choice']['unclipped']:10s} {r['choice']['clipped']:9s} "
              f"(fit {r['fit_s']:.0f} s, load {r['load']:.1f})", flush=True)
        if args.json:  # after every world: an interrupted run keeps what it measured
            Path(args.json).write_text(json.dumps(results, indent=1, default=float))


if __name__ == "__main__":
    main()
