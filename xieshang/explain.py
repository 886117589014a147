"""Why is the probability what it is, and what is the cheapest realistic way to raise it.

:func:`explain` works with any model whose ``predict_proba`` takes a frame in
the contract and returns an ``(n, 2)`` array.

Reasons (attribution)
---------------------
For each feature we ask the model: how much higher would the probability be if
this one value were that of a typical approved applicant? The reference is
the favourable value for booleans and ordered categories (a document handed
in, ``proactive`` communication: what any borrower can fully satisfy), the
median of approved applicants for quantities, and the most common cause among
approved applicants for ``hardship_reason``. The reference population is the
model's own training data (``model.reference_values_``, set by
:meth:`xieshang.ApprovalModel.fit`), or, for a model without one,
:data:`REFERENCE_ROWS` rows drawn once from the generator with
:data:`REFERENCE_SEED`. Each feature is moved on its own, everything else held
at the borrower's values, all in *one* batched ``predict_proba`` call; the
features whose reference raises the probability the most (by at least
:data:`MIN_IMPACT` in log-odds, so that a borrower near 0 % still gets reasons) are the reasons, up to :data:`MAX_REASONS`. The inputs of
the affordability rule (balance, income, expenses, other debts, plan length,
down payment) act together through the instalment's burden, so at most one of
them (the costliest) is named, with the instalment and disposable income
when the plan is unaffordable. This is the
"points below the typical approved applicant" method lenders use for adverse
action notices, computed on the model instead of a scorecard. Reasons may
name things the borrower cannot change.

Actions (search)
----------------
The action space is discrete and small: every actionable feature of the
contract (:class:`xieshang.contract.ActionSpec`) offers "keep" plus a few
options; an *option* picks one choice per feature and costs the sum of its
choices' costs. Rules: only actionable features change; a hardship proof only
where a hardship is stated; a down payment only goes up and costs
``cost + unit_cost * (increase * balance / max(income, INCOME_FLOOR))`` (months
of income paid up front); expenses are cut by at most 20 %; and every option
must leave an affordable plan (instalment <= disposable income, with
:func:`xieshang.generator.affordability`). The cheapest option reaching the
target is found exactly:

1. one batched call scores the borrower, the reason rows, every single change,
   the cheapest few hundred options, and for every plan (plan length x down
   payment x expense cut) the *upper bound*: that plan with every other
   action taken at its most favourable level;
2. options are then scored in ascending order of cost, in growing batches,
   skipping plans whose upper bound misses the target, until the cheapest
   reaching option is known (every cheaper option has been scored or pruned).
   Equal costs are broken by the higher probability.

The first option is exact for any model once everything cheaper is scored;
pruning by the upper bound (and declaring the target unreachable when no
bound reaches it) relies on the contract's directions for the actionable
features with a direction (a document never hurts, cutting expenses or paying
more down never hurts), which the trained model enforces with monotonic
constraints and the generator's truth satisfies; the tests compare it with a
brute-force search. When the target is out of reach the search returns the
cheapest option within :data:`REACH_TOLERANCE` of the best reachable
probability. Alternatives are the next cheapest reaching options among those
scored that are not a superset of an option already listed.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np
import pandas as pd

from . import text as T
from .contract import CATEGORY_NAMES, FEATURES, Feature, LABEL, feature
from .features import typical_approved
from .generator import affordability, affordable, generate
from .validation import applicant_frame

__all__ = [
    "explain",
    "Explanation",
    "Reason",
    "Action",
    "reference_values",
    "option_space",
    "price_changes",
    "MAX_REASONS",
    "MAX_OPTIONS",
    "MIN_IMPACT",
    "INCOME_FLOOR",
    "REACH_TOLERANCE",
]

MAX_REASONS = 4
"""At most this many reasons."""
MAX_OPTIONS = 3
"""At most this many ranked options."""
MIN_IMPACT = 0.05
"""A factor costing less than this in log-odds (about one percentage point at 50 %) is not a reason."""
INCOME_FLOOR = 1_000.0
"""RMB/month: the income a down payment's cost is measured against when income is lower (or zero)."""
REACH_TOLERANCE = 0.005
"""When the target is out of reach: the cheapest option within this of the best reachable probability."""
REFERENCE_ROWS = 20_000
REFERENCE_SEED = 0

