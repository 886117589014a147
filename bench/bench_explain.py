"""Speed of explain and predict_proba, as ratios to the oracle measured in the same run.

    python bench/bench_explain.py [--applicants 200] [--model model/approval.joblib]

The reference is the generator's ``true_probability`` on the same rows (the
"oracle": it validates its input like the model does). Targets of issue 4:
explain median <= 20 ms per applicant, one-row predict_proba <= 5 ms, batch
scoring >= 200,000 rows/s.

    python bench/bench_explain.py --dice [--dice-applicants 30] [--dice-methods random,genetic,kdtree]

(``make bench-dice``, which installs dice-ml without its heavy dependencies) compares
``explain`` side by side with DiCE on the same model and rejected applicants: DiCE gets our
rules as ``features_to_vary`` and ``permitted_range`` (from ``option_space``); both answers are
judged by the model, by the generator's true probability, by ``price_changes`` (our contract
cost), by our rules (contract menu, affordability), and in seconds per applicant.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np
import pandas as pd

from xieshang import rules
from xieshang.contract import (
    ACTIONABLE_NAMES,
    FEATURE_NAMES,
    FEATURES,
    LABEL,
    NUMERIC_NAMES,
    feature,
)
from xieshang.explain import explain, option_space, price_changes, reference_values
from xieshang.generator import generate, true_probability


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


def bare_hgb(rows: pd.DataFrame):
    """A bare ``HistGradientBoostingClassifier`` (defaults) on the numeric contract columns: the reference of
    issue 21 for one-row ``predict_proba`` (no validation, no features, no calibration)."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    return HistGradientBoostingClassifier(random_state=0).fit(rows[list(NUMERIC_NAMES)].to_numpy(dtype=float),
                                                              rows[LABEL].to_numpy())


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


# --------------------------------------------------------------------------------------------------
# Side by side with DiCE (dice-ml, optional: `make bench-dice`)


def _to_contract(X: pd.DataFrame) -> pd.DataFrame:
    """DiCE's frame (strings for booleans and categories, floats for ints) back in the contract's dtypes.

    Numbers are clipped to the contract's range: DiCE's random sampler draws continuous values up to
    one decimal step above the permitted range (``uniform(low, high + 10**-precision)``), e.g. a down
    payment of 0.6 for a permitted [0, 0.5], which the model (rightly) refuses.
    """
    out = {}
    for f in FEATURES:
        col = X[f.name]
        if f.kind == "bool":
            out[f.name] = col.map(lambda v: str(v) == "True" or v is True).astype(bool).to_numpy()
        elif f.kind == "category":
            out[f.name] = pd.Categorical(col.astype(str), categories=f.categories)
        elif f.kind == "int":
            out[f.name] = np.rint(pd.to_numeric(col).clip(f.low, f.high)).astype(np.int64).to_numpy()
        else:
            out[f.name] = pd.to_numeric(col).astype(float).clip(f.low, f.high).to_numpy()
    return pd.DataFrame(out, index=X.index)


def _to_dice(X: pd.DataFrame) -> pd.DataFrame:
    """Contract frame -> DiCE's view: booleans and categories as strings."""
    return X[list(FEATURE_NAMES)].astype({f.name: str for f in FEATURES if not f.is_numeric})


class ContractModel:
    """sklearn-style wrapper: DiCE's string-typed frames in, ``model.predict_proba`` out."""

    def __init__(self, model):
        self.model = model

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        return self.model.predict_proba(_to_contract(X))


def _row(app: pd.DataFrame) -> dict:
    return {k: (v.item() if hasattr(v, "item") else v) for k, v in app[list(FEATURE_NAMES)].iloc[0].items()}


def _dice_rules(row: dict) -> tuple[list[str], dict]:
    """features_to_vary and permitted_range from our option space (contract actions, realistic steps)."""
    vary, permitted = [], {}
    for name, offered in option_space(row).menu().items():
        f = feature(name)
        values = [row[name], *offered]  # the current value, then what explain may propose
        vary.append(name)
        if f.is_numeric:
            permitted[name] = [float(min(values)), float(max(values))]
        else:
            permitted[name] = [str(v) for v in values]
    return vary, permitted


