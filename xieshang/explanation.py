"""Why is the probability what it is, and what is the cheapest safe way to raise it.

:func:`explain` (one applicant) and :func:`explain_frame` (every row of a
frame, batched) work with any model whose ``predict_proba`` takes a frame in
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
at the borrower's values, all in one batched call; the features whose
reference raises the *unclipped* log-odds the most (by at least
:data:`MIN_IMPACT`; see :func:`_scores`: a borrower at the model's 0.1 % clip
still gets reasons) are the reasons, up to :data:`MAX_REASONS`. The inputs of
the plan rule (balance, income, expenses, other debts, plan length, down
payment) act together, so at most one of them (the costliest) is named, with
the instalment and disposable income when the plan is unaffordable. Never a
reason: an unknown value, ``savings`` (:data:`xieshang.text.NO_REASON`), days
overdue when more days would help (staying overdue is never advice), an asset
proof for a borrower known to have no savings. This is the "points below the
typical approved applicant" method lenders use for adverse action notices,
computed on the model instead of a scorecard. Reasons may name things the
borrower cannot change.

Actions (search)
----------------
The action space is discrete and small: every actionable feature of the
contract (:class:`xieshang.contract.ActionSpec`) offers "keep" plus a few
options; an *option* picks one choice per feature (at most :data:`MAX_STEPS`
changes) and costs the sum of its choices' costs. Rules: only actionable
features change; a hardship proof only where a hardship is stated; an asset
proof only where savings are positive or unknown; a down payment only goes up,
only from known savings (``ratio × balance ≤ savings``) and with positive
disposable income, and costs ``cost + unit_cost * (increase * balance /
max(income, INCOME_FLOOR))`` (months of income paid up front); expenses are
cut by at most 20 %; and every option leaves a plan that
:func:`xieshang.rules.affordable` accepts (the living buffer). When no plan is
affordable, the options keep the plan as it is (the steps that still raise the
estimate), with ``Action.affordable = False`` and status
``no_affordable_plan``. The search:

1. scores the borrower and the reason rows (an applicant at the target stops
   here); then every single change, the cheapest options, and for every plan
   length an *upper bound*: that length with the most favourable down payment
   and expense cut and every other action at its most favourable level;
2. if no scored option reaches the target, scores a greedy option per plan
   (the plan plus its strongest single steps: the best such option for a model
   additive in log-odds) to learn whether the target is within reach; out of
   reach, the goal becomes the best reachable probability minus
   :data:`REACH_TOLERANCE`;
3. scores options in ascending order of cost, in growing batches, skipping
   plans whose upper bound misses the goal, until the cheapest option reaching
   it is known (every cheaper option scored or pruned; at most
   ``_SEARCH_BUDGET`` options beyond the first batch, after which the cheapest
   reaching option found is kept). Equal costs are broken by the higher
   probability.

The first option is exact for any model once everything cheaper is scored;
pruning by the upper bound relies on the contract's directions for the
actionable features with a direction, which the trained model enforces with
monotonic constraints and the generator's truth satisfies; the tests compare
it with a brute-force search. A step adding under :data:`MIN_STEP_GAIN` alone
is then dropped when the option keeps its goal without it. Alternatives are
the next cheapest reaching options among those scored that are not a superset
of an option already listed.

Every explanation also carries the gap in money (:func:`plan_gap`) when the
plan is unaffordable, and the article's way forward for this applicant
(``next_steps``). :func:`explain_frame` runs the searches of many applicants
side by side as coroutines, stacking the rows each one asks for into a single
``predict_proba`` call per round.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Generator, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from . import rules
from . import text as T
from .contract import FEATURES, LABEL, NO_HARDSHIP, Feature, feature
from .features import typical_approved
from .generator import generate
from .modeling.estimators import log_odds
from .validation import applicant_frame, category_dtype, column_arrays, validate_frame

__all__ = [
    "explain",
    "explain_frame",
    "check_target",
    "plan_gap",
    "Explanation",
    "Reason",
    "Action",
    "Gap",
    "Unknown",
    "MAX_UNKNOWNS",
    "OptionSpace",
    "reference_values",
    "option_space",
    "price_changes",
    "MAX_REASONS",
    "MAX_OPTIONS",
    "MIN_IMPACT",
    "MAX_STEPS",
    "MIN_STEP_GAIN",
    "INCOME_FLOOR",
    "REACH_TOLERANCE",
]

MAX_REASONS = 4
"""At most this many reasons."""
MAX_OPTIONS = 3
"""At most this many ranked options."""
MAX_STEPS = 4
"""At most this many changes in one option (short, meaningful options)."""
MIN_STEP_GAIN = 0.01
"""A step adding less than this probability alone is dropped unless the option needs it to reach its goal."""
MIN_IMPACT = 0.05
"""A factor costing less than this in log-odds (about one percentage point at 50 %) is not a reason."""
INCOME_FLOOR = 1_000.0
"""RMB/month: the income a down payment's cost is measured against when income is lower (or zero)."""
REACH_TOLERANCE = 0.005
"""When the target is out of reach: the cheapest option within this of the best reachable probability."""
REFERENCE_ROWS = 20_000
REFERENCE_SEED = 0

# Inputs of the plan rule (xieshang.rules): changing one of them changes the plan.
_PLAN_INPUTS = ("plan_months", "down_payment_ratio", "monthly_expenses")
# Every input of the affordability rule: they act together through the instalment's burden, so the
# reasons name at most one of them (the costliest).
_AFFORDABILITY_GROUP = ("outstanding_balance", "monthly_income", "monthly_expenses", "other_debt_payments",
                        *_PLAN_INPUTS)
_FIRST_BATCH = 64
_SEARCH_BUDGET = 512  # options scored by the search beyond the first batch, per applicant
_BATCH_APPLICANTS = 1024  # explain_frame: applicants whose candidate rows share one predict_proba call
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
    affordable : bool
        Whether the plan after this option satisfies :func:`xieshang.rules.affordable`
        (the living buffer). ``False`` only for the steps offered when no
        affordable plan exists: they raise the estimate, the plan stays unaffordable.
    """

    changes: dict[str, Any]
    probability: float
    cost: float
    text: str
    gain: float = 0.0
    affordable: bool = True

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable fields."""
        return {"changes": {k: _py(v) for k, v in self.changes.items()}, "probability": float(self.probability),
                "gain": float(self.gain), "cost": float(self.cost), "affordable": bool(self.affordable),
                "text": self.text}