# Inputs of the affordability rule (generator.affordability): changing one of them changes the plan.
_PLAN_INPUTS = ("plan_months", "down_payment_ratio", "monthly_expenses")
# Every input of the affordability rule: they act together through the instalment's burden, so the
# reasons name at most one of them (the costliest).
_AFFORDABILITY_GROUP = ("outstanding_balance", "monthly_income", "monthly_expenses", "other_debt_payments",
                        *_PLAN_INPUTS)
_FIRST_BATCH = 384
_GROWTH = 4
_EPS = 1e-9


# --------------------------------------------------------------------------------------------------
# Result objects


def _py(v: Any) -> Any:
    """A plain-Python (JSON-serialisable) version of a scalar."""
    if isinstance(v, (np.bool_, bool)):
        return bool(v)
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, (np.floating, float)):
        return float(v)
    return v


@dataclass(frozen=True)
class Reason:
    """One factor holding the probability down.

    Attributes
    ----------
    feature : str
        Contract column.
    value : object
        The borrower's value.
    impact : float
        Probability gained if this value alone were the reference value
        (how much it costs the borrower), in [0, 1].
    text : str
        The sentence, in the explanation's language.
    reference : object
        The value it was compared with.
    actionable : bool
        Whether the borrower can act on the feature.
    """

    feature: str
    value: Any
    impact: float
    text: str
    reference: Any = None
    actionable: bool = False

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable fields."""
        return {"feature": self.feature, "value": _py(self.value), "reference": _py(self.reference),
                "impact": float(self.impact), "actionable": self.actionable, "text": self.text}


@dataclass(frozen=True)
class Action:
    """One option: a set of changes and what the model expects after them.

    Attributes
    ----------
    changes : dict
        ``{feature: new_value}``, contract order.
    probability : float
        The model's estimate after all the changes.
    cost : float
        Effort units (see :class:`xieshang.contract.ActionSpec`).
    text : str
        The sentence, in the explanation's language.
    gain : float
        ``probability`` minus the current probability.
    """

    changes: dict[str, Any]
    probability: float
    cost: float
    text: str
    gain: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable fields."""
        return {"changes": {k: _py(v) for k, v in self.changes.items()}, "probability": float(self.probability),
                "gain": float(self.gain), "cost": float(self.cost), "text": self.text}


