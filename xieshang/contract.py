"""The feature contract: the single source of truth for one negotiation request.

Every column's type, range, Chinese and English label, the article factor it
encodes, its direction of effect on approval and whether (and at what cost) a
borrower can act on it. The generator, the pipeline, input validation, the
explanations and the docs all read this module; it imports nothing of ours.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

__all__ = [
    "ActionSpec",
    "Feature",
    "FEATURES",
    "FEATURE_NAMES",
    "NUMERIC_NAMES",
    "BOOL_NAMES",
    "CATEGORY_NAMES",
    "ACTIONABLE_NAMES",
    "DOCUMENT_NAMES",
    "LABEL",
    "TRUTH",
    "HARDSHIP_REASONS",
    "NO_HARDSHIP",
    "COMMUNICATION_LEVELS",
    "MISSING_OK_NAMES",
    "OPTIONAL_NAMES",
    "REQUIRED_NAMES",
    "VALUE_LABELS",
    "COLUMN_LABELS",
    "FORMER_LABELS",
    "feature",
    "value_label",
]

Kind = Literal["float", "int", "bool", "category"]

LABEL = "approved"
"""Name of the 0/1 label column."""

TRUTH = "true_probability"
"""Name of the generator's true approval probability; never a model input."""

COLUMN_LABELS: dict[str, tuple[str, str]] = {
    LABEL: ("是否同意", "plan approved"),
    TRUTH: ("真实批准概率", "true approval probability"),
}
"""(Chinese, English) header of the columns outside ``FEATURES`` that a file may carry."""

FORMER_LABELS: dict[str, tuple[str, ...]] = {
    # Until 2026-12 the label counted money borrowed from family as savings, against our own advice
    # never to borrow for a down payment; files headed that way keep working.
    "savings": ("可动用的存款(含亲友可借)",),
}
"""Column -> headers it carried in earlier versions of the contract, still accepted in files."""

HARDSHIP_REASONS: tuple[str, ...] = (
    "none",
    "unemployment",
    "illness",
    "income_drop",
    "business_failure",
    "family_emergency",
    "other_debts",
)

NO_HARDSHIP = "none"
"""The ``hardship_reason`` of a borrower who states no hardship."""

# Ordered from worst to best attitude: the ordinal code is the index.
COMMUNICATION_LEVELS: tuple[str, ...] = ("evasive", "responsive", "proactive")

VALUE_LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "hardship_reason": {
        "none": ("无", "none"),
        "unemployment": ("失业", "unemployment"),
        "illness": ("疾病", "illness"),
        "income_drop": ("收入下降", "a drop in income"),
        "business_failure": ("经营失败", "a business failure"),
        "family_emergency": ("家庭变故", "a family emergency"),
        "other_debts": ("其他债务", "other debts"),
    },
    "communication": {
        "evasive": ("回避", "evasive"),
        "responsive": ("被动回应", "responsive"),
        "proactive": ("积极主动", "proactive"),
    },
}
"""Category value -> (Chinese label, English label): the one source for texts, plots and input parsing."""


@dataclass(frozen=True)
class ActionSpec:
    """How a borrower can act on one feature, and what it costs.

    Costs are in abstract "effort units": 1 is handing in one document.

    Parameters
    ----------
    kind : {"set_true", "set_false", "raise_level", "choose", "scale"}
        ``set_true`` / ``set_false`` flip a boolean; ``raise_level`` moves an
        ordered category up; ``choose`` picks a value from ``values``;
        ``scale`` multiplies the current value by one of ``values``.
    cost : float
        Fixed cost of making the change at all.
    unit_cost : float
        Extra cost per unit of change (per level for ``raise_level``; per
        month of income spent for a down payment; per 10 % cut for ``scale``).
    values : tuple of float
        Candidate values for ``choose`` and factors for ``scale``.
    requires : str, optional
        A condition that must hold for the action to be possible, by name
        (``"has_hardship"``: only where there is a hardship to prove).
    """

    kind: Literal["set_true", "set_false", "raise_level", "choose", "scale"]
    cost: float
    unit_cost: float = 0.0
    values: tuple[float, ...] = ()
    requires: str | None = None


