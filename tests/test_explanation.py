import json
import re
from typing import Any, ClassVar

import numpy as np
import pandas as pd
import pytest

from xieshang import rules
from xieshang import text as T
from xieshang.contract import ACTIONABLE_NAMES, FEATURE_NAMES, feature
from xieshang.explanation import (
    MAX_OPTIONS,
    MAX_REASONS,
    MAX_STEPS,
    MIN_IMPACT,
    MIN_STEP_GAIN,
    REACH_TOLERANCE,
    Explanation,
    explain,
    explain_frame,
    option_space,
    plan_gap,
    price_changes,
    reference_values,
)
from xieshang.generator import generate, true_probability

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def pool():
    df = generate(1500, seed=21)
    return df


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


def affordable(df):
    inst, disp = rules.plan_terms(df)
    return bool(rules.affordable(inst[0], disp[0]))


PLAN = ("plan_months", "down_payment_ratio", "monthly_expenses")


class Counting:
    def __init__(self, model):
        self.model, self.calls, self.rows = model, 0, []

    def predict_proba(self, X):
        self.calls += 1
        self.rows.append(len(X))
        return self.model.predict_proba(X)


# --- the result --------------------------------------------------------------------------------


def test_probability_is_the_models_and_fields_are_consistent(pool, oracle):
    app = rejected(pool, 1, seed=1)
    exp = explain(oracle, app, target=0.6, lang="en")
    assert isinstance(exp, Explanation)
    assert exp.probability == pytest.approx(true_probability(app)[0])
    assert exp.target == 0.6 and exp.lang == "en"
    assert 0 < len(exp.reasons) <= MAX_REASONS
    impacts = [r.impact for r in exp.reasons]
    assert impacts == sorted(impacts, reverse=True)
    p = exp.probability
    logit = lambda q: np.log(q / (1 - q))
    assert min(logit(p + i) - logit(p) for i in impacts) >= MIN_IMPACT


def test_each_reason_impact_is_the_gain_of_moving_that_feature_to_its_reference(pool, oracle):
    app = rejected(pool, 1, seed=2)
    exp = explain(oracle, app, lang="zh")
    base = true_probability(app)[0]
    for r in exp.reasons:
        moved = apply(app, {r.feature: r.reference})
        assert r.impact == pytest.approx(true_probability(moved)[0] - base)
        assert r.value == as_row(app)[r.feature]


def test_the_issue_example_reason(pool, oracle):
    row = as_row(rejected(pool, 1, seed=3))
    row.update(past_overdue_count=5, broken_promises=0, info_verified=True, monthly_income=9000.0,
               monthly_expenses=3000.0, other_debt_payments=0.0)
    zh = explain(oracle, row, lang="zh")
    en = explain(oracle, row, lang="en")
    assert "过去24个月逾期5次" in [r.text for r in zh.reasons]
    assert "5 overdue episodes in the last 24 months" in [r.text for r in en.reasons]


def test_reasons_may_name_non_actionable_factors(pool, oracle):
    exps = [explain(oracle, rejected(pool, 1, seed=s)) for s in range(10)]
    names = {r.feature for e in exps for r in e.reasons}
    assert names - set(ACTIONABLE_NAMES), "no non-actionable factor ever named"
    for e in exps:
        for r in e.reasons:
            assert r.actionable == (r.feature in ACTIONABLE_NAMES)


def test_reasons_compare_with_the_models_own_reference(pool, oracle):
    # No reference_values_: the generator's typical approved applicant.
    assert reference_values(oracle) == reference_values()
    ref = {**reference_values(), "credit_score": 950}
    own = type("WithReference", (), {"predict_proba": oracle.predict_proba, "reference_values_": ref})()
    assert reference_values(own)["credit_score"] == 950
    low = pool[(pool["credit_score"] < 520) & (pool["info_verified"])]
    app = low.iloc[[0]]
    reasons = {r.feature: r for r in explain(own, app, lang="en").reasons}
    assert reasons["credit_score"].reference == 950
    expected = true_probability(app.assign(credit_score=950))[0] - true_probability(app)[0]
    assert reasons["credit_score"].impact == pytest.approx(expected)


