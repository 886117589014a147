import numpy as np
import pytest

from xieshang.metrics import calibration_slope_intercept, evaluate, expected_calibration_error, truth_comparison


def _draw(n=40_000, seed=0, scale=1.0, shift=0.0):
    rng = np.random.default_rng(seed)
    z = rng.normal(0, 1.5, n)
    p = 1 / (1 + np.exp(-z))
    y = (rng.random(n) < p).astype(int)
    shown = 1 / (1 + np.exp(-(scale * z + shift)))
    return y, p, shown


def test_ece_is_the_weighted_gap_per_bin():
    y = np.array([1, 0, 0, 0, 1, 1, 1, 0])
    p = np.array([0.25] * 4 + [0.75] * 4)
    assert expected_calibration_error(y, p) == pytest.approx(0.0)
    assert expected_calibration_error(y, np.clip(p + 0.1, 0, 1)) == pytest.approx(0.1)


def test_slope_and_intercept_detect_miscalibration():
    y, p, _ = _draw()
    slope, intercept = calibration_slope_intercept(y, p)
    assert slope == pytest.approx(1.0, abs=0.05) and intercept == pytest.approx(0.0, abs=0.05)
    y, _, over = _draw(scale=2.0)  # over-confident
    slope, _ = calibration_slope_intercept(y, over)
    assert slope == pytest.approx(0.5, abs=0.05)
    y, _, high = _draw(shift=1.0)  # too optimistic
    _, intercept = calibration_slope_intercept(y, high)
    assert intercept < -0.5


def test_truth_comparison_is_perfect_for_the_truth_and_worse_otherwise():
    y, p, _ = _draw(seed=1)
    same = truth_comparison(y, p, p)
    assert same == {"log_loss_ratio_to_oracle": pytest.approx(1.0), "mean_abs_error_to_truth": 0.0,
                    "auc_gap_to_oracle": pytest.approx(0.0)}
    _, _, blurred = _draw(seed=1, scale=0.5)
    worse = truth_comparison(y, blurred, p)
    assert worse["log_loss_ratio_to_oracle"] > 1.0 and worse["mean_abs_error_to_truth"] > 0.0


def test_evaluate_adds_truth_only_when_given():
    y, p, shown = _draw(n=2_000, seed=2)
    m = evaluate(y, shown)
    assert {"roc_auc", "log_loss", "brier", "ece", "calibration_slope", "calibration_intercept"} <= set(m)
    assert "mean_abs_error_to_truth" not in m
    assert "mean_abs_error_to_truth" in evaluate(y, shown, p)
    assert np.isnan(evaluate(np.ones(5), np.full(5, 0.9))["roc_auc"])


def test_bad_input_names_every_problem():
    with pytest.raises(ValueError, match=r"0/1 labels.*one per label"):
        evaluate([0, 2, 1], [0.1, 0.2])
    with pytest.raises(ValueError, match=r"probabilities in \[0, 1\]"):
        expected_calibration_error([0, 1], [0.5, 1.5])
    with pytest.raises(ValueError, match="n_bins"):
        expected_calibration_error([0, 1], [0.5, 0.5], n_bins=0)


def test_ece_and_calibration_table_use_the_same_bins():
    from xieshang.inspection import calibration_table
    from xieshang.metrics import probability_bins

    p = np.array([0.0, 0.1, 0.3, 0.2999999, 0.7, 1.0, 0.95])
    y = np.array([0, 0, 1, 0, 1, 1, 1])
    bins = probability_bins(p, 10)
    assert list(bins) == [0, 1, 3, 2, 7, 9, 9]
    table = calibration_table(y, p, n_bins=10)
    assert list(table["n"]) == list(np.bincount(bins)[np.bincount(bins) > 0])