@dataclass(frozen=True)
class Explanation:
    """The answer for one applicant: probability, reasons and options.

    Attributes
    ----------
    probability : float
        The model's estimate now.
    target : float
        The probability the options aim at.
    lang : {"zh", "en"}
    reasons : list of Reason
        Up to four, largest impact first.
    actions : list of Action
        Ranked options, best first; empty when the target is already
        reached or no affordable plan exists.
    single_actions : list of Action
        Each change of the best option on its own (what each step buys),
        largest gain first.
    reached : bool
        Whether the best option (or the applicant as is) reaches ``target``.
    status : {"already", "reached", "best_reachable", "no_affordable_plan", "no_improvement"}
        Already at the target; an option reaches it; none does (the best
        reachable is given); no option leaves an affordable plan; nothing
        realistic raises the probability.
    applicant : dict
        The validated applicant.
    """

    probability: float
    target: float
    lang: str
    reasons: list[Reason]
    actions: list[Action]
    single_actions: list[Action]
    reached: bool
    status: str
    applicant: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def best(self) -> Action | None:
        """The best option, or ``None``."""
        return self.actions[0] if self.actions else None

    def __str__(self) -> str:
        lang = self.lang
        lines = [T.heading("probability", lang, p=T.percent(self.probability), t=T.percent(self.target)), ""]
        if self.reasons:
            lines.append(T.heading("reasons", lang))
            for i, r in enumerate(self.reasons, 1):
                lines.append("  " + T.heading("reason_line", lang, i=i, text=r.text, impact=T.points(r.impact, lang, signed=False)))
        else:
            lines.append(T.heading("no_reasons", lang))
        lines.append("")
        if self.status == "already":
            lines.append(T.heading("already", lang))
        elif self.status in ("no_affordable_plan", "no_improvement"):
            lines.append(T.heading(self.status, lang))
        else:
            if self.status == "best_reachable":
                lines.append(T.heading("unreachable", lang, t=T.percent(self.target),
                                       p=T.percent(self.actions[0].probability)))
            else:
                lines.append(T.heading("actions", lang))
            for i, a in enumerate(self.actions, 1):
                lines.append("  " + T.heading("action_line", lang, i=i, text=a.text, p=T.percent(a.probability),
                                              cost=f"{a.cost:.1f}"))
            if len(self.single_actions) > 1:
                lines.append("  " + T.heading("steps", lang))
                for a in self.single_actions:
                    lines.append("    - " + T.heading("step_line", lang, text=a.text, gain=T.points(a.gain, lang)))
            lines.append("")
            lines.append(T.heading("cost_note", lang, **T.cost_terms()))
        lines.append(T.heading("disclaimer", lang))
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable version (``json.dumps`` works on it)."""
        return {
            "probability": float(self.probability),
            "target": float(self.target),
            "lang": self.lang,
            "reached": bool(self.reached),
            "status": self.status,
            "reasons": [r.to_dict() for r in self.reasons],
            "actions": [a.to_dict() for a in self.actions],
            "single_actions": [a.to_dict() for a in self.single_actions],
            "applicant": {k: _py(v) for k, v in self.applicant.items()},
            "report": str(self),
        }

    def plot(self, ax: Any = None) -> Any:
        """Draw the explanation chart (:func:`xieshang.plots.explanation_chart`)."""
        from .plots import explanation_chart

        return explanation_chart(self, ax=ax)


# --------------------------------------------------------------------------------------------------
# Rows: build candidate frames quickly from one applicant


class _Rows:
    """Column arrays for many variants of one applicant, turned into a contract frame at the end."""

    def __init__(self, base: dict[str, Any], n: int):
        self.n = n
        self.cols: dict[str, np.ndarray] = {}
        for f in FEATURES:
            v = base[f.name]
            if f.kind == "category":
                self.cols[f.name] = np.full(n, f.categories.index(v), dtype=np.int8)
            elif f.kind == "bool":
                self.cols[f.name] = np.full(n, bool(v), dtype=bool)
            elif f.kind == "int":
                self.cols[f.name] = np.full(n, int(v), dtype=np.int64)
            else:
                self.cols[f.name] = np.full(n, float(v), dtype=np.float64)

    def set(self, name: str, rows: Any, values: Any) -> None:
        f = feature(name)
        if f.kind == "category":
            values = np.asarray([f.categories.index(v) for v in np.atleast_1d(values)], dtype=np.int8)
            if values.size == 1:
                values = values[0]
        self.cols[name][rows] = values

    def frame(self) -> pd.DataFrame:
        data = {}
        for f in FEATURES:
            col = self.cols[f.name]
            data[f.name] = pd.Categorical.from_codes(col, categories=f.categories) if f.kind == "category" else col
        return pd.DataFrame(data)


def _proba(model: Any, X: pd.DataFrame) -> np.ndarray:
    """Probability of approval from ``model.predict_proba``, checked."""
    if not hasattr(model, "predict_proba"):
        raise ValueError(f"model: expected an object with predict_proba, got {type(model).__name__}")
    out = np.asarray(model.predict_proba(X), dtype=float)
    if out.shape != (len(X), 2) or not np.isfinite(out).all():
        raise ValueError(f"model.predict_proba: expected a finite ({len(X)}, 2) array, got shape {out.shape}")
    return out[:, 1]


# --------------------------------------------------------------------------------------------------
# Reference values for the reasons


@functools.lru_cache(maxsize=1)
def _generator_reference() -> dict[str, Any]:
    df = generate(REFERENCE_ROWS, seed=REFERENCE_SEED)
    return typical_approved(df, df[LABEL])


def reference_values(model: Any = None) -> dict[str, Any]:
    """The value each feature is compared with to find the reasons.

    The model's own ``reference_values_`` (a typical approved applicant of its
    training data, see :func:`xieshang.features.typical_approved`) where it has
    one; otherwise a typical approved applicant of :data:`REFERENCE_ROWS` rows
    drawn from the generator with :data:`REFERENCE_SEED`.
    """
    ref = getattr(model, "reference_values_", None)
    return dict(ref) if ref else dict(_generator_reference())


def _has_hardship(row: dict[str, Any]) -> bool:
    return row["hardship_reason"] != "none"


def _reason_candidates(row: dict[str, Any], ref: dict[str, Any]) -> list[tuple[str, Any]]:
    out = []
    for f in FEATURES:
        if f.name not in T.REASON_TEMPLATES:  # e.g. savings: bounds a down payment, never a reason
            continue
        r = ref[f.name]
        if f.name == "hardship_proof" and not _has_hardship(row):
            continue
        v = row[f.name]
        same = (v == r) if not f.is_numeric else math.isclose(float(v), float(r), rel_tol=0, abs_tol=1e-12)
        if not same:
            out.append((f.name, r))
    return out


# --------------------------------------------------------------------------------------------------
# The option space


@dataclass(frozen=True)
class _Dim:
    name: str
    values: tuple[Any, ...]   # index 0: keep the current value
    costs: np.ndarray
    directional: bool         # the last option is the most favourable per the contract


def _dims(row: dict[str, Any]) -> list[_Dim]:
    """Per actionable feature, the choices open to this applicant (only those that change something)."""
    dims = []
    income = max(float(row["monthly_income"]), INCOME_FLOOR)
    balance = float(row["outstanding_balance"])
    for f in FEATURES:
        spec = f.action
        if spec is None or (spec.requires == "has_hardship" and not _has_hardship(row)):
            continue
        cur = row[f.name]
        opts: list[tuple[Any, float]] = []
        if spec.kind in ("set_true", "set_false"):
            new = spec.kind == "set_true"
            if bool(cur) != new:
                opts = [(new, spec.cost)]
        elif spec.kind == "raise_level":
            i = f.categories.index(cur)
            opts = [(f.categories[j], spec.cost + spec.unit_cost * (j - i)) for j in range(i + 1, len(f.categories))]
        elif spec.kind == "choose":
            vals = [v for v in spec.values if not math.isclose(v, float(cur))]
            if f.direction != 0:  # only moves in the favourable direction; the most favourable last
                vals = sorted((v for v in vals if (v - float(cur)) * f.direction > 0), key=lambda v: v * f.direction)
            for v in vals:
                v = int(v) if f.kind == "int" else float(v)
                opts.append((v, _choose_cost(f, float(cur), v, balance, income)))
        elif spec.kind == "scale":
            if float(cur) > 0:
                factors = sorted(spec.values, key=lambda s: -s * f.direction)
                for s in factors:
                    new_v = float(math.ceil(float(cur) * s)) if f.direction < 0 else float(math.floor(float(cur) * s))
                    if f.low is not None and new_v < f.low or f.high is not None and new_v > f.high or new_v == float(cur):
                        continue
                    steps = abs(1.0 - s) / 0.1
                    opts.append((new_v, spec.cost + spec.unit_cost * steps))
        if opts:
            dims.append(_Dim(f.name, (cur, *(v for v, _ in opts)),
                             np.array([0.0, *(c for _, c in opts)]), f.direction != 0))
    return dims


def _choose_cost(f: Feature, cur: float, new: float, balance: float, income: float) -> float:
    """Cost of a ``choose`` action; a down payment adds ``unit_cost`` per month of income paid up front."""
    extra = 0.0
    if f.name == "down_payment_ratio":
        extra = f.action.unit_cost * (new - cur) * balance / income
    return f.action.cost + extra


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
    row = _row_of(frame)
    problems = [f"{k}: unknown feature" for k in changes if k not in row]
    if problems:
        raise ValueError("; ".join(problems))
    new_row = {**row, **{k: _py(v) for k, v in changes.items()}}
    try:
        new_row = _row_of(applicant_frame(new_row))
    except ValueError as exc:
        raise ValueError(f"changed applicant: {exc}") from None
    menu = {d.name: d for d in _dims(row)}
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
        if spec.requires == "has_hardship" and not _has_hardship(row):
            problems.append(f"{name}: only where a hardship is stated")
        elif spec.kind == "choose" and (f.direction == 0 or (new - cur) * f.direction > 0):
            total += _choose_cost(f, float(cur), float(new), balance, income)
        elif spec.kind == "scale" and float(cur) > 0 and (new - cur) * f.direction > 0:
            total += spec.cost + spec.unit_cost * abs(1.0 - float(new) / float(cur)) / 0.1
        else:  # a boolean or level moved the unfavourable way, or a scale from 0
            problems.append(f"{name}: {cur!r} -> {new!r} is not an action of the contract")
    if problems:
        raise ValueError("; ".join(problems))
    return float(total)


def _grid(dims: list[_Dim]) -> np.ndarray:
    """All index combinations, shape (n_combos, n_dims), the first being 'keep everything'."""
    if not dims:
        return np.zeros((1, 0), dtype=np.int64)
    shape = [len(d.values) for d in dims]
    return np.indices(shape).reshape(len(shape), -1).T.astype(np.int64)


@dataclass
class _Space:
    dims: list[_Dim]
    other: list[int]          # positions in dims of non-plan dims
    plan: list[int]           # positions in dims of plan dims
    go: np.ndarray            # other grid (nO, len(other))
    gp: np.ndarray            # plan grid (nP, len(plan))
    cost_o: np.ndarray
    cost_p: np.ndarray
    feasible_p: np.ndarray    # plan part leaves an affordable plan
    instalment_p: np.ndarray  # monthly instalment of each plan part (RMB)
    disposable_p: np.ndarray  # disposable income of each plan part (RMB/month)
    best_o: np.ndarray        # rows of go with every directional dim at its most favourable choice

    @property
    def n_p(self) -> int:
        return len(self.gp)

    def split(self, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return idx // self.n_p, idx % self.n_p

    def choices(self, idx: int) -> dict[int, int]:
        """{dim position: option index} of the non-keep choices of combo ``idx``."""
        o, p = divmod(int(idx), self.n_p)
        out = {}
        for j, d in enumerate(self.other):
            if self.go[o, j]:
                out[d] = int(self.go[o, j])
        for j, d in enumerate(self.plan):
            if self.gp[p, j]:
                out[d] = int(self.gp[p, j])
        return out


def option_space(row: dict[str, Any]) -> _Space:
    """The applicant's discrete option space (see the module docstring)."""
    dims = _dims(row)
    plan = [i for i, d in enumerate(dims) if d.name in _PLAN_INPUTS]
    other = [i for i, d in enumerate(dims) if d.name not in _PLAN_INPUTS]
    go = _grid([dims[i] for i in other])
    gp = _grid([dims[i] for i in plan])
    cost_o = sum((dims[d].costs[go[:, j]] for j, d in enumerate(other)), np.zeros(len(go)))
    cost_p = sum((dims[d].costs[gp[:, j]] for j, d in enumerate(plan)), np.zeros(len(gp)))
    cols = {k: np.full(len(gp), float(row[k])) for k in
            ("outstanding_balance", "monthly_income", "other_debt_payments", *_PLAN_INPUTS)}
    for j, d in enumerate(plan):
        cols[dims[d].name] = np.asarray(dims[d].values, dtype=float)[gp[:, j]]
    inst, disp, _ = affordability(pd.DataFrame(cols))
    feasible = affordable(inst, disp)
    top = np.ones(len(go), dtype=bool)
    for j, d in enumerate(other):
        if dims[d].directional:
            top &= go[:, j] == len(dims[d].values) - 1
    return _Space(dims, other, plan, go, gp, cost_o, cost_p, feasible, inst, disp, np.flatnonzero(top))


