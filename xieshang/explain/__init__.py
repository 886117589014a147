"""Why is the probability what it is, and what is the cheapest safe way to raise it.

:func:`explain` (one applicant) and :func:`explain_frame` (every row of a
frame, batched) work with any model whose ``predict_proba`` takes a frame in
the contract and returns an ``(n, 2)`` array.

Reasons (attribution)
---------------------
For each feature we ask the model: how much higher would the probability be if
this one value were that of a typical approved applicant? The reference is
the favourable value for booleans and ordered categories (a document handed
in, ``proactive`` communication: what any borrower can fully satisfy), the
median of approved applicants for quantities, and the most common cause among
approved applicants for ``hardship_reason``. The reference population is the
model's own training data (``model.reference_values_``, set by
:meth:`xieshang.ApprovalModel.fit`), or the ``reference=`` given to
:func:`explain` (for a model without one, e.g. :func:`reference_values` ``()``,
the generator's typical approved applicant: never chosen silently). Each feature is moved on its own, everything else held
at the borrower's values, all in one batched call; the features whose
reference raises the *unclipped* log-odds the most (by at least
:data:`MIN_IMPACT`; see :func:`xieshang.outputs.proba_and_log_odds`: a borrower at the model's 0.1 % clip
still gets reasons) are the reasons, up to :data:`MAX_REASONS`. The inputs of
the plan rule (balance, income, expenses, other debts, plan length, down
payment) act together, so at most one of them (the costliest) is named, with
the instalment and disposable income when the plan is unaffordable. Never a
reason: an unknown value, ``savings`` (:data:`xieshang.text.NO_REASON`), days
overdue when more days would help (staying overdue is never advice), an asset
proof for a borrower known to have no savings. This is the "points below the
typical approved applicant" method lenders use for adverse action notices,
computed on the model instead of a scorecard. Reasons may name things the
borrower cannot change.

Actions (search)
----------------
The action space is discrete and small: every actionable feature of the
contract (:class:`xieshang.contract.ActionSpec`) offers "keep" plus a few
options; an *option* picks one choice per feature (at most :data:`MAX_STEPS`
changes) and costs the sum of its choices' costs. Rules: only actionable
features change; a hardship proof only where a hardship is stated; an asset
proof only where savings are positive or unknown; a down payment only goes up,
only from known savings (``ratio × balance ≤ savings``) and with positive
disposable income, and costs ``cost + unit_cost * (increase * balance /
max(income, INCOME_FLOOR))`` (months of income paid up front), except where
known savings do not cover the one asked for: then every option lowers it to
the largest of the contract's they cover, or none (cost 0: never money the
borrower does not have); expenses are cut by at most 20 %; and every option
leaves a plan that :func:`xieshang.rules.affordable` accepts (the living
buffer). When no plan is affordable, there is no option, and the status is
``no_affordable_plan``. The search:

1. scores the borrower and the reason rows (an applicant at the target with a
   plan they can keep stops here, status ``already``; one whose affordable plan
   rests on a down payment known savings do not cover stops with status
   ``check_down_payment``; an unaffordable plan is searched whatever its
   estimate); then every single change, the cheapest options, and for every plan
   length an *upper bound*: that length with the most favourable down payment
   and expense cut and every other action at its most favourable level;
2. if no scored option reaches the target, scores a greedy option per plan
   (the plan plus its strongest single steps: the best such option for a model
   additive in log-odds) to learn whether the target is within reach; out of
   reach, the goal becomes the best reachable probability minus
   :data:`REACH_TOLERANCE`;
3. scores options in ascending order of cost, in growing batches, skipping
   plans whose upper bound misses the goal, until the cheapest option reaching
   it is known (every cheaper option scored or pruned; at most
   ``SEARCH_BUDGET`` options beyond the first batch, after which the cheapest
   reaching option found is kept). Equal costs are broken by the higher
   probability.

The first option is exact for any model once everything cheaper is scored;
pruning by the upper bound relies on the contract's directions for the
actionable features with a direction, which the trained model enforces with
monotonic constraints and the generator's truth satisfies; the tests compare
it with a brute-force search. A step adding under :data:`MIN_STEP_GAIN` alone
is then dropped when the option keeps its goal without it. Alternatives are
the next cheapest reaching options among those scored that are not a superset
of an option already listed.

Every explanation also carries the gap in money (:func:`plan_gap`) when the
plan is unaffordable, and the article's way forward for this applicant
(``next_steps``). :func:`explain_frame` runs the searches of many applicants
side by side as coroutines, stacking the rows each one asks for into a single
``predict_proba`` call per round.

The modules: ``_types`` (the results) and ``_report`` (their text); ``_facts`` (an applicant's facts,
computed once); ``_batch`` (candidate rows, stacked into one model call per round); ``_reference``;
``_reasons`` (reasons and unknowns); ``_advice`` (what a report must never do, counted); ``_options`` (the menu of choices and costs) and ``_space``
(option grids); ``_search`` (the search, in phases); ``_gap`` (the money gap); ``_steps`` (next
steps); ``_api`` (:func:`explain`, :func:`explain_frame`).
"""

from __future__ import annotations

import sys
import types
from typing import Any

from ._advice import ADVICE_CHECKS, advice_problems, sum_problems
from ._api import check_target, explain, explain_frame
from ._gap import plan_gap
from ._limits import (
    INCOME_FLOOR,
    MAX_OPTIONS,
    MAX_REASONS,
    MAX_STEPS,
    MAX_UNKNOWNS,
    MIN_IMPACT,
    MIN_STEP_GAIN,
    REACH_TOLERANCE,
)
from ._options import price_changes
from ._reference import REFERENCE_ROWS, REFERENCE_SEED, reference_values
from ._space import OptionSpace, option_space
from ._types import Action, Explanation, Gap, Reason, Unknown

__all__ = [
    "explain",
    "explain_frame",
    "check_target",
    "plan_gap",
    "Explanation",
    "Reason",
    "Action",
    "Gap",
    "Unknown",
    "MAX_UNKNOWNS",
    "OptionSpace",
    "reference_values",
    "option_space",
    "price_changes",
    "MAX_REASONS",
    "MAX_OPTIONS",
    "MIN_IMPACT",
    "MAX_STEPS",
    "MIN_STEP_GAIN",
    "INCOME_FLOOR",
    "REACH_TOLERANCE",
    "REFERENCE_ROWS",
    "REFERENCE_SEED",
    "ADVICE_CHECKS",
    "advice_problems",
    "sum_problems",
]


class _CallableModule(types.ModuleType):
    """``xieshang.explain`` is both this package and the function :func:`explain`.

    Importing the package binds ``xieshang.explain`` to it (Python sets a
    package's attribute to its submodule), which would hide the function that
    ``xieshang.explain(model, applicant)`` has always called: calling the
    package calls the function.
    """

    def __call__(self, *args: Any, **kwargs: Any) -> Explanation:
        return explain(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
