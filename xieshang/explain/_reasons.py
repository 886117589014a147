"""Reasons (what holds the probability down) and the unknowns that matter for the answer.

For each feature the model is asked how much higher the probability would be if this one value were
that of a typical approved applicant (:mod:`xieshang.explain._reference`); see :mod:`xieshang.explain`.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import text as T
from ..contract import FEATURES, Feature, feature
from ._facts import Facts, is_unknown
from ._limits import AFFORDABILITY_GROUP, MAX_REASONS, MAX_UNKNOWNS, MIN_IMPACT
from ._report import plain_reason
from ._types import Reason, Unknown

__all__ = ["comparison_rows", "unknowns", "reasons", "sigmoid"]


def comparison_rows(row: dict[str, Any], facts: Facts, ref: dict[str, Any]) -> tuple[list[tuple[str, Any]], list[tuple[str, Any]]]:
    """The features to move to their reference value: ``(reason candidates, unknowns)``.

    Reason candidates are known values that differ from the reference (an unknown value is never
    held against anyone); unknowns are the blanks that could be filled in. Neither includes savings
    (:data:`xieshang.text.NO_REASON`) nor a hardship proof without a hardship.
    """
    reasons, unknowns = [], []
    for f in FEATURES:
        if f.name in T.NO_REASON or (f.name == "hardship_proof" and not facts.has_hardship):
            continue
        r, v = ref[f.name], row[f.name]
        if is_unknown(v):
            unknowns.append((f.name, r))
            continue
        if f.name == "asset_proof" and facts.savings <= 0:  # known to have nothing to prove
            continue
        if f.name == "days_overdue" and float(v) <= float(r):  # never suggest that staying overdue helps
            continue
        same = (v == r) if not f.is_numeric else math.isclose(float(v), float(r), rel_tol=0, abs_tol=1e-12)
        if not same:
            reasons.append((f.name, r))
    return reasons, unknowns


def unknowns(candidates: list[tuple[str, Any]], p_ref: np.ndarray, z_ref: np.ndarray, base: float, z_base: float,
              lang: str) -> list[Unknown]:
    """The unknowns whose typical approved value would move the estimate the most.

    Ranked and thresholded in unclipped log-odds (:data:`MIN_IMPACT`), as the reasons are, so that an
    applicant at the probability floor still hears which blanks matter.
    """
    found = []
    for (name, _), p, z in zip(candidates, p_ref, z_ref):
        if abs(float(z) - z_base) >= MIN_IMPACT:
            f = feature(name)
            label = f.label_zh if lang == "zh" else f.label_en
            text = (T.heading("unknown_item_plain", lang, label=label) if plain_reason(base, float(p) - base)
                    else T.heading("unknown_item", lang, label=label, change=T.change_words(float(p) - base, lang)))
            found.append((abs(float(z) - z_base), Unknown(name, float(p) - base, text)))
    found.sort(key=lambda item: -item[0])
    return [u for _, u in found[:MAX_UNKNOWNS]]


def sigmoid(z: np.ndarray | float) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=float)))


def reasons(row: dict[str, Any], facts: Facts, candidates: list[tuple[str, Any]], z_ref: np.ndarray, z_base: float,
             lang: str) -> list[Reason]:
    # Ranked and thresholded in unclipped log-odds: near (or at a clip of) 0 % every factor looks
    # negligible in probability. The impact shown is the same move in (unclipped) probability.
    points = np.asarray(z_ref, dtype=float) - z_base
    gains = sigmoid(z_ref) - sigmoid(z_base)
    inst, disp = facts.instalment, facts.disposable
    ctx = {"instalment": inst, "disposable": disp, "share": inst / disp if disp > 0 else float("inf"),
           "hardship_reason": row["hardship_reason"], "has_assets": facts.savings > 0, "household": facts.household_size}
    unaffordable = not facts.plan_ok
    order = np.argsort(-points, kind="stable")
    out: list[Reason] = []
    group_used = False
    for i in order:
        if len(out) == MAX_REASONS or points[i] < MIN_IMPACT:
            break
        name, ref = candidates[i]
        if name in AFFORDABILITY_GROUP:
            if group_used:  # one reason for the plan's affordability, not one per input
                continue
            group_used = True
        f: Feature = feature(name)
        sentence = T.reason_text(name, row[name], ref, lang, ctx)
        if unaffordable and name in AFFORDABILITY_GROUP and name != "plan_months":
            sentence += (T.heading("unaffordable_note_deficit", lang, instalment=T.money(inst), deficit=T.money(-disp))
                         if disp < 0 else  # a negative sum is never printed as money left
                         T.heading("unaffordable_note", lang, instalment=T.money(inst), disposable=T.money(disp)))
        out.append(Reason(name, row[name], float(gains[i]), sentence, reference=ref, actionable=f.actionable))
    return out
