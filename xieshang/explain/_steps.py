"""Next steps: the way forward that applies to one applicant, safety first (at most six)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import text as T
from ..contract import feature
from ._facts import Facts, handed_in, is_unknown

__all__ = ["missing_documents", "prepare_items", "next_steps"]

_DOC_ORDER = ("hardship_proof", "income_proof", "bank_statements", "expense_statement", "asset_proof")


def missing_documents(row: Mapping[str, Any], facts: Facts, lang: str) -> list[str]:
    """The documents not handed in that apply to this applicant, in the order the article lists them."""
    docs = []
    for name in _DOC_ORDER:
        if handed_in(row[name]) or (name == "hardship_proof" and not facts.has_hardship):
            continue
        if name == "asset_proof" and facts.savings <= 0:
            continue
        if name == "hardship_proof":
            docs.append(T.hardship_documents(row["hardship_reason"], lang))
            continue
        f = feature(name)
        label = f.label_zh if lang == "zh" else f.label_en
        if name == "asset_proof" and not facts.savings_known:
            label += T.PREPARE_ITEMS["if_any"][lang]
        docs.append(label)
    return docs


def prepare_items(row: Mapping[str, Any], facts: Facts, lang: str) -> list[str]:
    """What to have ready for any request: the missing documents, the cause, true information, on time."""
    items = missing_documents(row, facts, lang)
    if not facts.has_hardship:
        items.insert(0, T.PREPARE_ITEMS["cause"][lang])
    if not handed_in(row["info_verified"]):
        items.append(T.PREPARE_ITEMS["truthful"][lang])
    return items


def next_steps(row: Mapping[str, Any], facts: Facts, status: str, lang: str, overdue_named: bool = False) -> list[str]:
    """The way forward that applies to this applicant, safety first, at most six lines in ``lang``.

    Money for essentials (and all debts together where other debts are heavy), getting in touch (now,
    when overdue), what to prepare for any request, the agreement in writing, what to do after a
    refusal, and, when overdue, unlawful debt collection and the credit report. ``overdue_named``: a
    reason already says to get in touch now (not said twice).
    """
    sep = "" if lang == "zh" else " "
    days = row["days_overdue"]
    overdue = not is_unknown(days) and float(days) > 0
    # Where no plan is affordable the report's lead already puts essentials first (xieshang.explain._gap.leads).
    safety = [] if status == "no_affordable_plan" else T.next_steps([("essentials", {})], lang)
    if facts.heavy_other_debts:
        safety = [sep.join([*safety, *T.next_steps([("all_debts", {"other": T.money(facts.other_debts)})], lang)])]
    contact = T.next_steps([("contact", {})], lang)[0]
    if overdue and not overdue_named:
        contact = T.next_steps([("overdue", {"days": int(days)})], lang)[0] + sep + contact
    lines = [*safety, contact]
    items = prepare_items(row, facts, lang)
    if items:
        lines += T.next_steps([("prepare", {"items": T.list_sep(lang).join(items)})], lang)
    keys: list[tuple[str, dict[str, Any]]] = [("agreement", {}), ("refused", {})]
    if overdue:
        keys.append(("collection", {}))
    return lines + T.next_steps(keys, lang)
