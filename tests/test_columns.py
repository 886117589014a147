"""Tests for xieshang.columns: reading a frame's columns, remembering what immutable objects give, building clean frames."""

import pandas as pd

from xieshang import generate
from xieshang.columns import CONTRACT_COLUMNS, by_identity, column_arrays, column_names, contract_frame
from xieshang.contract import FEATURE_NAMES
from xieshang.validation import validate_frame


def test_what_an_object_gives_is_remembered_per_object_and_per_question():
    calls = []
    a, b = pd.Index(["x", "y"]), pd.Index(["x", "y"])

    def names(i):
        calls.append(i)
        return tuple(i.tolist())

    assert by_identity("q", (a,), lambda: names(a)) == ("x", "y")
    assert by_identity("q", (a,), lambda: names(a)) == ("x", "y") and len(calls) == 1  # remembered
    by_identity("q", (b,), lambda: names(b))  # an equal but other object: asked again
    assert len(calls) == 2
    assert by_identity("other question", (a,), lambda: 7) == 7  # the same object, another question
    assert column_names(a) == ("x", "y")


def test_a_contract_frame_is_what_pandas_public_constructor_builds(monkeypatch):
    clean = validate_frame(generate(6, seed=2))
    arrays = column_arrays(clean)
    fast = contract_frame({n: arrays[n] for n in FEATURE_NAMES}, clean.index)
    assert fast.columns is CONTRACT_COLUMNS
    pd.testing.assert_frame_equal(fast, clean)
    monkeypatch.delattr(pd.DataFrame, "_from_arrays")  # a pandas without it
    pd.testing.assert_frame_equal(contract_frame({n: arrays[n] for n in FEATURE_NAMES}, clean.index), clean)
