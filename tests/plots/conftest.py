"""Fixtures of the figure tests: a generated sample, and rcParams restored after each test."""

from __future__ import annotations

import matplotlib as mpl
import pytest


@pytest.fixture(autouse=True)
def _restore_rc():
    with mpl.rc_context():
        yield
