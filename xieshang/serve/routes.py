"""The API's endpoints: ``/v1/predict``, ``/v1/explain`` (JSON and figure), ``/v1/plan``, ``/v1/contract``, ``/healthz``.

Every endpoint reads the raw JSON body itself and hands it to the library
(the OpenAPI document still shows the contract's schema: see
:mod:`xieshang.serve.schema`), so the API accepts exactly what
``explain(dict)`` accepts and refuses it with the library's words
(:mod:`xieshang.serve.problems`). The model work runs in the thread pool;
nothing of an applicant is logged or written anywhere.

Model work (explain, predict, the plan, the figure) runs in a worker thread,
at most :data:`MODEL_THREADS` at a time per process, in the order the
requests came: it is CPU-bound Python that holds the GIL, so running the
requests of 8 clients side by side only makes each 8 times slower (and a long
one far slower); queued, each waits for the ones ahead of it and the event
loop stays free to read and answer. More processes (``--workers``) use more
cores.
"""

from __future__ import annotations

import functools
import io
import json
import threading
from collections.abc import Mapping
from typing import Any

import orjson
import pandas as pd
from anyio import CapacityLimiter, to_thread
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from .. import __version__, rules
from .. import text as T
from ..contract import FEATURE_NAMES, MISSING_OK_NAMES
from ..headers import column_mapping
from ..validation import applicant_fields, applicant_frame, validate_frame
from .problems import Refused, api_text, error_body, known_lang
from .schema import API_VERSION, applicant_schema, contract_fields
from .whatif import what_if_controls

__all__ = ["router", "DEFAULT_TARGET", "MODEL_THREADS"]

DEFAULT_TARGET = 0.6
"""The target probability when a request names none (as ``xieshang explain``)."""

MODEL_THREADS = 1
"""Model calls running at once in one server process (the others wait their turn, first come first served)."""

router = APIRouter()
_NAMES = frozenset(FEATURE_NAMES)
_FIGURE_LOCK = threading.Lock()  # matplotlib's pyplot state is not thread-safe


def _one_body(description: str) -> dict[str, Any]:
    schema = {"type": "object", "required": ["applicant"], "properties": {
        "applicant": applicant_schema(),
        "target": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1, "default": DEFAULT_TARGET},
        "lang": {"type": "string", "enum": list(T.LANGS), "default": "zh"},
    }}
    return {"requestBody": {"required": True, "description": description,
                            "content": {"application/json": {"schema": schema}}}}


_PREDICT_BODY = {"requestBody": {"required": True, "description": "Rows to score, in order.", "content": {
    "application/json": {"schema": {"type": "object", "required": ["rows"], "properties": {
        "rows": {"type": "array", "minItems": 1, "items": applicant_schema()},
        "lang": {"type": "string", "enum": list(T.LANGS), "default": "zh"}}}}}}}


def _parse(raw: bytes) -> Any:
    try:  # orjson reads plain UTF-8 JSON in ~0.6 of the time; what only ``json`` reads (1e999, NaN, UTF-16) goes there
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        pass
    try:
        return json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise Refused.api("not_json", field="body", detail=f"{type(exc).__name__}: {str(exc)[:80]}") from None


