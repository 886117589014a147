"""The README's Python code blocks run, top to bottom, as a newcomer would run them."""

import re
import shutil
from pathlib import Path

import matplotlib
import pytest

from xieshang import ApprovalModel, generate
from xieshang.contract import LABEL

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```python\n(.*?)```", README, flags=re.S)


def test_readme_has_the_recipes():
    for needle in ("make train", "make test", "make notebook", "model.explain(", "reports/model_card.md",
                   "data/README.md", "reports/figures/", "synthetic data"):
        assert needle in README, needle
    assert len(BLOCKS) >= 3


@pytest.fixture()
def workdir(tmp_path, monkeypatch):
    """A folder laid out like the repository after `make train` (with a small, fast model)."""
    matplotlib.use("Agg")
    shutil.copytree(ROOT / "data" / "examples", tmp_path / "data" / "examples")
    df = generate(2_000, seed=0)
    ApprovalModel(seed=0, candidates=("logistic_monotone",), n_splits=3).fit(df, df[LABEL]).save(
        tmp_path / "model" / "approval.joblib")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_readme_python_blocks_run_in_order(workdir, capsys):
    namespace: dict = {}
    for i, block in enumerate(BLOCKS):
        try:
            exec(compile(block, f"README.md python block {i + 1}", "exec"), namespace)
        except Exception as exc:  # pragma: no cover - the message is the point
            pytest.fail(f"README python block {i + 1} failed: {type(exc).__name__}: {exc}\n{block}")
    out = capsys.readouterr().out
    assert "Estimated chance that the repayment plan is approved" in out
    assert "获批可能性(模型估计)" in out
    assert (workdir / "model" / "small.joblib").exists()
