"""score_partition: pandas in, pandas out, as `xieshang predict` scores each chunk; the model payload's checks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from xieshang.files import read_table
from xieshang.generator import generate
from xieshang.partition import (
    BEST_ACTION,
    PLAN_AFFORDABLE,
    PROBABILITY,
    ModelPayload,
    model_payload,
    output_columns,
    score_partition,
    worker_model,
)
from xieshang.scoring import score_file


@pytest.fixture(scope="module")
def rows():
    df = generate(120, seed=3)
    df.insert(0, "note", ["00017", "NA", ""] * 40)
    df.index = pd.Index([f"k{i}" for i in range(len(df))], name="key")
    return df


@pytest.mark.parametrize("explain", [False, True])
def test_same_columns_as_predict_and_the_rest_untouched(tmp_path, rows, oracle, explain):
    rows.reset_index().to_csv(tmp_path / "in.csv", index=False)
    score_file(oracle, tmp_path / "in.csv", tmp_path / "out.csv", explain=explain, progress=None)
    ref = read_table(tmp_path / "out.csv")
    frame = read_table(tmp_path / "in.csv").set_index("key")  # a CSV as text, as predict reads it
    before = frame.copy()
    out = score_partition(frame, oracle, explain)
    pd.testing.assert_frame_equal(frame, before)  # the input is not changed
    assert list(out.columns) == list(frame.columns) + list(output_columns(explain))
    assert out.index.equals(frame.index)
    pd.testing.assert_frame_equal(out[frame.columns], frame)  # extra columns and values passed through
    assert (out.reset_index().astype(str) == ref.astype(str)).all().all()  # what predict writes, cell for cell


def test_an_existing_probability_column_is_replaced_in_place(rows, oracle):
    frame = rows.assign(probability=-1.0)[["probability", *rows.columns]]
    out = score_partition(frame, oracle)
    assert list(out.columns) == list(frame.columns)
    np.testing.assert_allclose(out[PROBABILITY], oracle.predict_proba(rows)[:, 1])


def test_an_empty_frame_gives_the_typed_columns(rows, oracle):
    empty = score_partition(rows.iloc[:0], oracle, explain=True)
    full = score_partition(rows.iloc[:5], oracle, explain=True)
    assert len(empty) == 0 and empty.dtypes.equals(full.dtypes)
    assert full[PLAN_AFFORDABLE].dtype == bool and full[BEST_ACTION].map(type).eq(str).all()


def test_bad_rows_are_named_by_the_index_and_bad_options_refused(rows, oracle):
    bad = rows.copy()
    bad.loc["k7", "credit_score"] = 9999
    with pytest.raises(ValueError, match=r"credit_score.*9999.*k7"):
        score_partition(bad, oracle)
    with pytest.raises(ValueError, match=r"target: expected a probability"):
        score_partition(rows, oracle, explain=True, target=1.5)
    with pytest.raises(ValueError, match=r"expected a pandas DataFrame, got list"):
        score_partition([1, 2], oracle)


def test_the_payload_is_checked_before_unpickling(small_model, tmp_path):
    path = small_model.save(tmp_path / "approval.joblib")
    payload = model_payload(path)
    model = worker_model(payload)
    X = generate(20, seed=9)
    np.testing.assert_array_equal(model.predict_proba(X), small_model.predict_proba(X))
    assert worker_model(payload) is model  # unpickled once per process
    data = bytearray(payload.data)
    data[100] ^= 0x01
    with pytest.raises(ValueError, match=r"approval\.joblib: SHA-256 .* does not match its sidecar.*refused on"):
        worker_model(ModelPayload(payload.name, bytes(data), payload.sidecar))
    path.with_suffix(".json").unlink()
    with pytest.raises(ValueError, match=r"approval\.json: no such file.*sidecar"):
        model_payload(path)
