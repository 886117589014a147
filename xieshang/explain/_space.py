"""Option grids: every combination of one applicant's choices, split into plan and other steps.

``go`` x ``gp`` enumerates the options (:func:`option_space`); the grids depend only on the sizes and
directions of the dimensions, so applicants of the same shape share them (:func:`shape_grids`, cached).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .. import rules
from ._batch import Rows
from ._facts import Facts, facts_of
from ._limits import MAX_STEPS, PLAN_INPUTS
from ._options import Dim
from ._options import dims as make_dims

__all__ = ["unique", "unique_inverse", "grid_of", "strides", "Grids", "shape_grids", "OptionSpace", "option_space", "space_of",
           "other_costs", "shared_other_costs", "fill", "fill_choices"]


def unique(a: np.ndarray, size: int) -> np.ndarray:
    """``np.unique(a)`` of indices in ``[0, size)``, by marking them (cheaper on the small arrays here)."""
    seen = np.zeros(size, dtype=bool)
    seen[a] = True
    return np.flatnonzero(seen)


def unique_inverse(a: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(a, return_inverse=True)`` of indices in ``[0, size)``, by marking them."""
    seen = np.zeros(size, dtype=bool)
    seen[a] = True
    rank = np.cumsum(seen) - 1  # position of each marked index among the marked ones
    return np.flatnonzero(seen), rank[a]


def grid_of(shape: tuple[int, ...]) -> np.ndarray:
    """All index combinations of dimensions of these sizes, shape (n_combos, n_dims), the first 'keep everything'."""
    if not shape:
        return np.zeros((1, 0), dtype=np.int64)
    return np.indices(shape).reshape(len(shape), -1).T.astype(np.int64)


def strides(shape: tuple[int, ...]) -> np.ndarray:
    """Row-major strides of a grid of this shape: ``choice @ strides`` is its ravelled code."""
    out = np.ones(len(shape), dtype=np.int64)
    for j in range(len(shape) - 2, -1, -1):
        out[j] = out[j + 1] * shape[j + 1]
    return out


@dataclass(frozen=True, eq=False)  # hashed by identity: one per shape (grids)
class Grids:
    """What an option space's grids hold, which depends only on its dimensions' sizes and directions.

    Many applicants share a shape, so this is built once per shape (:func:`_grids`) instead of
    once per applicant. Every array is read-only: it is shared.
    """

    go: np.ndarray          # other grid: every choice of the non-plan dims with at most MAX_STEPS changes
    codes_o: np.ndarray     # each go row's code in the full other grid (ascending)
    go_rows: np.ndarray     # per code of the full other grid, its row of go (-1: more than MAX_STEPS changes)
    strides_o: np.ndarray   # choice @ strides_o: the code in the full other grid
    top_o: np.ndarray       # full-grid rows with every directional other dim at its most favourable choice
    gp: np.ndarray          # plan grid (every choice of the plan dims); a row's index is its code
    n_changes: np.ndarray   # changes of each combo (go row x gp row, ravelled)
    few_steps: np.ndarray   # n_changes <= MAX_STEPS
    single_o: np.ndarray    # go row changing only other dim j to choice k, for (j, k) in dims order
    single_p: np.ndarray    # plan part changing only plan dim j to choice k, for (j, k) in dims order
    bound_p: np.ndarray     # per plan part, the part with every directional plan dim at its most favourable


