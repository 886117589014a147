"""Fixtures of the figure tests: a generated sample, and rcParams restored after each test."""

from __future__ import annotations

import matplotlib as mpl
import pandas as pd
import pytest

from xieshang.contract import FEATURE_NAMES
from xieshang.generator import generate


@pytest.fixture(scope="module")
def sample() -> pd.DataFrame:
    return generate(2000, seed=3)


@pytest.fixture(scope="module")
def X(sample) -> pd.DataFrame:
    return sample[list(FEATURE_NAMES)]


@pytest.fixture(autouse=True)
def _restore_rc():
    with mpl.rc_context():
        yield
