"""The actions: what a borrower could do, one sentence per change, joined into one per option."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..contract import feature
from ..rules import LONG_PLAN_MONTHS
from ..rules import instalment as plan_instalment
from .formats import check_lang, money, percent
from .reasons import hardship_documents
from .report import HEADINGS

__all__ = ["ACTION_TEMPLATES", "action_step_text", "action_text"]

_SEP = {"zh": "；", "en": "; "}


def _known_positive(x: Any) -> bool:
    """True for a known number above 0 (savings); False for 0, a negative, None or NaN."""
    try:
        v = float(x)
    except (TypeError, ValueError):
        return False
    return v == v and v > 0


# Keys: ``set`` for booleans (set_true / set_false); a level name for communication;
# ``to`` for plan / down payment / expenses, which receive v (new value), old, instalment, cash, cut;
# ``lower`` / ``none`` for a down payment lowered to what known savings cover (cash: always all of it).

ACTION_TEMPLATES: dict[str, dict[str, dict[str, str]]] = {
    "hardship_proof": {
        "set": {"zh": "提交困难证明（{docs}）", "en": "hand in proof of the hardship ({docs})"},
    },
    "income_proof": {"set": {"zh": "提交收入证明/工资单", "en": "hand in income proof or payslips"}},
    "bank_statements": {"set": {"zh": "提交银行流水", "en": "hand in bank statements"}},
    "asset_proof": {"set": {"zh": "提交资产证明", "en": "hand in proof of assets"},
                    "unknown": {"zh": "如有资产，提交资产证明", "en": "if you have any assets, hand in proof of them"}},
    "expense_statement": {"set": {"zh": "提交家庭支出明细", "en": "hand in a household expense statement"}},
    "communication": {
        "responsive": {"zh": "积极回应平台的联系", "en": "answer the lender's calls and messages"},
        "proactive": {"zh": "主动联系平台说明情况",
                      "en": "contact the lender first, explain your situation and follow up"},
    },
    "info_verified": {
        "set": {"zh": "核对并更正所填信息，确保真实、能核实",
                "en": "correct the information you gave so that it can be verified as true"},
    },
    "materials_on_time": {"set": {"zh": "按期提交申请材料", "en": "hand in the materials on time"}},
    "plan_months": {
        "to": {"zh": "申请分{v}期（月供约{instalment}元）",
               "en": "ask for {v} instalments instead of {old} (about {instalment} RMB a month)"},
        "long": {"zh": "申请分{v}期（月供约{instalment}元，这么长的期数先问平台能不能办）",
                 "en": "ask for {v} instalments instead of {old} (about {instalment} RMB a month; ask whether the "
                       "lender offers plans this long)"},
    },
    "down_payment_ratio": {
        "to": {"zh": "用存款先还欠款的{v}（约{cash}元，应急钱不动）",
               "en": "pay {v} of the balance up front from savings (about {cash} RMB, keeping the emergency reserve)"},
        # Lower: only where known savings do not cover the down payment asked for (never money they lack).
        "lower": {"zh": "首付降到欠款的{v}（约{cash}元，用应急钱以外的存款付）",
                  "en": "lower the down payment to {v} of the balance (about {cash} RMB, from savings beyond the "
                        "emergency reserve)"},
        "none": {"zh": "申请不付首付", "en": "ask for no down payment"},
    },
}


def action_step_text(name: str, new: Any, applicant: Mapping[str, Any], lang: str,
                     instalment: float | None = None) -> str:
    """The sentence for one change ``name -> new`` of ``applicant``.

    ``instalment`` is the monthly instalment after the whole option (used by
    the plan sentence); it defaults to the instalment with only this change.
    """
    lang = check_lang(lang)
    variants = ACTION_TEMPLATES[name]
    if name == "communication":
        return variants[str(new)][lang]
    if name == "hardship_proof":
        return variants["set"][lang].format(docs=hardship_documents(str(applicant.get("hardship_reason", "")), lang))
    if name == "asset_proof" and not _known_positive(applicant.get("savings")):
        return variants["unknown"][lang]
    if feature(name).kind == "bool":
        return variants["set"][lang]
    old = applicant[name]
    balance = float(applicant["outstanding_balance"])
    down = float(new) if name == "down_payment_ratio" else float(applicant["down_payment_ratio"])
    months = float(new) if name == "plan_months" else float(applicant["plan_months"])
    if instalment is None:
        instalment = float(plan_instalment(balance, down, months))
    # The whole down payment ("pay 10 % of the balance, about 6,000 RMB"): what savings must cover, raised or lowered.
    extra = float(new) * balance if name == "down_payment_ratio" else 0.0
    key = "long" if name == "plan_months" and int(new) > LONG_PLAN_MONTHS else "to"
    if name == "down_payment_ratio" and float(new) < float(old):  # lowered to what savings cover
        key = "none" if float(new) <= 0 else "lower"
    return variants[key][lang].format(
        v=percent(float(new)) if name == "down_payment_ratio" else int(new),
        old=old, instalment=money(instalment), cash=money(extra))


def action_text(changes: Mapping[str, Any], applicant: Mapping[str, Any], lang: str,
                instalment: float | None = None) -> str:
    """All the steps of one option, in contract order, joined into one sentence."""
    lang = check_lang(lang)
    if not changes:
        return HEADINGS["no_change"][lang]
    return _SEP[lang].join(action_step_text(k, v, applicant, lang, instalment) for k, v in changes.items())
