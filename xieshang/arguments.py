"""What the command line accepts, checked before any work: argument types and early refusals.

Argument types name what was expected (a positive integer, a seed below 2**32, a share, a
probability); :func:`check_memory` and :func:`check_test_size` refuse a run that could not
finish, before it starts. :mod:`xieshang.cli` builds its commands from these.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable
from typing import NoReturn

__all__ = ["BYTES_PER_ROW", "Parser", "add_text_options", "available_memory", "check_memory", "check_test_size",
           "int_at_least", "positive_int", "probability", "seed", "separator", "share"]


class Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line and exit code 2, as every other user error."""

    def error(self, message: str) -> NoReturn:  # one line, exit 2, as for every other user error
        self.exit(2, f"xieshang: error: {message} (see 'xieshang --help')\n")


def int_at_least(low: int, what: str) -> Callable[[str], int]:
    """An argparse type: an integer >= ``low``, else a message naming what was expected."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = low - 1
        if value < low:
            raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}")
        return value

    return parse


positive_int = int_at_least(1, "a positive integer")
"""An argparse type: an integer >= 1."""


def seed(text: str) -> int:
    """An argparse type: a seed NumPy and scikit-learn accept, 0 <= seed < 2**32."""
    value = int_at_least(0, "a non-negative integer seed")(text)
    if value >= 2**32:
        raise argparse.ArgumentTypeError(f"expected a seed below 2**32 = {2**32:,} (the random generators' limit), "
                                         f"got {text!r} (随机种子须小于 2**32)")
    return value


def add_text_options(p: argparse.ArgumentParser) -> None:
    """Add ``--encoding`` and ``--sep`` (how a CSV input is read) to the parser ``p``."""
    p.add_argument("--encoding", default=None,
                   help="text encoding of a CSV input (default: detected; UTF-8, UTF-16 and GB18030/GBK are told "
                        "apart, others such as big5 or latin-1 must be named)")
    p.add_argument("--sep", default=None, help="separator of a CSV input (default: sniffed among , ; tab |); "
                                               "write 'tab' for a tab")


def separator(value: str | None) -> str | None:
    """The separator ``--sep`` names: ``"tab"`` (or ``\\t``) as a tab character, anything else as given."""
    return "\t" if value in ("tab", "\\t", "TAB") else value


BYTES_PER_ROW = 1100
"""Peak bytes per generated row (the frame, its parts and the file being written): 1,075 measured with
tracemalloc at 50k and at 200k rows (`generate` then `write_table`), rounded up."""


def available_memory() -> int | None:
    """Bytes of memory available now (Linux: MemAvailable), ``None`` when unknown."""
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def check_memory(rows: int) -> None:
    """Refuse, before any work, a row count whose data would not fit in the memory available."""
    need, free = rows * BYTES_PER_ROW, available_memory()
    if free is not None and need > free:
        fit = max(free // BYTES_PER_ROW, 1)
        raise ValueError(
            f"not enough memory: --rows {rows:,} needs about {need / 2**30:,.1f} GiB of memory ({BYTES_PER_ROW} bytes a row) and "
            f"{free / 2**30:,.1f} GiB is available; expected at most about {fit:,} rows here: ask for fewer rows "
            f"(or generate several files with different --seed) (内存不够：约需 {need / 2**30:,.1f} GiB，"
            f"可用 {free / 2**30:,.1f} GiB；请减少 --rows)"
        )


def share(text: str) -> float:
    """An argparse type: a share strictly between 0 and 1 (``--test-size``)."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not 0.0 < value < 1.0:
        raise argparse.ArgumentTypeError(f"expected a share strictly between 0 and 1, got {text!r}")
    return value


def check_test_size(rows: int, test_size: float) -> None:
    """Refuse a held-out share too small to hold one row of each label (or leaving nothing to train on)."""
    held = math.ceil(rows * test_size)
    if held < 2 or rows - held < 2:
        raise ValueError(
            f"--test-size {test_size} holds out {held} of {rows:,} rows; expected at least 2 held out (one approved, "
            f"one refused) and the rest to train on: use --test-size between {2 / rows:.3g} and {1 - 2 / rows:.3g}, "
            f"e.g. 0.2 (--test-size 太小或太大：测试集须至少有 2 条记录)"
        )


def probability(text: str) -> float:
    """An argparse type: a probability strictly between 0 and 1 (``--target``)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a probability strictly between 0 and 1, got {text!r}") from None
    if not 0.0 < value < 1.0:
        raise argparse.ArgumentTypeError(f"expected a probability strictly between 0 and 1, got {text!r}")
    return value
