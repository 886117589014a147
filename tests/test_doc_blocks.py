"""README.md and the docs site cannot go stale: their code runs, their shown outputs are real.

Every ```python block runs on its own (a fresh namespace, a fresh folder laid out like a clone after
`make train`); every ```bash block runs too unless marked ``<!-- not run: why -->``; every shown
output (``<!-- output: ID -->``) is compared with a real run of its command. After a deliberate
change: ``.venv/bin/python scripts/render_docs_outputs.py``.
"""

from __future__ import annotations

import difflib
import re
import subprocess
import sys
from pathlib import Path

import matplotlib
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import render_docs_outputs as shown  # noqa: E402  (a script, not a package)

RENDER = ".venv/bin/python scripts/render_docs_outputs.py"
BLOCKS = [b for path in shown.doc_files() for b in shown.blocks(path)]
README = (ROOT / "README.md").read_text(encoding="utf-8")
TOOLS = ("xieshang", "python", "python3", "pip", "pytest", "jupyter", "mkdocs", "ruff", "mypy")


def _ids(blocks: list[shown.Block]) -> list[str]:
    return [b.where for b in blocks]


SHELL = ("bash", "sh", "shell")
SHOWN = ("text", "console")  # what a block of output may be fenced as
PYTHON = [b for b in BLOCKS if b.lang == "python" and b.marker != "not run"]
BASH = [b for b in BLOCKS if b.lang in SHELL and b.marker != "not run"]
OUTPUTS = [b for b in BLOCKS if b.marker == "output"]


@pytest.fixture(scope="session")
def default_model(tmp_path_factory) -> Path:
    """The model `make train` builds, trained afresh (the shown outputs are of this one)."""
    return shown.train_default_model(tmp_path_factory.mktemp("default"))


@pytest.fixture()
def clone(tmp_path, default_model, monkeypatch) -> Path:
    folder = shown.lay_out(tmp_path / "clone", default_model)
    monkeypatch.chdir(folder)
    return folder


# --- form: cheap, no model ------------------------------------------------------------------


def test_readme_fits_on_a_few_screens_and_says_what_a_newcomer_needs():
    assert len(README.splitlines()) <= 200
    for needle in ("make train", "make test", "make notebook", "Not financial or legal advice", "不构成金融或法律建议",
                   "model.explain(", "--out model/mine/", "docs/zh/quickstart.md", "docs/api/index.md"):
        assert needle in README, needle
    assert "issue" not in README.lower()  # internal references mean nothing to an outsider
    assert sum(b.path.name == "README.md" and b.lang == "python" for b in BLOCKS) >= 1
    assert sum(b.path.name == "README.md" and b.marker == "output" for b in BLOCKS) >= 1


def test_the_default_model_is_described_as_the_makefile_builds_it():
    rows, seed = int(shown.make_default("ROWS")), shown.make_default("SEED")
    for path in (ROOT / "README.md", ROOT / "docs" / "guide" / "explanations.md", ROOT / "docs" / "model-card.md"):
        said = re.findall(r"([\d,]+) rows, seed (\d+)", path.read_text(encoding="utf-8"))
        assert said and all(r == f"{rows:,}" and s == seed for r, s in said), (path.name, said)
    assert f"generates {rows:,} synthetic requests" in (ROOT / "docs" / "guide" / "install.md").read_text("utf-8")


def test_the_install_page_lists_every_make_target():
    targets = re.findall(r"^([a-z-]+):.*## ", (ROOT / "Makefile").read_text(encoding="utf-8"), flags=re.M)
    page = (ROOT / "docs" / "guide" / "install.md").read_text(encoding="utf-8")
    missing = [t for t in targets if t != "help" and not re.search(rf"`make {t}(?![\w-])", page)]
    assert targets and not missing, f"docs/guide/install.md does not list: {missing}"


def test_readme_links_point_at_files_that_exist():
    targets = re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", README)
    missing = [t for t in targets if "://" not in t and not (ROOT / t).exists()]
    assert targets and not missing


def test_every_text_block_is_a_shown_output_or_a_recorded_measurement():
    unmarked = [b.where for b in BLOCKS if b.lang in SHOWN and b.marker not in ("output", "measured")
                and not b.body.startswith(("xieshang/", "data/"))]  # the tree of the project layout is no output
    assert not unmarked, f"mark these with <!-- output: ID --> (see scripts/render_docs_outputs.py): {unmarked}"
    assert not [b.where for b in BLOCKS if b.marker == "output" and b.lang != "text"], "fence shown outputs as text"
    unknown = [f"{b.where}: {b.note}" for b in OUTPUTS if b.note not in shown.COMMANDS]
    assert not unknown, f"output IDs not in render_docs_outputs.COMMANDS: {unknown}"
    assert not [b.where for b in BLOCKS if not b.lang], "say the language of every code block"


def _commands(block: shown.Block) -> list[str]:
    """The commands of a shell block: each line without its comment, split at && ; |."""
    out = []
    for line in block.body.splitlines():
        code = re.sub(r"\s+#.*$", "", line).strip()
        out += [part.strip() for part in re.split(r"&&|;|\|", code) if part.strip()]
    return out