def _fill(rows: _Rows, space: _Space, at: slice, combos: np.ndarray) -> None:
    o, p = space.split(combos)
    for grid, part, which in ((space.go, space.other, o), (space.gp, space.plan, p)):
        for j, d in enumerate(part):
            dim = space.dims[d]
            f = feature(dim.name)
            values = (np.array([f.categories.index(v) for v in dim.values], dtype=np.int8)
                      if f.kind == "category" else np.asarray(dim.values))
            rows.cols[dim.name][at] = values[grid[which, j]]


# --------------------------------------------------------------------------------------------------
# explain


def _check_target(target: Any) -> float:
    if isinstance(target, (bool, np.bool_)) or not isinstance(target, (int, float, np.integer, np.floating)):
        raise ValueError(f"target: expected a probability strictly between 0 and 1, got {target!r}")
    t = float(target)
    if not (0.0 < t < 1.0):
        raise ValueError(f"target: expected a probability strictly between 0 and 1, got {target!r}")
    return t


def explain(model: Any, applicant: Any, target: float = 0.6, lang: str = "zh") -> Explanation:
    """Explain one applicant's probability and find the cheapest way to ``target``.

    Parameters
    ----------
    model : object
        Anything with ``predict_proba(DataFrame in the contract) -> (n, 2)``.
    applicant : dict or one-row pandas.DataFrame
        One negotiation request in the contract.
    target : float, default 0.6
        The probability to reach, strictly between 0 and 1.
    lang : {"zh", "en"}, default "zh"
        Language of every sentence.

    Returns
    -------
    Explanation

    Raises
    ------
    ValueError
        If the applicant breaks the contract (every problem listed), the
        target is not in (0, 1), the language is unknown, or the model's
        output is not an (n, 2) array.
    """
    problems = []
    try:
        target = _check_target(target)
    except ValueError as exc:
        problems.append(str(exc))
    try:
        lang = T.check_lang(lang)
    except ValueError as exc:
        problems.append(str(exc))
    try:
        frame = applicant_frame(applicant)
    except ValueError as exc:
        problems.append(str(exc))
    if problems:
        raise ValueError("; ".join(problems))
    return _explain_row(model, _row_of(frame), target, lang)


