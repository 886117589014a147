import json

import pytest

from xieshang import ApprovalModel, load_model
from xieshang.contract import LABEL, TRUTH
from xieshang.generator import generate
from xieshang.reports import ORACLE, model_card, summary_table, write_reports

# Writes every report and figure of a trained model: end to end, slow.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def model():
    df = generate(1_200, seed=41)
    return ApprovalModel(seed=0, candidates=("logistic_monotone", "hgb_monotone"), n_splits=2).fit(df, df[LABEL])


@pytest.fixture(scope="module")
def test_rows():
    return generate(600, seed=42)


def test_write_reports_writes_every_file(model, test_rows, tmp_path):
    metrics = write_reports(model, test_rows, reports_dir=tmp_path / "reports",
                            model_path=tmp_path / "model" / "approval.joblib", effect_rows=30, action_rows=12)
    saved = json.loads((tmp_path / "reports" / "metrics.json").read_text(encoding="utf-8"))
    assert set(saved["test"]) == {"logistic_monotone", "hgb_monotone", ORACLE}
    for name in ("logistic_monotone", "hgb_monotone"):
        assert {"roc_auc", "log_loss", "brier", "ece", "calibration_slope", "calibration_intercept",
                "log_loss_ratio_to_oracle", "mean_abs_error_to_truth", "auc_gap_to_oracle"} <= set(saved["test"][name])
    assert saved["winner"] == model.candidate_ == metrics["winner"]
    assert "seconds" not in json.dumps(saved)  # tracked in git: `make train` must not change it by timings alone
    for fig in ("reliability.png", "roc.png", "factor_effects.png"):
        assert (tmp_path / "reports" / "figures" / fig).stat().st_size > 1000
    card = (tmp_path / "reports" / "model_card.md").read_text(encoding="utf-8")
    assert "not from any lender's decisions" in card
    loaded = load_model(tmp_path / "model" / "approval.joblib")
    side = json.loads((tmp_path / "model" / "approval.json").read_text(encoding="utf-8"))
    assert side["metrics"]["roc_auc"] == pytest.approx(saved["test"][model.candidate_]["roc_auc"])
    assert loaded.candidate_ == model.candidate_
    actions = json.loads((tmp_path / "reports" / "actions.json").read_text(encoding="utf-8"))
    assert 0 < actions["n_rejected"] <= 12 and sum(actions["status"].values()) == actions["n_rejected"]
    assert sum(actions["rule_breaks"].values()) == 0
    assert "## Actions against the truth" in card and metrics["actions"]["n_rejected"] == actions["n_rejected"]


def test_truth_is_reported_only_when_the_test_data_carries_it(model, test_rows, tmp_path):
    metrics = write_reports(model, test_rows.drop(columns=TRUTH), reports_dir=tmp_path / "r",
                            model_path=tmp_path / "m" / "approval.joblib", effect_rows=20)
    assert ORACLE not in metrics["test"] and not metrics["has_truth"]
    assert "actions" not in metrics and not (tmp_path / "r" / "actions.json").exists()
    assert "mean_abs_error_to_truth" not in metrics["test"][model.candidate_]
    assert "no comparison against the truth" in model_card(model, metrics)
    table = summary_table(metrics)
    assert "mean|p̂−p|" not in table and model.candidate_ + " *" in table


def test_summary_table_lists_every_candidate_and_the_oracle(model, test_rows, tmp_path):
    metrics = write_reports(model, test_rows, reports_dir=tmp_path / "r", model_path=tmp_path / "m" / "approval.joblib",
                            effect_rows=20, action_rows=5)
    lines = summary_table(metrics).splitlines()
    assert len(lines) == 2 + 3
    assert any(line.startswith(ORACLE) for line in lines) and "LL/oracle" in lines[0]
