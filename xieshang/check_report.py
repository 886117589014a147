"""The report of the data check: its findings, its columns, and how it reads in Chinese or English.

:func:`xieshang.check.check_frame` fills a :class:`CheckReport`; every line it
renders comes from :data:`xieshang.text.CHECK_TEXT`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from .contract import feature
from .text import check_lang, check_text, display_width, list_sep

__all__ = ["CheckReport", "ColumnCheck", "Issue", "KINDS", "EXAMPLES"]

EXAMPLES = 5
"""Row (or line) numbers quoted per finding and per column."""


@dataclass
class Issue:
    """One finding, in both languages; ``column`` is the contract column (or header) it is about, if any."""

    code: str
    zh: str
    en: str
    column: str | None = None

    def text(self, lang: str) -> str:
        """The finding in ``lang``."""
        return self.zh if lang == "zh" else self.en


@dataclass
class ColumnCheck:
    """What one contract column holds: shares of unknown, out-of-range, wrong-type and unknown-category cells."""

    name: str
    header: str | None
    missing: float = 0.0
    out_of_range: float = 0.0
    wrong_type: float = 0.0
    unknown_category: float = 0.0
    examples: dict[str, list[int]] = field(default_factory=dict)
    bad_values: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        """Whether every cell is a valid value (unknowns allowed where the contract allows them)."""
        return not (self.out_of_range or self.wrong_type or self.unknown_category
                    or (self.missing and not feature(self.name).missing_ok))


@dataclass
class CheckReport:
    """The result of :func:`check_frame`.

    Attributes
    ----------
    ok : bool
        No problems: the rows can train (with ``require_label``) or be scored.
    problems, warnings : list of Issue
        What must be fixed, and what deserves a look.
    rows, approved, refused : int
        Sizes (``approved`` / ``refused`` are ``None`` without a label column).
    columns : list of ColumnCheck
        One per contract column present.
    extra_columns : list of str
        Columns outside the contract (ignored by the model, passed through by ``predict``).
    duplicates : int
        Rows that repeat an earlier row exactly.
    unit : {"line", "row"}
        What the example numbers count: file lines (header = line 1) or 1-based rows.
    """

    rows: int
    approved: int | None
    refused: int | None
    columns: list[ColumnCheck]
    problems: list[Issue]
    warnings: list[Issue]
    extra_columns: list[str]
    duplicates: int
    unit: str = "row"
    source: str | None = None

    @property
    def ok(self) -> bool:
        """Whether there is nothing that must be fixed."""
        return not self.problems

    @property
    def label_rate(self) -> float | None:
        """Share of approved rows, ``None`` without a (valid) label."""
        if self.approved is None or not self.rows:
            return None
        return self.approved / max(self.approved + (self.refused or 0), 1)

    def to_dict(self) -> dict[str, Any]:
        """Plain, JSON-serialisable data (texts in both languages)."""
        return {
            "source": self.source, "ok": self.ok, "rows": self.rows, "approved": self.approved,
            "refused": self.refused, "label_rate": self.label_rate, "unit": self.unit,
            "problems": [asdict(i) for i in self.problems], "warnings": [asdict(i) for i in self.warnings],
            "columns": [asdict(c) for c in self.columns], "extra_columns": list(self.extra_columns),
            "duplicates": self.duplicates,
        }

    def render(self, lang: str = "zh") -> str:
        """The report as text in ``lang`` ("zh" or "en")."""
        lang = check_lang(lang)
        out = [check_text("title_source", lang, source=self.source) if self.source else check_text("title", lang)]
        size = check_text("rows", lang, rows=self.rows)
        if self.approved is not None:
            size += check_text("labels", lang, approved=self.approved, rate=self.label_rate or 0.0,
                               refused=self.refused)
        out.append(size)
        if self.extra_columns:
            out.append(check_text("extra_columns", lang, names=list_sep(lang).join(self.extra_columns)))
        noisy = [c for c in self.columns if c.missing or c.out_of_range or c.wrong_type or c.unknown_category]
        if self.columns and not noisy:
            out.append(check_text("all_valid", lang, n=len(self.columns)))
        if noisy:
            out += ["", *self._table(noisy, lang), check_text("blank_note", lang)]
        for key, items in (("problems", self.problems), ("warnings", self.warnings)):
            if items:
                out += ["", check_text(key, lang)]
                out.extend(f"  {i}. {item.text(lang)}" for i, item in enumerate(items, 1))
        out.append("")
        n = len(self.problems)
        out.append(check_text(self._verdict(), lang, n=n, s="s" if n > 1 else ""))
        return "\n".join(out)

    def _verdict(self) -> str:
        """The key of the last line: ready to train, only to score (no label column), or not ready."""
        if not self.ok:
            return "not_ready"
        return "ready" if self.approved is not None else "ready_to_score"

    def _table(self, noisy: list[ColumnCheck], lang: str) -> list[str]:
        """The lines of the table of columns with unknown or bad cells."""
        unit = check_text("unit_line" if self.unit == "line" else "unit_row", lang)
        head = (*(check_text(f"col_{k}", lang) for k in ("column", *KINDS)), check_text("col_examples", lang, unit=unit))
        table: list[tuple[str, ...]] = [head]
        for c in noisy:
            f = feature(c.name)
            label = f.label_zh if lang == "zh" else f.label_en
            name = check_text("named", lang, name=c.name, label=label) if len(label) <= 24 else c.name
            order = ("out_of_range", "wrong_type", "unknown_category", "missing")  # faults first
            shown = list(dict.fromkeys(r for k in order for r in c.examples.get(k, [])))[:EXAMPLES]
            table.append((name, *(_pct(getattr(c, k)) for k in KINDS), list_sep(lang).join(map(str, shown))))
        widths = [max(display_width(row[i]) for row in table) for i in range(len(head))]
        return ["  " + "  ".join(_pad(cell, w) for cell, w in zip(row, widths)).rstrip() for row in table]

    def __str__(self) -> str:
        return self.render("zh")


KINDS = ("missing", "out_of_range", "wrong_type", "unknown_category")
"""The kinds of cells counted per column, in the order of the report's table."""


def _pct(v: float) -> str:
    return "-" if not v else (f"{v:.1%}" if v >= 0.001 else "<0.1%")


def _pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))
