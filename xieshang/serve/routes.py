"""The API's endpoints: ``/v1/predict``, ``/v1/explain`` (JSON and figure), ``/v1/plan``, ``/v1/contract``, ``/healthz``.

Every endpoint reads the raw JSON body itself and hands it to the library
(the OpenAPI document still shows the contract's schema: see
:mod:`xieshang.serve.schema`), so the API accepts exactly what
``explain(dict)`` accepts and refuses it with the library's words
(:mod:`xieshang.serve.problems`). The model work runs in the thread pool;
nothing of an applicant is logged or written anywhere.
"""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response

from .. import __version__, rules
from .. import text as T
from ..contract import MISSING_OK_NAMES
from ..headers import column_mapping
from ..validation import applicant_fields, applicant_frame, validate_frame
from .problems import Refused, error_body
from .schema import API_VERSION, applicant_schema, contract_fields

__all__ = ["router", "DEFAULT_TARGET"]

DEFAULT_TARGET = 0.6
"""The target probability when a request names none (as ``xieshang explain``)."""

router = APIRouter()
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


async def _body(request: Request) -> Any:
    raw = await request.body()
    try:
        return json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise Refused(f"body: not valid JSON ({type(exc).__name__}: {str(exc)[:80]})", field="body") from None


def _lang(body: Any, request: Request) -> str:
    """The request's language: ``lang`` in the body or the query, else Chinese; an unsupported one is refused."""
    lang = body.get("lang") if isinstance(body, Mapping) and "lang" in body else request.query_params.get("lang", "zh")
    return T.check_lang(lang)


def _query_lang(request: Request) -> str:
    lang = request.query_params.get("lang", "zh")
    return lang if lang in T.LANGS else "zh"


def _applicant(body: Any) -> tuple[dict[str, Any], float]:
    if not isinstance(body, Mapping):
        raise Refused(f"body: expected a JSON object {{\"applicant\": {{...}}, \"target\", \"lang\"}}, "
                      f"got {type(body).__name__}", field="body")
    applicant = body.get("applicant")
    if not isinstance(applicant, Mapping):
        raise Refused("applicant: expected a JSON object {field: value}, got "
                      f"{type(applicant).__name__ if 'applicant' in body else 'nothing'}", field="applicant")
    extra = sorted(set(body) - {"applicant", "target", "lang"})
    if extra:
        raise Refused(f"body: unexpected key(s) {', '.join(map(str, extra))}; expected applicant, target, lang",
                      field="body")
    return dict(applicant), body.get("target", DEFAULT_TARGET)


def _refuse(exc: ValueError, rows: Sequence[Mapping[Any, Any]] | None, lang: str) -> JSONResponse:
    return JSONResponse(error_body(exc, rows, lang), status_code=422)


async def _in_pool(rows: list[Mapping[Any, Any]], work: Any, *args: Any, **kwargs: Any) -> Any:
    """``work(*args, **kwargs)`` in the thread pool; its ``ValueError`` refused with the applicant rows it was about."""
    try:
        return await run_in_threadpool(work, *args, **kwargs)
    except Refused:
        raise
    except ValueError as exc:
        raise Refused(str(exc), rows=rows) from None


async def _explained(request: Request) -> Any:
    """The Explanation of a request; :class:`Refused` for bad input."""
    from .. import explain

    body = await _body(request)
    lang = request.state.lang = _lang(body, request)
    applicant, target = _applicant(body)
    return await _in_pool([applicant], explain, request.app.state.model, applicant, target=target, lang=lang)


async def _handle(request: Request, work: Any) -> Response:
    try:
        return await work(request)
    except ValueError as exc:
        return _refuse(exc, exc.rows if isinstance(exc, Refused) else None, _lang_or_default(exc, request))


def _lang_or_default(exc: ValueError, request: Request) -> str:
    if str(exc).startswith("lang:"):
        return "en"  # the message itself is English; an unsupported language cannot be answered in
    return getattr(request.state, "lang", _query_lang(request))


async def _explain_json(request: Request) -> Response:
    return JSONResponse((await _explained(request)).to_dict())


@router.post("/v1/explain", openapi_extra=_one_body("One applicant, the target probability and the language."),
             summary="Explain one applicant: exactly what Explanation.to_dict() gives (as `xieshang explain --json`)")
async def explain_endpoint(request: Request) -> Response:
    """Probability, principal reasons, options with what each step buys, gap, next steps, report."""
    return await _handle(request, _explain_json)


def _png(exp: Any) -> bytes:
    import matplotlib.pyplot as plt

    with _FIGURE_LOCK:
        fig = exp.plot()
        try:
            buf = io.BytesIO()  # in memory: no applicant data on disk
            fig.savefig(buf, format="png", dpi=96, bbox_inches="tight")
        finally:
            plt.close(fig)
    return buf.getvalue()


