"""Griffe extension (mkdocs.yml, mkdocstrings `extensions:`): Sphinx roles in docstrings as code.

The docstrings are numpydoc and name other objects Sphinx's way (``:func:`explain```,
``:class:`~xieshang.model.ApprovalModel```); mkdocstrings would print the role literally. Each
becomes a code span, ``~`` keeping only the last part of the name as Sphinx does.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

_ROLE = re.compile(r":(?:py:)?(?:func|class|meth|mod|data|attr|obj|exc):`(~?)([^`]+)`")


def _code(match: re.Match[str]) -> str:
    name = match.group(2)
    return f"`{name.rsplit('.', 1)[-1] if match.group(1) else name}`"


class SphinxRoles(griffe.Extension):
    """Rewrite ``:role:`name``` as ``name`` in code, in every docstring griffe loads."""

    def on_object(self, *, obj: griffe.Object, loader: griffe.GriffeLoader, **kwargs: Any) -> None:
        if obj.docstring is not None:
            obj.docstring.value = _ROLE.sub(_code, obj.docstring.value)
