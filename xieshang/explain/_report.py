"""The text report of an explanation, in its language (every sentence from :mod:`xieshang.text`).

Short enough to read on a phone: what comes first (savings that repay the debt; where no plan is
affordable, not to sign one and what to ask for instead), the reasons, the options (affordable plans
only, no costs), the notes and at most six next steps. The details stay in ``to_dict()``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import text as T
from ._limits import AFFORDABILITY_GROUP

if TYPE_CHECKING:
    from ._types import Explanation

__all__ = ["render", "plain_reason", "FLOOR", "REPORT_REASONS", "REPORT_OPTIONS"]

_INSTALMENT_WORDS = {"zh": "月供", "en": "instalment"}
REPORT_REASONS = 3
"""Reasons the text names (``to_dict()`` keeps every one)."""
REPORT_OPTIONS = 2
"""Options the text names (``to_dict()`` keeps every one)."""
REPORT_UNKNOWNS = 2
"""Unknowns the text names."""
FLOOR = 0.005
"""An estimate under this reads "under 1 %" (:func:`xieshang.text.chance`): the floor, where impacts say nothing."""
REPORT_REASONS_NO_PLAN = 1
"""Reasons named where no plan is affordable: what to ask for instead matters more than the estimate."""


def render(exp: Explanation) -> str:
    """The report a borrower reads."""
    lang = exp.lang
    lines = [T.heading("disclaimer", lang), "",
             T.heading("probability", lang, p=T.chance(exp.probability, lang), t=T.chance(exp.target, lang))]
    if exp.lead:
        lines += ["", *exp.lead]
    lines.append("")
    lines += _reason_lines(exp)
    options = _option_lines(exp)
    if options:
        lines += ["", *options]
    if exp.gap is not None and exp.status != "no_affordable_plan":  # otherwise it is in the lead
        lines += ["", exp.gap.text(lang)]
    for note in exp.notes:
        lines += ["", note]
    if any(_INSTALMENT_WORDS[lang] in line.lower() for line in lines):
        lines += ["", T.note("no_interest", lang)]
    if exp.next_steps:
        lines += ["", T.heading("next_steps", lang)]
        lines += [f"{i}. {s}" for i, s in enumerate(exp.next_steps, 1)]
    return "\n".join(lines)


def plain_reason(probability: float, impact: float) -> bool:
    """Whether a reason is named without its number: at the floor (the estimate reads "under 1 %", e.g. at a
    model's clip) every impact reads "under 1 percentage point", which tells the borrower nothing."""
    return probability < FLOOR and round(100 * abs(impact)) < 1


def _reason_lines(exp: Explanation) -> list[str]:
    lang = exp.lang
    reasons = exp.reasons[:REPORT_REASONS]
    if exp.status == "no_affordable_plan":  # the gap says what the plan's inputs do, in money
        reasons = [r for r in exp.reasons if r.feature not in AFFORDABILITY_GROUP][:REPORT_REASONS_NO_PLAN]
    if not reasons and exp.reasons:  # every reason is the plan's affordability: the gap in the lead says it
        lines = []
    elif not reasons:
        lines = [T.heading("no_reasons", lang)]
    else:
        lines = [T.heading("reasons", lang)]
        lines += [T.heading("reason_line_plain", lang, i=i, text=r.text) if plain_reason(exp.probability, r.impact)
                  else T.heading("reason_line", lang, i=i, text=r.text, impact=T.points(r.impact, lang, signed=False))
                  for i, r in enumerate(reasons, 1)]
    if exp.unknowns:
        lines.append(T.heading("unknowns", lang, items=T.list_sep(lang).join(u.text for u in exp.unknowns[:REPORT_UNKNOWNS])))
    return lines


def _option_lines(exp: Explanation) -> list[str]:
    lang = exp.lang
    if exp.status in ("already", "no_improvement"):
        return [T.heading(exp.status, lang)]
    if not exp.actions:
        return []
    if exp.status == "best_reachable":
        lines = [T.heading("unreachable", lang, t=T.chance(exp.target, lang),
                           p=T.chance(exp.actions[0].probability, lang))]
    else:
        lines = [T.heading("actions", lang)]
    lines += [T.heading("action_line", lang, i=i, text=a.text, p=T.chance(a.probability, lang))
              for i, a in enumerate(exp.actions[:REPORT_OPTIONS], 1)]
    return lines
