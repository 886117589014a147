"""Rewrite the shown outputs of README.md and docs/ from real runs.

A shown output is a ```text block right after a marker line ``<!-- output: ID -->``; ID names a
command of ``COMMANDS``. The block holds ``$ command`` and then what the command prints, run from a
folder laid out like a fresh clone after ``make train`` (the example files, the default model,
``.venv``). ``tests/test_doc_blocks.py`` runs the same commands and fails on any difference, so a
shown output cannot go stale; after a deliberate change, run:

    .venv/bin/python scripts/render_docs_outputs.py            # trains the default model afresh (~1 min)
    .venv/bin/python scripts/render_docs_outputs.py --model-dir model/   # or: the one `make train` built

Other markers, read by the tests: ``<!-- not run: why -->`` before a ```bash or ```python block the
tests must not execute (it builds the environment, opens a browser, or stands for the reader's own
file; a Python one must still compile), and
``<!-- measured: what, when -->`` before a ```text block that records a benchmark run.
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

COMMANDS: dict[str, str] = {
    "version": ".venv/bin/xieshang --version",
    "explain-en": ".venv/bin/xieshang explain data/examples/applicant.json --lang en",
    "explain-zh": ".venv/bin/xieshang explain data/examples/applicant.json",
    "check-messy-en": ".venv/bin/xieshang check data/examples/messy_requests.csv --lang en",
    "check-zh-blanks": ".venv/bin/xieshang check data/examples/requests_zh_blanks.csv",
}
"""Every command whose output the docs show, by the ID their marker names."""

_FENCE = re.compile(r"^```(\w*)\s*$")
_MARKER = re.compile(r"^<!--\s*(output|not run|measured):\s*(.*?)\s*-->$")


@dataclass(frozen=True)
class Block:
    """A fenced code block of a Markdown file, with the marker comment just before it (if any)."""

    path: Path
    line: int  # 1-based line of the opening fence
    end: int  # 1-based line of the closing fence
    lang: str
    body: str
    marker: str  # "output", "not run", "measured" or ""
    note: str  # the marker's argument: the command ID for "output"

    @property
    def where(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"


def doc_files() -> list[Path]:
    """README.md and every page of the docs site."""
    return [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


def blocks(path: Path) -> list[Block]:
    """The fenced code blocks of a Markdown file, in order."""
    lines = path.read_text(encoding="utf-8").splitlines()
    found, i = [], 0
    while i < len(lines):
        opening = _FENCE.match(lines[i])
        if not opening:
            i += 1
            continue
        end = next((j for j in range(i + 1, len(lines)) if lines[j].rstrip() == "```"), None)
        if end is None:
            raise ValueError(f"{path}:{i + 1}: a code block is never closed")
        before = next((lines[j].strip() for j in range(i - 1, -1, -1) if lines[j].strip()), "")
        marker = _MARKER.match(before)
        found.append(Block(path, i + 1, end + 1, opening.group(1), "\n".join(lines[i + 1:end]),
                           marker.group(1) if marker else "", marker.group(2) if marker else ""))
        i = end + 1
    return found


def make_default(name: str) -> str:
    """A default of the Makefile (``ROWS ?= 40000``), so the model trained here is the one `make train` builds."""
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    match = re.search(rf"^{name}\s*\?=\s*(\S+)", text, flags=re.M)
    if match is None:
        raise ValueError(f"Makefile: no default for {name}")
    return match.group(1)


def _xieshang(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    argv = [str(Path(sys.prefix) / "bin" / "xieshang"), *args]
    done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{shlex.join(argv)} failed ({done.returncode}):\n{done.stderr}")
    return done


def train_default_model(dest: Path) -> Path:
    """Train into ``dest/model`` the model `make train` builds (same rows, seed and commands); return the folder."""
    rows, seed = make_default("ROWS"), make_default("SEED")
    data = dest / f"requests_seed{seed}_n{rows}.parquet"
    _xieshang("generate", "--rows", rows, "--seed", seed, "--out", str(data))
    _xieshang("train", "--data", str(data), "--seed", seed, "--out", str(dest / "model"),
              "--reports", str(dest / "reports"))
    return dest / "model"


def lay_out(dest: Path, model_dir: Path) -> Path:
    """A folder laid out like a fresh clone after ``make train``: the examples, the default model, ``.venv``."""
    shutil.copytree(ROOT / "data" / "examples", dest / "data" / "examples")
    shutil.copy(ROOT / "data" / "README.md", dest / "data" / "README.md")
    (dest / "model").mkdir()
    for name in ("approval.joblib", "approval.json"):
        shutil.copy(model_dir / name, dest / "model" / name)
    (dest / ".venv").symlink_to(Path(sys.prefix), target_is_directory=True)
    return dest


def run_shown(command: str, cwd: Path) -> str:
    """``$ command`` and what it prints, as a shown output block holds them."""
    done = subprocess.run(shlex.split(command), cwd=cwd, capture_output=True, text=True)
    if done.returncode not in (0, 1) or done.stderr.strip():  # 1: `check` found problems, its report is the point
        raise RuntimeError(f"{command} failed ({done.returncode}):\n{done.stderr}")
    return f"$ {command}\n{done.stdout.rstrip()}"


def shown_outputs(model_dir: Path) -> dict[str, str]:
    """The real output of every command in ``COMMANDS``, run in a fresh layout with that model."""
    with tempfile.TemporaryDirectory() as tmp:
        clone = lay_out(Path(tmp) / "clone", model_dir)
        return {key: run_shown(command, clone) for key, command in COMMANDS.items()}


def render(path: Path, outputs: dict[str, str]) -> str:
    """The text of ``path`` with every shown output replaced by the real one."""
    lines = path.read_text(encoding="utf-8").splitlines()
    for block in reversed(blocks(path)):
        if block.marker == "output":
            lines[block.line:block.end - 1] = outputs[block.note].splitlines()
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model-dir", type=Path, help="folder of the model `make train` built with its defaults "
                                                       "(default: train it afresh in a temporary folder)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        model_dir = args.model_dir or train_default_model(Path(tmp))
        outputs = shown_outputs(model_dir)
    for path in doc_files():
        old = path.read_text(encoding="utf-8")
        new = render(path, outputs)
        if new != old:
            tmp_path = path.with_name(f".{path.name}.tmp")
            tmp_path.write_text(new, encoding="utf-8")
            os.replace(tmp_path, path)
            print(f"rewrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