def _row_of(frame: pd.DataFrame) -> dict[str, Any]:
    """The plain-Python ``{feature: value}`` of a validated one-row frame."""
    row = {f.name: _py(frame[f.name].iloc[0]) for f in FEATURES}
    for name in CATEGORY_NAMES:
        row[name] = str(row[name])
    return row


def _explain_row(model: Any, row: dict[str, Any], target: float, lang: str) -> Explanation:
    space = option_space(row)
    n_o, n_p = len(space.go), space.n_p
    # Every option in ascending cost (then fewer changes); unaffordable plans are never options.
    n_changes = (space.go > 0).sum(1)[:, None] + (space.gp > 0).sum(1)[None, :]
    cost = np.round(space.cost_o[:, None] + space.cost_p[None, :], 9)  # sums of floats: equal costs compare equal
    cost_flat = cost.ravel()
    feas_flat = np.broadcast_to(space.feasible_p[None, :], (n_o, n_p)).ravel()
    key = np.round(cost_flat * 1000).astype(np.int64) * 64 + n_changes.ravel()
    order = np.flatnonzero(feas_flat)
    order = order[np.argsort(key[order], kind="stable")]

    # Singles (each change alone) and upper bounds (each plan with everything else at best).
    singles: dict[tuple[int, int], int] = {}
    for j, d in enumerate(space.other):
        for k in range(1, len(space.dims[d].values)):
            o = int(np.flatnonzero((space.go[:, j] == k) & ((space.go > 0).sum(1) == 1))[0])
            singles[(d, k)] = o * n_p
    for j, d in enumerate(space.plan):
        for k in range(1, len(space.dims[d].values)):
            p = int(np.flatnonzero((space.gp[:, j] == k) & ((space.gp > 0).sum(1) == 1))[0])
            singles[(d, k)] = p
    feas_p = np.flatnonzero(space.feasible_p)
    upper = (space.best_o[:, None] * n_p + feas_p[None, :]).ravel()

    reason_rows = _reason_candidates(row, reference_values(model))
    first = np.unique(np.concatenate([[0], np.fromiter(singles.values(), np.int64, len(singles)), upper,
                                      order[:_FIRST_BATCH]]))
    prob = np.full(n_o * n_p, np.nan)

    rows = _Rows(row, len(reason_rows) + len(first))
    for i, (name, ref) in enumerate(reason_rows):
        rows.set(name, i, ref)
    _fill(rows, space, slice(len(reason_rows), None), first)
    p_all = _proba(model, rows.frame())
    prob[first] = p_all[len(reason_rows):]
    base = float(prob[0])
    reasons = _reasons(row, reason_rows, p_all[: len(reason_rows)], base, space, lang)

    def result(actions: list[Action], singles_: list[Action], reached: bool, status: str) -> Explanation:
        return Explanation(base, target, lang, reasons, actions, singles_, reached, status, dict(row))

    if base >= target:
        return result([], [], True, "already")
    if len(feas_p) == 0:
        return result([], [], False, "no_affordable_plan")

    # Upper bound per plan part; unreachable -> aim at the best reachable.
    up = prob[upper].reshape(len(space.best_o), len(feas_p)).max(0)
    bound = np.full(n_p, -np.inf)
    bound[feas_p] = up
    reached = bool(up.max() >= target)
    # Out of reach: near the best, but an option must raise the probability at all.
    goal = target if reached else max(float(up.max()) - REACH_TOLERANCE, base + _EPS)
    _, p_of = space.split(order)
    search = order[bound[p_of] >= goal]

    chunk = _FIRST_BATCH
    while True:
        done = ~np.isnan(prob[search])
        j0 = int(np.argmin(done)) if not done.all() else len(search)
        head = search[:j0]
        hit = head[prob[head] >= goal]
        if len(hit):
            c_star = cost_flat[hit].min()
            if j0 == len(search) or cost_flat[search[j0]] > c_star + _EPS:
                break
        todo = search[j0:][~done[j0:]][:chunk]
        if len(todo) == 0:  # everything that could reach the goal is scored: nothing does
            break
        chunk *= _GROWTH
        rows = _Rows(row, len(todo))
        _fill(rows, space, slice(None), todo)
        prob[todo] = _proba(model, rows.frame())

    # Ranked options: cheapest reaching (ties: higher probability), then non-supersets.
    scored = np.flatnonzero(~np.isnan(prob) & feas_flat & (prob >= goal))
    scored = scored[np.lexsort((-prob[scored], np.round(cost_flat[scored], 9)))]
    chosen: list[dict[int, int]] = []
    picks: list[int] = []
    for idx in scored:
        ch = space.choices(idx)
        if not ch:
            continue
        if any(all(ch.get(d) == k for d, k in c.items()) for c in chosen):
            continue
        chosen.append(ch)
        picks.append(int(idx))
        if len(picks) == MAX_OPTIONS:
            break
    if not picks:  # nothing realistic raises the probability
        return result([], [], False, "no_improvement")
    actions = [_action(space, row, ch, i, float(prob[i]), float(cost_flat[i]), base, lang)
               for ch, i in zip(chosen, picks)]
    best = chosen[0]
    steps = [_action(space, row, {d: k}, singles[(d, k)], float(prob[singles[(d, k)]]),
                     float(space.dims[d].costs[k]), base, lang) for d, k in best.items()]
    steps.sort(key=lambda a: -a.gain)
    reached_best = bool(actions[0].probability >= target)
    return result(actions, steps, reached_best, "reached" if reached_best else "best_reachable")