def test_reference_values_are_in_the_contract():
    ref = reference_values()
    assert set(ref) == set(FEATURE_NAMES)
    for name, v in ref.items():
        f = feature(name)
        if f.is_numeric:
            assert f.low <= v <= f.high
        elif f.kind == "category":
            assert v in f.categories


def test_report_and_json_in_both_languages(pool, oracle):
    app = rejected(pool, 1, seed=4)
    zh, en = explain(oracle, app, lang="zh"), explain(oracle, app, lang="en")
    # English quotes Chinese terms only in parentheses (我的账单, 以贷养贷) so the reader recognises them
    assert CJK.search(str(zh)) and not CJK.search(re.sub(r"\([^)]*\)", "", str(en)))
    assert "target" in str(en) and "目标" in str(zh)
    d = json.loads(json.dumps(en.to_dict()))
    assert d["probability"] == pytest.approx(en.probability)
    assert d["reasons"][0]["feature"] == en.reasons[0].feature
    assert d["report"] == str(en)
    assert len(d["actions"]) == len(en.actions)


def test_plot_delegates_to_plots(monkeypatch, pool, oracle):
    import xieshang.plots as plots

    seen = {}
    monkeypatch.setattr(plots, "explanation_chart", lambda exp, ax=None: seen.setdefault("exp", (exp, ax)))
    exp = explain(oracle, rejected(pool, 1, seed=5))
    exp.plot(ax="AX")
    assert seen["exp"] == (exp, "AX")


# --- input checks ------------------------------------------------------------------------------


def test_bad_applicant_lists_every_problem(pool, oracle):
    row = as_row(rejected(pool, 1))
    row["credit_score"] = 2000
    row["communication"] = "rude"
    del row["plan_months"]
    with pytest.raises(ValueError, match=r"(?s)plan_months.*credit_score.*communication"):
        explain(oracle, row)


@pytest.mark.parametrize("target", [0, 1, 1.5, -0.1, "0.6", True, float("nan"), None])
def test_bad_target(pool, oracle, target):
    with pytest.raises(ValueError, match=r"target: expected a probability strictly between 0 and 1"):
        explain(oracle, as_row(rejected(pool, 1)), target=target)


def test_bad_lang_and_target_and_applicant_reported_together(oracle):
    with pytest.raises(ValueError, match=r"(?s)target.*lang.*invalid applicant"):
        explain(oracle, "not an applicant", target=2, lang="fr")


def test_more_than_one_row_is_refused(pool, oracle):
    with pytest.raises(ValueError, match="expected exactly one row, got 2"):
        explain(oracle, pool.iloc[:2])


def test_a_model_with_a_wrong_output_is_refused(pool):
    class Bad:
        def predict_proba(self, X):
            return np.zeros(len(X))

    with pytest.raises(ValueError, match=r"predict_proba: expected a finite \(\d+, 2\) array"):
        explain(Bad(), rejected(pool, 1))
    with pytest.raises(ValueError, match="expected an object with predict_proba"):
        explain(object(), rejected(pool, 1))


# --- rules of the actions ----------------------------------------------------------------------


def test_actions_follow_the_rules(pool, oracle):
    apps = rejected(pool, 40, seed=6)
    seen_options = 0
    for i in range(len(apps)):
        app = apps.iloc[[i]]
        row = as_row(app)
        exp = explain(oracle, app)
        assert len(exp.actions) <= MAX_OPTIONS
        for a in exp.actions + exp.single_actions:
            assert set(a.changes) <= set(ACTIONABLE_NAMES)
            if "hardship_proof" in a.changes:
                assert row["hardship_reason"] != "none"
            if "monthly_expenses" in a.changes:
                assert a.changes["monthly_expenses"] >= 0.8 * row["monthly_expenses"] - 1e-9
            if "down_payment_ratio" in a.changes:
                assert a.changes["down_payment_ratio"] > row["down_payment_ratio"]
            for k, v in a.changes.items():
                assert v != row[k]
        assert all(len(a.changes) <= MAX_STEPS for a in exp.actions)
        for a in exp.actions:
            seen_options += 1
            after = apply(app, a.changes)
            # the flag is the rule's verdict on the plan after the option; only "no affordable plan"
            # offers options whose plan stays unaffordable, and those never touch the plan
            assert a.affordable == affordable(after), a.changes
            assert a.affordable or (exp.status == "no_affordable_plan" and not set(a.changes) & set(PLAN))
            assert a.probability == pytest.approx(true_probability(after)[0])
            assert a.gain == pytest.approx(a.probability - exp.probability)
        costs = [a.cost for a in exp.actions]
        assert costs == sorted(costs)
    assert seen_options > 20


