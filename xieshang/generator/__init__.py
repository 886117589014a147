"""The synthetic data generator: an explicit structural model with a known truth.

Two latent traits drive every observable, the way they would in life:

* ``strength`` (financial strength, standard normal): income, balance,
  other debts, assets, savings;
* ``conscientiousness`` (standard normal, correlated 0.3 with strength):
  credit record, repayment history, attitude, promises kept, paperwork.

A hardship (drawn more often for the financially weak) then hits income:
the unemployed earn little or nothing, illness and business failure cut
income, and only a borrower with a hardship can hold a hardship proof.

The approval decision is a sum of the documented :data:`EFFECTS` on the log
odds, and ``approved ~ Bernoulli(true_probability)``. Each effect says where it
comes from (:attr:`Effect.provenance`): the article says it, it follows from
the article by a stated step, or it is this project's assumption. Every effect
*size* is an assumption: the article gives directions, never numbers.
The plan's arithmetic (instalment, disposable income, what is affordable) is
:mod:`xieshang.rules`, the same rule the explanations use.
``data/README.md`` is rendered from :data:`EFFECTS` by :mod:`xieshang.docs`
and a test checks the two agree.

The package's modules: ``world`` (the effects and their provenance), ``truth``
(the true log-odds and probability) and ``draw`` (:func:`generate`).
"""

from __future__ import annotations

from .. import rules
from .draw import HOUSEHOLD_UNKNOWN, generate
from .truth import affordability, true_logit, true_probability
from .world import (
    BURDEN_CAP,
    BURDEN_FREE,
    COEF,
    DELINQUENCY_SCALE,
    EFFECTS,
    PROVENANCES,
    QUOTES_EN,
    SAVINGS_UNKNOWN,
    Effect,
    Provenance,
)

__all__ = [
    "BURDEN_CAP",
    "BURDEN_FREE",
    "COEF",
    "DELINQUENCY_SCALE",
    "EFFECTS",
    "Effect",
    "PROVENANCES",
    "Provenance",
    "QUOTES_EN",
    "SAVINGS_UNKNOWN",
    "HOUSEHOLD_UNKNOWN",
    "affordability",
    "generate",
    "true_logit",
    "true_probability",
]

# Transitional: explain, plots and action_audit still import it from here until they move to
# xieshang.rules (the one plan rule); not part of this module's API.
affordable = rules.affordable
