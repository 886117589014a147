"""Helpers shared by the explain tests (applicants, wrappers, the brute-force search)."""

import re
from typing import Any, ClassVar

import numpy as np
import pandas as pd
import pytest

from xieshang import rules
from xieshang.contract import FEATURE_NAMES, feature
from xieshang.explain import (
    MAX_STEPS,
    MIN_STEP_GAIN,
    REACH_TOLERANCE,
    Explanation,
    explain,
    option_space,
)

CJK = re.compile(r"[\u4e00-\u9fff]")



def rejected(pool, n, seed=0, target=0.6):
    rej = pool[pool["true_probability"] < target]
    return rej.sample(n, random_state=seed)


def as_row(df_row):
    return {k: (v.item() if hasattr(v, "item") else v) for k, v in df_row[list(FEATURE_NAMES)].iloc[0].items()}


def apply(applicant_df, changes):
    out = applicant_df[list(FEATURE_NAMES)].copy()
    for k, v in changes.items():
        if feature(k).kind == "category":
            out[k] = pd.Categorical([v], categories=feature(k).categories)
        else:
            out[k] = v
    return out


def household(df):
    """The household size of rows (NaN where unknown or absent): it grows the living floor."""
    return df["household_size"].to_numpy(float) if "household_size" in df else np.full(len(df), np.nan)


def affordable(df):
    inst, disp = rules.plan_terms(df)
    return bool(rules.affordable(inst[0], disp[0], household(df)[0]))


PLAN = ("plan_months", "down_payment_ratio", "monthly_expenses")


class Counting:
    def __init__(self, model):
        self.model, self.calls, self.rows = model, 0, []
        self.reference_values_ = model.reference_values_

    def predict_proba(self, X):
        self.calls += 1
        self.rows.append(len(X))
        return self.model.predict_proba(X)


class NanTolerant:
    """The oracle with unknown values read as the least favourable known ones (the model's own
    handling of unknowns is not this module's business; explain must carry NaN through)."""

    FILL: ClassVar[dict[str, Any]] = {"credit_score": 350, "past_overdue_count": 24, "on_time_ratio": 0.0, "months_on_book": 0,
            "broken_promises": 20, "days_overdue": 0, "communication": "evasive", "household_size": 1}

    def __init__(self, oracle):
        self.oracle = oracle
        self.reference_values_ = oracle.reference_values_

    def predict_proba(self, X):
        X = X.copy()
        for f in (feature(n) for n in FEATURE_NAMES):
            if not X[f.name].isna().any():
                continue
            if f.kind == "bool":
                X[f.name] = X[f.name].fillna(0.0).astype(bool)
            elif f.kind == "category":
                X[f.name] = X[f.name].fillna(self.FILL[f.name])
            elif f.name == "savings":
                X[f.name] = X[f.name].fillna(0.0)
            else:
                X[f.name] = X[f.name].fillna(self.FILL[f.name]).astype(np.int64 if f.kind == "int" else float)
        return self.oracle.predict_proba(X)


def stuck(pool):
    """A rejected applicant whose plan no option makes affordable: disposable income below zero."""
    row = as_row(rejected(pool, 1, seed=50))
    row.update(monthly_income=3000.0, monthly_expenses=2500.0, other_debt_payments=1200.0,
               outstanding_balance=40_000.0, plan_months=12, down_payment_ratio=0.0, savings=100_000.0,
               hardship_reason="illness", hardship_proof=False, income_proof=False, communication="responsive",
               info_verified=False, materials_on_time=False, penalty_waiver_requested=True,
               household_size=float("nan"))  # the living floor of an unknown household: the rules' own
    return row


