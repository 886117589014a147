"""The file fuzzer (tests/fuzz/files.py) on a few hundred seeds, so it keeps working; `make fuzz` runs 10,000."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.fuzz.files import FAULTS, Failure, make_case, run, run_case


def test_a_few_hundred_generated_files_are_right_or_one_clear_error(tmp_path):
    counts, failures = run(range(300), tmp_path, check_every=3, predict_every=3)
    assert failures == []
    assert counts["cases"] == 300 and counts["read: right"] > 150 and counts["read: clear error"] > 5
    assert counts["predict: right"] > 30 and counts["predict: clear error"] > 5
    assert counts["format parquet"] > 10 and sum(counts[f"fault {f}"] for f in FAULTS) > 50
    assert list(tmp_path.iterdir()) == []  # every case cleans up after itself


def test_the_fuzzer_catches_a_wrong_answer(tmp_path, monkeypatch):
    """The harness itself: a reader that drops the last row must be caught, not counted right."""
    import xieshang.files

    real = xieshang.files.read_records

    def lossy(*a, **k):
        rec = real(*a, **k)
        rec.frame = rec.frame.iloc[:-1]
        return rec

    monkeypatch.setattr(xieshang.files, "read_records", lossy)
    seed = next(s for s in range(100) if make_case(s, tmp_path).fmt == "csv"
                and len(make_case(s, tmp_path).truth) > 1 and make_case(s, tmp_path).fault is None)
    with pytest.raises(Failure, match=f"seed {seed}"):
        run_case(seed, tmp_path)


def test_cases_are_reproducible(tmp_path):
    a, b = make_case(17, tmp_path / "a" if (tmp_path / "a").mkdir() is None else None), None
    b = make_case(17, tmp_path / "b" if (tmp_path / "b").mkdir() is None else None)
    assert a.path.read_bytes() == b.path.read_bytes() and a.describe == b.describe
    pd.testing.assert_frame_equal(a.truth, b.truth)
    assert np.array_equal(a.lines, b.lines)