@functools.lru_cache(maxsize=1024)
def shape_grids(shape_o: tuple[int, ...], directional_o: tuple[bool, ...], shape_p: tuple[int, ...],
           directional_p: tuple[bool, ...]) -> Grids:
    """The :class:`Grids` of an option space whose dims have these sizes and directions (cached)."""
    full = grid_of(shape_o)
    n_full = (full > 0).sum(1)
    keep = n_full <= MAX_STEPS
    go_rows = np.full(len(full), -1, dtype=np.int64)
    go_rows[keep] = np.arange(int(keep.sum()))
    top = np.ones(len(full), dtype=bool)
    for j, directional in enumerate(directional_o):
        if directional:
            top &= full[:, j] == shape_o[j] - 1
    gp = grid_of(shape_p)
    strides_o, strides_p = strides(shape_o), strides(shape_p)
    n_changes = (n_full[keep][:, None] + (gp > 0).sum(1)[None, :]).ravel()
    single_o = np.array([go_rows[k * strides_o[j]] for j, n in enumerate(shape_o) for k in range(1, n)], dtype=np.int64)
    single_p = np.array([k * strides_p[j] for j, n in enumerate(shape_p) for k in range(1, n)], dtype=np.int64)
    best_p = gp.copy()
    for j, directional in enumerate(directional_p):
        if directional:
            best_p[:, j] = shape_p[j] - 1
    out = Grids(full[keep], np.flatnonzero(keep), go_rows, strides_o, full[top], gp, n_changes,
                 n_changes <= MAX_STEPS, single_o, single_p, best_p @ strides_p)
    for a in vars(out).values():  # shared between applicants: never written to
        a.flags.writeable = False
    return out