@dataclass(frozen=True)
class Unknown:
    """An unknown value of the applicant, and how much it matters for the answer.

    Attributes
    ----------
    feature : str
        Contract column whose value is unknown.
    impact : float
        Change of the probability if the value were that of a typical
        approved applicant (:func:`reference_values`).
    text : str
        The item, in the explanation's language.
    """

    feature: str
    impact: float
    text: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable fields."""
        return {"feature": self.feature, "impact": float(self.impact), "text": self.text}


@dataclass(frozen=True)
class Gap:
    """What would make the cheapest plan affordable, in money (:func:`plan_gap`).

    The cheapest plan is the longest the contract offers with the largest
    down payment the borrower can fund from known savings (the current one
    otherwise). Every number comes from :mod:`xieshang.rules`, the rule the
    search uses.

    Attributes
    ----------
    plan_months : int
    down_payment_ratio : float
    down_payment : float
        RMB paid up front at that ratio.
    instalment : float
        RMB a month of that plan.
    required_disposable : float
        :func:`xieshang.rules.required_disposable` of the instalment.
    disposable : float
        The borrower's disposable income now (RMB a month).
    shortfall : float
        ``required_disposable - disposable`` (0 when the plan is affordable):
        RMB a month to find by cutting other debt payments or expenses or by
        raising income.
    lump_sum : float
        RMB paid up front (beyond the down payment) that would make the rest
        affordable over ``plan_months`` at the current disposable income (the
        whole remaining balance when no instalment is affordable).
    """

    plan_months: int
    down_payment_ratio: float
    down_payment: float
    instalment: float
    required_disposable: float
    disposable: float
    shortfall: float
    lump_sum: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable fields."""
        return {"plan_months": int(self.plan_months), "down_payment_ratio": float(self.down_payment_ratio),
                "down_payment": float(self.down_payment), "instalment": float(self.instalment),
                "required_disposable": float(self.required_disposable), "disposable": float(self.disposable),
                "shortfall": float(self.shortfall), "lump_sum": float(self.lump_sum)}

    def text(self, lang: str) -> str:
        """The sentence in ``lang``."""
        remaining = self.instalment * self.plan_months  # what is left after the down payment
        return T.gap_text({**self.to_dict(), "whole": self.lump_sum >= remaining - 1e-6}, lang)