def _apply(app: pd.DataFrame, changes: dict) -> pd.DataFrame:
    out = app[list(FEATURE_NAMES)].copy()
    for k, v in changes.items():
        f = feature(k)
        out[k] = pd.Categorical([v], categories=f.categories) if f.kind == "category" else v
    return out


def _assess(model, app: pd.DataFrame, changes: dict | None, target: float, secs: float) -> dict:
    """Model and true probability after ``changes``, their contract cost, and whether they keep our rules."""
    if changes is None:  # nothing proposed
        return {"found": False, "secs": secs}
    fixed = _apply(app, changes)
    inst, disp = rules.plan_terms(fixed)
    affordable = bool(rules.affordable(inst[0], disp[0]))
    try:
        cost = price_changes(app, changes)
    except ValueError:
        cost = float("nan")  # not an action of the contract
    menu = option_space(_row(app)).menu()
    on_menu = all(k in menu and v in menu[k] for k, v in changes.items())
    actionable = set(changes) <= set(ACTIONABLE_NAMES)
    p0, t0 = float(model.predict_proba(app)[0, 1]), float(true_probability(app)[0])
    p, t = float(model.predict_proba(fixed)[0, 1]), float(true_probability(fixed)[0])
    return {"found": True, "secs": secs, "valid": p >= target, "true_valid": t >= target, "true_up": t > t0,
            "gain": p - p0, "n": len(changes), "cost": cost, "actionable": actionable, "affordable": affordable,
            "rules": actionable and affordable and on_menu and np.isfinite(cost)}


def ours_rows(model, apps: list[pd.DataFrame], target: float) -> list[dict]:
    out = []
    for app in apps:
        t = time.perf_counter()
        e = explain(model, app, target=target)
        secs = time.perf_counter() - t
        out.append(_assess(model, app, e.actions[0].changes if e.actions else None, target, secs))
    return out


def dice_rows(model, apps: list[pd.DataFrame], target: float, method: str, total_cfs: int,
              seed: int = 0) -> list[dict]:
    import dice_ml

    train = generate(5000, seed=3)  # DiCE's view of the data: feature ranges, MADs (and kd-tree for "kdtree")
    train = train.assign(**{LABEL: (model.predict_proba(train)[:, 1] >= target).astype(int)})
    data = dice_ml.Data(dataframe=pd.concat([_to_dice(train), train[LABEL]], axis=1),
                        continuous_features=list(NUMERIC_NAMES), outcome_name=LABEL)
    dice = dice_ml.Dice(data, dice_ml.Model(model=ContractModel(model), backend="sklearn"), method=method)
    out = []
    for i, app in enumerate(apps):
        seeded = {"random_seed": seed + i} if method == "random" else {}  # only "random" takes a seed
        row = _row(app)
        vary, permitted = _dice_rules(row)
        np.random.seed(seed + i)  # DiCE's random method also draws from NumPy's global state  # noqa: NPY002
        t = time.perf_counter()
        best, error = None, False
        try:
            with contextlib.redirect_stdout(io.StringIO()):  # DiCE prints "No Counterfactuals found..."
                res = dice.generate_counterfactuals(
                    _to_dice(app), total_CFs=total_cfs, desired_class=1, features_to_vary=vary,
                    permitted_range=permitted, stopping_threshold=target, verbose=False,
                    # DiCE's advice for wide ranges (expenses in RMB): "linear" makes one model call
                    # per unit step, up to 10,000 per feature (40 s for one applicant).
                    posthoc_sparsity_algorithm="binary", **seeded)
            cfs = res.cf_examples_list[0].final_cfs_df
        except Exception as exc:  # genetic and kdtree raise when they find nothing
            error = "No counterfactuals found" not in str(exc)
            if error:
                print(f"  DiCE {method} failed on applicant {i}: {type(exc).__name__}: {exc}", file=sys.stderr)
            cfs = None
        secs = time.perf_counter() - t
        if cfs is not None and len(cfs):
            # Of DiCE's (up to total_cfs) proposals, the one reaching the target at the lowest contract cost.
            cands = []
            for _, cf in _to_contract(cfs[list(FEATURE_NAMES)]).iterrows():
                cf_row = _row(cf.to_frame().T)
                changes = {k: cf_row[k] for k in FEATURE_NAMES if cf_row[k] != row[k]}
                cands.append(_assess(model, app, changes, target, secs))
            best = min(cands, key=lambda r: (not r["valid"], r["cost"] if np.isfinite(r["cost"]) else np.inf))
        out.append(best or _assess(model, app, None, target, secs) | {"error": error})
    return out