@dataclass(frozen=True)
class Feature:
    """One column of the contract.

    Parameters
    ----------
    name : str
        Column name.
    kind : {"float", "int", "bool", "category"}
        Storage type.
    low, high : float, optional
        Inclusive range for numeric columns.
    categories : tuple of str
        Allowed values of a categorical column, in order.
    label_zh, label_en : str
        Human labels.
    factor_zh, factor_en : str
        The factor of the source article this column encodes.
    direction : {-1, 0, 1}
        Effect of a larger value (or ``True``, or a higher category) on
        approval, other things equal; 0 where it is not monotone.
    unit : str
        Unit of the value (``"RMB/month"``, ``"days"``...), empty if none.
    action : ActionSpec, optional
        ``None`` where the borrower cannot act on it.
    document : bool, default False
        Whether the column says a supporting document was handed in.
    missing_ok : bool, default False
        Whether a value may be unknown (NaN / blank): real records often lack
        it. The plan's own terms, the money columns and the label may not.
    required : bool, default True
        Whether a file must have the column at all; an optional column that
        is absent is read as unknown everywhere (``missing_ok`` is implied).
    """

    name: str
    kind: Kind
    label_zh: str
    label_en: str
    factor_zh: str
    factor_en: str
    direction: int
    low: float | None = None
    high: float | None = None
    categories: tuple[str, ...] = ()
    unit: str = ""
    action: ActionSpec | None = field(default=None)
    document: bool = False
    missing_ok: bool = False
    required: bool = True

    @property
    def actionable(self) -> bool:
        """Whether a borrower can change this feature."""
        return self.action is not None

    def action_spec(self) -> ActionSpec:
        """The :class:`ActionSpec` of an actionable feature.

        Raises
        ------
        ValueError
            If the borrower cannot act on this feature (``action`` is ``None``).
        """
        if self.action is None:
            raise ValueError(f"feature {self.name!r} is not actionable")
        return self.action

    @property
    def is_numeric(self) -> bool:
        """Whether the column holds numbers (int or float)."""
        return self.kind in ("float", "int")

    def expected(self) -> str:
        """A short English description of the allowed values, for errors."""
        if self.kind == "bool":
            return "a boolean (true/false or 1/0)"
        if self.kind == "category":
            return "one of " + ", ".join(repr(c) for c in self.categories)
        what = "an integer" if self.kind == "int" else "a number"
        return f"{what} in [{_fmt(self.low)}, {_fmt(self.high)}]"


def _fmt(x: float | None) -> str:
    if x is None:
        return "?"
    return f"{x:g}" if abs(x) < 1e6 else f"{x:.0f}"


_DOC = ActionSpec("set_true", cost=1.0)

