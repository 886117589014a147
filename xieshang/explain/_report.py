"""The text report of an explanation, in its language (every sentence from :mod:`xieshang.text`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import text as T
from ._limits import PLAN_INPUTS

if TYPE_CHECKING:
    from ._types import Explanation

__all__ = ["render"]


def render(exp: Explanation) -> str:
    """The report a borrower reads: probability, reasons, options, the gap, notes and next steps."""
    lang = exp.lang
    lines = [T.heading("disclaimer", lang), "",
             T.heading("probability", lang, p=T.percent(exp.probability), t=T.percent(exp.target)), ""]
    lines += _reason_lines(exp)
    lines.append("")
    lines += _option_lines(exp)
    if exp.gap is not None and exp.gap.shortfall > 0:
        lines += ["", exp.gap.text(lang)]
    for note in exp.notes:
        lines += ["", note]
    if exp.actions:
        lines += ["", T.heading("cost_note", lang, **T.cost_terms())]
    if exp.next_steps:
        lines += ["", T.heading("next_steps", lang)]
        lines += [f"  {i}. {s}" for i, s in enumerate(exp.next_steps, 1)]
    return "\n".join(lines)


def _reason_lines(exp: Explanation) -> list[str]:
    lang = exp.lang
    if not exp.reasons:
        lines = [T.heading("no_reasons", lang)]
    else:
        lines = [T.heading("reasons", lang)]
        lines += ["  " + T.heading("reason_line", lang, i=i, text=r.text, impact=T.points(r.impact, lang, signed=False))
                  for i, r in enumerate(exp.reasons, 1)]
    if exp.unknowns:
        lines.append(T.heading("unknowns", lang, items=T.list_sep(lang).join(u.text for u in exp.unknowns)))
    return lines


def _option_lines(exp: Explanation) -> list[str]:
    lang = exp.lang
    if exp.status in ("already", "no_improvement"):
        return [T.heading(exp.status, lang)]
    if exp.status == "no_affordable_plan":
        lines = [T.heading("no_affordable_plan", lang)]
        if exp.actions:
            lines.append(T.heading("unaffordable_steps", lang))
    elif exp.status == "best_reachable":
        lines = [T.heading("unreachable", lang, t=T.percent(exp.target), p=T.percent(exp.actions[0].probability))]
    else:
        lines = [T.heading("actions", lang)]
    for i, a in enumerate(exp.actions, 1):
        mark = "" if a.affordable else " " + T.heading("unaffordable_mark", lang)
        lines.append("  " + T.heading("action_line", lang, i=i, text=a.text, p=T.percent(a.probability),
                                      cost=f"{a.cost:.1f}") + mark)
    if len(exp.single_actions) > 1:
        lines.append("  " + T.heading("steps", lang))
        fixes = exp.gap is not None  # the applicant's plan is unaffordable now
        for a in exp.single_actions:
            line = "    - " + T.heading("step_line", lang, text=a.text, gain=T.points(a.gain, lang))
            if fixes and a.affordable and set(a.changes) & set(PLAN_INPUTS):
                line += " " + T.heading("makes_affordable", lang)
            lines.append(line)
    return lines
