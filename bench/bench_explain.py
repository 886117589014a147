"""Speed of explain and predict_proba, as ratios to the oracle measured in the same run.

    python bench/bench_explain.py [--applicants 200] [--model model/approval.joblib]

The reference is the generator's ``true_probability`` on the same rows (the
"oracle": it validates its input like the model does). Targets of issue 4:
explain median <= 20 ms per applicant, one-row predict_proba <= 5 ms, batch
scoring >= 200,000 rows/s. With ``dice-ml`` installed (``pip install -e
".[bench]"``) it also runs DiCE (random method, actionable features only) on
the same model and applicants: validity, number of changes, cost, seconds.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from xieshang.contract import ACTIONABLE_NAMES, FEATURE_NAMES, LABEL, TRUTH  # noqa: E402
from xieshang.explain import explain, option_space  # noqa: E402
from xieshang.generator import affordability, generate, true_probability  # noqa: E402


class Oracle:
    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        p = true_probability(X)
        return np.column_stack([1 - p, p])


def get_model(path: str | None):
    p = Path(path) if path else Path("model/approval.joblib")
    if p.exists():
        from xieshang.model import load_model

        return load_model(p), f"trained model {p}"
    from xieshang.model import ApprovalModel

    df = generate(20_000, seed=0)
    print(f"(no {p}: training a 20,000-row model for the benchmark)", file=sys.stderr)
    return ApprovalModel(seed=0).fit(df, df[LABEL]), "model trained on 20,000 rows"


def median_ms(fn, items) -> float:
    ts = []
    for it in items:
        t = time.perf_counter()
        fn(it)
        ts.append(time.perf_counter() - t)
    return 1e3 * statistics.median(ts)


def rows_per_s(model, X: pd.DataFrame) -> float:
    t = time.perf_counter()
    model.predict_proba(X)
    return len(X) / (time.perf_counter() - t)


def dice_compare(model, apps: list[pd.DataFrame], target: float) -> None:
    try:
        import dice_ml
    except ImportError:
        print("DiCE: dice-ml is not installed (pip install -e '.[bench]'); comparison skipped")
        return
    train = generate(5000, seed=3)
    cont = [c for c in FEATURE_NAMES if train[c].dtype.kind in "if" and train[c].dtype != bool]
    data = dice_ml.Data(dataframe=train[list(FEATURE_NAMES) + [LABEL]].astype(
        {c: str for c in FEATURE_NAMES if c not in cont}), continuous_features=cont, outcome_name=LABEL)

    class Wrapped:  # DiCE passes strings for categorical/boolean columns
        def predict_proba(self, X):
            X = X.copy()
            for c in FEATURE_NAMES:
                if c not in cont and X[c].dtype == object:
                    X[c] = X[c].replace({"True": True, "False": False})
            return model.predict_proba(X[list(FEATURE_NAMES)])

    m = dice_ml.Model(model=Wrapped(), backend="sklearn")
    exp = dice_ml.Dice(data, m, method="random")
    valid, changes, secs, afford = [], [], [], []
    for app in apps:
        q = app[list(FEATURE_NAMES)].astype({c: str for c in FEATURE_NAMES if c not in cont})
        t = time.perf_counter()
        try:
            res = exp.generate_counterfactuals(q, total_CFs=1, desired_class=1,
                                               features_to_vary=list(ACTIONABLE_NAMES), random_seed=0)
            cf = res.cf_examples_list[0].final_cfs_df
        except Exception as exc:  # DiCE raises when it finds nothing
            cf = None
            print(f"  DiCE failed on one applicant: {type(exc).__name__}", file=sys.stderr)
        secs.append(time.perf_counter() - t)
        if cf is None or len(cf) == 0:
            valid.append(False)
            continue
        cf = cf.iloc[[0]]
        X = Wrapped().predict_proba  # noqa: F841
        fixed = app[list(FEATURE_NAMES)].copy()
        n = 0
        for c in ACTIONABLE_NAMES:
            new = cf[c].iloc[0]
            if str(new) != str(fixed[c].iloc[0]):
                n += 1
                fixed[c] = {"True": True, "False": False}.get(new, new)
        try:
            p = model.predict_proba(fixed)[0, 1]
            inst, disp, _ = affordability(fixed)
            afford.append(bool(disp[0] > 0 and inst[0] <= disp[0]))
        except ValueError:
            p = 0.0
            afford.append(False)
        valid.append(p >= target)
        changes.append(n)
    print(f"DiCE (random, actionable only): validity {np.mean(valid):.0%} (p >= {target}), "
          f"affordable {np.mean(afford) if afford else float('nan'):.0%}, "
          f"median changes {np.median(changes) if changes else float('nan'):.0f}, "
          f"median {statistics.median(secs):.2f} s per applicant")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--applicants", type=int, default=200)
    ap.add_argument("--model", default=None)
    ap.add_argument("--target", type=float, default=0.6)
    ap.add_argument("--dice", type=int, default=10, help="applicants for the DiCE comparison (0: skip)")
    args = ap.parse_args()
    model, what = get_model(args.model)
    oracle = Oracle()
    pool = generate(5000, seed=7)
    p = model.predict_proba(pool)[:, 1]
    rej = pool[(p < args.target)].head(args.applicants)
    apps = [rej.iloc[[i]] for i in range(len(rej))]
    print(f"{what}; {len(apps)} applicants the model rejects at target {args.target}")

    exp_model = median_ms(lambda a: explain(model, a, target=args.target), apps)
    exp_oracle = median_ms(lambda a: explain(oracle, a, target=args.target), apps)
    one_model = median_ms(model.predict_proba, apps)
    one_oracle = median_ms(oracle.predict_proba, apps)
    print(f"explain: model {exp_model:.1f} ms median per applicant "
          f"= {exp_model / one_model:.1f} x its one-row predict_proba; "
          f"oracle {exp_oracle:.1f} ms = {exp_oracle / one_oracle:.1f} x its one-row call (target <= 20 ms)")
    print(f"one-row predict_proba: model {one_model:.2f} ms, oracle {one_oracle:.2f} ms, "
          f"ratio {one_model / one_oracle:.2f} (target <= 5 ms)")
    big = pd.concat([pool] * 40, ignore_index=True)
    r_model, r_oracle = rows_per_s(model, big), rows_per_s(oracle, big)
    print(f"batch ({len(big):,} rows): model {r_model:,.0f} rows/s, oracle {r_oracle:,.0f} rows/s, "
          f"ratio {r_model / r_oracle:.2f} (target >= 200,000 rows/s)")
    sizes = [len(option_space({k: (v.item() if hasattr(v, "item") else v)
                                for k, v in a[list(FEATURE_NAMES)].iloc[0].items()}).go) for a in apps]
    print(f"option space: median {statistics.median(sizes):.0f} x plan parts; "
          f"status counts: {pd.Series([explain(model, a).status for a in apps]).value_counts().to_dict()}")
    if args.dice:
        ours = [explain(model, a, target=args.target) for a in apps[: args.dice]]
        with_opt = [e for e in ours if e.actions]
        if with_opt:
            print(f"ours on the same {len(ours)}: option found {len(with_opt) / len(ours):.0%}, validity "
                  f"{np.mean([e.reached for e in with_opt]):.0%}, median changes "
                  f"{np.median([len(e.actions[0].changes) for e in with_opt]):.0f}, median cost "
                  f"{np.median([e.actions[0].cost for e in with_opt]):.1f}, always affordable")
        dice_compare(model, apps[: args.dice], args.target)


if __name__ == "__main__":
    main()
