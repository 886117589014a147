"""Command line: ``xieshang generate | train | predict | explain``.

Every user error (bad file, bad option, bad data) ends as one line on stderr
and exit code 2, never a traceback. Nothing in the package imports this module.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

__all__ = ["main", "build_parser"]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2, as for every other user error
        self.exit(2, f"xieshang: error: {message} (see 'xieshang --help')\n")


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return value


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a non-negative integer seed, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a non-negative integer seed, got {text!r}")
    return value


def _cmd_generate(args: argparse.Namespace) -> int:
    from .files import table_format, write_table
    from .generator import generate

    table_format(args.out)  # fail on a bad extension before spending time generating
    df = generate(args.rows, seed=args.seed)
    write_table(df, args.out)
    print(f"wrote {len(df):,} rows (approval rate {df['approved'].mean():.1%}, seed {args.seed}) to {args.out}")
    return 0


# Each entry: name, help, function adding the arguments, function running it.
_COMMANDS: list[tuple[str, str, Callable[[argparse.ArgumentParser], None], Callable[[argparse.Namespace], int]]] = []


def _add_generate(p: argparse.ArgumentParser) -> None:
    p.add_argument("--rows", type=_positive_int, default=10_000, help="number of rows (default 10000)")
    p.add_argument("--seed", type=_seed, default=0, help="random seed (default 0)")
    p.add_argument("--out", required=True, help="output file, .csv or .parquet")


_COMMANDS.append(("generate", "generate synthetic negotiation requests with their true probability",
                  _add_generate, _cmd_generate))


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = _Parser(prog="xieshang", description="Approval probability of a negotiated repayment plan (协商还款).")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=_Parser)
    for name, help_, add, run in _COMMANDS:
        p = sub.add_parser(name, help=help_, description=help_)
        add(p)
        p.set_defaults(run=run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except (ValueError, OSError) as exc:
        message = " ".join(str(exc).split()) if isinstance(exc, ValueError) else f"{exc.strerror or exc}: {getattr(exc, 'filename', '')}"
        print(f"xieshang {args.command}: error: {message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"xieshang {args.command}: interrupted; no output was left half-written", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