def test_every_command_is_written_as_it_runs_from_a_fresh_clone():
    """`.venv/bin/xieshang`, `.venv/bin/python`: a bare `xieshang` is not on a fresh clone's PATH, a bare `python`
    is the system's (without the project)."""
    bare = [f"{b.where}: {c}" for b in BLOCKS if b.lang in SHELL for c in _commands(b) if c.split()[0] in TOOLS]
    bare += [f"{b.where}: {b.body.splitlines()[0]}" for b in OUTPUTS if b.body.split()[1] in TOOLS]
    for path in shown.doc_files():  # inline: a command run on a file, not the name of a subcommand or option
        text = path.read_text(encoding="utf-8")
        bare += [f"{path.name}: `{span}`" for span in re.findall(r"`([^`\n]+)`", text)
                 if span.split()[0] in TOOLS and re.search(r"\s\S*(/|\.(py|csv|json|parquet)\b)", span)]
    assert not bare, bare


def test_every_python_block_is_valid_python_even_where_not_run():
    for block in (b for b in BLOCKS if b.lang == "python"):
        compile(block.body, block.where, "exec")


def test_the_architecture_page_lists_the_layers_the_test_enforces():
    from test_architecture import LAYERS

    page = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (\d) \| (.+) \|$", page, flags=re.M)
    listed = {m.strip("`/ "): int(layer) for layer, mods in rows for m in mods.split(",")}
    assert listed == LAYERS, "docs/architecture.md's table of layers differs from tests/test_architecture.py"


def test_every_module_has_an_api_page():
    nav = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    package = ROOT / "xieshang"
    modules = {p.stem for p in package.glob("*.py") if p.stem != "__init__"}
    modules |= {p.parent.name for p in package.glob("*/__init__.py")}  # subpackages: modeling/ ...
    for module in sorted(modules):
        page = ROOT / "docs" / "api" / f"{module}.md"
        assert page.read_text(encoding="utf-8").strip() == f"::: xieshang.{module}", module
        assert f"api/{module}.md" in nav, module


# --- the code runs, the outputs are real: slow (the default model is trained once) -------------


@pytest.mark.slow
@pytest.mark.parametrize("block", PYTHON, ids=_ids(PYTHON))
def test_python_block_runs_on_its_own(block, clone):
    matplotlib.use("Agg")
    try:
        exec(compile(block.body, block.where, "exec"), {"__name__": "__docs__"})
    except Exception as exc:  # pragma: no cover - the message is the point
        pytest.fail(f"{block.where}: {type(exc).__name__}: {exc}\n{block.body}")
    finally:
        import matplotlib.pyplot as plt

        plt.close("all")


@pytest.mark.slow
@pytest.mark.parametrize("block", BASH, ids=_ids(BASH))
def test_shell_block_runs_from_a_fresh_clone(block, clone):
    done = subprocess.run(["bash", "-euo", "pipefail", "-c", block.body], cwd=clone, capture_output=True, text=True)
    assert done.returncode == 0, f"{block.where} failed ({done.returncode}):\n{done.stderr[-2000:]}"
    assert "Traceback" not in done.stderr


@pytest.fixture(scope="session")
def real_outputs(default_model) -> dict[str, str]:
    return shown.shown_outputs(default_model)


@pytest.mark.slow
@pytest.mark.parametrize("block", OUTPUTS, ids=_ids(OUTPUTS))
def test_shown_output_is_the_real_one(block, real_outputs):
    real = real_outputs[block.note]
    if block.body != real:
        diff = "\n".join(difflib.unified_diff(block.body.splitlines(), real.splitlines(), "shown", "real", lineterm="",
                                              n=1))
        pytest.fail(f"{block.where}: the shown output of '{block.note}' differs from a real run; if the change is "
                    f"deliberate, run `{RENDER}`\n{diff[:3000]}")


@pytest.mark.slow
def test_the_site_builds_strictly_and_works_offline(tmp_path):
    site = tmp_path / "site"
    done = subprocess.run([str(Path(sys.prefix) / "bin" / "mkdocs"), "build", "--strict", "--site-dir", str(site)],
                          cwd=ROOT, capture_output=True, text=True, env={**__import__("os").environ,
                                                                          "NO_MKDOCS_2_WARNING": "1"})
    assert done.returncode == 0, done.stderr[-3000:]
    remote = [f"{p.relative_to(site)}: {m}" for p in site.rglob("*.html")
              for m in re.findall(r"<(?:script|link|img)[^>]*(?:src|href)=\"(?:https?:)?//[^\"]+\"",
                                  p.read_text(encoding="utf-8"))]
    assert not remote, remote[:5]  # no web font, no CDN: the site works from disk
    assert (site / "api" / "model.html").read_text(encoding="utf-8").count("xieshang.model.ApprovalModel") > 0
    assert (site / "figures" / "reliability.png").is_file()
