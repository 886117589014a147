"""Tests for xieshang.persistence: the joblib file, its sidecar, the hash check and crash-safe saves."""

from __future__ import annotations

import hashlib
import json
import os

import numpy as np
import pytest

from xieshang import persistence
from xieshang.contract import FEATURE_NAMES
from xieshang.generator import generate
from xieshang.model import ApprovalModel


@pytest.fixture(scope="module")
def rows():
    return generate(300, seed=8)[list(FEATURE_NAMES)]


@pytest.fixture()
def saved(small_model, tmp_path):
    return persistence.save_model(small_model, tmp_path / "approval.joblib", metrics={"roc_auc": 0.5})


def test_file_names():
    assert persistence.sidecar_path("m/approval.joblib").as_posix() == "m/approval.json"
    assert persistence.pending_path("m/approval.joblib").as_posix() == "m/approval.pending.joblib"


def test_the_sidecar_describes_the_saved_model(small_model, saved):
    side = json.loads(persistence.sidecar_path(saved).read_text(encoding="utf-8"))
    assert side["format"] == persistence.FORMAT_VERSION
    assert side["model"] == "xieshang.model.ApprovalModel"
    assert side["file"] == "approval.joblib"
    assert side["sha256"] == hashlib.sha256(saved.read_bytes()).hexdigest()
    assert side["seed"] == small_model.seed and side["candidate"] == small_model.candidate_
    assert side["training_rows"] == small_model.n_train_rows_
    assert side["feature_contract"] == json.loads(json.dumps(persistence.contract_spec()))
    assert [c["name"] for c in side["feature_contract"]] == list(FEATURE_NAMES)
    assert side["metrics"] == {"roc_auc": 0.5}


def test_load_gives_the_same_answers_and_checks_the_class(small_model, saved, rows):
    back = persistence.load_model(saved, ApprovalModel)
    np.testing.assert_array_equal(back.predict_proba(rows), small_model.predict_proba(rows))
    with pytest.raises(ValueError, match="holds a ApprovalModel, expected an dict"):
        persistence.load_model(saved, dict)


def test_a_save_killed_after_its_commit_is_read_from_the_pending_file(small_model, saved, rows):
    """Between the sidecar (the commit) and the rename: the new model waits under the pending name."""
    data = saved.read_bytes()
    persistence.pending_path(saved).write_bytes(data)
    saved.write_bytes(b"the previous model, half overwritten")
    back = persistence.load_model(saved, ApprovalModel)
    np.testing.assert_array_equal(back.predict_proba(rows), small_model.predict_proba(rows))
    os.remove(persistence.pending_path(saved))
    with pytest.raises(ValueError, match="does not match its sidecar"):
        persistence.load_model(saved)


def test_bad_names_and_sidecars_are_refused(small_model, saved, tmp_path):
    with pytest.raises(ValueError, match=r"expected a file name ending in \.joblib"):
        persistence.save_model(small_model, tmp_path / "model.pkl")
    persistence.sidecar_path(saved).write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError, match=r"unreadable sidecar \(JSONDecodeError.*retrain it with `make train`"):
        persistence.load_model(saved)
    with pytest.raises(ValueError, match="no model file"):
        persistence.load_model(tmp_path / "absent.joblib")


def test_a_failed_save_leaves_no_pending_file(small_model, saved, monkeypatch):
    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(persistence, "write_json", boom)
    with pytest.raises(OSError, match="disk full"):
        persistence.save_model(small_model, saved)
    assert not persistence.pending_path(saved).exists()
    persistence.load_model(saved, ApprovalModel)
