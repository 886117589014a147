"""Parameter checks shared by every public function and estimator.

One wording for every bad parameter: what was expected and what was got.
"""

from __future__ import annotations

import numbers
from typing import Any

__all__ = ["check_int", "check_probability", "int_problem"]


def int_problem(value: Any, name: str, *, low: int | None = None) -> str | None:
    """The problem with ``value`` as an integer parameter ``name`` (at least ``low``), or ``None`` if fine.

    Booleans are refused: ``True`` is an ``int`` to Python, never a count to a user.
    """
    ok = isinstance(value, numbers.Integral) and not isinstance(value, bool)
    if ok and (low is None or value >= low):
        return None
    what = "an integer" if low is None else {0: "a non-negative integer", 1: "a positive integer"}.get(
        low, f"an integer >= {low}")
    return f"{name}: expected {what}, got {value!r}"


def check_int(value: Any, name: str, *, low: int | None = None) -> int:
    """``value`` as a plain ``int`` if it is an integer of at least ``low``.

    Raises
    ------
    ValueError
        Naming ``name``, what was expected and what was got.
    """
    problem = int_problem(value, name, low=low)
    if problem:
        raise ValueError(problem)
    return int(value)


def check_probability(value: Any, name: str) -> float:
    """``value`` as a ``float`` if it is a number strictly between 0 and 1.

    Raises
    ------
    ValueError
        Naming ``name``, what was expected and what was got.
    """
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool) and 0.0 < float(value) < 1.0
    if not ok:
        raise ValueError(f"{name}: expected a probability strictly between 0 and 1, got {value!r}")
    return float(value)