FEATURES: tuple[Feature, ...] = (
    Feature(
        "outstanding_balance", "float", "欠款总额", "outstanding balance",
        "欠款金额", "amount owed", -1, 500, 300_000, unit="RMB",
    ),
    Feature(
        "days_overdue", "int", "逾期天数", "days overdue",
        "当前逾期状况", "current delinquency", -1, 0, 720, unit="days", missing_ok=True,
        # Every day overdue adds penalty interest and harms the credit record: it never helps.
    ),
    Feature(
        "monthly_income", "float", "月收入", "monthly income",
        "还款能力", "repayment capacity", 1, 0, 200_000, unit="RMB/month",
    ),
    Feature(
        "monthly_expenses", "float", "家庭必要月支出", "essential monthly expenses",
        "还款能力", "repayment capacity", -1, 0, 100_000, unit="RMB/month",
        # Essential (rent, food, medicine): never an action (xieshang.rules.NEVER_RECOMMEND).
    ),
    Feature(
        "other_debt_payments", "float", "其他债务月还款", "other monthly debt payments",
        "其他债务负担", "other debt burden", -1, 0, 200_000, unit="RMB/month",
    ),
    Feature(
        "hardship_reason", "category", "困难原因", "hardship reason",
        "还款困难的原因", "cause of difficulty", 0, categories=HARDSHIP_REASONS,
    ),
    Feature(
        "hardship_proof", "bool", "困难证明（失业证明、医疗诊断等）",
        "hardship proof (unemployment certificate, diagnosis...)",
        "困难的证据", "evidence of hardship", 1,
        document=True, action=ActionSpec("set_true", cost=1.0, requires="has_hardship"), missing_ok=True,
    ),
    Feature(
        "income_proof", "bool", "收入证明/工资单", "income proof / payslips",
        "证明材料", "evidence", 1, document=True, action=_DOC, missing_ok=True,
    ),
    Feature(
        "bank_statements", "bool", "银行流水", "bank statements",
        "证明材料", "evidence", 1, document=True, action=_DOC, missing_ok=True,
    ),
    Feature(
        "asset_proof", "bool", "资产证明", "asset proof",
        "证明材料", "evidence", 1, document=True, action=_DOC, missing_ok=True,
    ),
    Feature(
        "expense_statement", "bool", "家庭支出明细", "household expense statement",
        "证明材料", "evidence", 1, document=True, action=_DOC, missing_ok=True,
    ),
    Feature(
        "credit_score", "int", "信用分", "credit score",
        "信用记录", "credit record", 1, 350, 950, missing_ok=True,
    ),
    Feature(
        "past_overdue_count", "int", "近24个月逾期次数", "overdue episodes (last 24 months)",
        "信用记录", "credit record", -1, 0, 24, missing_ok=True,
    ),
    Feature(
        "on_time_ratio", "float", "按时还款比例", "share of instalments paid on time",
        "还款历史", "repayment history", 1, 0.0, 1.0, missing_ok=True,
    ),
    Feature(
        "months_on_book", "int", "借款账龄（月）", "months on book",
        "与平台的关系", "relationship with the lender", 1, 0, 240, unit="months", missing_ok=True,
    ),
    Feature(
        "communication", "category", "沟通态度", "communication",
        "还款意愿和态度", "willingness and attitude", 1,
        categories=COMMUNICATION_LEVELS,
        # Getting in touch first is cheap; each level up costs one unit.
        action=ActionSpec("raise_level", cost=0.0, unit_cost=1.0), missing_ok=True,
    ),
    Feature(
        "broken_promises", "int", "未兑现的还款承诺次数", "broken promises to pay",
        "诚实守信", "honesty and willingness", -1, 0, 20, missing_ok=True,
    ),
    Feature(
        "info_verified", "bool", "信息经核实属实", "information verified as true",
        "提供真实信息", "truthful information", 1,
        action=ActionSpec("set_true", cost=1.5), missing_ok=True,
    ),
    Feature(
        "materials_on_time", "bool", "按期提交材料", "materials handed in on time",
        "及时跟进", "follow-up", 1,
        action=ActionSpec("set_true", cost=1.0), missing_ok=True,
    ),
    Feature(
        "plan_months", "int", "申请分期期数", "instalments proposed",
        "合理的还款方案", "reasonable plan", 0, 1, 60, unit="months",
        action=ActionSpec("choose", cost=2.0, values=(6, 12, 18, 24, 36, 48, 60)),
    ),
    Feature(
        "down_payment_ratio", "float", "首付比例", "down payment (share of balance)",
        "合理的还款方案", "reasonable plan", 1, 0.0, 0.5,
        # Fixed effort plus 3 units per month of income paid up front (cash is scarce for a
        # borrower in difficulty: one month of income weighs like a 10 % cut of expenses).
        action=ActionSpec("choose", cost=1.0, unit_cost=3.0, values=(0.05, 0.1, 0.2, 0.3, 0.5)),
    ),
    Feature(
        "penalty_waiver_requested", "bool", "申请减免罚息", "penalty interest waiver requested",
        "方案条款", "plan terms", -1,
        # Asking for a waiver is the borrower's right: never withdrawn (xieshang.rules.NEVER_RECOMMEND).
    ),
    Feature(
        "savings", "float", "可动用的存款（含亲友资助）", "savings available (incl. help from family)",
        "还款能力", "repayment capacity", 1, 0, 10_000_000, unit="RMB",
        # Direction +1 (issue 21): other things equal, more savings never make approval less likely. They are
        # a cushion that carries the plan through a bad month and what a down payment is paid from; whether the
        # hardship is real is judged by the hardship columns and income, not by punishing a borrower who saved.
        # Optional: a file without it keeps working; unknown savings means no down payment is offered.
        missing_ok=True, required=False,
    ),
    Feature(
        "household_size", "int", "家庭人口", "household size (people)",
        "还款能力", "repayment capacity", 0, 1, 20, unit="people",
        # Optional: absent or blank is unknown. It grows the living floor of the advice
        # (xieshang.rules.living_floor); never a reason, never an action.
        missing_ok=True, required=False,
    ),
)

FEATURE_NAMES: tuple[str, ...] = tuple(f.name for f in FEATURES)
NUMERIC_NAMES: tuple[str, ...] = tuple(f.name for f in FEATURES if f.is_numeric)
BOOL_NAMES: tuple[str, ...] = tuple(f.name for f in FEATURES if f.kind == "bool")
CATEGORY_NAMES: tuple[str, ...] = tuple(f.name for f in FEATURES if f.kind == "category")
ACTIONABLE_NAMES: tuple[str, ...] = tuple(f.name for f in FEATURES if f.actionable)
DOCUMENT_NAMES: tuple[str, ...] = tuple(f.name for f in FEATURES if f.document)
MISSING_OK_NAMES: tuple[str, ...] = tuple(f.name for f in FEATURES if f.missing_ok or not f.required)
OPTIONAL_NAMES: tuple[str, ...] = tuple(f.name for f in FEATURES if not f.required)
REQUIRED_NAMES: tuple[str, ...] = tuple(f.name for f in FEATURES if f.required)

_BY_NAME = {f.name: f for f in FEATURES}


def feature(name: str) -> Feature:
    """Return the contract entry for ``name``.

    Raises
    ------
    ValueError
        If ``name`` is not a contract column.
    """
    try:
        return _BY_NAME[name]
    except KeyError:
        raise ValueError(
            f"unknown feature {name!r}; expected one of: {', '.join(FEATURE_NAMES)}"
        ) from None


def value_label(name: str, value: str, lang: str) -> str:
    """The readable label of a category value in ``lang`` ("zh" or "en"); the raw value where none is set."""
    zh_en = VALUE_LABELS.get(name, {}).get(value)
    if zh_en is None:
        return value
    return zh_en[0] if lang == "zh" else zh_en[1]