def test_no_hardship_proof_is_proposed_without_a_hardship(pool, oracle):
    row = as_row(rejected(pool, 1, seed=7))
    row.update(hardship_reason="none", hardship_proof=False)
    space = option_space(row)
    assert "hardship_proof" not in {d.name for d in space.dims}
    row["hardship_reason"] = "illness"
    assert "hardship_proof" in {d.name for d in option_space(row).dims}


def test_single_actions_are_the_steps_of_the_best_option(pool, oracle):
    for seed in range(8, 14):
        app = rejected(pool, 1, seed=seed)
        exp = explain(oracle, app)
        if not exp.actions:
            continue
        steps = {k: v for a in exp.single_actions for k, v in a.changes.items()}
        assert steps == exp.actions[0].changes
        # one change per step, except the plan's terms, which form one step (the new plan)
        assert all(len(a.changes) == 1 or set(a.changes) <= set(PLAN) for a in exp.single_actions)
        assert sum(bool(set(a.changes) & set(PLAN)) for a in exp.single_actions) <= 1
        for a in exp.single_actions:
            alone = true_probability(apply(app, a.changes))[0]
            assert a.gain == pytest.approx(alone - exp.probability)
        gains = [a.gain for a in exp.single_actions]
        assert gains == sorted(gains, reverse=True)


def test_already_above_target(pool, oracle):
    app = pool[pool["true_probability"] > 0.8].iloc[[0]]
    exp = explain(oracle, app, target=0.6)
    assert exp.status == "already" and exp.reached and exp.actions == []


def test_no_affordable_plan_is_said_plainly(pool, oracle):
    row = as_row(rejected(pool, 1, seed=15))
    row.update(monthly_income=0.0, monthly_expenses=1500.0, hardship_reason="unemployment", hardship_proof=False,
               communication="evasive", info_verified=False)
    for lang, words in (("en", "no affordable plan"), ("zh", "没有可负担的分期方案")):
        exp = explain(oracle, row, lang=lang)
        assert exp.status == "no_affordable_plan" and not exp.reached
        assert words in str(exp)
        # issue 10: still the cheapest steps that raise the estimate, plainly marked
        assert exp.actions and all(not a.affordable for a in exp.actions)
        assert all(a.gain > 0 and not set(a.changes) & set(PLAN) for a in exp.actions + exp.single_actions)
        mark = "[the plan itself stays unaffordable]" if lang == "en" else "【方案本身仍不可负担】"
        assert str(exp).count(mark) == len(exp.actions)
        d = json.loads(json.dumps(exp.to_dict()))
        assert [a["affordable"] for a in d["actions"]] == [False] * len(exp.actions)
        assert d["gap"]["shortfall"] > 0


def test_unreachable_target_gives_the_best_reachable(pool, oracle):
    apps = rejected(pool, 20, seed=16)
    app = next(apps.iloc[[i]] for i in range(20) if explain(oracle, apps.iloc[[i]]).status == "reached")
    exp = explain(oracle, app, target=0.999)
    assert exp.status == "best_reachable" and not exp.reached
    assert exp.actions[0].probability < 0.999
    assert "best reachable" in str(explain(oracle, app, target=0.999, lang="en"))


def test_scoring_is_batched(pool, oracle):
    counting = Counting(oracle)
    apps = rejected(pool, 20, seed=17)
    for i in range(len(apps)):
        explain(counting, apps.iloc[[i]])
    assert counting.calls <= 4 * len(apps)  # a few rounds per applicant, never one call per candidate
    assert max(counting.rows) > 50
    # explain_frame stacks every applicant's candidates into one call per round
    many = Counting(oracle)
    explain_frame(many, apps)
    assert many.calls <= 12 and many.calls < counting.calls / 4
    assert sum(many.rows) <= sum(counting.rows)


