"""The app factory: model loaded at start-up, body limit, page and offline API docs.

FastAPI on uvicorn: the request schema in the OpenAPI document is generated
from the contract; the docs page (Swagger UI 5 at ``/docs``) is FastAPI's own,
its files served by the app from the ``fastapi-offline`` package (no CDN).
ReDoc is off: even from local files it fetches its logo from its CDN.
"""

from __future__ import annotations

import hashlib
import html
import json
import logging
import os
import re
import traceback
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from .. import __version__
from .. import text as T
from .problems import api_text, known_lang
from .routes import router

__all__ = ["create_app", "run", "app_from_env", "DEFAULT_MODEL", "MAX_BODY_BYTES"]

DEFAULT_MODEL = Path("model") / "approval.joblib"
MAX_BODY_BYTES = 16 * 2**20
"""Bodies larger than this get HTTP 413 (16 MiB: about 20,000 rows of /v1/predict)."""

_HERE = Path(__file__).resolve().parent
_STATIC = _HERE / "static"
_FONT = _HERE.parent / "fonts" / "XieshangCJK-Regular.otf"
_EXAMPLE = _HERE.parents[1] / "data" / "examples" / "applicant.json"  # in a clone of the repository
_log = logging.getLogger("xieshang.serve")


class _Guard:
    """ASGI middleware: 413 over the body limit, and an unexpected error as a bare 500 (no traceback, no data).

    The body is read whole (up to the limit) before the app sees it, so a
    refused body is never parsed. An unexpected error is logged by its type
    and code location only: exception messages may quote an applicant's values.
    Both answers are :data:`xieshang.text.API_ERRORS` in the query's ``lang``
    (``?lang=en``), the one language known without the body, else in each
    language, one a line (:func:`~xieshang.serve.problems.api_text`); the 500
    is sent by the app's own handler where the app got to answer, by this where not.
    """

    def __init__(self, app: Any, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        lang = _query_lang(scope)
        length = dict(scope["headers"]).get(b"content-length", b"0")
        if not length.isdigit() or int(length) > self.max_bytes:
            await self._too_large(send, lang)
            return
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > self.max_bytes:
                await self._too_large(send, lang)
                return
            more = message.get("more_body", False)
        body, started, replayed = b"".join(chunks), False, False

        async def replay() -> dict[str, Any]:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        async def watch(message: dict[str, Any]) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, replay, watch)
        except Exception as exc:
            where = "".join(traceback.format_tb(exc.__traceback__)[-3:])
            _log.error("internal error %s (message withheld: it may hold applicant data) at\n%s",
                       type(exc).__name__, where)
            if not started:
                await _send_json(send, 500, _internal_error_body(lang))

    async def _too_large(self, send: Any, lang: str | None) -> None:
        await _send_json(send, 413, {"detail": {"message": api_text("too_large", lang, limit=f"{self.max_bytes:,}")}})


def _query_lang(scope: dict[str, Any]) -> str | None:
    """The query's ``lang`` where supported (``None``: each language)."""
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    return known_lang(query.get("lang", [None])[0])


async def _send_json(send: Any, status: int, payload: dict[str, Any]) -> None:
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def _read_example(path: Path | None) -> dict[str, Any] | None:
    if path is None or not path.is_file():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    return data if isinstance(data, dict) else None


def create_app(model_path: str | Path | None = None, *, max_body_bytes: int = MAX_BODY_BYTES,
               example: str | Path | None = _EXAMPLE) -> Any:
    """The ASGI app, with the model loaded (and checked) now.

    Parameters
    ----------
    model_path : str or Path, optional
        Default ``model/approval.joblib``.
    max_body_bytes : int
        Larger bodies get HTTP 413.
    example : str or Path, optional
        The applicant the page starts from (``data/examples/applicant.json``
        of the repository; ``None`` for an empty form).

    Raises
    ------
    ValueError
        The library's message for a missing or damaged model file (the
        server does not start).
    """
    from fastapi_offline import FastAPIOffline

    from .. import load_model

    path = Path(model_path) if model_path is not None else DEFAULT_MODEL
    model = load_model(path)
    app = FastAPIOffline(title="xieshang", version=__version__, static_url="/static/docs", redoc_url=None,
                  description="Approval estimate of a negotiated repayment plan (协商还款), its reasons and the "
                              "plans a borrower can keep. Estimates from a model trained on synthetic data; "
                              "not financial or legal advice.")
    app.state.model = model
    app.state.model_sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
    app.state.example = _read_example(Path(example) if example is not None else None)
    app.include_router(router)
    # Starlette answers an unexpected error itself (a plain-text "Internal Server Error") before _Guard sees it:
    # this handler words that answer; _Guard still logs the error without its message.
    app.add_exception_handler(Exception, _internal_error)
    app.add_exception_handler(HTTPException, _http_error)
    _add_pages(app)
    return _Guard(app, max_body_bytes)


