"""Bad input -> one HTTP 422 body naming every bad field, in the request's language.

The verdict is the library's: a request is refused when
:func:`xieshang.validation.applicant_frame` / :func:`~xieshang.validation.validate_frame`
(or ``explain``'s own checks of ``target`` and ``lang``) raise ``ValueError``;
that message is returned verbatim as ``message``. The per-field ``errors`` are
the library's words too: the data check's findings
(:func:`xieshang.check.check_frame`, written in Chinese and English; its rows
count from 1) and, for a key the contract does not know, the closest field
(:func:`xieshang.validation.closest_field`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from .. import text as T
from ..contract import MISSING_OK_NAMES, feature
from ..headers import canonical_name
from ..validation import closest_field

__all__ = ["Refused", "field_errors", "error_body"]

_CHECK_CODES = ("bad_values", "blank_not_allowed", "missing_columns", "empty")


class Refused(ValueError):
    """A refused request: the part it is about (``field``: ``"body"``, ``"rows"``...) or the applicant rows as sent.

    Parameters
    ----------
    message : str
        The library's message, or what the API expected and got.
    field : str, optional
        The part of the request the refusal is about, when it is not the applicant's fields.
    rows : sequence of mappings, optional
        The applicant(s) as sent, for the per-field messages.
    lang : {"zh", "en"}, optional
        The language to answer in (the request's; ``None``: not known yet).
    texts : mapping, optional
        The message in each language (the API's own, :data:`xieshang.text.API_ERRORS`), where the
        library's English ``message`` is not all there is.
    """

    def __init__(self, message: str, *, field: str | None = None,
                 rows: Sequence[Mapping[Any, Any]] | None = None, lang: str | None = None,
                 texts: Mapping[str, str] | None = None):
        super().__init__(message)
        self.field = field
        self.rows = rows
        self.lang = lang
        self.texts = texts

    @classmethod
    def api(cls, key: str, *, field: str, lang: str | None = None, **values: Any) -> Refused:
        """The API's own refusal :data:`~xieshang.text.API_ERRORS` ``[key]``, filled with ``values`` in each language.

        A list of row numbers (``rows``) is joined as each language lists numbers.
        """
        def fill(lang_: str) -> str:
            own = {k: T.list_sep(lang_).join(map(str, v)) if isinstance(v, list) else v for k, v in values.items()}
            return T.API_ERRORS[key][lang_].format(**own)

        texts = {lang_: fill(lang_) for lang_ in T.LANGS}
        return cls(texts["en"], field=field, lang=lang, texts=texts)

    def in_lang(self, lang: str, rows: Sequence[Mapping[Any, Any]] | None = None) -> Refused:
        """The same refusal, to be answered in ``lang`` (about ``rows``, where given)."""
        return Refused(str(self), field=self.field, rows=self.rows if rows is None else rows, lang=lang,
                       texts=self.texts)

    def says(self, lang: str) -> str:
        """The message in ``lang``: the API's own where it has one, else the library's."""
        return self.texts[lang] if self.texts and lang in self.texts else str(self)


def _label(name: str | None, lang: str) -> str | None:
    if name is None:
        return None
    try:
        f = feature(name)
    except ValueError:
        return name
    return f.label_zh if lang == "zh" else f.label_en


def _unknown_keys(rows: Sequence[Mapping[Any, Any]], lang: str) -> list[dict[str, Any]]:
    keys = dict.fromkeys(k for row in rows for k in row if canonical_name(k) is None)
    out = []
    for key in keys:
        guess = closest_field(key)
        named = f"{guess}({_label(guess, lang)})" if lang == "zh" else f"{guess} ({_label(guess, lang)})"
        text = (T.UI["unknown_field"][lang].format(key=key, guess=named)
                if guess else T.UI["unknown_field_no_guess"][lang].format(key=key))
        out.append({"field": str(key), "label": str(key), "message": text, "suggestion": guess})
    return out


def _checked(rows: Sequence[Mapping[Any, Any]], lang: str) -> list[dict[str, Any]]:
    from ..check import check_frame

    known = []
    for row in rows:  # as the library reads it: what may be unknown may be left out
        fields = {k: v for k, v in row.items() if canonical_name(k) is not None}
        given = {canonical_name(k) for k in fields}
        known.append({**fields, **{name: None for name in MISSING_OK_NAMES if name not in given}})
    try:
        report = check_frame(pd.DataFrame(known))
    except (ValueError, TypeError):  # e.g. two headers meaning one column: the library's message says it
        return []
    return [{"field": i.column, "label": _label(i.column, lang), "message": i.text(lang)}
            for i in report.problems if i.code in _CHECK_CODES]


def _said(exc: ValueError, lang: str) -> str:
    """The refusal's message in ``lang``: the API's own words where it has them, else the library's."""
    return exc.says(lang) if isinstance(exc, Refused) else str(exc)


def field_errors(exc: ValueError, rows: Sequence[Mapping[Any, Any]] | None, lang: str) -> list[dict[str, Any]]:
    """Every bad field of a refused request, each ``{"field", "label", "message"}`` in ``lang``.

    Parameters
    ----------
    exc : ValueError
        The library's refusal.
    rows : sequence of mappings, optional
        The applicant(s) as sent, when the refusal may be about them.
    lang : {"zh", "en"}
    """
    lead = str(exc).split(":", 1)[0].strip()
    field = exc.field if isinstance(exc, Refused) else None
    if field is not None or lead in ("target", "lang"):  # explain's own checks name them first
        field = field or lead
        return [{"field": field, "label": field, "message": _said(exc, lang)}]
    errors = _unknown_keys(rows, lang) + _checked(rows, lang) if rows else []
    if not errors:  # nothing more specific: the library's message as it is
        errors = [{"field": None, "label": None, "message": str(exc)}]
    return errors


def error_body(exc: ValueError, rows: Sequence[Mapping[Any, Any]] | None, lang: str) -> dict[str, Any]:
    """The 422 body: ``{"detail": {"message", "title", "errors": [...]}}``."""
    return {"detail": {"message": _said(exc, lang), "title": T.UI["fix_fields"][lang],
                       "errors": field_errors(exc, rows, lang)}}