# --- exactness against brute force -------------------------------------------------------------


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
    ok = rules.affordable(inst, disp) & (n_changes <= MAX_STEPS)
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


def test_search_is_exact_on_the_oracle(pool, oracle):
    apps = small_spaces(rejected(pool, 300, seed=18))
    statuses = {check_exact(oracle, app, 0.6) for app in apps[:6]}
    statuses |= {check_exact(oracle, app, 0.99) for app in apps[6:9]}
    assert {"reached", "best_reachable"} <= statuses


def test_search_is_exact_on_a_trained_model(pool, small_model):
    apps = small_spaces(rejected(pool, 300, seed=19))
    statuses = {check_exact(small_model, app, 0.6) for app in apps[:4]}
    assert statuses & {"reached", "best_reachable"}


def test_explain_works_through_the_trained_model(pool, small_model):
    app = rejected(pool, 1, seed=20)
    exp = small_model.explain(app, target=0.6, lang="en")
    assert exp.probability == pytest.approx(small_model.predict_proba(app)[0, 1])
    assert exp.actions
    for a in exp.actions:
        assert set(a.changes) <= set(ACTIONABLE_NAMES)
        assert a.affordable == bool(affordable(apply(app, a.changes)))  # the flag tells the truth
        if exp.status != "no_affordable_plan":
            assert a.affordable


def test_price_changes_gives_each_options_own_cost(pool, oracle):
    priced = 0
    for i in range(12):
        app = rejected(pool, 1, seed=40 + i)
        for a in explain(oracle, app).actions:
            assert price_changes(app, a.changes) == pytest.approx(a.cost, abs=1e-9)
            assert price_changes(as_row(app), a.changes) == pytest.approx(a.cost, abs=1e-9)
            priced += 1
    assert priced > 0


def test_price_changes_prices_values_off_the_menu_by_the_contract_formula(pool):
    app = pool[(pool["monthly_expenses"] > 1000) & (pool["plan_months"] != 60)].iloc[[0]]
    row = as_row(app)
    exp, plan = feature("monthly_expenses").action, feature("plan_months").action
    assert price_changes(app, {}) == 0.0
    assert price_changes(app, {"plan_months": row["plan_months"]}) == 0.0  # no change
    off_menu = next(m for m in range(1, 61) if m not in plan.values and m != row["plan_months"])
    assert price_changes(app, {"plan_months": off_menu}) == pytest.approx(plan.cost)
    cut = price_changes(app, {"monthly_expenses": row["monthly_expenses"] * 0.65})
    assert cut == pytest.approx(exp.cost + exp.unit_cost * 3.5)
    both = price_changes(app, {"monthly_expenses": row["monthly_expenses"] * 0.65, "plan_months": off_menu})
    assert both == pytest.approx(cut + plan.cost)


def test_price_changes_refuses_what_is_not_an_action(pool):
    app = pool[(pool["communication"] != "evasive") & pool["income_proof"]].iloc[[0]]
    with pytest.raises(ValueError, match=r"credit_score: not actionable.*communication.*not an action.*"
                                         r"income_proof.*not an action"):
        price_changes(app, {"credit_score": 950, "communication": "evasive", "income_proof": False})
    with pytest.raises(ValueError, match="nonsense: unknown feature"):
        price_changes(app, {"nonsense": 1})
    with pytest.raises(ValueError, match="down_payment_ratio"):
        price_changes(app, {"down_payment_ratio": 0.9})


def test_nothing_that_does_not_raise_the_probability_is_proposed(pool):
    # A model stuck at its clip floor: no option helps, so none may be offered as "best reachable".
    class Floor:
        def predict_proba(self, X):
            return np.tile([0.999, 0.001], (len(X), 1))

    exp = explain(Floor(), rejected(pool, 1, seed=3), lang="en")
    assert exp.status in ("no_improvement", "no_affordable_plan")
    assert exp.actions == [] and not exp.reached


