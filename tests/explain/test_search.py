import json

import numpy as np
import pytest

from explain.helpers import (
    PLAN,
    apply,
    as_row,
    check_exact,
    rejected,
    small_spaces,
)
from xieshang import text as T
from xieshang.explain import (
    MAX_STEPS,
    MIN_STEP_GAIN,
    explain,
    explain_frame,
    reference_values,
)
from xieshang.explain._facts import facts_of
from xieshang.explain._limits import MIN_OPTION_PROBABILITY
from xieshang.generator import true_probability


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
    high = pool[pool["true_probability"] > 0.8]
    kept = [facts_of(as_row(high.iloc[[i]])).plan_kept for i in range(len(high))]
    app = high[kept].iloc[[0]]  # a plan they can keep (tests/explain/test_kept.py: the others)
    exp = explain(oracle, app, target=0.6)
    assert exp.status == "already" and exp.reached and exp.actions == []


def test_no_affordable_plan_is_said_plainly(pool, oracle):
    row = as_row(rejected(pool, 1, seed=15))
    row.update(monthly_income=0.0, monthly_expenses=1500.0, hardship_reason="unemployment", hardship_proof=False,
               communication="evasive", info_verified=False)
    for lang, words in (("en", "do not sign a plan you cannot pay"), ("zh", "别签还不起的方案")):
        exp = explain(oracle, row, lang=lang)
        assert exp.status == "no_affordable_plan" and not exp.reached
        assert words in str(exp)
        # issue 22: never steps toward a plan they cannot pay; what to ask for instead, first
        assert exp.actions == [] and exp.single_actions == []
        assert str(exp).index(words) < str(exp).index(T.heading("next_steps", lang))
        d = json.loads(json.dumps(exp.to_dict()))
        assert d["actions"] == [] and d["lead"][:2] == exp.lead[:2]
        assert d["gap"]["shortfall"] > 0


def test_unreachable_target_gives_the_best_reachable(pool, oracle):
    apps = rejected(pool, 80, seed=16)
    app = next(apps.iloc[[i]] for i in range(80) if explain(oracle, apps.iloc[[i]]).status == "reached")
    exp = explain(oracle, app, target=0.999)
    assert exp.status == "best_reachable" and not exp.reached
    assert exp.actions[0].probability < 0.999
    assert "No realistic set of steps reaches over 99%" in str(explain(oracle, app, target=0.999, lang="en"))


def test_search_is_exact_on_the_oracle(pool, oracle):
    apps = small_spaces(rejected(pool, 300, seed=18))
    statuses = {check_exact(oracle, app, 0.6) for app in apps[:6]}
    statuses |= {check_exact(oracle, app, 0.99) for app in apps[6:9]}
    assert {"reached", "best_reachable"} <= statuses


def test_search_is_exact_on_a_trained_model(pool, small_model):
    apps = small_spaces(rejected(pool, 300, seed=19))
    statuses = {check_exact(small_model, app, 0.6) for app in apps[:4]}
    assert statuses & {"reached", "best_reachable"}


def test_nothing_that_does_not_raise_the_probability_is_proposed(pool):
    # A model stuck at its clip floor: no option helps, so none may be offered as "best reachable".
    class Floor:
        reference_values_ = reference_values()  # what the reasons compare with

        def predict_proba(self, X):
            return np.tile([0.999, 0.001], (len(X), 1))

    exp = explain(Floor(), rejected(pool, 1, seed=3), lang="en")
    assert exp.status in ("no_improvement", "no_affordable_plan")
    assert exp.actions == [] and not exp.reached


def test_every_rejected_applicant_gets_a_step_that_raises_the_estimate(pool, oracle):
    apps = rejected(pool, 60, seed=51, target=0.4)
    exps = explain_frame(oracle, apps, target=0.6, lang="en")
    # every applicant whose plan can be made affordable gets an option; the others are told not to sign
    empty = [e for e in exps if not e.actions and e.status != "no_affordable_plan"]
    assert len(empty) <= 1  # only when none of the contract's actions raises it
    assert sum(bool(e.actions) for e in exps) >= 15
    for e in exps:
        if e.actions:
            assert e.actions[0].gain > 0
        if e.gap is not None and e.gap.shortfall > 0 and e.status == "no_affordable_plan":
            assert "short" in str(e)


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
            else:  # or without it the option would end at 1 % or below (issue 22: no such option)
                assert without < best.probability - MIN_STEP_GAIN + 1e-12 or without <= MIN_OPTION_PROBABILITY
    assert checked > 0