@dataclass
class OptionSpace:
    """One applicant's discrete option space (:func:`option_space`): its dimensions, grids and plan terms."""

    dims: list[Dim]
    other: list[int]          # positions in dims of non-plan dims
    plan: list[int]           # positions in dims of plan dims
    go: np.ndarray            # other grid (nO, len(other)), at most MAX_STEPS changes per row
    gp: np.ndarray            # plan grid (nP, len(plan))
    cost_o: np.ndarray
    cost_p: np.ndarray
    feasible_p: np.ndarray    # plan part the borrower can keep (rules.affordable, its down payment funded)
    instalment_p: np.ndarray  # monthly instalment of each plan part (RMB)
    disposable_p: np.ndarray  # disposable income of each plan part (RMB/month)
    top_o: np.ndarray         # other choices with every directional dim at its most favourable (may exceed MAX_STEPS)
    codes_o: np.ndarray       # ravelled index of each go row in the full grid (ascending)
    grids: Grids = field(repr=False)  # the shape's grids, shared with applicants of the same shape

    @property
    def n_p(self) -> int:
        return len(self.gp)

    def split(self, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return idx // self.n_p, idx % self.n_p

    def o_index(self, choice: Any) -> Any:
        """Row(s) of ``go`` holding the other-dims choice(s) ``choice`` (shape (n_other,) or (k, n_other))."""
        c = np.asarray(choice, dtype=np.int64)
        shape = [len(self.dims[d].values) for d in self.other]
        if c.shape[-1:] != (len(shape),) or (c.size and ((c < 0).any() or (c >= shape).any())):
            raise ValueError(f"invalid choice {choice!r} for dimensions of sizes {shape}")
        # Row-major code in the full grid (as np.ravel_multi_index), then its row of go (-1: not in go).
        i = self.grids.go_rows[c @ self.grids.strides_o]
        if np.any(i < 0):
            raise KeyError(choice)
        return int(i) if c.ndim == 1 else i

    def p_index(self, choice: Any) -> Any:
        """Plan part(s) holding the plan-dims choice(s) ``choice``."""
        c = np.asarray(choice, dtype=np.int64)
        shape = [len(self.dims[d].values) for d in self.plan]
        code = np.ravel_multi_index(tuple(c.T), shape) if shape else np.zeros(c.shape[:-1], dtype=np.int64)
        return int(code) if c.ndim == 1 else np.asarray(code, dtype=np.int64)

    def menu(self) -> dict[str, tuple[Any, ...]]:
        """``{feature: values offered}`` (the keep choice left out), in the contract's order."""
        return {d.name: tuple(d.values[1:]) for d in self.dims}

    def choices(self, idx: int) -> dict[int, int]:
        """{dim position: option index} of the non-keep choices of combo ``idx``."""
        o, p = divmod(int(idx), self.n_p)
        out = {}
        for j, d in enumerate(self.other):
            if self.go[o, j]:
                out[d] = int(self.go[o, j])
        for j, d in enumerate(self.plan):
            if self.gp[p, j]:
                out[d] = int(self.gp[p, j])
        return out


def option_space(row: dict[str, Any]) -> OptionSpace:
    """The applicant's discrete option space (see :mod:`xieshang.explain`).

    ``go`` x ``gp`` enumerates the options: ``go`` holds the choices of the
    steps that leave the plan alone (documents, contact, information...), at
    most :data:`MAX_STEPS` changes each, ``gp`` those of the plan (length,
    down payment, expenses); ``feasible_p`` says which plan parts the borrower
    can keep: :func:`xieshang.rules.affordable` accepts them, and their down
    payment needs no money known savings beyond the reserve do not hold
    (:meth:`~xieshang.explain._facts.Facts.unfunded`). An option also has at most
    :data:`MAX_STEPS` changes in all.
    """
    return space_of(row, facts_of(row))


def space_of(row: dict[str, Any], facts: Facts) -> OptionSpace:
    """:func:`option_space` of an applicant whose :class:`~xieshang.explain._facts.Facts` are known."""
    dims = make_dims(row, facts)
    plan = [i for i, d in enumerate(dims) if d.name in PLAN_INPUTS]
    other = [i for i, d in enumerate(dims) if d.name not in PLAN_INPUTS]
    grids = shape_grids(tuple(len(dims[d].values) for d in other), tuple(dims[d].directional for d in other),
                         tuple(len(dims[d].values) for d in plan), tuple(dims[d].directional for d in plan))
    go, gp = grids.go, grids.gp
    dims_o = tuple(dims[d] for d in other)
    cost_o = (shared_other_costs(dims_o, grids) if all(d.shared for d in dims_o)
              else other_costs(dims_o, grids))
    cost_p = sum((dims[d].costs[gp[:, j]] for j, d in enumerate(plan)), np.zeros(len(gp)))
    cols = {k: np.full(len(gp), float(row[k])) for k in
            ("outstanding_balance", "monthly_income", "other_debt_payments", *PLAN_INPUTS)}
    for j, d in enumerate(plan):
        cols[dims[d].name] = np.asarray(dims[d].values, dtype=float)[gp[:, j]]
    inst, disp = rules.plan_terms(cols)
    # A plan the borrower can keep: affordable, and no down payment known savings do not cover.
    feasible = facts.affordable(inst, disp) & ~facts.unfunded(cols["down_payment_ratio"])
    return OptionSpace(dims, other, plan, go, gp, cost_o, cost_p, feasible, inst, disp, grids.top_o, grids.codes_o,
                       grids)


def other_costs(dims_o: tuple[Dim, ...], grids: Grids) -> np.ndarray:
    """Cost of each ``go`` row: the sum of its choices' costs, dim after dim."""
    return sum((d.costs[grids.go[:, j]] for j, d in enumerate(dims_o)), np.zeros(len(grids.go)))


@functools.lru_cache(maxsize=1024)
def shared_other_costs(dims_o: tuple[Dim, ...], grids: Grids) -> np.ndarray:
    """:func:`other_costs` of shared dims (keyed by identity), computed once for all applicants that have them."""
    out = other_costs(dims_o, grids)
    out.flags.writeable = False
    return out


def fill(rows: Rows, space: OptionSpace, combos: np.ndarray) -> None:
    """Every row of ``rows`` from the options ``combos`` (one each)."""
    o, p = space.split(combos)
    fill_choices(rows, space, space.go[o], p)


def fill_choices(rows: Rows, space: OptionSpace, o_choices: np.ndarray, p: np.ndarray) -> None:
    """Every row of ``rows``: other dims from the choice rows ``o_choices``, plan dims from plan parts ``p``."""
    for grid, part in ((o_choices, space.other), (space.gp[p], space.plan)):
        for j, d in enumerate(part):
            dim = space.dims[d]
            rows.cols[dim.name] = dim.stored[grid[:, j]]  # a new array in the applicant's column dtype