# --- issue 10: no borrower leaves empty-handed; issue 13: safe, short, fitting advice ------------


class NanTolerant:
    """The oracle with unknown values read as the least favourable known ones (the model's own
    handling of unknowns is not this module's business; explain must carry NaN through)."""

    FILL: ClassVar[dict[str, Any]] = {"credit_score": 350, "past_overdue_count": 24, "on_time_ratio": 0.0, "months_on_book": 0,
            "broken_promises": 20, "days_overdue": 0, "communication": "evasive"}

    def __init__(self, oracle):
        self.oracle = oracle

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
               info_verified=False, materials_on_time=False, penalty_waiver_requested=True)
    return row


def test_negative_disposable_income_gets_steps_the_gap_and_the_way_forward(pool, oracle):
    row = stuck(pool)
    for lang in ("zh", "en"):
        exp = explain(oracle, row, lang=lang)
        assert exp.status == "no_affordable_plan" and not exp.reached
        # steps that raise the estimate without touching the plan, each marked unaffordable
        assert exp.actions and all(not a.affordable and a.gain > 0 for a in exp.actions)
        assert all(not set(a.changes) & set(PLAN) for a in exp.actions)  # no down payment: disposable <= 0
        for a in exp.actions:
            assert a.probability == pytest.approx(true_probability(apply(pd.DataFrame([row]), a.changes))[0])
        # the gap, from the rule: longest plan, no fundable down payment (disposable income below zero)
        gap = exp.gap
        assert gap is not None and gap.plan_months == 60 and gap.down_payment_ratio == 0.0
        assert gap.instalment == pytest.approx(float(rules.instalment(40_000.0, 0.0, 60)))
        assert gap.required_disposable == pytest.approx(float(rules.required_disposable(gap.instalment)))
        assert gap.disposable == pytest.approx(-700.0)
        assert gap.shortfall == pytest.approx(gap.required_disposable + 700.0)
        assert gap.lump_sum == pytest.approx(40_000.0)  # nothing is affordable: the whole balance
        assert T.money(gap.shortfall) in str(exp)
        steps = " ".join(exp.next_steps)
        for must in ("12378", "95188", "代理协商", "以贷养贷", "停息挂账"):
            assert must in steps
        assert ("诊断证明" if lang == "zh" else "diagnosis") in steps  # the proof fits the cause
    d = json.loads(json.dumps(exp.to_dict(), allow_nan=False))
    assert d["gap"]["shortfall"] == pytest.approx(exp.gap.shortfall) and d["next_steps"] == exp.next_steps


def test_the_gap_is_the_rule_in_money(pool):
    seen = 0
    for i in range(200):
        row = as_row(pool.iloc[[i]])
        gap = plan_gap(row)
        disp = float(rules.disposable_income(row["monthly_income"], row["monthly_expenses"], row["other_debt_payments"]))
        assert (gap.shortfall == 0) == bool(rules.affordable(gap.instalment, disp))
        assert gap.down_payment_ratio * row["outstanding_balance"] <= (row["savings"] if row["savings"] > 0 else 0) + 1e-6 \
            or gap.down_payment_ratio == row["down_payment_ratio"]
        if gap.shortfall > 0:
            seen += 1
            assert rules.affordable(gap.instalment, disp + gap.shortfall + 1e-6)
            assert not rules.affordable(gap.instalment, disp + gap.shortfall - 1.0)
            rest = row["outstanding_balance"] * (1 - gap.down_payment_ratio) - gap.lump_sum
            assert rest <= 1e-6 or rules.affordable(rest / gap.plan_months, disp)
    assert seen > 5


def test_every_rejected_applicant_gets_a_step_that_raises_the_estimate(pool, oracle):
    apps = rejected(pool, 60, seed=51, target=0.4)
    exps = explain_frame(oracle, apps, target=0.6, lang="en")
    empty = [e for e in exps if not e.actions]
    assert len(empty) <= 1  # only when none of the contract's actions raises it
    for e in exps:
        if e.actions:
            assert e.actions[0].gain > 0
        if e.gap is not None and e.gap.shortfall > 0 and e.status == "no_affordable_plan":
            assert "short" in str(e)