def _dumps(content: Any) -> bytes:
    """JSON as ``JSONResponse`` writes it, made in the worker thread (the event loop only sends it)."""
    return json.dumps(content, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")


def _shown(value: Any) -> str:
    """A value as the client sent it (JSON), cut short: what a refusal says it got."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 40 else text[:39] + "…"


def _lang(body: Any, query_lang: str | None) -> str:
    """The request's language: ``lang`` in the body or the query, else Chinese; an unsupported one is refused."""
    lang = body.get("lang") if isinstance(body, Mapping) and "lang" in body else query_lang or "zh"
    try:
        return T.check_lang(lang)
    except ValueError:  # the library's verdict, the API's words
        raise Refused.api("bad_lang", field="lang", got=_shown(lang)) from None


def _query_lang(request: Request) -> str | None:
    """``lang`` of the query, as sent (``None``: not given)."""
    return request.query_params.get("lang")


def _target(target: Any, applicant: Mapping[str, Any]) -> float:
    """``target`` as ``explain`` checks it; refused in the API's words, with the applicant's own bad fields."""
    from ..explain import check_target

    try:
        return check_target(target)
    except ValueError:
        pass
    try:
        applicant_frame(applicant)
        also = None
    except ValueError as exc:
        also = str(exc)
    raise Refused.api("bad_target", field="target", also=also, got=_shown(target))


def _applicant(body: Any) -> tuple[dict[str, Any], float]:
    if not isinstance(body, Mapping):
        raise Refused.api("body_not_object", field="body", got=type(body).__name__)
    applicant = body.get("applicant")
    if not isinstance(applicant, Mapping):
        raise Refused.api("applicant_not_object", field="applicant",
                          got=type(applicant).__name__ if "applicant" in body else "nothing")
    extra = sorted(set(body) - {"applicant", "target", "lang"})
    if extra:
        raise Refused.api("unexpected_keys", field="body", keys=[str(k) for k in extra])
    return dict(applicant), body.get("target", DEFAULT_TARGET)


async def _run(request: Request, work: Any, *args: Any, **kwargs: Any) -> Any:
    """``work(*args, **kwargs)`` in a worker thread when its turn comes (:data:`MODEL_THREADS` at a time)."""
    state = request.app.state
    if getattr(state, "model_limiter", None) is None:  # made in the event loop, on the first call
        state.model_limiter = CapacityLimiter(MODEL_THREADS)
    return await to_thread.run_sync(functools.partial(work, *args, **kwargs), limiter=state.model_limiter)


def _one(work: Any, model: Any, raw: bytes, query_lang: str | None) -> bytes:
    """Parse a one-applicant body and answer it with ``work(model, applicant, target, lang)`` (in the worker thread).

    Raises
    ------
    Refused
        Bad input, with the language to answer in and the applicant it is about.
    """
    lang = known_lang(query_lang)  # until the body is read: the query's, else each language
    try:
        body = _parse(raw)
        lang = _lang(body, query_lang)
        applicant, target = _applicant(body)
    except Refused as exc:
        raise exc.in_lang(lang) from None
    try:
        return bytes(work(model, applicant, target, lang))
    except Refused as exc:
        raise exc.in_lang(lang, rows=[applicant]) from None
    except ValueError as exc:
        raise Refused(str(exc), rows=[applicant], lang=lang) from None


async def _answer(request: Request, work: Any, media_type: str = "application/json") -> Response:
    """Run ``work`` on the request's body (see :func:`_one`); bad input -> 422 in the request's language."""
    raw = await request.body()
    try:
        return Response(await _run(request, work, request.app.state.model, raw, _query_lang(request)),
                        media_type=media_type)
    except Refused as exc:
        lang = exc.lang if exc.lang in T.LANGS else None
        return Response(await _run(request, _error_bytes, exc, lang), status_code=422, media_type="application/json")


def _error_bytes(exc: Refused, lang: str | None) -> bytes:
    return _dumps(error_body(exc, exc.rows, lang))


def _explain_bytes(model: Any, applicant: dict[str, Any], target: Any, lang: str) -> bytes:
    from .. import explain

    return _dumps(explain(model, applicant, target=_target(target, applicant), lang=lang).to_dict())


@router.post("/v1/explain", openapi_extra=_one_body("One applicant, the target probability and the language."),
             summary="Explain one applicant: exactly what Explanation.to_dict() gives (as `xieshang explain --json`)")
async def explain_endpoint(request: Request) -> Response:
    """Probability, principal reasons, options with what each step buys, gap, next steps, report."""
    return await _answer(request, functools.partial(_one, _explain_bytes))


def _png(model: Any, applicant: dict[str, Any], target: Any, lang: str) -> bytes:
    import matplotlib.pyplot as plt

    from .. import explain

    exp = explain(model, applicant, target=_target(target, applicant), lang=lang)
    with _FIGURE_LOCK:
        fig = exp.plot()
        try:
            buf = io.BytesIO()  # in memory: no applicant data on disk
            fig.savefig(buf, format="png", dpi=96, bbox_inches="tight")
        finally:
            plt.close(fig)
    return buf.getvalue()


@router.post("/v1/explain/figure", openapi_extra=_one_body("As /v1/explain."),
             summary="The same explanation drawn as Explanation.plot() draws it (PNG)",
             responses={200: {"content": {"image/png": {}}}})
async def figure_endpoint(request: Request) -> Response:
    """The chart of ``Explanation.plot``: reasons, options and single steps on one probability axis."""
    return await _answer(request, functools.partial(_one, _png), media_type="image/png")


def _plan_bytes(model: Any, applicant: dict[str, Any], target: Any, lang: str) -> bytes:
    frame = applicant_frame(applicant)
    inst, disp = rules.plan_terms(frame)
    household = frame["household_size"].to_numpy(dtype=float)  # the living floor grows with it, as in the report
    row = frame.to_dict("records")[0]
    return _dumps({"instalment": float(inst[0]), "disposable": float(disp[0]),
                   "required_disposable": float(rules.required_disposable(inst, household)[0]),
                   "residual": float(rules.residual(inst, disp)[0]),
                   "affordable": bool(rules.affordable(inst, disp, household)[0]),
                   "what_if": what_if_controls(row, lang)})


@router.post("/v1/plan", openapi_extra=_one_body("One applicant (target is ignored)."),
             summary="The applicant's plan by the plan rule (xieshang.rules), and the what-if controls open to them")
async def plan_endpoint(request: Request) -> Response:
    """Instalment, disposable income, the least disposable income that makes it affordable, the verdict, and
    per what-if control the values the page may offer (:func:`xieshang.serve.whatif.what_if_controls`)."""
    return await _answer(request, functools.partial(_one, _plan_bytes))


def _canonical_rows(rows: list[dict[Any, Any]]) -> list[dict[Any, Any]]:
    """The rows keyed by contract names: each row may head its fields by name or label, like a file's header."""
    renames: dict[tuple[Any, ...], dict[Any, str] | None] = {}
    out = []
    for row in rows:
        keys = tuple(row)
        if keys not in renames:  # once per distinct set of keys, not per row
            applicant_fields(dict.fromkeys(keys))  # a key the contract does not know: refused, closest field named
            renames[keys] = column_mapping(keys) or None  # two keys meaning one field: refused
        mapping = renames[keys]
        out.append(row if mapping is None else {mapping.get(k, k): v for k, v in row.items()})
    return out


def _predict_rows(model: Any, rows: list[dict[Any, Any]]) -> list[float]:
    frame = pd.DataFrame(rows)
    if not set(frame.columns) <= _NAMES:  # headers or labels in some row: renamed row by row (rows may differ)
        frame = pd.DataFrame(_canonical_rows(rows))
    given = set(frame.columns)
    for name in MISSING_OK_NAMES:  # left out of every row: unknown
        if name not in given:
            frame[name] = None
    clean = validate_frame(frame)
    return list(model.predict_proba(clean)[:, 1].tolist())  # Python floats


def _predict_bytes(model: Any, raw: bytes, query_lang: str | None, sha256: str) -> bytes:
    """Parse, check and score a /v1/predict body in the worker thread (10,000 rows are megabytes of JSON)."""
    lang = known_lang(query_lang)
    try:
        body = _parse(raw)
        lang = _lang(body, query_lang)
    except Refused as exc:
        raise exc.in_lang(lang) from None
    rows = body.get("rows") if isinstance(body, Mapping) else body
    if not isinstance(rows, list) or not rows:
        raise Refused.api("rows_not_list", field="rows", lang=lang)
    extra = sorted(set(body) - {"rows", "lang"}) if isinstance(body, Mapping) else []
    if extra:  # a misspelt "lang" or "rows" is refused, as /v1/explain refuses it, not silently ignored
        raise Refused.api("unexpected_keys", field="body", lang=lang, keys=[str(k) for k in extra])
    bad = [i for i, r in enumerate(rows) if type(r) is not dict]  # parsed JSON: objects are dicts (no ABC check)
    if bad:
        raise Refused.api("rows_not_objects", field="rows", lang=lang, rows=[i + 1 for i in bad[:3]])
    try:
        probabilities = _predict_rows(model, rows)
    except ValueError as exc:
        raise Refused(str(exc), rows=rows, lang=lang) from None
    return _dumps({"probabilities": probabilities, "model_sha256": sha256})


@router.post("/v1/predict", openapi_extra=_PREDICT_BODY,
             summary="Approval probability of each row, in order (unknown values as null where allowed)")
async def predict_endpoint(request: Request) -> Response:
    """``{"rows": [...]}`` (or a bare array) -> ``{"probabilities": [...]}``."""
    work = functools.partial(_predict_bytes, sha256=request.app.state.model_sha256)
    return await _answer(request, work)


@router.get("/v1/contract", summary="Every field: labels (zh/en), type, range, allowed values, unit, "
                                    "may be unknown, actionable")
async def contract_endpoint() -> dict[str, Any]:
    """The feature contract as JSON; the page builds its form from it."""
    return {"api_version": API_VERSION, "default_target": DEFAULT_TARGET, "fields": contract_fields()}


@router.get("/v1/ui", summary="The page's captions in one language (xieshang.text.UI)")
async def ui_endpoint(lang: str = "zh") -> Response:
    """Captions and the disclaimer, for the page."""
    try:
        return JSONResponse(T.ui_texts(lang))
    except ValueError:
        return JSONResponse(error_body(Refused.api("bad_lang", field="lang", got=_shown(lang)), None, None),
                            status_code=422)


@router.get("/v1/example", summary="The example applicant the page starts from")
async def example_endpoint(request: Request) -> Response:
    """``data/examples/applicant.json`` (404 where the package runs without the repository)."""
    example = request.app.state.example
    if example is None:
        return JSONResponse({"detail": {"message": api_text("no_example", known_lang(_query_lang(request)))}},
                            status_code=404)
    return JSONResponse(example)


@router.get("/healthz", summary="Ready, with the model's SHA-256 and the versions")
async def healthz(request: Request) -> dict[str, Any]:
    """Answers once the model is loaded (the server does not start without one)."""
    return {"status": "ready", "model_sha256": request.app.state.model_sha256,
            "xieshang_version": __version__, "api_version": API_VERSION}
