"""Imports go one way: a module imports, at import time, only modules of its own or a lower layer."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "xieshang"

# The layers of the README's "Architecture" section.
LAYERS = {
    "contract": 1, "rules": 1, "checks": 1, "headers": 1, "files": 1, "facts": 1,
    "validation": 2, "generator": 2, "features": 2,
    "modeling": 3, "model": 3, "metrics": 3, "outputs": 3,
    "text": 4, "inspection": 4, "explain": 4, "plots": 4,
    "check": 5, "action_audit": 5, "scoring": 5, "reports": 5, "docs": 5, "cli": 5,
}


def _module_level_imports(path: Path) -> set[str]:
    """Our modules imported at import time (not inside functions), as top-level names under xieshang."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.If):  # `if TYPE_CHECKING:` blocks are for type checkers only
            continue
        if isinstance(node, ast.ImportFrom) and node.level:
            base = node.module.split(".")[0] if node.module else None
            package = path.parent.name if path.parent != PACKAGE else None  # modeling/, explain/
            if node.level == 1 and package:
                names.add(package)
            elif base:
                names.add(base)
            else:
                names.update(alias.name for alias in node.names)
    return names


def test_every_module_has_a_layer():
    modules = {p.stem for p in PACKAGE.glob("*.py") if p.stem != "__init__"} | {"modeling", "explain"}
    assert modules == set(LAYERS)


def test_no_module_imports_a_higher_layer():
    wrong = []
    for path in [*PACKAGE.glob("*.py"), *(PACKAGE / "modeling").glob("*.py"), *(PACKAGE / "explain").glob("*.py")]:
        if path.stem == "__init__" and path.parent == PACKAGE:
            continue  # resolves names lazily
        me = path.parent.name if path.parent != PACKAGE else path.stem
        for other in _module_level_imports(path):
            if other in LAYERS and other != "__version__" and LAYERS[other] > LAYERS[me]:
                wrong.append(f"{path.relative_to(PACKAGE)} imports {other}")
    assert not wrong