def test_down_payments_only_from_known_savings(pool, oracle):
    apps = rejected(pool, 60, seed=52)
    offered = 0
    for e, (_, app) in zip(explain_frame(oracle, apps), apps.iterrows()):
        for a in e.actions + e.single_actions:
            if "down_payment_ratio" in a.changes:
                offered += 1
                assert a.changes["down_payment_ratio"] * app["outstanding_balance"] <= app["savings"] + 1e-6
    assert offered > 0
    # the same applicants with unknown savings: never a down payment, but a separate note when it matters
    unknown = apps.assign(savings=np.nan)
    notes = 0
    for e in explain_frame(oracle, unknown, lang="en"):
        assert all("down_payment_ratio" not in a.changes for a in e.actions + e.single_actions)
        notes += bool(e.notes)
        for n in e.notes:
            assert "If you have savings or family help" in n and n in str(e)
    assert notes > 0


def test_no_hardship_means_no_hardship_proof_and_a_step_to_state_the_cause(pool, oracle):
    row = as_row(rejected(pool, 1, seed=53))
    row.update(hardship_reason="none", hardship_proof=False)
    for lang, cause in (("zh", "如实说明还款困难的原因"), ("en", "State the real cause")):
        exp = explain(oracle, row, lang=lang)
        assert all("hardship_proof" not in a.changes for a in exp.actions + exp.single_actions)
        assert any(cause in s for s in exp.next_steps)


def test_unknown_values_are_carried_through(pool, oracle):
    nan = float("nan")
    row = as_row(rejected(pool, 1, seed=54))
    row.update(credit_score=nan, communication=None, info_verified=nan, asset_proof=None, days_overdue=nan,
               hardship_proof=nan, savings=nan, hardship_reason="income_drop")
    model = NanTolerant(oracle)
    for lang in ("zh", "en"):
        exp = explain(model, row, lang=lang)
        unknown = {"credit_score", "communication", "info_verified", "asset_proof", "days_overdue", "hardship_proof"}
        assert not {r.feature for r in exp.reasons} & unknown  # an unknown value is never held against anyone
        d = json.loads(json.dumps(exp.to_dict(), allow_nan=False))  # strict JSON: unknown is null
        assert d["applicant"]["credit_score"] is None and d["applicant"]["communication"] is None
        changes = {k for a in exp.actions + exp.single_actions for k in a.changes}
        assert "down_payment_ratio" not in changes  # savings unknown
        steps = " ".join(exp.next_steps)
        assert ("资产证明(如有)" if lang == "zh" else "asset proof (if you have any)") in steps
        assert ("工资流水" if lang == "zh" else "payslip") in steps
        # days overdue unknown: no step quotes a number of days
        assert ("天:每多逾期一天" not in steps) if lang == "zh" else ("days overdue:" not in steps)
        # an unknown document can still be handed in; unknown contact can still be made proactive
        space = option_space(exp.applicant)
        names = {dd.name for dd in space.dims}
        assert {"info_verified", "asset_proof", "hardship_proof", "communication"} <= names
    batch = explain_frame(model, pd.DataFrame([row, as_row(rejected(pool, 1, seed=55))]), lang="en")
    assert batch[0].to_dict()["actions"] == explain(model, row, lang="en").to_dict()["actions"]


def test_reasons_at_the_clip_floor_still_name_what_holds_the_probability_down(pool, oracle):
    from xieshang.generator import true_logit

    class Clipped:  # a model whose probabilities stop at 0.1 %, with unclipped scores
        def predict_proba(self, X):
            p = np.clip(true_probability(X), 0.001, 0.999)
            return np.column_stack([1 - p, p])

        def decision_function(self, X):
            return true_logit(X)

    row = as_row(rejected(pool, 1, seed=56))
    row.update(past_overdue_count=17, info_verified=False, broken_promises=8, credit_score=400, on_time_ratio=0.3,
               communication="evasive", monthly_income=0.0)
    for lang, nothing in (("en", "Nothing in particular"), ("zh", "没有明显拉低概率的因素")):
        exp = explain(Clipped(), row, lang=lang)
        assert exp.probability == pytest.approx(0.001)
        names = {r.feature for r in exp.reasons}
        assert names and nothing not in str(exp)
        assert names & {"past_overdue_count", "info_verified", "broken_promises", "credit_score"}


