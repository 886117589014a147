"""xieshang.card: the summary table and the model card read the metrics they are given."""

from xieshang import card, reports


def _metrics() -> dict:
    return {"winner": "b", "cross_validation": {"a": {"monotone": True, "calibration": "sigmoid", "cv_log_loss": 0.5},
                                                "b": {"monotone": False, "calibration": "isotonic"}},
            "test": {"a": {"log_loss": 0.41, "roc_auc": 0.8}, "b": {"log_loss": 0.4, "roc_auc": float("nan")}}}


def test_summary_table_stars_the_winner_and_shows_unknowns_as_a_dash():
    lines = card.summary_table(_metrics()).splitlines()
    assert lines[0].split()[:3] == ["candidate", "monotone", "calibration"] and "AUC" in lines[0]
    assert lines[2].split()[:4] == ["a", "yes", "sigmoid", "0.5000"]
    assert lines[3].split()[:5] == ["b", "*", "NO", "isotonic", "–"]
    assert "LL/oracle" not in lines[0]  # a column no candidate has is left out


def test_reports_reexports_the_card():
    assert reports.model_card is card.model_card and reports.summary_table is card.summary_table