def _summary(rows: list[dict]) -> dict:
    found = [r for r in rows if r["found"]]

    def share(key: str) -> float:
        return float(np.mean([bool(r.get(key)) for r in rows]))

    def med(key: str) -> float:
        v = [r[key] for r in found if np.isfinite(r[key])]
        return float(np.median(v)) if v else float("nan")

    return {"proposal found": len(found) / len(rows), "validity (model p >= target)": share("valid"),
            "validity by the TRUE probability": share("true_valid"), "true probability raised": share("true_up"),
            "keeps our rules (actions, menu, affordable)": share("rules"),
            "only actionable features changed": share("actionable"), "plan affordable": share("affordable"),
            "median number of changes": med("n"), "median contract cost": med("cost"),
            "median model gain (points)": 100 * med("gain"),
            "seconds per applicant (median)": float(np.median([r["secs"] for r in rows if not r.get("error")]
                                                              or [np.nan]))}


def dice_compare(model, apps: list[pd.DataFrame], target: float, methods: list[str], total_cfs: int) -> None:
    try:
        import dice_ml  # noqa: F401
    except ImportError:
        print("DiCE: dice-ml is not installed (make bench-dice installs it); comparison skipped")
        return
    ours = ours_rows(model, apps, target)
    cols = {"xieshang.explain": _summary(ours)}
    paired = {}
    for m in methods:
        rows = dice_rows(model, apps, target, m, total_cfs)
        cols[f"DiCE {m}"] = _summary(rows)
        both = [(d["cost"], o["cost"]) for d, o in zip(rows, ours) if d.get("valid") and o.get("valid")
                and np.isfinite(d["cost"]) and o["cost"] > 0]
        paired[m] = (len(both), float(np.median([d / o for d, o in both])) if both else float("nan"))
    ref = cols["xieshang.explain"]
    print(f"\nSide by side on the same model and {len(apps)} rejected applicants, target {target}; DiCE "
          f"total_CFs={total_cfs} (cheapest valid kept), features_to_vary and permitted_range from the contract")
    names = list(cols)
    ratio_keys = ("median number of changes", "median contract cost", "seconds per applicant (median)")
    head = f"{'':44s}" + "".join(f"{n:>18s}" for n in names) + "".join(f"{n[5:] + ' / ours':>18s}" for n in names[1:])
    print(head)
    for key in ref:
        line = f"{key:44s}"
        for n in names:
            v = cols[n][key]
            line += f"{v:>18.0%}" if key.split()[0] not in ("median", "seconds") else f"{v:>18.3g}"
        for n in names[1:]:
            r = cols[n][key] / ref[key] if key in ratio_keys and ref[key] else float("nan")
            line += f"{r:>17.1f}x" if np.isfinite(r) else f"{'':>18s}"
        print(line)
    for m, (n, r) in paired.items():
        print(f"paired: on the {n} applicants where both DiCE {m} and explain reach the target, "
              f"DiCE's contract cost is {r:.2f} x ours (median of per-applicant ratios)")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--applicants", type=int, default=200)
    ap.add_argument("--model", default=None)
    ap.add_argument("--target", type=float, default=0.6)
    ap.add_argument("--dice", action="store_true",
                    help="only the side-by-side comparison with DiCE (needs dice-ml: make bench-dice)")
    ap.add_argument("--dice-applicants", type=int, default=30)
    ap.add_argument("--dice-methods", default="random",
                    help="comma-separated: random, genetic (slow: minutes on some applicants), kdtree")
    ap.add_argument("--dice-cfs", type=int, default=2, help="DiCE total_CFs per applicant")
    args = ap.parse_args()
    model, what = get_model(args.model)
    oracle = Oracle()
    pool = generate(5000, seed=7)
    p = model.predict_proba(pool)[:, 1]
    rej = pool[(p < args.target)].head(args.applicants)
    apps = [rej.iloc[[i]] for i in range(len(rej))]
    print(f"{what}; {len(apps)} applicants the model rejects at target {args.target}")
    if args.dice:
        dice_compare(model, apps[: args.dice_applicants], args.target,
                     [m for m in args.dice_methods.split(",") if m], args.dice_cfs)
        return

    exp_model = median_ms(lambda a: explain(model, a, target=args.target), apps)
    ref = reference_values()  # the oracle carries no reference of its own: the generator's typical approved applicant
    exp_oracle = median_ms(lambda a: explain(oracle, a, target=args.target, reference=ref), apps)
    one_model = median_ms(model.predict_proba, apps)
    one_oracle = median_ms(oracle.predict_proba, apps)
    bare, bare_rows = bare_hgb(pool), [a[list(NUMERIC_NAMES)].to_numpy(dtype=float) for a in apps]
    one_bare = median_ms(bare.predict_proba, bare_rows)
    one_model = min(one_model, median_ms(model.predict_proba, apps))  # alternated: the load shifts
    one_bare = min(one_bare, median_ms(bare.predict_proba, bare_rows))
    print(f"explain: model {exp_model:.1f} ms median per applicant "
          f"= {exp_model / one_model:.1f} x its one-row predict_proba; "
          f"oracle {exp_oracle:.1f} ms = {exp_oracle / one_oracle:.1f} x its one-row call (target <= 20 ms)")
    print(f"one-row predict_proba: model {one_model:.2f} ms, oracle {one_oracle:.2f} ms, "
          f"ratio {one_model / one_oracle:.2f} (target <= 5 ms)")
    contract_only = [a[list(FEATURE_NAMES)] for a in apps]  # a borrower's row: no label or truth columns
    one_contract = min(median_ms(model.predict_proba, contract_only), median_ms(model.predict_proba, contract_only))
    print(f"one-row predict_proba against a bare HistGradientBoostingClassifier on a one-row NumPy array: "
          f"{one_bare:.2f} ms; model / bare = {one_contract / one_bare:.2f} on the contract's columns only, "
          f"{one_model / one_bare:.2f} with the generator's two extra columns (label, truth) "
          "(target of issue 21 <= 1.5)")
    big = pd.concat([pool] * 40, ignore_index=True)
    r_model, r_oracle = rows_per_s(model, big), rows_per_s(oracle, big)
    print(f"batch ({len(big):,} rows): model {r_model:,.0f} rows/s, oracle {r_oracle:,.0f} rows/s, "
          f"ratio {r_model / r_oracle:.2f} (target >= 200,000 rows/s)")
    sizes = [len(option_space({k: (v.item() if hasattr(v, "item") else v)
                                for k, v in a[list(FEATURE_NAMES)].iloc[0].items()}).go) for a in apps]
    print(f"option space: median {statistics.median(sizes):.0f} x plan parts; "
          f"status counts: {pd.Series([explain(model, a).status for a in apps]).value_counts().to_dict()}")
    print("DiCE side by side: make bench-dice (python bench/bench_explain.py --dice)")

if __name__ == "__main__":
    main()
