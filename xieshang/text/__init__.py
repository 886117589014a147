"""Every sentence shown to a borrower, in Chinese and English, in one place.

Reasons (what holds the probability down), actions (what the borrower could
do) and the headings of the explanation report. :mod:`xieshang.explain`
decides *what* to say; this package only says it. Every template exists in
both languages, and a test checks that every contract feature has a reason
sentence (or is in :data:`NO_REASON`) and every actionable one an action
sentence.

The catalogues live in modules by audience and job, and every public name is
read from here (``from xieshang.text import reason_text``):

* ``formats``: the languages and how numbers read (percent, points, money);
* ``reasons``, ``actions``, ``advice`` (the gap, the notes, next steps) and
  ``report`` (headings): what a borrower reads;
* ``data_check``: the data check's lines and findings (``xieshang check``);
* ``figures``: the words on the figures (:mod:`xieshang.plots`);
* ``page``: the web page's captions (:mod:`xieshang.serve`).
"""

from __future__ import annotations

from .actions import ACTION_TEMPLATES, action_step_text, action_text
from .advice import (
    DOWN_PAYMENT_NOTES,
    GAP_TEMPLATES,
    NEXT_STEPS,
    NOTES,
    PREPARE_ITEMS,
    down_payment_note,
    gap_text,
    next_steps,
    note,
)
from .data_check import CHECK_TEXT, check_text
from .figures import FIGURE_TEXT, figure_text
from .formats import LANGS, chance, check_lang, display_width, list_sep, money, percent, points
from .page import API_ERRORS, UI, ui_texts
from .reasons import HARDSHIP_DOCUMENTS, NO_REASON, REASON_TEMPLATES, category_name, hardship_documents, reason_text
from .report import HEADINGS, change_words, heading

__all__ = [
    "LANGS",
    "check_lang",
    "reason_text",
    "action_step_text",
    "action_text",
    "heading",
    "percent",
    "money",
    "category_name",
    "points",
    "chance",
    "hardship_documents",
    "gap_text",
    "next_steps",
    "down_payment_note",
    "note",
    "change_words",
    "NOTES",
    "PREPARE_ITEMS",
    "GAP_TEMPLATES",
    "HARDSHIP_DOCUMENTS",
    "NEXT_STEPS",
    "REASON_TEMPLATES",
    "NO_REASON",
    "ACTION_TEMPLATES",
    "HEADINGS",
    "API_ERRORS",
    "UI",
    "ui_texts",
    "display_width",
    "CHECK_TEXT",
    "check_text",
    "FIGURE_TEXT",
    "figure_text",
    "list_sep",
    "DOWN_PAYMENT_NOTES",
]
