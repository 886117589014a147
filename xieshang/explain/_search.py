"""The search for one applicant's cheapest options, as a coroutine in phases over one small state.

:func:`run_search` yields :class:`~xieshang.explain._batch.Rows` to score and receives their
probabilities and log-odds (:func:`xieshang.explain._batch.drive` stacks the rows of many searches
into one model call). The phases, in order (see :mod:`xieshang.explain` for the method): score the
applicant and the reason rows; score every single step, the cheapest options and each plan's upper
bound; learn whether the target is within reach (the greedy options); score options in ascending
cost until the cheapest reaching the goal is known; rank them; drop weak steps; say what each step of
the best option buys alone.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .. import text as T
from ._batch import Encoding, Rows, Scores, Search, encode
from ._facts import Facts, facts_of, to_py
from ._gap import gap_of, leads, notes
from ._limits import (
    EPS,
    FIRST_BATCH,
    GROWTH,
    MAX_OPTIONS,
    MAX_STEPS,
    MIN_OPTION_PROBABILITY,
    MIN_STEP_GAIN,
    REACH_TOLERANCE,
    SEARCH_BUDGET,
)
from ._reasons import comparison_rows, reasons, unknowns
from ._space import OptionSpace, fill, fill_choices, space_of, unique, unique_inverse
from ._steps import next_steps
from ._types import Action, Explanation, Reason, Unknown

__all__ = ["run_search"]

_Phase = Generator[Rows, Scores, Any]
_Choice = dict[int, int]  # {dim position: option index}


@dataclass
class _State:
    """What the phases of one search share: the applicant, the option space and every score so far."""

    row: dict[str, Any]
    facts: Facts
    enc: Encoding
    target: float
    lang: str
    base: float
    reasons: list[Reason]
    unknowns: list[Unknown]
    space: OptionSpace = field(init=False)
    no_plan: bool = False          # no plan is affordable: the options keep the plan as it is
    plans: np.ndarray = field(init=False)       # the plan parts options may use
    allowed: np.ndarray = field(init=False)     # per combo: an allowed plan part and at most MAX_STEPS changes
    cost: np.ndarray = field(init=False)        # per combo (rounded: equal costs compare equal)
    order: np.ndarray = field(init=False)       # allowed combos, cheapest first (ties: fewer changes)
    singles: dict[tuple[int, int], int] = field(default_factory=dict)  # (dim, choice) -> its combo alone
    prob: np.ndarray = field(init=False)        # per combo, its probability (NaN: not scored)
    bound: np.ndarray = field(init=False)       # per plan part, an upper bound of its options' probability
    best_bound: float = -np.inf
    budget: int = SEARCH_BUDGET

    @property
    def fail_status(self) -> str:
        return "no_affordable_plan" if self.no_plan else "no_improvement"


def run_search(row: dict[str, Any], target: float, lang: str, reference: dict[str, Any]) -> Search:
    """The search for one applicant, as a coroutine: it yields rows to score and receives their scores.

    Returns (as the coroutine's value) the applicant's :class:`~xieshang.explain.Explanation`.
    """
    st: _State = yield from _start(row, target, lang, reference)
    if st.base >= target and st.facts.plan_kept:
        return _finish(st, [], [], True, "already")
    if st.base >= target and st.facts.plan_ok:  # kept only with money known savings do not cover
        return _finish(st, [], [], False, "check_down_payment")
    # An unaffordable plan is never kept as is, whatever its estimate: the options are affordable plans.
    _prepare(st)
    if st.no_plan:  # options are paths to a plan they can keep: none here (the report says what to ask for)
        return _finish(st, [], [], False, "no_affordable_plan")
    yield from _score_first(st)
    goal = yield from _goal(st)
    if goal is None:
        return _finish(st, [], [], False, st.fail_status)
    yield from _cheapest(st, goal)
    chosen, picks = _rank(st, goal)
    if not picks:
        return _finish(st, [], [], False, st.fail_status)
    chosen, picks = yield from _drop_weak_steps(st, chosen, picks)
    chosen, picks = _rerank(st, chosen, picks)
    actions = [_action(st, ch, i, float(st.prob[i]), float(st.cost[i])) for ch, i in zip(chosen, picks)]
    steps = yield from _single_steps(st, chosen[0], picks[0])
    reached = bool(actions[0].probability >= target)
    return _finish(st, actions, steps, reached, "reached" if reached else "best_reachable")


def _start(row: dict[str, Any], target: float, lang: str, reference: dict[str, Any]) -> _Phase:
    """Round 1: the applicant and the reason rows (an applicant at the target needs nothing more)."""
    facts, enc = facts_of(row), encode(row)
    reason_rows, unknown_rows = comparison_rows(row, facts, reference)
    nr = len(reason_rows)
    rows = Rows(row, nr + 1 + len(unknown_rows), enc)
    for i, (name, value) in enumerate(reason_rows):
        rows.cell(i, name, value)
    for i, (name, value) in enumerate(unknown_rows, nr + 1):
        rows.cell(i, name, value)
    p_all, z_all = yield rows
    base = float(p_all[nr])
    return _State(row, facts, enc, target, lang, base,
                  reasons(row, facts, reason_rows, z_all[:nr], float(z_all[nr]), lang),
                  unknowns(unknown_rows, p_all[nr + 1:], z_all[nr + 1:], base, float(z_all[nr]), lang))


def _prepare(st: _State) -> None:
    """The option space, the allowed options cheapest first, and the combo of every single step."""
    space = st.space = space_of(st.row, st.facts)
    n_o, n_p = len(space.go), space.n_p
    st.no_plan = not space.feasible_p.any()
    # Where no plan is affordable, the steps that keep the plan as it is are still offered.
    st.plans = np.flatnonzero(space.feasible_p) if not st.no_plan else np.array([0])
    allowed_p = np.zeros(n_p, dtype=bool)
    allowed_p[st.plans] = True
    grids = space.grids
    st.cost = np.round(space.cost_o[:, None] + space.cost_p[None, :], 9).ravel()  # equal costs compare equal
    st.allowed = np.broadcast_to(allowed_p[None, :], (n_o, n_p)).ravel() & grids.few_steps
    key = np.round(st.cost * 1000).astype(np.int64) * 64 + grids.n_changes
    order = np.flatnonzero(st.allowed)
    st.order = order[np.argsort(key[order], kind="stable")]
    keys = [(d, k) for d in space.other for k in range(1, len(space.dims[d].values))]
    st.singles = dict(zip(keys, (grids.single_o * n_p).tolist()))
    if not st.no_plan:
        keys = [(d, k) for d in space.plan for k in range(1, len(space.dims[d].values))]
        st.singles.update(zip(keys, grids.single_p.tolist()))
    st.prob = np.full(n_o * n_p, np.nan)
    st.prob[0] = st.base


def _score_first(st: _State) -> _Phase:
    """Round 2: every single step, the cheapest options and each allowed plan's upper bound.

    The bound of a plan part: its length with the most favourable down payment and cut, every other
    directional step taken (the contract's directions; it may exceed MAX_STEPS, it is a bound).
    """
    space, n_p = st.space, st.space.n_p
    rep_u, rep_inv = unique_inverse(space.grids.bound_p[st.plans], n_p)
    n_top = len(space.top_o)
    singles = np.fromiter(st.singles.values(), np.int64, len(st.singles))
    first = unique(np.concatenate([singles, st.order[:FIRST_BATCH]]), len(st.prob))
    first = first[first != 0]
    rows = Rows(st.row, len(first) + n_top * len(rep_u), st.enc)
    fill_choices(rows, space, np.concatenate([space.go[first // n_p], np.repeat(space.top_o, len(rep_u), axis=0)]),
                 np.concatenate([first % n_p, np.tile(rep_u, n_top)]))
    p_all, _ = yield rows
    st.prob[first] = p_all[:len(first)]
    up = p_all[len(first):].reshape(n_top, len(rep_u)).max(0)[rep_inv]
    st.bound = np.full(n_p, -np.inf)
    st.bound[st.plans] = up
    st.best_bound = float(up.max())


def _score(st: _State, combos: np.ndarray) -> _Phase:
    """Score the options ``combos`` (one row each) into ``st.prob``."""
    batch = Rows(st.row, len(combos), st.enc)
    fill(batch, st.space, combos)
    st.prob[combos] = (yield batch)[0]


def _goal(st: _State) -> _Phase:
    """The probability the options aim at: the target if within reach, else the best reachable (``None``: nothing helps).

    Within reach (at most MAX_STEPS steps) already if a scored option reaches it; otherwise the greedy
    option of every allowed plan is asked (the plan plus its strongest single steps: the best such
    option for a model additive in log-odds).
    """
    prob, order, target = st.prob, st.order, st.target
    if not bool((prob[order[~np.isnan(prob[order])]] >= target).any()):
        plans = st.plans[st.bound[st.plans] >= target] if st.best_bound >= target else st.plans
        greedy = _greedy(st, plans)
        fresh = greedy[np.isnan(prob[greedy])]
        if len(fresh):
            yield from _score(st, fresh)
    scored = order[~np.isnan(prob[order])]
    best = float(prob[scored].max()) if len(scored) else st.base
    # A plan they cannot keep made one they can is an improvement whatever the estimate does.
    floor = st.base + EPS if st.facts.plan_kept else -np.inf
    if best >= target:
        return target
    if best > floor:
        return max(best - REACH_TOLERANCE, floor)  # the cheapest within REACH_TOLERANCE of the best
    return None


def _greedy(st: _State, plans: np.ndarray) -> np.ndarray:
    """Per allowed plan, the option taking the strongest helpful single steps, within MAX_STEPS changes."""
    space, prob = st.space, st.prob
    gains = []
    for j, d in enumerate(space.other):
        n = len(space.dims[d].values)
        k = n - 1 if space.dims[d].directional else max(range(1, n), key=lambda kk: prob[st.singles[(d, kk)]])
        g = float(prob[st.singles[(d, k)]]) - st.base
        if g > 0:
            gains.append((g, j, k))
    gains.sort(reverse=True)
    rooms = MAX_STEPS - (space.gp[plans] > 0).sum(1)
    combos = np.zeros((len(plans), len(space.other)), dtype=np.int64)
    for room in np.unique(rooms):
        combo = np.zeros(len(space.other), dtype=np.int64)
        for _, j, k in gains[:max(int(room), 0)]:
            combo[j] = k
        combos[rooms == room] = combo
    if len(plans) == 0:
        return np.zeros(0, dtype=np.int64)
    return unique(space.o_index(combos) * space.n_p + plans, len(space.go) * space.n_p)


def _cheapest(st: _State, goal: float) -> _Phase:
    """Score options in ascending cost until the cheapest reaching ``goal`` is known.

    Plans whose upper bound misses the goal are skipped; growing batches, at most ``st.budget``
    options in all (then the cheapest reaching option found is kept).
    """
    prob, cost = st.prob, st.cost
    _, p_of = st.space.split(st.order)
    todo_all = st.order[st.bound[p_of] >= goal]
    chunk = FIRST_BATCH
    while True:
        done = ~np.isnan(prob[todo_all])
        j0 = int(np.argmin(done)) if not done.all() else len(todo_all)
        head = todo_all[:j0]
        hit = head[prob[head] >= goal]
        if len(hit) and (j0 == len(todo_all) or cost[todo_all[j0]] > cost[hit].min() + EPS):
            return
        todo = todo_all[j0:][~done[j0:]][:min(chunk, st.budget)]
        if len(todo) == 0:  # everything that could reach the goal is scored (or the budget is spent)
            return
        chunk *= GROWTH
        st.budget -= len(todo)
        yield from _score(st, todo)


def _not_covered(ch: _Choice, chosen: list[_Choice]) -> bool:
    """Whether ``ch`` is no superset of (nor equal to) an option already chosen."""
    return not any(all(ch.get(d) == k for d, k in c.items()) for c in chosen)


def _rank(st: _State, goal: float) -> tuple[list[_Choice], list[int]]:
    """The cheapest options reaching ``goal`` (ties: higher probability), none a superset of one before."""
    prob = st.prob
    scored = np.flatnonzero(~np.isnan(prob) & st.allowed & (prob >= goal) & (prob > MIN_OPTION_PROBABILITY))
    scored = scored[np.lexsort((-prob[scored], st.cost[scored]))]
    chosen: list[_Choice] = []
    picks: list[int] = []
    for idx in scored:
        ch = st.space.choices(int(idx))
        if not ch or not _not_covered(ch, chosen):
            continue
        chosen.append(ch)
        picks.append(int(idx))
        if len(picks) == MAX_OPTIONS:
            break
    return chosen, picks


def _without(space: OptionSpace, idx: int, d: int) -> int:
    """The combo ``idx`` with dimension ``d`` set back to 'keep'."""
    o, p = divmod(int(idx), space.n_p)
    if d in space.other:
        choice = space.go[o].copy()
        choice[space.other.index(d)] = 0
        o = space.o_index(choice)
    else:
        choice = space.gp[p].copy()
        choice[space.plan.index(d)] = 0
        p = space.p_index(choice)
    return o * space.n_p + p


def _drop_weak_steps(st: _State, chosen: list[_Choice], picks: list[int]) -> _Phase:
    """Short, meaningful options: a step adding under MIN_STEP_GAIN alone goes when the option without it
    keeps the option's goal (the target, or within MIN_STEP_GAIN of the option's probability)."""
    single_p = {dk: float(st.prob[i]) for dk, i in st.singles.items()}
    for _ in range(MAX_STEPS):
        trials: list[tuple[int, int, int]] = []  # (option, dim, combo without that dim)
        for n, (ch, idx) in enumerate(zip(chosen, picks)):
            trials += [(n, d, _without(st.space, idx, d)) for d, k in ch.items()
                       if len(ch) > 1 and single_p.get((d, k), st.base) - st.base < MIN_STEP_GAIN]
        if not trials:
            break
        fresh = unique(np.array([t[2] for t in trials if np.isnan(st.prob[t[2]])], dtype=np.int64), len(st.prob))
        if len(fresh):
            yield from _score(st, fresh)
        if not _apply_drops(st, trials, chosen, picks):
            break
    return chosen, picks


def _apply_drops(st: _State, trials: list[tuple[int, int, int]], chosen: list[_Choice], picks: list[int]) -> bool:
    """Per option, drop the step whose removal keeps the most probability (if it keeps the goal); whether any went."""
    prob, changed = st.prob, False
    for n in range(len(chosen)):
        p_opt = float(prob[picks[n]])
        need = st.target if p_opt >= st.target else p_opt - MIN_STEP_GAIN
        ok = [t for t in trials if t[0] == n and st.allowed[t[2]] and prob[t[2]] >= need and prob[t[2]] > st.base + EPS
              and prob[t[2]] > MIN_OPTION_PROBABILITY]
        if ok:
            _, d, idx = max(ok, key=lambda t: prob[t[2]])
            chosen[n] = {dd: kk for dd, kk in chosen[n].items() if dd != d}
            picks[n] = int(idx)
            changed = True
    return changed


def _rerank(st: _State, chosen: list[_Choice], picks: list[int]) -> tuple[list[_Choice], list[int]]:
    """Re-rank after dropping (cost, then higher probability); drop duplicates and supersets."""
    ranked = sorted(zip(chosen, picks), key=lambda t: (st.cost[t[1]], -st.prob[t[1]]))
    out_c: list[_Choice] = []
    out_p: list[int] = []
    for ch, idx in ranked:
        if _not_covered(ch, out_c):
            out_c.append(ch)
            out_p.append(idx)
    return out_c, out_p


def _single_steps(st: _State, best: _Choice, pick: int) -> _Phase:
    """What each step of the best option buys alone, largest gain first.

    The plan's terms (length, down payment, expense cut) act together through the plan rule, so they
    form one step: the new plan, with every other step kept as is.
    """
    space = st.space
    plan_part = {d: k for d, k in best.items() if d in space.plan}
    steps = [_action(st, {d: k}, st.singles[(d, k)], float(st.prob[st.singles[(d, k)]]), float(space.dims[d].costs[k]))
             for d, k in best.items() if d not in space.plan]
    if plan_part:
        p_idx = pick % space.n_p
        if np.isnan(st.prob[p_idx]):
            yield from _score(st, np.array([p_idx]))
        steps.append(_action(st, plan_part, p_idx, float(st.prob[p_idx]), float(space.cost_p[p_idx])))
    steps.sort(key=lambda a: -a.gain)
    return steps


def _action(st: _State, choice: _Choice, idx: int, p: float, cost: float) -> Action:
    space = st.space
    changes = {space.dims[d].name: to_py(space.dims[d].values[k]) for d, k in sorted(choice.items())}
    pi = int(idx) % space.n_p
    instalment = float(space.instalment_p[pi])
    return Action(changes, p, cost, T.action_text(changes, st.row, st.lang, instalment=instalment), p - st.base,
                  affordable=bool(space.feasible_p[pi]))


def _finish(st: _State, actions: list[Action], steps: list[Action], reached: bool, status: str) -> Explanation:
    row, facts = st.row, st.facts
    # Never beside an option; where the plan asked for is affordable, only when it rests on a down payment
    # savings do not cover and no plan is left (check_down_payment's lead carries its own).
    gap = gap_of(row, facts) if not actions and (not facts.plan_ok or status == "no_affordable_plan") else None
    return Explanation(st.base, st.target, st.lang, st.reasons, actions, steps, reached, status, dict(row), gap=gap,
                       next_steps=next_steps(row, facts, status, st.lang,
                                             overdue_named=any(r.feature == "days_overdue" for r in st.reasons)), notes=notes(row, facts, st.lang),
                       unknowns=st.unknowns, lead=leads(row, facts, gap, status, st.lang, st.base >= st.target))
