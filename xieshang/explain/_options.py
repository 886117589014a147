"""The menu of choices: per actionable feature, what this applicant may change and what it costs.

Every choice follows the contract's :class:`xieshang.contract.ActionSpec`; see :mod:`xieshang.explain`
for the rules (documents only where they apply, a down payment only from known savings...).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..contract import FEATURES, Feature, feature
from ..validation import applicant_frame
from ._batch import column_dtype, row_of
from ._facts import Facts, facts_of, handed_in, is_unknown, to_py
from ._limits import INCOME_FLOOR

__all__ = ["Dim", "down_payment_ok", "affordable_down_payments", "dims", "state_dim", "choose_cost", "price_changes"]


@dataclass(frozen=True, eq=False)  # compared and hashed by identity (the shared ones key a cache)
class Dim:
    name: str
    values: tuple[Any, ...]   # index 0: keep the current value
    costs: np.ndarray
    directional: bool         # the last option is the most favourable per the contract
    shared: bool = False      # built once for every applicant with this value (state_dim): read-only
    stored: np.ndarray = field(init=False, repr=False)  # values as a candidate column holds them (category: codes)

    def __post_init__(self) -> None:
        f = feature(self.name)
        dtype = column_dtype(f, self.values[0])  # the applicant's column: float64 where the value is unknown
        stored = (np.array([-1 if is_unknown(v) else f.categories.index(v) for v in self.values], dtype=dtype)
                  if f.kind == "category" else np.asarray(self.values, dtype=dtype))
        stored.flags.writeable = False
        object.__setattr__(self, "stored", stored)


def down_payment_ok(facts: Facts, ratio: float) -> bool:  # xieshang.rules.NEVER_RECOMMEND
    """A down payment of ``ratio`` is offered only from money the borrower has.

    Known savings cover it (``ratio × balance ≤ savings``) and disposable
    income is positive; never when savings are unknown.
    """
    return facts.savings_known and facts.disposable > 0 and ratio * facts.balance <= facts.spendable + 1e-9


def affordable_down_payments(facts: Facts, cur: float) -> list[float]:
    """Where known savings do not cover the down payment ``cur`` asked for: none, and the contract's smaller
    ones they do cover, ascending (the last is the most favourable a plan can keep).

    Lowering it costs the borrower nothing: it is what they can pay, not an effort (cost 0).
    """
    spec = feature("down_payment_ratio").action_spec()
    return [0.0, *(float(v) for v in spec.values if 0 < v < cur and down_payment_ok(facts, v))]


def dims(row: dict[str, Any], facts: Facts) -> list[Dim]:
    """Per actionable feature, the choices open to this applicant (only those that change something)."""
    out = []
    income = max(facts.income, INCOME_FLOOR)
    balance = facts.balance
    for f in FEATURES:
        spec = f.action
        if spec is None or (spec.requires == "has_hardship" and not facts.has_hardship):
            continue
        if f.name == "asset_proof" and facts.savings <= 0:  # no assets to prove (unknown: "if you have any")
            continue
        cur = row[f.name]
        opts: list[tuple[Any, float]] = []
        if spec.kind in ("set_true", "set_false", "raise_level"):
            dim = state_dim(f.name, None if is_unknown(cur) else cur)  # depends on the value alone: shared
            if dim is not None:
                out.append(dim)
            continue
        if spec.kind == "choose":
            vals = [v for v in spec.values if not math.isclose(v, float(cur))]
            if f.direction != 0:  # only moves in the favourable direction; the most favourable last
                vals = sorted((v for v in vals if (v - float(cur)) * f.direction > 0), key=lambda v: v * f.direction)
            if f.name == "down_payment_ratio":
                vals = [v for v in vals if down_payment_ok(facts, v)]
                if facts.unfunded(float(cur)):  # every option lowers it (space_of): to the most savings cover
                    # One choice: a smaller one is never more affordable, nor (by the contract's direction) more
                    # likely approved; offered too, it only repeats each option with less down.
                    opts = [(affordable_down_payments(facts, float(cur))[-1], 0.0)]
            for v in vals:
                v = int(v) if f.kind == "int" else float(v)
                opts.append((v, choose_cost(f, float(cur), v, balance, income)))
        elif spec.kind == "scale" and float(cur) > 0:
            factors = sorted(spec.values, key=lambda s: -s * f.direction)
            for s in factors:
                new_v = float(math.ceil(float(cur) * s)) if f.direction < 0 else float(math.floor(float(cur) * s))
                if (f.low is not None and new_v < f.low) or (f.high is not None and new_v > f.high) or new_v == float(cur):
                    continue
                steps = abs(1.0 - s) / 0.1
                opts.append((new_v, spec.cost + spec.unit_cost * steps))
        if opts:
            out.append(Dim(f.name, (cur, *(v for v, _ in opts)),
                             np.array([0.0, *(c for _, c in opts)]), f.direction != 0))
    return out


@functools.lru_cache(maxsize=256)
def state_dim(name: str, cur: Any) -> Dim | None:
    """The choices of a document, flag or level whose value is ``cur`` (``None``: unknown), or ``None`` if none.

    They depend on the value alone, so one :class:`Dim` (read-only) serves every applicant with it.
    """
    f = feature(name)
    spec = f.action_spec()
    value = float("nan") if cur is None else cur
    opts: list[tuple[Any, float]] = []
    if spec.kind == "set_true":
        if not handed_in(value):  # False or unknown
            opts = [(True, spec.cost)]
    elif spec.kind == "set_false":
        if cur is None or bool(cur):
            opts = [(False, spec.cost)]
    elif spec.kind == "raise_level":
        if cur is None:  # unknown attitude: offer the best level, priced as one step up
            opts = [(f.categories[-1], spec.cost + spec.unit_cost)]
        else:
            i = f.categories.index(cur)
            opts = [(f.categories[j], spec.cost + spec.unit_cost * (j - i)) for j in range(i + 1, len(f.categories))]
    if not opts:
        return None
    costs = np.array([0.0, *(c for _, c in opts)])
    costs.flags.writeable = False
    return Dim(f.name, (value, *(v for v, _ in opts)), costs, f.direction != 0, shared=True)


def choose_cost(f: Feature, cur: float, new: float, balance: float, income: float) -> float:
    """Cost of a ``choose`` action; a down payment adds ``unit_cost`` per month of income paid up front."""
    spec = f.action_spec()
    extra = 0.0
    if f.name == "down_payment_ratio":
        extra = spec.unit_cost * (new - cur) * balance / income
    return spec.cost + extra


def price_changes(applicant: Any, changes: Mapping[str, Any]) -> float:
    """The contract cost (effort units) of applying ``changes`` to an applicant.

    A value :func:`explain` offers (see :func:`option_space`) costs exactly
    what ``explain`` charges for it, so the cost of an option's ``changes``
    is its ``cost``. Any other value of an actionable feature that moves in
    the contract's favourable direction is priced by the same
    :class:`xieshang.contract.ActionSpec` formula: any plan length costs the
    fixed cost, a down payment the fixed cost plus ``unit_cost`` per month of
    income paid up front, an expense cut the fixed cost plus ``unit_cost``
    per 10 % cut (also beyond the 20 % that ``explain`` allows). This prices
    changes found by other tools (e.g. counterfactual generators) on the
    same scale. A value equal to the current one is no change and costs 0.
    A down payment known savings do not cover is lowered, at no cost, to the
    largest of the contract's they cover (or to none), as ``explain`` does;
    any other lowering is refused.

    Parameters
    ----------
    applicant : dict or one-row pandas.DataFrame
        One negotiation request in the contract.
    changes : mapping
        ``{feature: new_value}``.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        Listing every change no action prices (an unknown or non-actionable
        feature, a hardship proof without a hardship, a move against the
        favourable direction such as withdrawing a document), and every
        contract problem of the applicant or of the changed applicant.
    """
    frame = applicant_frame(applicant)
    row = row_of(frame)
    problems = [f"{k}: unknown feature" for k in changes if k not in row]
    if problems:
        raise ValueError("; ".join(problems))
    new_row = {**row, **{k: to_py(v) for k, v in changes.items()}}
    try:
        new_row = row_of(applicant_frame(new_row))
    except ValueError as exc:
        raise ValueError(f"changed applicant: {exc}") from None
    facts = facts_of(row)
    menu = {d.name: d for d in dims(row, facts)}
    income = max(float(row["monthly_income"]), INCOME_FLOOR)
    balance = float(row["outstanding_balance"])
    total = 0.0
    for name in changes:
        f = feature(name)
        cur, new = row[name], new_row[name]
        if cur == new:
            continue
        spec = f.action
        if spec is None:
            problems.append(f"{name}: not actionable ({cur!r} -> {new!r})")
            continue
        dim = menu.get(name)
        if dim is not None and new in dim.values[1:]:
            total += float(dim.costs[dim.values.index(new)])
            continue
        if spec.requires == "has_hardship" and not facts.has_hardship:
            problems.append(f"{name}: only where a hardship is stated")
        elif spec.kind == "choose" and (f.direction == 0 or (new - cur) * f.direction > 0):
            total += choose_cost(f, float(cur), float(new), balance, income)
        elif spec.kind == "scale" and float(cur) > 0 and (new - cur) * f.direction > 0:
            total += spec.cost + spec.unit_cost * abs(1.0 - float(new) / float(cur)) / 0.1
        else:  # a boolean or level moved the unfavourable way, or a scale from 0
            problems.append(f"{name}: {cur!r} -> {new!r} is not an action of the contract")
    if problems:
        raise ValueError("; ".join(problems))
    return float(total)
