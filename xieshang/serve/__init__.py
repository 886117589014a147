"""``xieshang serve``: the what-if page and the JSON API (needs the ``serve`` extra).

:func:`create_app` builds the ASGI app (FastAPI) with the model loaded;
:func:`run` serves it with uvicorn on 127.0.0.1 by default. Modules:
:mod:`~xieshang.serve.schema` (the contract as JSON and JSON Schema),
:mod:`~xieshang.serve.problems` (refusals, in the request's language), :mod:`~xieshang.serve.routes`
(the endpoints), :mod:`~xieshang.serve.app` (factory, limits, pages); the
page's HTML, JS and CSS are package data in ``static/``.
"""

from __future__ import annotations

from .app import MAX_BODY_BYTES, create_app, run

__all__ = ["create_app", "run", "MAX_BODY_BYTES"]
