"""The values each feature is compared with to find the reasons (a typical approved applicant)."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from ..contract import FEATURE_NAMES, LABEL
from ..features import typical_approved

__all__ = ["REFERENCE_ROWS", "REFERENCE_SEED", "reference_values", "resolve_reference"]

REFERENCE_ROWS = 20_000
"""Rows drawn from the generator by ``reference_values()`` (no model)."""
REFERENCE_SEED = 0
"""The seed of those rows."""


@functools.lru_cache(maxsize=1)
def _generator_reference() -> dict[str, Any]:
    from ..generator import generate  # only on an explicit call: never a silent stand-in for a model's own

    df = generate(REFERENCE_ROWS, seed=REFERENCE_SEED)
    return typical_approved(df, df[LABEL])


def reference_values(model: Any = None) -> dict[str, Any]:
    """The value each feature is compared with to find the reasons.

    Parameters
    ----------
    model : object, optional
        A model: its own ``reference_values_`` (a typical approved applicant
        of its training data, see :func:`xieshang.features.typical_approved`,
        set by :meth:`xieshang.ApprovalModel.fit`). Without a model: a typical
        approved applicant of :data:`REFERENCE_ROWS` rows drawn from the
        synthetic generator with :data:`REFERENCE_SEED` (pass it to
        :func:`xieshang.explain.explain` as ``reference=`` for a model that
        carries none).

    Raises
    ------
    ValueError
        If ``model`` is given and carries no ``reference_values_``.
    """
    if model is None:
        return dict(_generator_reference())
    return resolve_reference(model, None)


def resolve_reference(model: Any, reference: Mapping[str, Any] | None) -> dict[str, Any]:
    """``reference`` if given (checked), else the model's own ``reference_values_``.

    Raises
    ------
    ValueError
        If neither is there (saying how to pass one), or ``reference`` lacks a feature of the contract.
    """
    if reference is None:
        own = getattr(model, "reference_values_", None)
        if not own:
            raise ValueError(
                f"reference: the model ({type(model).__name__}) carries no reference_values_ (a typical approved "
                "applicant of its training data) to compare the applicant with; pass reference=... explicitly, e.g. "
                "reference=xieshang.explain.reference_values() for the synthetic generator's typical approved applicant")
        return dict(own)
    if not isinstance(reference, Mapping):
        raise ValueError(f"reference: expected a mapping {{feature: value}}, got {type(reference).__name__}")
    missing = [name for name in FEATURE_NAMES if name not in reference]
    if missing:
        raise ValueError(f"reference: expected a value for every feature of the contract, missing {', '.join(missing)}")
    return dict(reference)
