"""The page's what-if controls: the explanations' menu of actions, less what we never recommend.

The menu is the contract's, as :mod:`xieshang.explain` reads it: every feature
with an :class:`~xieshang.contract.ActionSpec` (plan length, down payment, each
document, getting in touch...). A control's values are the spec's (a
``choose``: its values; a ``scale``: the value times its factors; a document
or flag: yes, no, unknown; a level: the contract's levels) and the applicant's own. Whether the page may offer a value
to this applicant is the verdict of :func:`xieshang.rules.forbidden_changes`,
the one home of :data:`~xieshang.rules.NEVER_RECOMMEND`: what it refuses is
held back (a down payment beyond the savings above the emergency reserve...),
and a control left with nothing to move to is disabled with the reason.
Nothing here keeps a second list of what is allowed.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from .. import rules
from .. import text as T
from ..contract import FEATURES, MISSING_OK_NAMES, NO_HARDSHIP, Feature

__all__ = ["menu_fields", "what_if_controls"]


_REQUIRES = {"has_hardship": lambda row: row.get("hardship_reason") != NO_HARDSHIP}
"""The conditions an ActionSpec may require (as :mod:`xieshang.explain` reads them)."""


def menu_fields() -> tuple[Feature, ...]:
    """The features the explanations may recommend changing (those with an action): the what-if controls."""
    return tuple(f for f in FEATURES if f.action is not None)


def _unknown(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def _candidates(f: Feature, current: Any) -> list[Any]:
    """The menu's values of ``f`` and the applicant's own (``None``: unknown), in the order a control shows them."""
    assert f.action is not None
    if f.kind == "bool":
        values: list[Any] = [True, False]
    elif f.kind == "category":
        values = list(f.categories)
    elif _unknown(current) and f.action.kind == "scale":
        values = []
    else:
        cast = int if f.kind == "int" else float
        menu = f.action.values if f.action.kind != "scale" else [float(current) * s for s in f.action.values]
        values = sorted({cast(v) for v in menu} | ({cast(current)} if not _unknown(current) else set()))
    if f.name in MISSING_OK_NAMES and f.kind in ("bool", "category"):
        values.append(None)
    return values


def _same(a: Any, b: Any) -> bool:
    return (_unknown(a) and _unknown(b)) or (not _unknown(a) and not _unknown(b) and a == b)


def _note(name: str, row: Mapping[str, Any], lang: str) -> str:
    key = f"held_back:{name}" if f"held_back:{name}" in T.UI else "held_back"
    expenses = float(row["monthly_expenses"])
    return T.UI[key][lang].format(reserve=T.money(float(rules.emergency_reserve(expenses))),
                                  months=rules.RESERVE_MONTHS)


def _control(f: Feature, row: Mapping[str, Any], lang: str) -> dict[str, Any]:
    assert f.action is not None
    current = None if _unknown(row[f.name]) else row[f.name]
    requires = f.action.requires
    if requires is not None and not _REQUIRES[requires](row):
        return {"name": f.name, "current": current, "values": [current], "held_back": [],
                "note": T.UI["needs_hardship"][lang]}
    values, held = [], []
    for v in _candidates(f, current):
        if _same(v, current) or not rules.forbidden_changes(row, {f.name: v}):
            values.append(v)
        else:
            held.append(v)
    return {"name": f.name, "current": current, "values": values, "held_back": held,
            "note": _note(f.name, row, lang) if held else None}


def what_if_controls(row: Mapping[str, Any], lang: str) -> list[dict[str, Any]]:
    """Per control of the menu, the values this applicant may move to.

    Parameters
    ----------
    row : mapping
        A validated applicant ``{feature: value}`` (unknown: NaN or ``None``).
    lang : {"zh", "en"}

    Returns
    -------
    list of dict
        ``{"name", "current", "values", "held_back", "note"}`` per feature of
        :func:`menu_fields`: ``values`` (the applicant's own among them) are
        those :func:`xieshang.rules.forbidden_changes` lets the page offer,
        ``held_back`` those it refuses, ``note`` why (or ``None``).
    """
    return [_control(f, row, lang) for f in menu_fields()]