async def _internal_error(request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse(_internal_error_body(known_lang(request.query_params.get("lang"))), status_code=500)


def _internal_error_body(lang: str | None) -> dict[str, Any]:
    return {"detail": {"message": api_text("internal_error", lang)}}


async def _http_error(request: Request, exc: Exception) -> Response:
    """No such address (404) or method (405), in the query's ``lang`` else both, as every refusal of the API."""
    assert isinstance(exc, HTTPException)
    lang = known_lang(request.query_params.get("lang"))
    if exc.status_code == 404:
        message = api_text("not_found", lang)
    elif exc.status_code == 405:
        message = api_text("method_not_allowed", lang, method=request.method,
                           allowed=(exc.headers or {}).get("Allow", "GET"))
    else:  # none other is raised by this app: FastAPI's own answer
        return await http_exception_handler(request, exc)
    return JSONResponse({"detail": {"message": message}}, status_code=exc.status_code, headers=exc.headers)


_HTML_LANG = {"zh": "zh-CN", "en": "en"}


def _page_html(lang: str) -> str:
    """``index.html`` with the words shown before its script runs (or without it) in ``lang``: ``{{key}}`` of UI."""
    other = next(x for x in T.LANGS if x != lang)
    words = {**T.ui_texts(lang), "html_lang": _HTML_LANG[lang], "other_html_lang": _HTML_LANG[other]}
    template = (_STATIC / "index.html").read_text(encoding="utf-8")
    return re.sub(r"\{\{(\w+)\}\}", lambda m: html.escape(words[m.group(1)]), template)


class _PageFiles(StaticFiles):
    """The page's files as they are, except its template (``index.html``, with ``{{placeholders}}``): it leads to
    the page, ``/``, with the same query (``?lang=en``)."""

    async def get_response(self, path: str, scope: Any) -> Response:
        # ``path`` is normalised (get_path): ``//index.html``, ``index.html/`` and ``./index.html`` land here too.
        if path == "index.html":
            query = scope.get("query_string", b"").decode("latin-1")
            return RedirectResponse("/" + (f"?{query}" if query else ""), status_code=307)
        return await super().get_response(path, scope)


def _add_pages(app: FastAPI) -> None:
    app.mount("/static/page", _PageFiles(directory=_STATIC), name="page")
    pages = {lang: _page_html(lang) for lang in T.LANGS}

    @app.get("/", include_in_schema=False)
    def page(request: Request) -> HTMLResponse:  # ?lang=en as the page's script reads it: English, else Chinese
        return HTMLResponse(pages["en" if request.query_params.get("lang") == "en" else "zh"])

    @app.get("/static/font.otf", include_in_schema=False)
    def font() -> FileResponse:  # the bundled CJK font: no system CJK font needed, nothing from outside
        return FileResponse(_FONT, media_type="font/otf", headers={"Cache-Control": "max-age=86400"})


_MODEL_ENV = "XIESHANG_SERVE_MODEL"


def app_from_env() -> Any:
    """The app of one uvicorn worker process (``--workers``): the model path is in ``XIESHANG_SERVE_MODEL``."""
    return create_app(os.environ[_MODEL_ENV])


def run(model_path: str | Path | None = None, host: str = "127.0.0.1", port: int = 8000, workers: int = 1) -> None:
    """Serve the page and the API with uvicorn (blocks until stopped).

    Parameters
    ----------
    workers : int, default 1
        Processes, each with its own copy of the model: explanations are
        CPU-bound, so more than one serves concurrent clients on more cores.

    Raises
    ------
    ValueError
        A missing or damaged model (before the port is opened).
    """
    import uvicorn

    app = create_app(model_path)  # checks the model before anything listens
    print(f"xieshang serve: http://{host}:{port}/ (API docs at /docs); Ctrl+C stops", flush=True)
    if workers == 1:
        uvicorn.run(app, host=host, port=port, log_level="info")
        return
    os.environ[_MODEL_ENV] = str(Path(model_path if model_path is not None else DEFAULT_MODEL).resolve())
    uvicorn.run("xieshang.serve.app:app_from_env", factory=True, host=host, port=port, log_level="info",
                workers=workers)