def test_reasons_of_a_trained_model_at_its_floor(pool, small_model):
    row = as_row(rejected(pool, 1, seed=57))
    row.update(past_overdue_count=17, info_verified=False, broken_promises=10, credit_score=360, on_time_ratio=0.1,
               communication="evasive", monthly_income=0.0, days_overdue=400)
    exp = explain(small_model, row, lang="en")
    assert exp.reasons and "Nothing in particular" not in str(exp)


def test_no_reason_or_step_suggests_staying_overdue(pool, oracle):
    row = as_row(rejected(pool, 1, seed=58))
    row.update(days_overdue=2)  # early: the generator's lenders prefer to wait, we never say so
    exp = explain(oracle, row, lang="en")
    assert "days_overdue" not in {r.feature for r in exp.reasons}
    assert any("2 days overdue" in s and "now" in s for s in exp.next_steps)
    for e in explain_frame(oracle, rejected(pool, 40, seed=59)):
        for r in e.reasons:
            if r.feature == "days_overdue":
                assert (r.value > r.reference and "penalty interest" in r.text) or "罚息" in r.text


def test_disclaimer_comes_first(pool, oracle):
    app = rejected(pool, 1, seed=60)
    for lang, words in (("zh", "不构成金融或法律建议"), ("en", "not financial or legal advice")):
        first = str(explain(oracle, app, lang=lang)).splitlines()[0]
        assert words in first


def test_asset_proof_only_for_applicants_with_assets(pool, oracle):
    row = as_row(rejected(pool, 1, seed=61))
    row.update(asset_proof=False, savings=0.0)
    assert "asset_proof" not in {d.name for d in option_space(row).dims}
    assert all(r.feature != "asset_proof" for r in explain(oracle, row).reasons)
    row["savings"] = 20_000.0
    assert "asset_proof" in {d.name for d in option_space(row).dims}


def test_explain_frame_gives_the_answers_of_explain(pool, oracle, small_model):
    apps = rejected(pool, 25, seed=62)
    for model in (oracle, small_model):
        batch = explain_frame(model, apps, target=0.6, lang="zh")
        assert len(batch) == len(apps)
        for i, b in enumerate(batch):
            one = explain(model, apps.iloc[[i]], target=0.6, lang="zh")
            assert b.status == one.status and b.probability == pytest.approx(one.probability)
            assert [r.feature for r in b.reasons] == [r.feature for r in one.reasons]
            assert [a.changes for a in b.actions] == [a.changes for a in one.actions]
            assert [a.probability for a in b.actions] == pytest.approx([a.probability for a in one.actions])
            assert str(b).splitlines()[2:] != [] and b.next_steps == one.next_steps
    with pytest.raises(ValueError, match=r"(?s)target.*lang"):
        explain_frame(oracle, apps, target=2, lang="fr")
    assert explain_frame(oracle, apps.iloc[:0]) == []


def test_weak_steps_are_dropped_unless_the_option_needs_them(pool, oracle):
    checked = 0
    apps = rejected(pool, 80, seed=63)
    for e, i in zip(explain_frame(oracle, apps), range(len(apps))):
        if not e.actions:
            continue
        app, best = apps.iloc[[i]], e.actions[0]
        assert len(best.changes) <= MAX_STEPS
        for s in e.single_actions:
            # a lone step stays (it is the option); the new plan is needed for affordability
            if s.gain >= MIN_STEP_GAIN or set(s.changes) & set(PLAN) or len(best.changes) == 1:
                continue
            checked += 1
            rest = {k: v for k, v in best.changes.items() if k not in s.changes}
            without = true_probability(apply(app, rest))[0]
            # needed: without it the option misses the target it reached, or loses a point or more
            if best.probability >= e.target:
                assert without < e.target
            else:
                assert without < best.probability - MIN_STEP_GAIN + 1e-12
    assert checked > 0


