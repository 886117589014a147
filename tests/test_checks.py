import numpy as np
import pytest

from xieshang.checks import check_int, check_probability, int_problem


@pytest.mark.parametrize("value", [True, False, 1.0, "3", None, np.float64(2.0)])
def test_check_int_refuses_what_is_not_an_integer(value):
    with pytest.raises(ValueError, match=r"n: expected a positive integer, got"):
        check_int(value, "n", low=1)


def test_check_int_bounds_and_numpy_integers():
    assert check_int(np.int64(5), "n", low=1) == 5 and type(check_int(np.int64(5), "n")) is int
    assert check_int(0, "seed", low=0) == 0
    with pytest.raises(ValueError, match=r"seed: expected a non-negative integer, got -1"):
        check_int(-1, "seed", low=0)
    with pytest.raises(ValueError, match=r"k: expected an integer >= 2, got 1"):
        check_int(1, "k", low=2)
    assert int_problem(3, "k", low=2) is None


@pytest.mark.parametrize("value", [0, 1, 0.0, 1.0, -0.1, True, "0.5", float("nan")])
def test_check_probability_is_strict(value):
    with pytest.raises(ValueError, match=r"target: expected a probability strictly between 0 and 1"):
        check_probability(value, "target")


def test_check_probability_passes_numbers_inside():
    assert check_probability(np.float32(0.25), "t") == pytest.approx(0.25)
