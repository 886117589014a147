"""Next steps: the article's way forward that applies to one applicant."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import text as T
from ..contract import feature
from ._facts import Facts, handed_in, is_unknown

__all__ = ["missing_documents", "next_steps"]

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
            label += "(如有)" if lang == "zh" else " (if you have any)"
        docs.append(label)
    return docs


def next_steps(row: Mapping[str, Any], facts: Facts, status: str, lang: str) -> list[str]:
    """The article's way forward that applies to this applicant, a checklist in ``lang``."""
    keys: list[tuple[str, dict[str, Any]]] = [("bill", {})]
    days = row["days_overdue"]
    if not is_unknown(days) and float(days) > 0:
        keys.append(("overdue", {"days": int(days)}))
    if row["communication"] != "proactive":
        keys.append(("contact", {}))
    if not facts.has_hardship:
        keys.append(("cause", {}))
    docs = missing_documents(row, facts, lang)
    if docs:
        keys.append(("documents", {"docs": ("、" if lang == "zh" else ", ").join(docs)}))
    if not handed_in(row["info_verified"]):
        keys.append(("truthful", {}))
    if not handed_in(row["materials_on_time"]):
        keys.append(("on_time", {}))
    keys.append(("follow_up", {}))
    if status == "no_affordable_plan":
        keys += [("other_terms", {}), ("channels", {}), ("family", {}), ("budget", {}), ("agents", {})]
    else:
        keys.append(("read_plan", {}))
    return T.next_steps(keys, lang)