async def _figure(request: Request) -> Response:
    return Response(await run_in_threadpool(_png, await _explained(request)), media_type="image/png")


@router.post("/v1/explain/figure", openapi_extra=_one_body("As /v1/explain."),
             summary="The same explanation drawn as Explanation.plot() draws it (PNG)",
             responses={200: {"content": {"image/png": {}}}})
async def figure_endpoint(request: Request) -> Response:
    """The chart of ``Explanation.plot``: reasons, options and single steps on one probability axis."""
    return await _handle(request, _figure)


def _plan_terms(applicant: dict[str, Any]) -> dict[str, Any]:
    row = applicant_frame(applicant)
    inst, disp = rules.plan_terms(row)
    return {"instalment": float(inst[0]), "disposable": float(disp[0]),
            "required_disposable": float(rules.required_disposable(inst)[0]),
            "residual": float(rules.residual(inst, disp)[0]), "affordable": bool(rules.affordable(inst, disp)[0])}


async def _plan(request: Request) -> Response:
    body = await _body(request)
    request.state.lang = _lang(body, request)
    applicant, _ = _applicant(body)
    return JSONResponse(await _in_pool([applicant], _plan_terms, applicant))


@router.post("/v1/plan", openapi_extra=_one_body("One applicant (target is ignored)."),
             summary="The applicant's plan by the plan rule (xieshang.rules): instalment, disposable income, affordable")
async def plan_endpoint(request: Request) -> Response:
    """Instalment, disposable income, the least disposable income that makes it affordable, and the verdict."""
    return await _handle(request, _plan)


def _canonical_rows(rows: list[Mapping[Any, Any]]) -> list[Mapping[Any, Any]]:
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


def _predict_rows(model: Any, rows: list[Mapping[Any, Any]]) -> list[float]:
    rows = _canonical_rows(rows)
    frame = pd.DataFrame(rows)
    given = set(frame.columns)
    for name in MISSING_OK_NAMES:  # left out of every row: unknown
        if name not in given:
            frame[name] = None
    clean = validate_frame(frame)
    return [float(p) for p in model.predict_proba(clean)[:, 1]]


async def _predict(request: Request) -> Response:
    body = await _body(request)
    request.state.lang = _lang(body, request)
    rows = body.get("rows") if isinstance(body, Mapping) else body
    if not isinstance(rows, list) or not rows:
        raise Refused("rows: expected a non-empty JSON array of objects {field: value}", field="rows")
    bad = [i for i, r in enumerate(rows) if not isinstance(r, Mapping)]
    if bad:
        raise Refused(f"rows: expected objects {{field: value}}, got something else at rows {bad[:3]}", field="rows")
    probabilities = await _in_pool(rows, _predict_rows, request.app.state.model, rows)
    return JSONResponse({"probabilities": probabilities, "model_sha256": request.app.state.model_sha256})


@router.post("/v1/predict", openapi_extra=_PREDICT_BODY,
             summary="Approval probability of each row, in order (unknown values as null where allowed)")
async def predict_endpoint(request: Request) -> Response:
    """``{"rows": [...]}`` (or a bare array) -> ``{"probabilities": [...]}``."""
    return await _handle(request, _predict)


@router.get("/v1/contract", summary="Every field: labels (zh/en), type, range, allowed values, unit, "
                                    "may be unknown, actionable")
def contract_endpoint() -> dict[str, Any]:
    """The feature contract as JSON; the page builds its form from it."""
    return {"api_version": API_VERSION, "default_target": DEFAULT_TARGET, "fields": contract_fields()}


@router.get("/v1/ui", summary="The page's captions in one language (xieshang.text.UI)")
def ui_endpoint(lang: str = "zh") -> Response:
    """Captions and the disclaimer, for the page."""
    try:
        return JSONResponse(T.ui_texts(lang))
    except ValueError as exc:
        return _refuse(exc, None, "en")


@router.get("/v1/example", summary="The example applicant the page starts from")
def example_endpoint(request: Request) -> Response:
    """``data/examples/applicant.json`` (404 where the package runs without the repository)."""
    example = request.app.state.example
    if example is None:
        return JSONResponse({"detail": {"message": "no example applicant here"}}, status_code=404)
    return JSONResponse(example)


@router.get("/healthz", summary="Ready, with the model's SHA-256 and the versions")
def healthz(request: Request) -> dict[str, Any]:
    """Answers once the model is loaded (the server does not start without one)."""
    return {"status": "ready", "model_sha256": request.app.state.model_sha256,
            "xieshang_version": __version__, "api_version": API_VERSION}
