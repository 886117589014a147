"""Bad input -> one HTTP 422 body naming every bad field, in the request's language.

The verdict is the library's: a request is refused when
:func:`xieshang.validation.applicant_frame` / :func:`~xieshang.validation.validate_frame`,
:func:`xieshang.explain.check_target` or :func:`xieshang.text.check_lang` raise
``ValueError``. What the library says of ``target`` and ``lang`` (English only) and
what the API says of a body it cannot read are the API's words instead,
:data:`xieshang.text.API_ERRORS`, in both languages (:class:`Refused`). The
per-field ``errors`` are the library's words: the data check's findings
(:func:`xieshang.check.check_frame`, written in Chinese and English; its rows
count from 1) and, for a key the contract does not know, the closest field
(:func:`xieshang.validation.closest_field`). The applicant's refusal as a whole,
``message``, is the library's own (English) message in an English answer, and in
a Chinese one those per-field messages under one heading (:func:`applicant_message`);
the library's own in either language only where no field can be named.

Where the request's language is not known (``lang`` itself unsupported, or the
body not read), every text is given in each language, Chinese first, one a
line (:func:`in_langs`): the same keys, so a client reads the body as always.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from .. import text as T
from ..contract import MISSING_OK_NAMES, feature
from ..headers import AmbiguousColumns, canonical_name, column_mapping
from ..validation import closest_field

__all__ = ["Refused", "field_errors", "applicant_message", "error_body", "api_text", "in_langs", "known_lang"]

_CHECK_CODES = ("bad_values", "blank_not_allowed", "missing_columns", "empty")
_LIBRARY_LANG = "en"  # the language of the library's ValueError messages


def known_lang(query_lang: str | None) -> str | None:
    """The language of an answer given without the body: the query's ``lang`` where supported, else ``None`` (each)."""
    return query_lang if query_lang in T.LANGS else None


def in_langs(texts: Sequence[str]) -> str:
    """Texts in each language (``T.LANGS`` order: Chinese first) as one, a line each; one text said alike once."""
    return "\n".join(dict.fromkeys(texts))


def _each(texts: Mapping[str, str]) -> str:
    """A text given in every language (:func:`in_langs`)."""
    return in_langs([texts[lang] for lang in T.LANGS])


def _filled(key: str, values: Mapping[str, Any]) -> dict[str, str]:
    """:data:`~xieshang.text.API_ERRORS` ``[key]`` in each language; a list (row numbers) joined as each lists them."""
    def fill(lang: str) -> str:
        own = {k: T.list_sep(lang).join(map(str, v)) if isinstance(v, list) else v for k, v in values.items()}
        return T.API_ERRORS[key][lang].format(**own)

    return {lang: fill(lang) for lang in T.LANGS}


