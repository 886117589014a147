"""Fixtures of the serve tests: a small saved model and a client of the app built on it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[2] / "data" / "examples" / "applicant.json"


@pytest.fixture(scope="session")
def model_path(tmp_path_factory, small_model) -> Path:
    """The small test model, saved with its sidecar (as ``make train`` would)."""
    return small_model.save(tmp_path_factory.mktemp("serve-model") / "approval.joblib")


@pytest.fixture(scope="session")
def example() -> dict:
    """The example applicant the page starts from."""
    return json.loads(EXAMPLE.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def client(model_path):
    """A TestClient of the app (no socket)."""
    from fastapi.testclient import TestClient

    from xieshang.serve import create_app

    with TestClient(create_app(model_path), raise_server_exceptions=False) as c:
        yield c