def test_explanation_chart_marks_options_whose_plan_stays_unaffordable(pool, oracle):
    import matplotlib

    matplotlib.use("Agg")
    from xieshang import plots

    row = stuck(pool)
    for lang in ("en", "zh"):
        exp = explain(oracle, row, lang=lang)
        assert exp.status == "no_affordable_plan" and exp.actions
        fig = plots.explanation_chart(exp)
        labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
        assert sum(plots.TEXT[lang]["plan_unaffordable"] in lab for lab in labels) == len(exp.actions)
        fig.clear()


def test_the_unknowns_that_matter_most_are_named(pool, oracle):
    nan = float("nan")
    row = as_row(rejected(pool, 1, seed=54))
    row.update(credit_score=nan, on_time_ratio=nan, income_proof=nan, savings=nan)
    model = NanTolerant(oracle)
    for lang, needle in (("zh", "未知信息中对结果影响最大的"), ("en", "Of the unknown values, these matter most")):
        exp = explain(model, row, lang=lang)
        assert exp.unknowns and len(exp.unknowns) <= 3
        assert {u.feature for u in exp.unknowns} <= {"credit_score", "on_time_ratio", "income_proof"}
        assert all(u.impact > 0 for u in exp.unknowns)  # the filler takes the worst value: knowing helps
        assert needle in str(exp)
        assert json.loads(json.dumps(exp.to_dict()))["unknowns"][0]["feature"] == exp.unknowns[0].feature
    known = as_row(rejected(pool, 1, seed=54))
    assert explain(model, known, lang="en").unknowns == []


# --- the fast paths give the same answers --------------------------------------------------------


def _answer(e: Explanation) -> dict[str, Any]:
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


def test_explain_frame_and_explain_say_the_same_on_mixed_rows(pool, small_model):
    # Rows with and without blanks in one batch: a column whose value is unknown for some applicants is
    # stacked as float for all of them; every answer must still be the one explain gives alone.
    apps = pd.concat([rejected(pool, 12, seed=70)[list(FEATURE_NAMES)], with_blanks(rejected(pool, 12, seed=71), 5),
                      pool.sample(8, random_state=72)[list(FEATURE_NAMES)]], ignore_index=True)
    for lang in ("zh", "en"):
        batch = explain_frame(small_model, apps, target=0.6, lang=lang)
        for i, b in enumerate(batch):
            one, two = _answer(b), _answer(explain(small_model, apps.iloc[[i]], target=0.6, lang=lang))
            assert one["rest"] == two["rest"]
            assert one["floats"] == pytest.approx(two["floats"], rel=1e-9, abs=1e-12)


def test_option_space_grids_are_shared_read_only_and_index_right(pool):
    rows = [as_row(rejected(pool, 1, seed=s)) for s in range(73, 79)]
    rows.append({**rows[0], "communication": np.nan, "income_proof": np.nan, "savings": np.nan})
    for row in rows:
        space = option_space(row)
        assert not space.go.flags.writeable and not space.gp.flags.writeable  # shared between applicants
        shape = [len(space.dims[d].values) for d in space.other]
        codes = np.ravel_multi_index(tuple(space.go.T), shape) if shape else np.zeros(len(space.go), dtype=np.int64)
        assert np.array_equal(space.codes_o, codes)
        assert np.array_equal(space.o_index(space.go), np.arange(len(space.go)))
        assert space.o_index(space.go[-1]) == len(space.go) - 1
        if len(shape) > MAX_STEPS:  # a choice with too many steps is not an option
            with pytest.raises(KeyError):
                space.o_index(np.array([s - 1 for s in shape]))
        with pytest.raises(ValueError):
            space.o_index(np.array(shape))  # out of range
        for dim in space.dims:  # each dim's values as candidate columns store them
            f = feature(dim.name)
            if f.kind == "category":
                want = [-1 if v != v else f.categories.index(v) for v in dim.values]
                assert dim.stored.tolist() == want
            else:
                assert np.array_equal(dim.stored, np.asarray(dim.values, dtype=float), equal_nan=True)
    assert option_space(rows[0]).grids is option_space(rows[0]).grids
