"""Counting what the robustness tests try, for ``reports/robustness.md``.

Tests call :func:`tried` for every input they feed the library and
:func:`injected` for every fault they inject (a damaged file, a killed
process...). The counts are written to the JSON file named by the
``XIESHANG_ROBUSTNESS_LOG`` environment variable when the test process ends;
without it (a plain ``make test``) nothing is written.
``scripts/robustness_report.py`` sets the variable, runs the suites and
summarises the file.
"""

from __future__ import annotations

import atexit
import json
import os
from collections import Counter

__all__ = ["tried", "injected", "LOG_ENV"]

LOG_ENV = "XIESHANG_ROBUSTNESS_LOG"
_COUNTS: dict[str, Counter] = {"inputs": Counter(), "faults": Counter()}


def tried(what: str, n: int = 1) -> None:
    """Count ``n`` inputs of kind ``what`` fed to the library."""
    _COUNTS["inputs"][what] += n


def injected(what: str, n: int = 1) -> None:
    """Count ``n`` injected faults of kind ``what``."""
    _COUNTS["faults"][what] += n


def _dump() -> None:
    path = os.environ.get(LOG_ENV)
    if not path:
        return
    try:
        with open(path, encoding="utf-8") as fh:
            old = json.load(fh)
    except (OSError, ValueError):
        old = {}
    for key, counter in _COUNTS.items():
        merged = Counter(old.get(key, {}))
        merged.update(counter)
        old[key] = dict(sorted(merged.items()))
    tmp = f"{path}.{os.getpid()}.tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(old, fh, indent=2)
    os.replace(tmp, path)


atexit.register(_dump)
