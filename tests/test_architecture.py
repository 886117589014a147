"""How the package hangs together: imports go one way, and no module reaches into another's private names."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "xieshang"

# The layers of docs/architecture.md (tests/test_doc_blocks.py checks that the page lists these).
LAYERS = {
    "contract": 1, "rules": 1, "checks": 1, "headers": 1, "files": 1, "cells": 1, "facts": 1,
    "encodings": 1, "delimited": 1, "excel": 1, "tables": 1,  # reading and writing the files people keep
    "validation": 2, "columns": 2, "generator": 2, "features": 2, "persistence": 2,
    "modeling": 3, "model": 3, "metrics": 3, "outputs": 3,
    "text": 4, "inspection": 4, "explain": 4, "plots": 4, "partition": 4,
    "check": 5, "check_report": 5, "action_audit": 5, "scoring": 5, "reports": 5, "card": 5, "docs": 5,
    "cli": 5, "arguments": 5, "sampling": 5, "cluster": 5, "spark": 5, "serve": 5,
}


def _subpackages() -> list[Path]:
    return sorted(p.parent for p in PACKAGE.glob("*/__init__.py"))


def _sources() -> list[Path]:
    """Every module of the package: top-level modules and the modules of its subpackages."""
    return [*sorted(PACKAGE.glob("*.py")), *(p for d in _subpackages() for p in sorted(d.glob("*.py")))]


def _unit(path: Path) -> str:
    """The layered unit a file belongs to: its module name, or its subpackage's name."""
    return path.parent.name if path.parent != PACKAGE else path.stem


def _imported_units(node: ast.ImportFrom, path: Path) -> set[str]:
    """The package's units an ``from ... import ...`` statement in ``path`` refers to."""
    inside = path.parent != PACKAGE
    if node.level == 0:
        parts = (node.module or "").split(".")
        return {parts[1]} if parts[0] == "xieshang" and len(parts) > 1 else set()
    if node.level == 1 and inside:  # a sibling in the same subpackage
        return {path.parent.name}
    if node.module:
        return {node.module.split(".")[0]}
    return {alias.name for alias in node.names}


def _module_level_imports(path: Path) -> set[str]:
    """Our units imported at import time (not inside functions)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.If):  # `if TYPE_CHECKING:` blocks are for type checkers only
            continue
        if isinstance(node, ast.ImportFrom):
            names |= _imported_units(node, path)
    return names


def _refers_to_package(node: ast.ImportFrom) -> bool:
    return node.level > 0 or (node.module or "").split(".")[0] == "xieshang"


def test_every_module_has_a_layer():
    modules = {p.stem for p in PACKAGE.glob("*.py") if p.stem != "__init__"} | {d.name for d in _subpackages()}
    assert modules == set(LAYERS)


def test_no_module_imports_a_higher_layer():
    wrong = []
    for path in _sources():
        if path.stem == "__init__" and path.parent == PACKAGE:
            continue  # resolves names lazily
        me = _unit(path)
        for other in _module_level_imports(path):
            if other in LAYERS and LAYERS[other] > LAYERS[me]:
                wrong.append(f"{path.relative_to(PACKAGE)} imports {other}")
    assert not wrong


def _private_imports(source: str) -> list[str]:
    """``"line: name from module"`` for every import of a private name from the package in ``source``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and _refers_to_package(node):
            found += [f"{node.lineno}: {a.name} from {'.' * node.level}{node.module or ''}" for a in node.names
                      if a.name.startswith("_") and not a.name.startswith("__")]
    return found


def test_no_module_imports_another_modules_private_names():
    """Shared code is promoted to a public name; ``from .x import _y`` (at any depth, in any function) is refused."""
    wrong = [f"{path.relative_to(PACKAGE)}:{hit}" for path in _sources()
             for hit in _private_imports(path.read_text(encoding="utf-8"))]
    assert not wrong, "\n".join(wrong)


def test_the_private_import_check_catches_every_form():
    """The check above is real: relative, absolute, nested and aliased imports of a private name are all found."""
    cases = {
        "from .validation import _codes": True,
        "from ..validation import _codes as codes": True,
        "from xieshang.validation import _codes": True,
        "def f():\n    from .cells import _ALIASES\n": True,
        "from . import _secret": True,
        "from .cells import is_missing": False,
        "from . import __version__": False,
        "from numpy import _NoValue": False,
    }
    for source, flagged in cases.items():
        assert bool(_private_imports(source)) == flagged, source


MAX_LINES = 400


def test_every_module_is_under_400_lines():
    """A module holds one job: none of the package's modules reaches 400 lines."""
    long = {str(p.relative_to(PACKAGE)): n for p in _sources()
            if (n := len(p.read_text(encoding="utf-8").splitlines())) >= MAX_LINES}
    assert not long, long
