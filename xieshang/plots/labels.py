"""The words on the figures: feature and value labels from the contract, the rest from :mod:`xieshang.text`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..contract import feature
from ..contract import value_label as contract_value_label
from ..text import display_width, figure_text

__all__ = ["feature_label", "value_label", "short_label", "wrap_items", "change_text"]


def feature_label(name: str, lang: str = "en") -> str:
    """The contract's label of feature ``name`` in ``lang``."""
    f = feature(name)
    return f.label_zh if lang == "zh" else f.label_en


def value_label(name: str, value: Any, lang: str = "en") -> str:
    """A short human rendering of ``value`` for feature ``name``."""
    f = feature(name)
    if f.kind == "bool":
        return figure_text("yes" if bool(value) else "no", lang)
    if f.kind == "category":
        return contract_value_label(name, str(value), lang)
    v = float(value)
    if f.kind == "float" and f.high is not None and f.high <= 1.0:
        return f"{v:.0%}"
    if f.kind == "int":
        return f"{round(v)}"
    if f.unit.startswith("RMB"):
        return figure_text("money", lang, v=v)
    return f"{v:,.0f}"


def short_label(name: str, lang: str) -> str:
    """The contract label without a parenthesised list of examples: ``困难证明``.

    Parentheses that qualify the label (``(last 24 months)``, ``（月）``) stay; full-width or not.
    """
    label = feature_label(name, lang)
    for open_, close in (("（", "）"), ("(", ")"), (" (", ")")):
        if open_ in label:
            head, _, rest = label.partition(open_)
            examples = rest.split(close)[0]
            if any(m in examples for m in ("...", "等", "、", ",")):
                return head.strip()
    return label


def wrap_items(items: list[str], lang: str, width: int = 46) -> str:
    """Join ``items`` with a separator, breaking lines between items where possible.

    Widths are display widths (:func:`xieshang.text.display_width`): a Chinese
    character counts as two Latin ones.
    """
    sep = figure_text("item_sep", lang)
    lines: list[str] = []
    line = ""
    for k, item in enumerate(items):
        piece = item + (sep if k < len(items) - 1 else "")
        if line and display_width(line + piece) > width:
            lines.append(line.rstrip())
            line = ""
        while display_width(piece) > width:  # an item longer than a line
            cut = len(piece)
            while display_width(piece[:cut]) > width:
                cut -= 1
            if lang == "en" and " " in piece[:cut]:
                cut = piece[:cut].rindex(" ") + 1
            lines.append(piece[:cut].rstrip())
            piece = piece[cut:]
        line += piece
    if line:
        lines.append(line.rstrip())
    return "\n".join(lines)


def change_text(changes: Mapping[str, Any], lang: str) -> str:
    """The changes of an option, ``label → value`` each, wrapped for a tick label."""
    return wrap_items([f"{short_label(k, lang)} → {value_label(k, v, lang)}" for k, v in changes.items()], lang)