def brute_force(model, app, target):
    """Every option of the space, scored in one call: (probabilities, costs) of the affordable ones."""
    row = as_row(app)
    space = option_space(row)
    n = len(space.go) * space.n_p
    X = pd.concat([app[list(FEATURE_NAMES)]] * n, ignore_index=True)
    costs = np.zeros(n)
    o, p = np.divmod(np.arange(n), space.n_p)
    for grid, part, which in ((space.go, space.other, o), (space.gp, space.plan, p)):
        for j, d in enumerate(part):
            dim = space.dims[d]
            k = grid[which, j]
            values = np.array(dim.values, dtype=object)[k]
            if feature(dim.name).kind == "category":
                X[dim.name] = pd.Categorical(values, categories=feature(dim.name).categories)
            else:
                X[dim.name] = values.astype(X[dim.name].dtype)
            costs += dim.costs[k]
    inst, disp = rules.plan_terms(X)
    n_changes = (space.go > 0).sum(1)[o] + (space.gp > 0).sum(1)[p]
    # a plan they can keep: affordable, and no down payment beyond known savings less the reserve
    dp = X["down_payment_ratio"].to_numpy(dtype=float)
    spendable = rules.spendable_savings(X["savings"].to_numpy(dtype=float), X["monthly_expenses"].to_numpy(dtype=float))
    funded = (dp <= 0) | ~(dp * X["outstanding_balance"].to_numpy(dtype=float) > spendable + 1e-9)  # NaN: unknown
    ok = rules.affordable(inst, disp, household(X)) & funded & (n_changes <= MAX_STEPS)
    return np.asarray(model.predict_proba(X[ok]))[:, 1], costs[ok]


def check_exact(model, app, target):
    exp = explain(model, app, target=target)
    if exp.status in ("already", "no_affordable_plan"):
        return exp.status
    p, costs = brute_force(model, app, target)
    goal = target if (p >= target).any() else p.max() - REACH_TOLERANCE
    assert exp.reached == bool((p >= target).any())
    ok = p >= goal
    c_star = costs[ok].min()
    best = exp.actions[0]
    if exp.reached:  # exact: the cheapest option reaching the target
        assert best.cost == pytest.approx(c_star, abs=1e-9)
        assert best.probability == pytest.approx(p[ok & np.isclose(costs, c_star, atol=1e-9)].max())
    else:  # near the best reachable; a step adding under MIN_STEP_GAIN may have been dropped
        assert best.cost <= c_star + 1e-9
        assert best.probability >= p.max() - REACH_TOLERANCE - MIN_STEP_GAIN
    return exp.status


def small_spaces(apps, limit=32):
    """Applicants with a small option space (brute force stays fast) and some affordable plan."""
    out = []
    for i in range(len(apps)):
        space = option_space(as_row(apps.iloc[[i]]))
        if len(space.go) <= limit and space.feasible_p.any():
            out.append(apps.iloc[[i]])
    return out


def answer(e: Explanation) -> dict[str, Any]:
    """Everything an explanation says, floats aside (compared with a tolerance)."""
    d = e.to_dict()
    floats = [d["probability"], *(r["impact"] for r in d["reasons"]), *(a["probability"] for a in d["actions"]),
              *(a["probability"] for a in d["single_actions"]), *(u["impact"] for u in d["unknowns"])]
    for r in d["reasons"]:
        r.pop("impact")
    for a in (*d["actions"], *d["single_actions"]):
        a.pop("probability")
        a.pop("gain")
    for u in d["unknowns"]:
        u.pop("impact")
    d.pop("probability")
    return {"floats": floats, "rest": d}


def with_blanks(df: pd.DataFrame, seed: int) -> pd.DataFrame:
    """``df`` with a quarter of every column that may be unknown blanked (an int or bool column turns float)."""
    rng = np.random.default_rng(seed)
    out = df[list(FEATURE_NAMES)].copy()
    for name in FEATURE_NAMES:
        f = feature(name)
        if f.missing_ok:
            blank = rng.random(len(out)) < 0.25
            if f.kind in ("int", "bool"):
                out[name] = out[name].astype(float)
            out.loc[blank, name] = np.nan
    return out
