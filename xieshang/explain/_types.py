"""The results of an explanation: reasons, options, unknowns, the gap and the whole answer."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .. import text as T
from ._facts import is_unknown, to_py
from ._report import render

__all__ = ["Reason", "Action", "Unknown", "Gap", "Explanation", "json_value"]


def json_value(v: Any) -> Any:
    """A plain-Python value with unknown (NaN) as ``None`` (strict JSON has no NaN)."""
    v = to_py(v)
    return None if is_unknown(v) else v


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
        return {"feature": self.feature, "value": to_py(self.value), "reference": to_py(self.reference),
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
        return {"changes": {k: to_py(v) for k, v in self.changes.items()}, "probability": float(self.probability),
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
    other_debt_payments : float
        RMB a month to other lenders (the text names them as a way to close the gap only when positive).
    spendable_savings : float
        Known savings beyond the emergency reserve (NaN when unknown): the text names a lump sum only
        when they cover it.
    living_floor : float
        RMB a month the plan must leave at the least (:func:`xieshang.rules.living_floor`).
    """

    plan_months: int
    down_payment_ratio: float
    down_payment: float
    instalment: float
    required_disposable: float
    disposable: float
    shortfall: float
    lump_sum: float
    other_debt_payments: float = 0.0
    spendable_savings: float = float("nan")
    living_floor: float = 300.0

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable fields."""
        return {"plan_months": int(self.plan_months), "down_payment_ratio": float(self.down_payment_ratio),
                "down_payment": float(self.down_payment), "instalment": float(self.instalment),
                "required_disposable": float(self.required_disposable), "disposable": float(self.disposable),
                "shortfall": float(self.shortfall), "lump_sum": float(self.lump_sum),
                "other_debt_payments": float(self.other_debt_payments),
                "spendable_savings": json_value(float(self.spendable_savings)),
                "living_floor": float(self.living_floor)}

    def text(self, lang: str) -> str:
        """The sentence in ``lang``."""
        remaining = self.instalment * self.plan_months  # what is left after the down payment
        return T.gap_text({**self.to_dict(), "spendable_savings": float(self.spendable_savings),
                           "whole": self.lump_sum >= remaining - 1e-6}, lang)


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
        Ranked options, best first, every one leaving an affordable plan
        (paths to an agreement the borrower can keep); empty when the target
        is already reached, nothing raises the probability above 1 %, or no
        plan is affordable.
    single_actions : list of Action
        Each step of the best option on its own (what each step buys),
        largest gain first; the plan's terms (length, down payment) count as
        one step, the new plan, since they act together.
    reached : bool
        Whether the best option (or the applicant as is) reaches ``target``
        with an affordable plan.
    status : {"already", "reached", "best_reachable", "no_affordable_plan", "no_improvement", "check_down_payment"}
        Already at the target with a plan the borrower can keep (affordable,
        its down payment covered by known savings beyond the reserve); an
        option reaches it; none does (the best reachable is given); no plan
        is affordable (the report says not to sign one, what to ask for
        instead and the gap); nothing realistic raises the probability; at
        the target, but only with a down payment known savings do not cover
        (the report says not to borrow for it nor sign yet, and what the plan
        costs without it). An unaffordable plan is never ``already``: its
        options are searched whatever its estimate.
    applicant : dict
        The validated applicant.
    gap : Gap or None
        Set only when the applicant's plan is unaffordable and no affordable
        option is given: what would make the cheapest plan affordable.
    next_steps : list of str
        The article's way forward that applies to this applicant, a checklist
        in the explanation's language.
    notes : list of str
        Separate notes (e.g. what a down payment would do when savings are unknown).
    unknowns : list of Unknown
        The applicant's unknown values that matter most for the answer (up
        to :data:`MAX_UNKNOWNS`, largest change first).
    lead : list of str
        What the report says first: savings that repay the whole debt with
        the emergency reserve kept; where no plan is affordable, not to sign
        one, what to ask for instead, the gap and a question on family help.
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
    lead: list[str] = field(default_factory=list)

    @property
    def best(self) -> Action | None:
        """The best option, or ``None``."""
        return self.actions[0] if self.actions else None

    def __str__(self) -> str:
        return render(self)

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
            "lead": list(self.lead),
            "unknowns": [u.to_dict() for u in self.unknowns],
            "applicant": {k: json_value(v) for k, v in self.applicant.items()},
            "report": str(self),
        }

    def plot(self, ax: Any = None) -> Any:
        """Draw the explanation chart (:func:`xieshang.plots.explanation_chart`)."""
        from ..plots import explanation_chart

        return explanation_chart(self, ax=ax)
