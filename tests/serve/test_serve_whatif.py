"""The what-if controls: the explanations' menu, less what xieshang.rules never recommends (its one home)."""

from __future__ import annotations

import dataclasses
import json
import math

import pytest

from xieshang import generate, rules
from xieshang.contract import FEATURE_NAMES, FEATURES, ActionSpec, feature
from xieshang.explain import option_space
from xieshang.serve import whatif
from xieshang.validation import applicant_frame

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _applicants(n: int, seed: int) -> list[dict]:
    rows = json.loads(generate(n, seed=seed)[list(FEATURE_NAMES)].to_json(orient="records"))
    return list(rows)


def _row(applicant: dict) -> dict:
    return applicant_frame(applicant).to_dict("records")[0]


def _offered(c: dict) -> list:
    """The values a control offers to move to (its current value is no change)."""
    cur = c["current"]
    return [v for v in c["values"] if not (v == cur or (v is None and cur is None))]


def test_the_controls_are_the_menu_the_explanations_choose_from(client, example):
    fields = client.get("/v1/contract").json()["fields"]
    controls = [g["name"] for g in fields if g["what_if"]]
    assert controls == [f.name for f in FEATURES if f.action is not None]
    # Every change xieshang.explain may recommend to an applicant is on a control of the page.
    for applicant in [example, *_applicants(60, seed=41)]:
        assert {d.name for d in option_space(_row(applicant)).dims} <= set(controls)


def test_a_field_we_never_recommend_changing_is_no_control(client):
    controls = {g["name"] for g in client.get("/v1/contract").json()["fields"] if g["what_if"]}
    never_moved = {name for name in rules.NEVER_RECOMMEND if feature(name).action is None}
    assert never_moved, "NEVER_RECOMMEND names fields the contract gives no action (expenses, the waiver)"
    assert not never_moved & controls, never_moved & controls


def test_no_control_offers_a_change_we_never_recommend(client, example):
    applicants = [example, {**example, "savings": 5000.0}, {**example, "savings": None}, *_applicants(150, seed=43)]
    held = 0
    for applicant in applicants:
        r = client.post("/v1/plan", json={"applicant": applicant, "lang": "en"})
        assert r.status_code == 200, r.text
        row = _row(applicant)
        for c in r.json()["what_if"]:
            assert c["name"] not in rules.NEVER_RECOMMEND or feature(c["name"]).action is not None
            for v in _offered(c):
                assert rules.forbidden_changes(row, {c["name"]: v}) == [], (c["name"], v, applicant)
            for v in c["held_back"]:
                assert rules.forbidden_changes(row, {c["name"]: v}) == [c["name"]]
            assert (c["note"] is not None) == bool(c["held_back"]) or c["values"] == [c["current"]]
            held += len(c["held_back"])
    assert held, "no applicant had a value held back: the test checks nothing"


def test_a_down_payment_is_offered_only_from_savings_beyond_the_reserve(client, example):
    savings = 5000.0
    plan = client.post("/v1/plan", json={"applicant": {**example, "savings": savings}, "lang": "zh"}).json()
    dp = next(c for c in plan["what_if"] if c["name"] == "down_payment_ratio")
    spendable = float(rules.spendable_savings(savings, example["monthly_expenses"]))
    menu = feature("down_payment_ratio").action_spec().values
    assert max(dp["values"]) == max(v for v in menu if v * example["outstanding_balance"] <= spendable)
    assert dp["held_back"] == [v for v in menu if v * example["outstanding_balance"] > spendable]
    assert "应急" in dp["note"]
    none = client.post("/v1/plan", json={"applicant": example, "lang": "en"}).json()  # savings 0: nothing to offer
    dp0 = next(c for c in none["what_if"] if c["name"] == "down_payment_ratio")
    assert dp0["values"] == [example["down_payment_ratio"]] and "emergency reserve" in dp0["note"]


def test_a_hardship_proof_needs_a_hardship(client, example):
    plan = client.post("/v1/plan", json={"applicant": {**example, "hardship_reason": "none", "hardship_proof": False},
                                         "lang": "en"}).json()
    proof = next(c for c in plan["what_if"] if c["name"] == "hardship_proof")
    assert proof["values"] == [False] and proof["note"]


def test_the_filter_is_rules_forbidden_changes_whatever_the_contract_says(monkeypatch, example):
    # Were the contract to give the never-recommended fields an action (a cut of expenses, a withdrawn
    # waiver request), the page would still offer none of those changes: rules.forbidden_changes decides.
    def careless(f):
        if f.name == "monthly_expenses":
            return dataclasses.replace(f, action=ActionSpec("scale", cost=1.0, values=(0.9, 0.8)))
        if f.name == "penalty_waiver_requested":
            return dataclasses.replace(f, action=ActionSpec("set_false", cost=1.0))
        return f

    monkeypatch.setattr(whatif, "FEATURES", tuple(careless(f) for f in FEATURES))
    row = _row({**example, "penalty_waiver_requested": True})
    controls = {c["name"]: c for c in whatif.what_if_controls(row, "en")}
    expenses, waiver = controls["monthly_expenses"], controls["penalty_waiver_requested"]
    assert _offered(expenses) == [] and len(expenses["held_back"]) == 2
    assert all(v < row["monthly_expenses"] for v in expenses["held_back"])
    assert False not in waiver["values"] and False in waiver["held_back"]
    assert not math.isnan(row["monthly_expenses"])