def api_text(key: str, lang: str | None, **values: Any) -> str:
    """:data:`~xieshang.text.API_ERRORS` ``[key]`` filled with ``values``, in ``lang`` (``None``: not known, so each)."""
    texts = _filled(key, values)
    return texts[lang] if lang is not None and lang in texts else _each(texts)


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
        The language to answer in (the request's; ``None``: not known, so each language).
    texts : mapping, optional
        The message in each language (the API's own, :data:`xieshang.text.API_ERRORS`), where the
        library's English ``message`` is not all there is.
    also : str, optional
        The library's refusal of ``rows``, refused with this one (every bad field named at once).
    """

    def __init__(self, message: str, *, field: str | None = None,
                 rows: Sequence[Mapping[Any, Any]] | None = None, lang: str | None = None,
                 texts: Mapping[str, str] | None = None, also: str | None = None):
        super().__init__(message)
        self.field = field
        self.rows = rows
        self.lang = lang
        self.texts = texts
        self.also = also

    @classmethod
    def api(cls, key: str, *, field: str, lang: str | None = None, also: str | None = None,
            **values: Any) -> Refused:
        """The API's own refusal :data:`~xieshang.text.API_ERRORS` ``[key]``, filled with ``values`` in each language.

        A list of row numbers (``rows``) is joined as each language lists numbers.
        """
        texts = _filled(key, values)
        return cls(texts["en"], field=field, lang=lang, texts=texts, also=also)

    def in_lang(self, lang: str | None, rows: Sequence[Mapping[Any, Any]] | None = None) -> Refused:
        """The same refusal, to be answered in ``lang`` (about ``rows``, where given)."""
        return Refused(str(self), field=self.field, rows=self.rows if rows is None else rows, lang=lang,
                       texts=self.texts, also=self.also)

    def says(self, lang: str | None) -> str:
        """The message in ``lang`` (``None``: in each): the API's own where it has one, else the library's."""
        if not self.texts:
            return str(self)
        if lang is not None and lang in self.texts:
            return self.texts[lang]
        return _each(self.texts)


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
        named = f"{guess}（{_label(guess, lang)}）" if lang == "zh" else f"{guess} ({_label(guess, lang)})"
        text = (T.UI["unknown_field"][lang].format(key=key, guess=named)
                if guess else T.UI["unknown_field_no_guess"][lang].format(key=key))
        out.append({"field": str(key), "label": str(key), "message": text, "suggestion": guess})
    return out


def _one_key_each(rows: Sequence[Mapping[Any, Any]], lang: str) -> list[dict[str, Any]]:
    """A field given under two keys of one applicant (``credit_score`` and ``信用分``): the library refuses it."""
    out: dict[str, list[str]] = {}
    for row in rows:
        try:
            column_mapping(row)  # the library's own verdict: which keys mean one field
        except AmbiguousColumns as exc:
            for name, cols in exc.duplicates.items():
                out.setdefault(name, [str(k) for _, k in cols])
    return [{"field": name, "label": _label(name, lang),
             "message": T.API_ERRORS["one_key_each"][lang].format(keys=T.list_sep(lang).join(ks), field=name,
                                                                  label=_label(name, lang))}
            for name, ks in out.items()]


def _checked(rows: Sequence[Mapping[Any, Any]], lang: str) -> list[dict[str, Any]]:
    from ..check import check_frame

    headers: dict[str, dict[Any, None]] = {}
    for row in rows:
        for k in row:
            if (name := canonical_name(k)) is not None:
                headers.setdefault(name, {})[k] = None
    # a field under one key in every row keeps it (the check names it); under several, its name (rows may differ)
    rename = {k: k if len(keys) == 1 else name for name, keys in headers.items() for k in keys}
    known = []
    for row in rows:  # as the library reads it: what may be unknown may be left out
        fields: dict[Any, Any] = {}
        for k, v in row.items():
            if k in rename:
                fields.setdefault(rename[k], v)  # a field twice in one row: the first (the other is named above)
        given = {canonical_name(k) for k in fields}
        known.append({**fields, **{name: None for name in MISSING_OK_NAMES if name not in given}})
    try:
        report = check_frame(pd.DataFrame(known))
    except (ValueError, TypeError):  # what the check cannot read: the library's message says it
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
        The library's refusal, or the API's (:class:`Refused`: about its ``field``, and the applicant's
        own bad fields where it was refused with them).
    rows : sequence of mappings, optional
        The applicant(s) as sent, when the refusal may be about them.
    lang : {"zh", "en"}
    """
    field = exc.field if isinstance(exc, Refused) else None
    own = [{"field": field, "label": field, "message": _said(exc, lang)}] if field is not None else []
    also = exc.also if isinstance(exc, Refused) else None
    if field is not None and also is None:
        return own
    errors = _unknown_keys(rows, lang) + _one_key_each(rows, lang) + _checked(rows, lang) if rows else []
    if not errors:  # nothing more specific: the library's message as it is
        errors = [{"field": None, "label": None, "message": also if also is not None else str(exc)}]
    return own + errors


def applicant_message(library: str, errors: Sequence[Mapping[str, Any]], lang: str) -> str:
    """The refusal of the applicant as a whole, in ``lang``.

    Parameters
    ----------
    library : str
        The library's refusal of the applicant (its ``ValueError``, in English).
    errors : sequence of mappings
        The applicant's bad fields in ``lang`` (:func:`field_errors`, without the API's own refusal).
    lang : {"zh", "en"}

    Returns
    -------
    str
        ``library`` in English; in Chinese :data:`~xieshang.text.API_ERRORS` ``["applicant_fields"]`` over the
        per-field messages, numbered, one a line, or ``library`` where no field could be named in Chinese.
    """
    if lang == _LIBRARY_LANG or not errors or all(e["message"] == library for e in errors):
        return library
    head = T.API_ERRORS["applicant_fields"][lang].format(n=len(errors))
    return "\n".join([head, *(f"  {i}. {e['message']}" for i, e in enumerate(errors, 1))])


def _body(exc: ValueError, rows: Sequence[Mapping[Any, Any]] | None, lang: str) -> dict[str, Any]:
    errors = field_errors(exc, rows, lang)
    if not isinstance(exc, Refused) or exc.field is None:  # the library refused the applicant
        message = applicant_message(str(exc), errors, lang)
    elif exc.also is not None:  # the API's refusal (first of the errors), with the library's of the applicant
        message = f"{_said(exc, lang)}\n{applicant_message(exc.also, errors[1:], lang)}"
    else:
        message = _said(exc, lang)
    return {"message": message, "title": T.UI["fix_fields"][lang], "errors": errors}


def error_body(exc: ValueError, rows: Sequence[Mapping[Any, Any]] | None, lang: str | None) -> dict[str, Any]:
    """The 422 body: ``{"detail": {"message", "title", "errors": [...]}}``.

    With ``lang`` ``None`` (the request's language not known) each text is in each language
    (:func:`in_langs`), the keys and the errors as in one.
    """
    if lang is not None:
        return {"detail": _body(exc, rows, lang)}
    each = [_body(exc, rows, lang_) for lang_ in T.LANGS]
    errors = [{k: in_langs([e[k] for e in same]) if isinstance(same[0][k], str) else same[0][k] for k in same[0]}
              for same in zip(*(b["errors"] for b in each), strict=True)]
    return {"detail": {"message": in_langs([b["message"] for b in each]),
                       "title": in_langs([b["title"] for b in each]), "errors": errors}}