def _action(space: _Space, row: dict[str, Any], choice: dict[int, int], idx: int, p: float, cost: float,
            base: float, lang: str) -> Action:
    changes = {space.dims[d].name: _py(space.dims[d].values[k]) for d, k in sorted(choice.items())}
    instalment = float(space.instalment_p[int(idx) % space.n_p])
    return Action(changes, p, cost, T.action_text(changes, row, lang, instalment=instalment), p - base)


def _logit(p: np.ndarray | float) -> np.ndarray:
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return np.log(p / (1 - p))


def _reasons(row: dict[str, Any], candidates: list[tuple[str, Any]], p_ref: np.ndarray, base: float,
             space: _Space, lang: str) -> list[Reason]:
    # Same ranking in probability or log-odds (same base); the threshold is in log-odds, since
    # near 0 % every factor looks negligible in probability.
    gains = p_ref - base
    points = _logit(p_ref) - _logit(base)
    inst, disp = float(space.instalment_p[0]), float(space.disposable_p[0])
    ctx = {"instalment": inst, "disposable": disp, "share": inst / disp if disp > 0 else float("inf")}
    unaffordable = not affordable(inst, disp)
    order = np.argsort(-gains, kind="stable")
    out: list[Reason] = []
    group_used = False
    for i in order:
        if len(out) == MAX_REASONS or points[i] < MIN_IMPACT:
            break
        name, ref = candidates[i]
        if name in _AFFORDABILITY_GROUP:
            if group_used:  # one reason for the plan's affordability, not one per input
                continue
            group_used = True
        f: Feature = feature(name)
        sentence = T.reason_text(name, row[name], ref, lang, ctx)
        if unaffordable and name in _AFFORDABILITY_GROUP and name != "plan_months":
            sentence += T.heading("unaffordable_note", lang, instalment=T.money(inst), disposable=T.money(disp))
        out.append(Reason(name, row[name], float(gains[i]), sentence, reference=ref, actionable=f.actionable))
    return out
