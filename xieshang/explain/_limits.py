"""The explanation's tunable limits, and which inputs make up the plan (one place for every module)."""

from __future__ import annotations

__all__ = [
    "MAX_REASONS", "MAX_OPTIONS", "MAX_STEPS", "MIN_STEP_GAIN", "MIN_IMPACT", "INCOME_FLOOR", "REACH_TOLERANCE",
    "MAX_UNKNOWNS", "MIN_OPTION_PROBABILITY", "PLAN_INPUTS", "AFFORDABILITY_GROUP", "FIRST_BATCH", "SEARCH_BUDGET", "BATCH_APPLICANTS",
    "GROWTH", "EPS",
]

MAX_REASONS = 4
"""At most this many reasons."""
MAX_OPTIONS = 3
"""At most this many ranked options."""
MAX_STEPS = 4
"""At most this many changes in one option (short, meaningful options)."""
MIN_STEP_GAIN = 0.01
"""A step adding less than this probability alone is dropped unless the option needs it to reach its goal."""
MIN_IMPACT = 0.05
"""A factor costing less than this in log-odds (about one percentage point at 50 %) is not a reason."""
INCOME_FLOOR = 1_000.0
"""RMB/month: the income a down payment's cost is measured against when income is lower (or zero)."""
REACH_TOLERANCE = 0.005
"""When the target is out of reach: the cheapest option within this of the best reachable probability."""
MIN_OPTION_PROBABILITY = 0.01
"""An option must leave the estimate above this (an option ending at 1 % or below is no path to an agreement)."""
MAX_UNKNOWNS = 3
"""At most this many unknown values are named as mattering for the answer."""

# Inputs of the plan rule (xieshang.rules): changing one of them changes the plan.
PLAN_INPUTS = ("plan_months", "down_payment_ratio", "monthly_expenses")
# Every input of the affordability rule: they act together through the instalment's burden, so the
# reasons name at most one of them (the costliest).
AFFORDABILITY_GROUP = ("outstanding_balance", "monthly_income", "monthly_expenses", "other_debt_payments",
                       *PLAN_INPUTS)
FIRST_BATCH = 64
SEARCH_BUDGET = 512  # options scored by the search beyond the first batch, per applicant
BATCH_APPLICANTS = 1024  # explain_frame: applicants whose candidate rows share one predict_proba call
GROWTH = 4
EPS = 1e-9
