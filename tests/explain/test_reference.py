
import pytest

from explain.helpers import rejected
from xieshang.contract import FEATURE_NAMES, feature
from xieshang.explain import (
    explain,
    explain_frame,
    reference_values,
)
from xieshang.generator import true_probability


def test_reasons_compare_with_the_models_own_reference(pool, oracle):
    # The oracle carries the generator's typical approved applicant (tests/conftest.py).
    assert reference_values(oracle) == reference_values()
    ref = {**reference_values(), "credit_score": 950}
    own = type("WithReference", (), {"predict_proba": oracle.predict_proba, "reference_values_": ref})()
    assert reference_values(own)["credit_score"] == 950
    low = pool[(pool["credit_score"] < 520) & (pool["info_verified"])]
    app = low.iloc[[0]]
    reasons = {r.feature: r for r in explain(own, app, lang="en").reasons}
    assert reasons["credit_score"].reference == 950
    expected = true_probability(app.assign(credit_score=950))[0] - true_probability(app)[0]
    assert reasons["credit_score"].impact == pytest.approx(expected)


def test_reference_values_are_in_the_contract():
    ref = reference_values()
    assert set(ref) == set(FEATURE_NAMES)
    for name, v in ref.items():
        f = feature(name)
        if f.is_numeric:
            assert f.low <= v <= f.high
        elif f.kind == "category":
            assert v in f.categories


class Bare:
    """A model carrying no reference values of its own."""

    def __init__(self, oracle):
        self.predict_proba = oracle.predict_proba


def test_a_model_without_reference_values_is_told_to_pass_one(pool, oracle):
    app = rejected(pool, 1, seed=3)
    with pytest.raises(ValueError, match=r"carries no reference_values_.*pass reference="):
        explain(Bare(oracle), app)
    with pytest.raises(ValueError, match=r"carries no reference_values_.*pass reference="):
        explain_frame(Bare(oracle), app)
    with pytest.raises(ValueError, match="carries no reference_values_"):
        reference_values(Bare(oracle))


def test_an_explicit_reference_gives_the_answer_of_a_model_that_carries_it(pool, oracle):
    app = rejected(pool, 1, seed=4)
    given = explain(Bare(oracle), app, lang="en", reference=reference_values())
    assert given.to_dict() == explain(oracle, app, lang="en").to_dict()
    ref = {**reference_values(), "credit_score": 950}
    assert explain(oracle, app, lang="en", reference=ref).to_dict() == explain(
        type("Own", (), {"predict_proba": oracle.predict_proba, "reference_values_": ref})(), app, lang="en").to_dict()


def test_a_reference_missing_features_is_refused_with_the_other_problems(pool, oracle):
    app = rejected(pool, 1, seed=5)
    with pytest.raises(ValueError, match=r"target: expected.*reference: expected a value for every feature.*credit_score"):
        explain(oracle, app, target=2.0, reference={"savings": 0.0})
    with pytest.raises(ValueError, match="reference: expected a mapping"):
        explain(oracle, app, reference=[1, 2])


def test_explain_does_not_import_the_generator():
    import subprocess
    import sys

    code = "import sys, xieshang.explain; print('xieshang.generator' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
