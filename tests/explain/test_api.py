
import numpy as np
import pytest

from explain.helpers import (
    affordable,
    apply,
    as_row,
    rejected,
)
from xieshang.contract import ACTIONABLE_NAMES
from xieshang.explain import (
    MAX_REASONS,
    MIN_IMPACT,
    Explanation,
    explain,
    reference_values,
)
from xieshang.generator import true_probability


def test_probability_is_the_models_and_fields_are_consistent(pool, oracle):
    app = rejected(pool, 1, seed=1)
    exp = explain(oracle, app, target=0.6, lang="en")
    assert isinstance(exp, Explanation)
    assert exp.probability == pytest.approx(true_probability(app)[0])
    assert exp.target == 0.6 and exp.lang == "en"
    assert 0 < len(exp.reasons) <= MAX_REASONS
    impacts = [r.impact for r in exp.reasons]
    assert impacts == sorted(impacts, reverse=True)
    p = exp.probability
    logit = lambda q: np.log(q / (1 - q))
    assert min(logit(p + i) - logit(p) for i in impacts) >= MIN_IMPACT


def test_bad_applicant_lists_every_problem(pool, oracle):
    row = as_row(rejected(pool, 1))
    row["credit_score"] = 2000
    row["communication"] = "rude"
    del row["plan_months"]
    with pytest.raises(ValueError, match=r"(?s)plan_months.*credit_score.*communication"):
        explain(oracle, row)


@pytest.mark.parametrize("target", [0, 1, 1.5, -0.1, "0.6", True, float("nan"), None])
def test_bad_target(pool, oracle, target):
    with pytest.raises(ValueError, match=r"target: expected a probability strictly between 0 and 1"):
        explain(oracle, as_row(rejected(pool, 1)), target=target)


def test_bad_lang_and_target_and_applicant_reported_together(oracle):
    with pytest.raises(ValueError, match=r"(?s)target.*lang.*invalid applicant"):
        explain(oracle, "not an applicant", target=2, lang="fr")


def test_more_than_one_row_is_refused(pool, oracle):
    with pytest.raises(ValueError, match="expected exactly one row, got 2"):
        explain(oracle, pool.iloc[:2])


def test_a_model_with_a_wrong_output_is_refused(pool):
    class Bad:
        def predict_proba(self, X):
            return np.zeros(len(X))

    with pytest.raises(ValueError, match=r"predict_proba: expected a finite \(\d+, 2\) array"):
        explain(Bad(), rejected(pool, 1), reference=reference_values())
    with pytest.raises(ValueError, match="expected an object with predict_proba"):
        explain(object(), rejected(pool, 1))


def test_explain_works_through_the_trained_model(pool, small_model):
    app = rejected(pool, 1, seed=20)
    exp = small_model.explain(app, target=0.6, lang="en")
    assert exp.probability == pytest.approx(small_model.predict_proba(app)[0, 1])
    assert exp.actions or exp.status == "no_affordable_plan"  # options are affordable plans only
    for a in exp.actions:
        assert set(a.changes) <= set(ACTIONABLE_NAMES)
        assert a.affordable == bool(affordable(apply(app, a.changes)))  # the flag tells the truth
        if exp.status != "no_affordable_plan":
            assert a.affordable