@dataclass(frozen=True)
class Explanation:
    """The answer for one applicant: probability, reasons, options, the gap and the way forward.

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
        reached or nothing raises the probability. When no affordable plan
        exists they are steps that keep the plan (``affordable=False``).
    single_actions : list of Action
        Each step of the best option on its own (what each step buys),
        largest gain first; the plan's terms (length, down payment, expense
        cut) count as one step, the new plan, since they act together.
    reached : bool
        Whether the best option (or the applicant as is) reaches ``target``
        with an affordable plan.
    status : {"already", "reached", "best_reachable", "no_affordable_plan", "no_improvement"}
        Already at the target; an option reaches it; none does (the best
        reachable is given); no option leaves an affordable plan (the steps
        that still raise the estimate are given); nothing realistic raises
        the probability.
    applicant : dict
        The validated applicant.
    gap : Gap or None
        Set when the applicant's plan is unaffordable: what would make the
        cheapest plan affordable.
    next_steps : list of str
        The article's way forward that applies to this applicant, a checklist
        in the explanation's language.
    notes : list of str
        Separate notes (e.g. what a down payment would do when savings are unknown).
    unknowns : list of Unknown
        The applicant's unknown values that matter most for the answer (up
        to :data:`MAX_UNKNOWNS`, largest change first).
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
    gap: Gap | None = None
    next_steps: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    unknowns: list[Unknown] = field(default_factory=list)

    @property
    def best(self) -> Action | None:
        """The best option, or ``None``."""
        return self.actions[0] if self.actions else None

    def __str__(self) -> str:
        lang = self.lang
        lines = [T.heading("disclaimer", lang), "",
                 T.heading("probability", lang, p=T.percent(self.probability), t=T.percent(self.target)), ""]
        if self.reasons:
            lines.append(T.heading("reasons", lang))
            for i, r in enumerate(self.reasons, 1):
                lines.append("  " + T.heading("reason_line", lang, i=i, text=r.text,
                                              impact=T.points(r.impact, lang, signed=False)))
        else:
            lines.append(T.heading("no_reasons", lang))
        if self.unknowns:
            lines.append(T.heading("unknowns", lang, items=T.list_sep(lang).join(u.text for u in self.unknowns)))
        lines.append("")
        if self.status == "already":
            lines.append(T.heading("already", lang))
        elif self.status == "no_improvement":
            lines.append(T.heading(self.status, lang))
        else:
            if self.status == "no_affordable_plan":
                lines.append(T.heading("no_affordable_plan", lang))
                if self.actions:
                    lines.append(T.heading("unaffordable_steps", lang))
            elif self.status == "best_reachable":
                lines.append(T.heading("unreachable", lang, t=T.percent(self.target),
                                       p=T.percent(self.actions[0].probability)))
            else:
                lines.append(T.heading("actions", lang))
            for i, a in enumerate(self.actions, 1):
                mark = "" if a.affordable else " " + T.heading("unaffordable_mark", lang)
                lines.append("  " + T.heading("action_line", lang, i=i, text=a.text, p=T.percent(a.probability),
                                              cost=f"{a.cost:.1f}") + mark)
            if len(self.single_actions) > 1:
                lines.append("  " + T.heading("steps", lang))
                fixes = self.gap is not None  # the applicant's plan is unaffordable now
                for a in self.single_actions:
                    line = "    - " + T.heading("step_line", lang, text=a.text, gain=T.points(a.gain, lang))
                    if fixes and a.affordable and set(a.changes) & set(_PLAN_INPUTS):
                        line += " " + T.heading("makes_affordable", lang)
                    lines.append(line)
        if self.gap is not None and self.gap.shortfall > 0:
            lines += ["", self.gap.text(lang)]
        for note in self.notes:
            lines += ["", note]
        if self.actions:
            lines += ["", T.heading("cost_note", lang, **T.cost_terms())]
        if self.next_steps:
            lines += ["", T.heading("next_steps", lang)]
            lines += [f"  {i}. {s}" for i, s in enumerate(self.next_steps, 1)]
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
            "gap": self.gap.to_dict() if self.gap is not None else None,
            "next_steps": list(self.next_steps),
            "notes": list(self.notes),
            "unknowns": [u.to_dict() for u in self.unknowns],
            "applicant": {k: _json_value(v) for k, v in self.applicant.items()},
            "report": str(self),
        }

    def plot(self, ax: Any = None) -> Any:
        """Draw the explanation chart (:func:`xieshang.plots.explanation_chart`)."""
        from .plots import explanation_chart

        return explanation_chart(self, ax=ax)


def _json_value(v: Any) -> Any:
    """A plain-Python value with unknown (NaN) as ``None`` (strict JSON has no NaN)."""
    v = _py(v)
    return None if _unknown(v) else v


def _unknown(v: Any) -> bool:
    """Whether a validated cell is unknown (NaN)."""
    return isinstance(v, float) and v != v


# --------------------------------------------------------------------------------------------------
# Rows: build candidate frames quickly from one applicant

_CATEGORY_NAMES = tuple(f.name for f in FEATURES if f.kind == "category")


class _Rows:
    """Many variants of one applicant, turned into contract rows by :func:`_stack`.

    A variant differs from the applicant in whole columns (``cols``, one value per row, set by
    :func:`_fill_choices`) or in single cells (``cells``); every other value is the applicant's,
    repeated only when the rows are stacked. An unknown value stays unknown: NaN in a float column
    (an int or bool column with an unknown value is held as float, as validation returns it), code
    -1 for a category.
    """

    def __init__(self, base: dict[str, Any], n: int, enc: _Encoding | None = None):
        self.n = n
        self.base = base
        self.enc = enc if enc is not None else _encode(base)
        self.cols: dict[str, np.ndarray] = {}
        self.cells: list[tuple[int, str, Any]] = []  # (row, column, stored value); applied after cols

    def cell(self, i: int, name: str, value: Any) -> None:
        """Row ``i`` takes ``value`` in column ``name`` (stored as the applicant's column would hold it)."""
        f = feature(name)
        code = f.categories.index(value) if f.kind == "category" else np.asarray(value, dtype=self.enc.dtypes[name])
        self.cells.append((i, name, code))

    def frame(self) -> pd.DataFrame:
        return _stack([self])


def _column_dtype(f: Feature, v: Any) -> Any:
    """The dtype of a candidate column of ``f`` for an applicant whose value is ``v``."""
    if f.kind == "category":
        return np.int8  # codes, -1 unknown
    if _unknown(v) or f.kind == "float":
        return np.float64
    return bool if f.kind == "bool" else np.int64


@dataclass(frozen=True)
class _Encoding:
    """An applicant's values as candidate columns store them (see :func:`_encode`)."""

    dtypes: dict[str, Any]  # per feature, the dtype of the applicant's candidate column
    codes: np.ndarray       # per feature (contract order), the stored value as a float (category: its code)
    held_float: np.ndarray  # per feature, whether an int or bool column is held as float (its value is unknown)


def _encode(row: Mapping[str, Any]) -> _Encoding:
    """The applicant's value of every feature as stored in a candidate column, and that column's dtype."""
    dtypes: dict[str, Any] = {}
    codes = np.empty(len(FEATURES))
    held_float = np.zeros(len(FEATURES), dtype=bool)
    for j, f in enumerate(FEATURES):
        v = row[f.name]
        unknown = v != v  # NaN (a validated row holds no other unknown)
        if f.kind == "category":
            codes[j] = -1 if unknown else f.categories.index(v)
            dtypes[f.name] = np.int8
        else:
            codes[j] = v  # an int below 2**53 or a bool is exact as a float
            dtypes[f.name] = np.float64 if unknown or f.kind == "float" else bool if f.kind == "bool" else np.int64
            held_float[j] = unknown and f.kind != "float"
    return _Encoding(dtypes, codes, held_float)


# Per feature, the dtype of a stacked candidate column when no applicant's value is unknown.
_STACK_DTYPES = tuple({"category": np.int8, "float": np.float64, "int": np.int64, "bool": bool}[f.kind] for f in FEATURES)


def _stack(batches: list[_Rows]) -> pd.DataFrame:
    """One contract frame of every batch's rows, in order (a bool/int column next to a float one becomes float)."""
    counts = np.fromiter((b.n for b in batches), np.int64, len(batches))
    ends = np.cumsum(counts)
    codes = np.array([b.enc.codes for b in batches]).reshape(len(batches), len(FEATURES))
    held_float = np.logical_or.reduce([b.enc.held_float for b in batches]).reshape(len(FEATURES)).tolist()
    data = {}
    for j, f in enumerate(FEATURES):
        dtype = np.float64 if held_float[j] else _STACK_DTYPES[j]
        data[f.name] = np.repeat(codes[:, j].astype(dtype), counts)  # the applicants' own values
    for k, b in enumerate(batches):
        start = ends[k] - b.n
        for name, c in b.cols.items():  # whole columns that differ from the applicant
            data[name][start:ends[k]] = c
        for i, name, code in b.cells:  # then single cells
            data[name][start + i] = code
    for name in _CATEGORY_NAMES:  # the contract's shared dtype: the model's validation skips comparing categories
        data[name] = pd.Categorical.from_codes(data[name], dtype=category_dtype(name))
    return pd.DataFrame(data)


def _proba(model: Any, X: pd.DataFrame) -> np.ndarray:
    """Probability of approval from ``model.predict_proba``, checked."""
    if not hasattr(model, "predict_proba"):
        raise ValueError(f"model: expected an object with predict_proba, got {type(model).__name__}")
    out = np.asarray(model.predict_proba(X), dtype=float)
    if out.shape != (len(X), 2) or not np.isfinite(out).all():
        raise ValueError(f"model.predict_proba: expected a finite ({len(X)}, 2) array, got shape {out.shape}")
    return out[:, 1]


def _scores(model: Any, X: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """``(probability, log-odds)`` of every row in one model call where possible.

    The probability is the model's ``predict_proba``. The log-odds, which rank
    the reasons, are unclipped where the model can say them, so that an
    applicant at the probability floor still hears what holds them down:
    ``predict_proba_and_log_odds`` (one call, :class:`xieshang.ApprovalModel`),
    else ``decision_function``, else the logit of the probability.
    """
    both = getattr(model, "predict_proba_and_log_odds", None)
    decision = getattr(model, "decision_function", None)
    if callable(both):  # one model call for both (xieshang.ApprovalModel)
        p, z = (np.asarray(a, dtype=float).reshape(-1) for a in both(X))
    elif callable(decision):
        p, z = _proba(model, X), np.asarray(decision(X), dtype=float).reshape(-1)
    else:
        p = _proba(model, X)
        return p, log_odds(p)
    if p.shape != (len(X),) or z.shape != (len(X),) or not (np.isfinite(p).all() and np.isfinite(z).all()):
        raise ValueError(f"model: expected {len(X)} finite probabilities and log-odds, got shapes {p.shape}, {z.shape}")
    return p, z


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


def _has_hardship(row: Mapping[str, Any]) -> bool:
    return row["hardship_reason"] != NO_HARDSHIP


def _savings(row: Mapping[str, Any]) -> float:
    """Known savings (RMB), or NaN when unknown or absent."""
    v = row.get("savings", float("nan"))
    return float("nan") if v is None else float(v)


def _handed_in(v: Any) -> bool:
    """A document or flag known to be True (unknown is not ``True``: ``bool(nan)`` would be)."""
    return not _unknown(v) and bool(v)


def _disposable(row: Mapping[str, Any]) -> float:
    return float(rules.disposable_income(row["monthly_income"], row["monthly_expenses"], row["other_debt_payments"]))


MAX_UNKNOWNS = 3
"""At most this many unknown values are named as mattering for the answer."""


def _comparison_rows(row: dict[str, Any], ref: dict[str, Any]) -> tuple[list[tuple[str, Any]], list[tuple[str, Any]]]:
    """The features to move to their reference value: ``(reason candidates, unknowns)``.

    Reason candidates are known values that differ from the reference (an unknown value is never
    held against anyone); unknowns are the blanks that could be filled in. Neither includes savings
    (:data:`xieshang.text.NO_REASON`) nor a hardship proof without a hardship.
    """
    reasons, unknowns = [], []
    savings = _savings(row)
    for f in FEATURES:
        if f.name in T.NO_REASON or (f.name == "hardship_proof" and not _has_hardship(row)):
            continue
        r, v = ref[f.name], row[f.name]
        if _unknown(v):
            unknowns.append((f.name, r))
            continue
        if f.name == "asset_proof" and savings <= 0:  # known to have nothing to prove
            continue
        if f.name == "days_overdue" and float(v) <= float(r):  # never suggest that staying overdue helps
            continue
        same = (v == r) if not f.is_numeric else math.isclose(float(v), float(r), rel_tol=0, abs_tol=1e-12)
        if not same:
            reasons.append((f.name, r))
    return reasons, unknowns


def _unknowns(candidates: list[tuple[str, Any]], p_ref: np.ndarray, z_ref: np.ndarray, base: float, z_base: float,
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
            text = T.heading("unknown_item", lang, label=label, pts=T.points(float(p) - base, lang))
            found.append((abs(float(z) - z_base), Unknown(name, float(p) - base, text)))
    found.sort(key=lambda item: -item[0])
    return [u for _, u in found[:MAX_UNKNOWNS]]


# --------------------------------------------------------------------------------------------------
# The option space


@dataclass(frozen=True, eq=False)  # compared and hashed by identity (the shared ones key a cache)
class _Dim:
    name: str
    values: tuple[Any, ...]   # index 0: keep the current value
    costs: np.ndarray
    directional: bool         # the last option is the most favourable per the contract
    shared: bool = False      # built once for every applicant with this value (_state_dim): read-only
    stored: np.ndarray = field(init=False, repr=False)  # values as a candidate column holds them (category: codes)

    def __post_init__(self) -> None:
        f = feature(self.name)
        dtype = _column_dtype(f, self.values[0])  # the applicant's column: float64 where the value is unknown
        stored = (np.array([-1 if _unknown(v) else f.categories.index(v) for v in self.values], dtype=dtype)
                  if f.kind == "category" else np.asarray(self.values, dtype=dtype))
        stored.flags.writeable = False
        object.__setattr__(self, "stored", stored)


def _down_payment_ok(row: Mapping[str, Any], ratio: float, disposable: float | None = None) -> bool:
    """A down payment of ``ratio`` is offered only from money the borrower has.

    Known savings cover it (``ratio × balance ≤ savings``) and disposable
    income is positive; never when savings are unknown. ``disposable``:
    the applicant's disposable income, when already known.
    """
    savings = _savings(row)
    return (not math.isnan(savings) and (_disposable(row) if disposable is None else disposable) > 0
            and ratio * float(row["outstanding_balance"]) <= savings + 1e-9)


def _dims(row: dict[str, Any]) -> list[_Dim]:
    """Per actionable feature, the choices open to this applicant (only those that change something)."""
    dims = []
    income = max(float(row["monthly_income"]), INCOME_FLOOR)
    balance = float(row["outstanding_balance"])
    savings = _savings(row)
    for f in FEATURES:
        spec = f.action
        if spec is None or (spec.requires == "has_hardship" and not _has_hardship(row)):
            continue
        if f.name == "asset_proof" and savings <= 0:  # no assets to prove (unknown: "if you have any")
            continue
        cur = row[f.name]
        opts: list[tuple[Any, float]] = []
        if spec.kind in ("set_true", "set_false", "raise_level"):
            dim = _state_dim(f.name, None if _unknown(cur) else cur)  # depends on the value alone: shared
            if dim is not None:
                dims.append(dim)
            continue
        if spec.kind == "choose":
            vals = [v for v in spec.values if not math.isclose(v, float(cur))]
            if f.direction != 0:  # only moves in the favourable direction; the most favourable last
                vals = sorted((v for v in vals if (v - float(cur)) * f.direction > 0), key=lambda v: v * f.direction)
            if f.name == "down_payment_ratio":
                disp = _disposable(row)
                vals = [v for v in vals if _down_payment_ok(row, v, disp)]
            for v in vals:
                v = int(v) if f.kind == "int" else float(v)
                opts.append((v, _choose_cost(f, float(cur), v, balance, income)))
        elif spec.kind == "scale" and float(cur) > 0:
            factors = sorted(spec.values, key=lambda s: -s * f.direction)
            for s in factors:
                new_v = float(math.ceil(float(cur) * s)) if f.direction < 0 else float(math.floor(float(cur) * s))
                if (f.low is not None and new_v < f.low) or (f.high is not None and new_v > f.high) or new_v == float(cur):
                    continue
                steps = abs(1.0 - s) / 0.1
                opts.append((new_v, spec.cost + spec.unit_cost * steps))
        if opts:
            dims.append(_Dim(f.name, (cur, *(v for v, _ in opts)),
                             np.array([0.0, *(c for _, c in opts)]), f.direction != 0))
    return dims


@functools.lru_cache(maxsize=256)
def _state_dim(name: str, cur: Any) -> _Dim | None:
    """The choices of a document, flag or level whose value is ``cur`` (``None``: unknown), or ``None`` if none.

    They depend on the value alone, so one :class:`_Dim` (read-only) serves every applicant with it.
    """
    f = feature(name)
    spec = f.action_spec()
    value = float("nan") if cur is None else cur
    opts: list[tuple[Any, float]] = []
    if spec.kind == "set_true":
        if not _handed_in(value):  # False or unknown
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
    return _Dim(f.name, (value, *(v for v, _ in opts)), costs, f.direction != 0, shared=True)


def _choose_cost(f: Feature, cur: float, new: float, balance: float, income: float) -> float:
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


def _unique(a: np.ndarray, size: int) -> np.ndarray:
    """``np.unique(a)`` of indices in ``[0, size)``, by marking them (cheaper on the small arrays here)."""
    seen = np.zeros(size, dtype=bool)
    seen[a] = True
    return np.flatnonzero(seen)


def _unique_inverse(a: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(a, return_inverse=True)`` of indices in ``[0, size)``, by marking them."""
    seen = np.zeros(size, dtype=bool)
    seen[a] = True
    rank = np.cumsum(seen) - 1  # position of each marked index among the marked ones
    return np.flatnonzero(seen), rank[a]


def _grid_of(shape: tuple[int, ...]) -> np.ndarray:
    """All index combinations of dimensions of these sizes, shape (n_combos, n_dims), the first 'keep everything'."""
    if not shape:
        return np.zeros((1, 0), dtype=np.int64)
    return np.indices(shape).reshape(len(shape), -1).T.astype(np.int64)


def _grid(dims: list[_Dim]) -> np.ndarray:
    """All index combinations, shape (n_combos, n_dims), the first being 'keep everything'."""
    return _grid_of(tuple(len(d.values) for d in dims))


def _strides(shape: tuple[int, ...]) -> np.ndarray:
    """Row-major strides of a grid of this shape: ``choice @ strides`` is its ravelled code."""
    out = np.ones(len(shape), dtype=np.int64)
    for j in range(len(shape) - 2, -1, -1):
        out[j] = out[j + 1] * shape[j + 1]
    return out


@dataclass(frozen=True, eq=False)  # hashed by identity: one per shape (_grids)
class _Grids:
    """What an option space's grids hold, which depends only on its dimensions' sizes and directions.

    Many applicants share a shape, so this is built once per shape (:func:`_grids`) instead of
    once per applicant. Every array is read-only: it is shared.
    """

    go: np.ndarray          # other grid: every choice of the non-plan dims with at most MAX_STEPS changes
    codes_o: np.ndarray     # each go row's code in the full other grid (ascending)
    go_rows: np.ndarray     # per code of the full other grid, its row of go (-1: more than MAX_STEPS changes)
    strides_o: np.ndarray   # choice @ strides_o: the code in the full other grid
    top_o: np.ndarray       # full-grid rows with every directional other dim at its most favourable choice
    gp: np.ndarray          # plan grid (every choice of the plan dims); a row's index is its code
    n_changes: np.ndarray   # changes of each combo (go row x gp row, ravelled)
    few_steps: np.ndarray   # n_changes <= MAX_STEPS
    single_o: np.ndarray    # go row changing only other dim j to choice k, for (j, k) in dims order
    single_p: np.ndarray    # plan part changing only plan dim j to choice k, for (j, k) in dims order
    bound_p: np.ndarray     # per plan part, the part with every directional plan dim at its most favourable


@functools.lru_cache(maxsize=1024)
def _grids(shape_o: tuple[int, ...], directional_o: tuple[bool, ...], shape_p: tuple[int, ...],
           directional_p: tuple[bool, ...]) -> _Grids:
    """The :class:`_Grids` of an option space whose dims have these sizes and directions (cached)."""
    full = _grid_of(shape_o)
    n_full = (full > 0).sum(1)
    keep = n_full <= MAX_STEPS
    go_rows = np.full(len(full), -1, dtype=np.int64)
    go_rows[keep] = np.arange(int(keep.sum()))
    top = np.ones(len(full), dtype=bool)
    for j, directional in enumerate(directional_o):
        if directional:
            top &= full[:, j] == shape_o[j] - 1
    gp = _grid_of(shape_p)
    strides_o, strides_p = _strides(shape_o), _strides(shape_p)
    n_changes = (n_full[keep][:, None] + (gp > 0).sum(1)[None, :]).ravel()
    single_o = np.array([go_rows[k * strides_o[j]] for j, n in enumerate(shape_o) for k in range(1, n)], dtype=np.int64)
    single_p = np.array([k * strides_p[j] for j, n in enumerate(shape_p) for k in range(1, n)], dtype=np.int64)
    best_p = gp.copy()
    for j, directional in enumerate(directional_p):
        if directional:
            best_p[:, j] = shape_p[j] - 1
    out = _Grids(full[keep], np.flatnonzero(keep), go_rows, strides_o, full[top], gp, n_changes,
                 n_changes <= MAX_STEPS, single_o, single_p, best_p @ strides_p)
    for a in vars(out).values():  # shared between applicants: never written to
        a.flags.writeable = False
    return out


@dataclass
class OptionSpace:
    """One applicant's discrete option space (:func:`option_space`): its dimensions, grids and plan terms."""

    dims: list[_Dim]
    other: list[int]          # positions in dims of non-plan dims
    plan: list[int]           # positions in dims of plan dims
    go: np.ndarray            # other grid (nO, len(other)), at most MAX_STEPS changes per row
    gp: np.ndarray            # plan grid (nP, len(plan))
    cost_o: np.ndarray
    cost_p: np.ndarray
    feasible_p: np.ndarray    # plan part leaves an affordable plan (rules.affordable)
    instalment_p: np.ndarray  # monthly instalment of each plan part (RMB)
    disposable_p: np.ndarray  # disposable income of each plan part (RMB/month)
    top_o: np.ndarray         # other choices with every directional dim at its most favourable (may exceed MAX_STEPS)
    codes_o: np.ndarray       # ravelled index of each go row in the full grid (ascending)
    grids: _Grids = field(repr=False)  # the shape's grids, shared with applicants of the same shape

    @property
    def n_p(self) -> int:
        return len(self.gp)

    def split(self, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return idx // self.n_p, idx % self.n_p

    def o_index(self, choice: Any) -> Any:
        """Row(s) of ``go`` holding the other-dims choice(s) ``choice`` (shape (n_other,) or (k, n_other))."""
        c = np.asarray(choice, dtype=np.int64)
        shape = [len(self.dims[d].values) for d in self.other]
        if c.shape[-1:] != (len(shape),) or (c.size and ((c < 0).any() or (c >= shape).any())):
            raise ValueError(f"invalid choice {choice!r} for dimensions of sizes {shape}")
        # Row-major code in the full grid (as np.ravel_multi_index), then its row of go (-1: not in go).
        i = self.grids.go_rows[c @ self.grids.strides_o]
        if np.any(i < 0):
            raise KeyError(choice)
        return int(i) if c.ndim == 1 else i

    def p_index(self, choice: Any) -> Any:
        """Plan part(s) holding the plan-dims choice(s) ``choice``."""
        c = np.asarray(choice, dtype=np.int64)
        shape = [len(self.dims[d].values) for d in self.plan]
        code = np.ravel_multi_index(tuple(c.T), shape) if shape else np.zeros(c.shape[:-1], dtype=np.int64)
        return int(code) if c.ndim == 1 else np.asarray(code, dtype=np.int64)

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


def option_space(row: dict[str, Any]) -> OptionSpace:
    """The applicant's discrete option space (see the module docstring).

    ``go`` x ``gp`` enumerates the options: ``go`` holds the choices of the
    steps that leave the plan alone (documents, contact, information...), at
    most :data:`MAX_STEPS` changes each, ``gp`` those of the plan (length,
    down payment, expenses); ``feasible_p`` says which plan parts satisfy
    :func:`xieshang.rules.affordable`. An option also has at most
    :data:`MAX_STEPS` changes in all.
    """
    dims = _dims(row)
    plan = [i for i, d in enumerate(dims) if d.name in _PLAN_INPUTS]
    other = [i for i, d in enumerate(dims) if d.name not in _PLAN_INPUTS]
    grids = _grids(tuple(len(dims[d].values) for d in other), tuple(dims[d].directional for d in other),
                   tuple(len(dims[d].values) for d in plan), tuple(dims[d].directional for d in plan))
    go, gp = grids.go, grids.gp
    dims_o = tuple(dims[d] for d in other)
    cost_o = (_shared_cost_o(dims_o, grids) if all(d.shared for d in dims_o)
              else _cost_o(dims_o, grids))
    cost_p = sum((dims[d].costs[gp[:, j]] for j, d in enumerate(plan)), np.zeros(len(gp)))
    cols = {k: np.full(len(gp), float(row[k])) for k in
            ("outstanding_balance", "monthly_income", "other_debt_payments", *_PLAN_INPUTS)}
    for j, d in enumerate(plan):
        cols[dims[d].name] = np.asarray(dims[d].values, dtype=float)[gp[:, j]]
    inst, disp = rules.plan_terms(cols)
    feasible = rules.affordable(inst, disp)
    return OptionSpace(dims, other, plan, go, gp, cost_o, cost_p, feasible, inst, disp, grids.top_o, grids.codes_o,
                       grids)


def _cost_o(dims_o: tuple[_Dim, ...], grids: _Grids) -> np.ndarray:
    """Cost of each ``go`` row: the sum of its choices' costs, dim after dim."""
    return sum((d.costs[grids.go[:, j]] for j, d in enumerate(dims_o)), np.zeros(len(grids.go)))


@functools.lru_cache(maxsize=1024)
def _shared_cost_o(dims_o: tuple[_Dim, ...], grids: _Grids) -> np.ndarray:
    """:func:`_cost_o` of shared dims (keyed by identity), computed once for all applicants that have them."""
    out = _cost_o(dims_o, grids)
    out.flags.writeable = False
    return out


def _fill(rows: _Rows, space: OptionSpace, combos: np.ndarray) -> None:
    """Every row of ``rows`` from the options ``combos`` (one each)."""
    o, p = space.split(combos)
    _fill_choices(rows, space, space.go[o], p)


def _fill_choices(rows: _Rows, space: OptionSpace, o_choices: np.ndarray, p: np.ndarray) -> None:
    """Every row of ``rows``: other dims from the choice rows ``o_choices``, plan dims from plan parts ``p``."""
    for grid, part in ((o_choices, space.other), (space.gp[p], space.plan)):
        for j, d in enumerate(part):
            dim = space.dims[d]
            rows.cols[dim.name] = dim.stored[grid[:, j]]  # a new array in the applicant's column dtype


# --------------------------------------------------------------------------------------------------
# explain


def check_target(target: Any) -> float:
    """``target`` as a float if it is a probability strictly between 0 and 1.

    Raises
    ------
    ValueError
        Otherwise (booleans and strings are refused).
    """
    if isinstance(target, (bool, np.bool_)) or not isinstance(target, (int, float, np.integer, np.floating)):
        raise ValueError(f"target: expected a probability strictly between 0 and 1, got {target!r}")
    t = float(target)
    if not (0.0 < t < 1.0):
        raise ValueError(f"target: expected a probability strictly between 0 and 1, got {target!r}")
    return t



def _check(target: Any, lang: Any, applicant: Any, to_frame: Any) -> tuple[float, str, pd.DataFrame]:
    problems = []
    frame = None
    try:
        target = check_target(target)
    except ValueError as exc:
        problems.append(str(exc))
    try:
        lang = T.check_lang(lang)
    except ValueError as exc:
        problems.append(str(exc))
    try:
        frame = to_frame(applicant)
    except ValueError as exc:
        problems.append(str(exc))
    if problems:
        raise ValueError("; ".join(problems))
    return target, lang, frame


def explain(model: Any, applicant: Any, target: float = 0.6, lang: str = "zh") -> Explanation:
    """Explain one applicant's probability and find the cheapest way to ``target``.

    Parameters
    ----------
    model : object
        Anything with ``predict_proba(DataFrame in the contract) -> (n, 2)``.
    applicant : dict or one-row pandas.DataFrame
        One negotiation request in the contract (unknown values allowed where
        the contract says ``missing_ok``).
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
    target, lang, frame = _check(target, lang, applicant, applicant_frame)
    return _drive(model, [_search(model, _row_of(frame), target, lang)])[0]


def explain_frame(model: Any, X: Any, target: float = 0.6, lang: str = "zh") -> list[Explanation]:
    """Explain every row of a frame: the same answers as :func:`explain`, row by row, much faster.

    The frame is validated once; the applicants are explained together in
    groups of a few hundred, the candidate rows of every applicant of a group
    stacked into one ``predict_proba`` call per search round (a handful of
    calls per group instead of a handful per applicant).

    Parameters
    ----------
    model : object
        Anything with ``predict_proba(DataFrame in the contract) -> (n, 2)``.
    X : pandas.DataFrame
        Rows in the contract (extra columns are ignored).
    target : float, default 0.6
    lang : {"zh", "en"}, default "zh"

    Returns
    -------
    list of Explanation
        One per row, in order (empty for an empty frame).

    Raises
    ------
    ValueError
        As :func:`explain`, for every row at once.
    """
    if isinstance(X, pd.DataFrame) and len(X) == 0:  # nothing to explain (the checks still apply)
        target, lang, _ = _check(target, lang, None, lambda _: None)
        return []
    target, lang, frame = _check(target, lang, X, validate_frame)
    rows = _rows_of(frame)
    out: list[Explanation] = []
    for start in range(0, len(rows), _BATCH_APPLICANTS):
        out += _drive(model, [_search(model, r, target, lang) for r in rows[start:start + _BATCH_APPLICANTS]])
    return out


def _row_of(frame: pd.DataFrame) -> dict[str, Any]:
    """The plain-Python ``{feature: value}`` of a validated one-row frame (unknown: NaN)."""
    return _rows_of(frame)[0]


def _rows_of(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The plain-Python ``{feature: value}`` of every row of a validated frame (unknown: NaN)."""
    arrays = column_arrays(frame)  # no Series per column: on one row that would cost most of the time
    cols = {}
    for f in FEATURES:
        col = arrays[f.name]
        if f.kind == "category":  # a Categorical in the contract's categories (code -1: unknown)
            labels = [*col.categories.tolist(), float("nan")]
            values = [labels[c] for c in col.codes.tolist()]
        else:
            values = [_py(v) for v in col.tolist()]  # NumPy's tolist: Python scalars
        cols[f.name] = values
    names = list(cols)
    return [dict(zip(names, values)) for values in zip(*cols.values())]


_Search = Generator[_Rows, tuple[np.ndarray, np.ndarray], Explanation]


def _drive(model: Any, searches: list[_Search]) -> list[Explanation]:
    """Run searches side by side: each round stacks every pending request into one model call."""
    results: list[Explanation | None] = [None] * len(searches)
    pending: dict[int, _Rows] = {}
    for i, s in enumerate(searches):
        try:
            pending[i] = next(s)
        except StopIteration as stop:
            results[i] = stop.value
    while pending:
        ids = list(pending)
        p, z = _scores(model, _stack([pending[i] for i in ids]))
        at = 0
        nxt: dict[int, _Rows] = {}
        for i in ids:
            n = pending[i].n
            try:
                nxt[i] = searches[i].send((p[at:at + n], z[at:at + n]))
            except StopIteration as stop:
                results[i] = stop.value
            at += n
        pending = nxt
    return results  # type: ignore[return-value]


def _search(model: Any, row: dict[str, Any], target: float, lang: str) -> _Search:
    """The search for one applicant, as a coroutine: it yields rows to score and receives their scores."""
    enc = _encode(row)
    # Round 1: the applicant and the reason rows; an applicant at the target needs nothing more.
    reason_rows, unknown_rows = _comparison_rows(row, reference_values(model))
    nr = len(reason_rows)
    rows = _Rows(row, nr + 1 + len(unknown_rows), enc)
    for i, (name, value) in enumerate(reason_rows):
        rows.cell(i, name, value)
    for i, (name, value) in enumerate(unknown_rows, nr + 1):
        rows.cell(i, name, value)
    p_all, z_all = yield rows
    base = float(p_all[nr])
    now = _current_plan(row)
    reasons = _reasons(row, reason_rows, z_all[:nr], float(z_all[nr]), now, lang)
    unknowns = _unknowns(unknown_rows, p_all[nr + 1:], z_all[nr + 1:], base, float(z_all[nr]), lang)

    def result(actions: list[Action], singles_: list[Action], reached: bool, status: str) -> Explanation:
        return _finish(row, now, base, target, lang, reasons, actions, singles_, reached, status, unknowns)

    if base >= target:
        return result([], [], True, "already")

    space = option_space(row)
    n_o, n_p = len(space.go), space.n_p
    no_plan = not space.feasible_p.any()
    # Where no plan is affordable, the steps that keep the plan as it is are still offered.
    plans = np.flatnonzero(space.feasible_p) if not no_plan else np.array([0])
    allowed_p = np.zeros(n_p, dtype=bool)
    allowed_p[plans] = True
    grids = space.grids
    n_changes = grids.n_changes
    cost_flat = np.round(space.cost_o[:, None] + space.cost_p[None, :], 9).ravel()  # equal costs compare equal
    allowed = np.broadcast_to(allowed_p[None, :], (n_o, n_p)).ravel() & grids.few_steps
    key = np.round(cost_flat * 1000).astype(np.int64) * 64 + n_changes
    order = np.flatnonzero(allowed)
    order = order[np.argsort(key[order], kind="stable")]

    # Singles (each change alone) and upper bounds (each plan with everything else at best).
    keys = [(d, k) for d in space.other for k in range(1, len(space.dims[d].values))]
    singles: dict[tuple[int, int], int] = dict(zip(keys, (grids.single_o * n_p).tolist()))
    if not no_plan:
        keys = [(d, k) for d in space.plan for k in range(1, len(space.dims[d].values))]
        singles.update(zip(keys, grids.single_p.tolist()))
    # Upper bound of each allowed plan part: its length with the most favourable down payment and cut,
    # every other directional step taken (the contract's directions; may exceed MAX_STEPS, it is a bound).
    rep = grids.bound_p[plans]
    rep_u, rep_inv = _unique_inverse(rep, n_p)
    n_top = len(space.top_o)

    # Round 2: every single step, the cheapest options and the bounds.
    prob = np.full(n_o * n_p, np.nan)
    prob[0] = base
    first = _unique(np.concatenate([np.fromiter(singles.values(), np.int64, len(singles)), order[:_FIRST_BATCH]]),
                    n_o * n_p)
    first = first[first != 0]
    n_up = n_top * len(rep_u)
    rows = _Rows(row, len(first) + n_up, enc)
    _fill_choices(rows, space, np.concatenate([space.go[first // n_p], np.repeat(space.top_o, len(rep_u), axis=0)]),
                  np.concatenate([first % n_p, np.tile(rep_u, n_top)]))
    p_all, _ = yield rows
    prob[first] = p_all[:len(first)]
    up_rows = p_all[len(first):].reshape(n_top, len(rep_u)).max(0)

    up = up_rows[rep_inv]
    bound = np.full(n_p, -np.inf)
    bound[plans] = up

    budget = [_SEARCH_BUDGET]

    def search(goal: float) -> Generator[_Rows, tuple[np.ndarray, np.ndarray], bool]:
        """Score options in ascending cost until the cheapest reaching ``goal`` is known; whether one does."""
        _, p_of = space.split(order)
        todo_all = order[bound[p_of] >= goal]
        chunk = _FIRST_BATCH
        while True:
            done = ~np.isnan(prob[todo_all])
            j0 = int(np.argmin(done)) if not done.all() else len(todo_all)
            head = todo_all[:j0]
            hit = head[prob[head] >= goal]
            if len(hit):
                c_star = cost_flat[hit].min()
                if j0 == len(todo_all) or cost_flat[todo_all[j0]] > c_star + _EPS:
                    return True
            todo = todo_all[j0:][~done[j0:]][:min(chunk, budget[0])]
            if len(todo) == 0:  # everything that could reach the goal is scored (or the budget is spent)
                return bool(len(hit))
            chunk *= _GROWTH
            budget[0] -= len(todo)
            batch = _Rows(row, len(todo), enc)
            _fill(batch, space, todo)
            prob[todo] = (yield batch)[0]

    # Is the target within reach (at most MAX_STEPS steps)? Already, if a scored option reaches it;
    # otherwise ask the greedy option of every allowed plan (the plan plus its strongest single
    # steps: the best such option for a model additive in log-odds).
    hit_now = bool((prob[order[~np.isnan(prob[order])]] >= target).any())
    if not hit_now:
        greedy = _greedy(space, singles, prob, base, plans[bound[plans] >= target] if up.max() >= target else plans)
        fresh = greedy[np.isnan(prob[greedy])]
        if len(fresh):
            batch = _Rows(row, len(fresh), enc)
            _fill(batch, space, fresh)
            prob[fresh] = (yield batch)[0]
    scored = order[~np.isnan(prob[order])]
    best_p = float(prob[scored].max()) if len(scored) else base
    if best_p >= target:
        goal = target
    elif best_p > base + _EPS:
        # Out of reach: the cheapest option within REACH_TOLERANCE of the best reachable.
        goal = max(best_p - REACH_TOLERANCE, base + _EPS)
    else:
        return result([], [], False, "no_affordable_plan" if no_plan else "no_improvement")
    yield from search(goal)

    # Ranked options: cheapest reaching (ties: higher probability), then non-supersets.
    scored = np.flatnonzero(~np.isnan(prob) & allowed & (prob >= goal))
    scored = scored[np.lexsort((-prob[scored], cost_flat[scored]))]
    chosen: list[dict[int, int]] = []
    picks: list[int] = []
    for idx in scored:
        ch = space.choices(idx)
        if not ch or any(all(ch.get(d) == k for d, k in c.items()) for c in chosen):
            continue
        chosen.append(ch)
        picks.append(int(idx))
        if len(picks) == MAX_OPTIONS:
            break
    if not picks:
        return result([], [], False, "no_affordable_plan" if no_plan else "no_improvement")

    # Short, meaningful options: a step adding under MIN_STEP_GAIN alone goes when the option without
    # it keeps the option's goal (the target, or within MIN_STEP_GAIN of the option's probability).
    single_p = {dk: float(prob[i]) for dk, i in singles.items()}
    for _ in range(MAX_STEPS):
        trials: list[tuple[int, int, int]] = []  # (option, dim, combo without that dim)
        for n, (ch, idx) in enumerate(zip(chosen, picks)):
            for d, k in ch.items():
                if len(ch) > 1 and single_p.get((d, k), base) - base < MIN_STEP_GAIN:
                    trials.append((n, d, _without(space, idx, d)))
        if not trials:
            break
        fresh = _unique(np.array([t[2] for t in trials if np.isnan(prob[t[2]])], dtype=np.int64), len(prob))
        if len(fresh):
            batch = _Rows(row, len(fresh), enc)
            _fill(batch, space, fresh)
            prob[fresh] = (yield batch)[0]
        changed = False
        for n in range(len(chosen)):
            own = [t for t in trials if t[0] == n]
            p_opt = float(prob[picks[n]])
            need = target if p_opt >= target else p_opt - MIN_STEP_GAIN
            ok = [t for t in own if allowed[t[2]] and prob[t[2]] >= need and prob[t[2]] > base + _EPS]
            if ok:
                _, d, idx = max(ok, key=lambda t: prob[t[2]])
                chosen[n] = {dd: kk for dd, kk in chosen[n].items() if dd != d}
                picks[n] = int(idx)
                changed = True
        if not changed:
            break
    # Re-rank after dropping (cost, then higher probability) and drop duplicates and supersets.
    ranked = sorted(zip(chosen, picks), key=lambda t: (cost_flat[t[1]], -prob[t[1]]))
    chosen, picks = [], []
    for ch, idx in ranked:
        if any(all(ch.get(d) == k for d, k in c.items()) for c in chosen):
            continue
        chosen.append(ch)
        picks.append(idx)

    actions = [_action(space, row, ch, i, float(prob[i]), float(cost_flat[i]), base, lang)
               for ch, i in zip(chosen, picks)]
    best = chosen[0]
    # What each step buys alone; the plan's terms (length, down payment, expense cut) act together
    # through the plan rule, so they form one step: the new plan.
    plan_part = {d: k for d, k in best.items() if d in space.plan}
    steps = [_action(space, row, {d: k}, singles[(d, k)], single_p[(d, k)],
                     float(space.dims[d].costs[k]), base, lang) for d, k in best.items() if d not in space.plan]
    if plan_part:
        p_idx = picks[0] % n_p  # that plan with every other step kept as is
        if np.isnan(prob[p_idx]):
            batch = _Rows(row, 1, enc)
            _fill(batch, space, np.array([p_idx]))
            prob[p_idx] = (yield batch)[0][0]
        steps.append(_action(space, row, plan_part, p_idx, float(prob[p_idx]), float(space.cost_p[p_idx]), base,
                             lang))
    steps.sort(key=lambda a: -a.gain)
    if no_plan:
        return result(actions, steps, False, "no_affordable_plan")
    reached_best = bool(actions[0].probability >= target)
    return result(actions, steps, reached_best, "reached" if reached_best else "best_reachable")


def _without(space: OptionSpace, idx: int, d: int) -> int:
    """The combo ``idx`` with dimension ``d`` set back to 'keep'."""
    o, p = divmod(int(idx), space.n_p)
    if d in space.other:
        choice = space.go[o].copy()
        choice[space.other.index(d)] = 0
        o = space.o_index(choice)
    else:
        choice = space.gp[p].copy()
        choice[space.plan.index(d)] = 0
        p = space.p_index(choice)
    return o * space.n_p + p


def _greedy(space: OptionSpace, singles: dict[tuple[int, int], int], prob: np.ndarray, base: float,
            plans: np.ndarray) -> np.ndarray:
    """Per allowed plan, the option taking the strongest helpful single steps, within MAX_STEPS changes."""
    gains = []
    for j, d in enumerate(space.other):
        k = len(space.dims[d].values) - 1 if space.dims[d].directional else max(
            range(1, len(space.dims[d].values)), key=lambda kk: prob[singles[(d, kk)]])
        g = float(prob[singles[(d, k)]]) - base
        if g > 0:
            gains.append((g, j, k))
    gains.sort(reverse=True)
    rooms = MAX_STEPS - (space.gp[plans] > 0).sum(1)
    combos = np.zeros((len(plans), len(space.other)), dtype=np.int64)
    for room in np.unique(rooms):
        combo = np.zeros(len(space.other), dtype=np.int64)
        for _, j, k in gains[:max(int(room), 0)]:
            combo[j] = k
        combos[rooms == room] = combo
    if len(plans) == 0:
        return np.zeros(0, dtype=np.int64)
    return _unique(space.o_index(combos) * space.n_p + plans, len(space.go) * space.n_p)


def _action(space: OptionSpace, row: dict[str, Any], choice: dict[int, int], idx: int, p: float, cost: float,
            base: float, lang: str) -> Action:
    changes = {space.dims[d].name: _py(space.dims[d].values[k]) for d, k in sorted(choice.items())}
    pi = int(idx) % space.n_p
    instalment = float(space.instalment_p[pi])
    return Action(changes, p, cost, T.action_text(changes, row, lang, instalment=instalment), p - base,
                  affordable=bool(space.feasible_p[pi]))


def _sigmoid(z: np.ndarray | float) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=float)))


def _reasons(row: dict[str, Any], candidates: list[tuple[str, Any]], z_ref: np.ndarray, z_base: float,
             now: tuple[float, float, bool], lang: str) -> list[Reason]:
    # Ranked and thresholded in unclipped log-odds: near (or at a clip of) 0 % every factor looks
    # negligible in probability. The impact shown is the same move in (unclipped) probability.
    points = np.asarray(z_ref, dtype=float) - z_base
    gains = _sigmoid(z_ref) - _sigmoid(z_base)
    inst, disp, ok = now
    ctx = {"instalment": inst, "disposable": disp, "share": inst / disp if disp > 0 else float("inf"),
           "hardship_reason": row["hardship_reason"], "has_assets": _savings(row) > 0}
    unaffordable = not ok
    order = np.argsort(-points, kind="stable")
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


# --------------------------------------------------------------------------------------------------
# The gap in money, and the way forward


def _current_plan(row: Mapping[str, Any]) -> tuple[float, float, bool]:
    """(instalment, disposable income, affordable) of the applicant's own plan, by :mod:`xieshang.rules`."""
    inst = float(rules.instalment(row["outstanding_balance"], row["down_payment_ratio"], row["plan_months"]))
    disp = _disposable(row)
    return inst, disp, bool(rules.affordable(inst, disp))


def _fundable_down_payments(row: Mapping[str, Any]) -> list[float]:
    disp = _disposable(row)
    return [float(v) for v in feature("down_payment_ratio").action_spec().values
            if v > float(row["down_payment_ratio"]) and _down_payment_ok(row, v, disp)]


def plan_gap(applicant: Mapping[str, Any]) -> Gap:
    """What would make the cheapest plan of the contract affordable, in RMB.

    The cheapest plan is the longest plan the contract offers (or the
    current one, if longer) with the largest down payment the borrower can
    fund (the contract's down payments that known savings cover, see
    :func:`explain`; the current one otherwise). All numbers come from
    :mod:`xieshang.rules`: ``shortfall`` is zero exactly when
    :func:`xieshang.rules.affordable` accepts that plan.

    Parameters
    ----------
    applicant : mapping
        A validated applicant (``Explanation.applicant``).
    """
    months = int(max([*feature("plan_months").action_spec().values, float(applicant["plan_months"])]))
    dp = max([float(applicant["down_payment_ratio"]), *_fundable_down_payments(applicant)])
    balance = float(applicant["outstanding_balance"])
    inst = float(rules.instalment(balance, dp, months))
    disp = _disposable(applicant)
    req = float(rules.required_disposable(inst))
    ok = bool(rules.affordable(inst, disp))
    shortfall = 0.0 if ok else max(req - disp, 0.0)
    # The largest instalment the current disposable income carries safely (rules.required_disposable inverted).
    carry = max(0.0, min(disp * (1.0 - rules.BUFFER_SHARE), disp - rules.LIVING_FLOOR))
    remaining = float(rules.instalment(balance, dp, 1))  # the balance left after the down payment
    lump = 0.0 if ok else max(0.0, remaining - carry * months)
    return Gap(months, dp, dp * balance, inst, req, disp, shortfall, lump)


_DOC_ORDER = ("hardship_proof", "income_proof", "bank_statements", "expense_statement", "asset_proof")


def _missing_documents(row: Mapping[str, Any], lang: str) -> list[str]:
    docs = []
    savings = _savings(row)
    for name in _DOC_ORDER:
        if _handed_in(row[name]) or (name == "hardship_proof" and not _has_hardship(row)):
            continue
        if name == "asset_proof" and savings <= 0:
            continue
        if name == "hardship_proof":
            docs.append(T.hardship_documents(row["hardship_reason"], lang))
            continue
        f = feature(name)
        label = f.label_zh if lang == "zh" else f.label_en
        if name == "asset_proof" and math.isnan(savings):
            label += "(如有)" if lang == "zh" else " (if you have any)"
        docs.append(label)
    return docs


def _next_steps(row: Mapping[str, Any], status: str, lang: str) -> list[str]:
    keys: list[tuple[str, dict[str, Any]]] = [("bill", {})]
    days = row["days_overdue"]
    if not _unknown(days) and float(days) > 0:
        keys.append(("overdue", {"days": int(days)}))
    if row["communication"] != "proactive":
        keys.append(("contact", {}))
    if not _has_hardship(row):
        keys.append(("cause", {}))
    docs = _missing_documents(row, lang)
    if docs:
        keys.append(("documents", {"docs": ("、" if lang == "zh" else ", ").join(docs)}))
    if not _handed_in(row["info_verified"]):
        keys.append(("truthful", {}))
    if not _handed_in(row["materials_on_time"]):
        keys.append(("on_time", {}))
    keys.append(("follow_up", {}))
    if status == "no_affordable_plan":
        keys += [("other_terms", {}), ("channels", {}), ("family", {}), ("budget", {}), ("agents", {})]
    else:
        keys.append(("read_plan", {}))
    return T.next_steps(keys, lang)


def _notes(row: Mapping[str, Any], plan_ok: bool, lang: str) -> list[str]:
    """When savings are unknown and the plan is unaffordable: what a down payment would do (never an option)."""
    if not math.isnan(_savings(row)) or plan_ok or _disposable(row) <= 0:
        return []
    cur = float(row["down_payment_ratio"])
    values = [float(v) for v in feature("down_payment_ratio").action_spec().values if v > cur]
    if not values:
        return []
    months = int(max([*feature("plan_months").action_spec().values, float(row["plan_months"])]))
    balance, disp = float(row["outstanding_balance"]), _disposable(row)
    pick, ok = values[-1], False
    for v in values:
        if bool(rules.affordable(rules.instalment(balance, v, months), disp)):
            pick, ok = v, True
            break
    inst = float(rules.instalment(balance, pick, months))
    return [T.down_payment_note(pick, pick * balance, months, inst, ok, lang)]


def _finish(row: dict[str, Any], now: tuple[float, float, bool], base: float, target: float, lang: str,
            reasons: list[Reason], actions: list[Action], steps: list[Action], reached: bool, status: str,
            unknowns: list[Unknown]) -> Explanation:
    unaffordable_now = not now[2]
    gap = plan_gap(row) if unaffordable_now or (actions and not actions[0].affordable) else None
    return Explanation(base, target, lang, reasons, actions, steps, reached, status, dict(row), gap=gap,
                       next_steps=_next_steps(row, status, lang), notes=_notes(row, now[2], lang),
                       unknowns=unknowns)
