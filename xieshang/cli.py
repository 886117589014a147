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


def _int_at_least(low: int, what: str) -> Callable[[str], int]:
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


_positive_int = _int_at_least(1, "a positive integer")
_seed = _int_at_least(0, "a non-negative integer seed")


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


def _add_train(p: argparse.ArgumentParser) -> None:
    src = p.add_mutually_exclusive_group()
    src.add_argument("--data", help="training data, .csv or .parquet, with the contract's columns and 'approved'")
    src.add_argument("--rows", type=_positive_int, help="generate this many rows instead (default 20000)")
    p.add_argument("--seed", type=_seed, default=0, help="random seed (default 0)")
    p.add_argument("--out", default="model/", help="model folder (default model/)")
    p.add_argument("--reports", default="reports/", help="reports folder (default reports/)")
    p.add_argument("--test-size", type=float, default=0.2, help="share of rows held out for the test (default 0.2)")


def _cmd_train(args: argparse.Namespace) -> int:
    import time
    from pathlib import Path

    from .files import read_table
    from .generator import generate
    from .reports import summary_table, write_reports
    from .contract import LABEL
    from .model import train
    from .training import holdout_split
    from .validation import validate_frame

    start = time.perf_counter()

    def stage(text: str) -> None:
        print(f"[{time.perf_counter() - start:6.1f} s] {text}", flush=True)

    if args.data:
        stage(f"reading {args.data}")
        df = read_table(args.data)
    else:
        rows = args.rows or 20_000
        stage(f"generating {rows:,} rows (seed {args.seed})")
        df = generate(rows, seed=args.seed)
    clean = validate_frame(df, require_label=True)  # every problem of the file at once, before any work
    df = df.assign(**{LABEL: clean[LABEL]})  # labels as 0/1 whatever their spelling (yes/no, 1.0/0.0...)
    train_df, test_df = holdout_split(df, test_size=args.test_size, seed=args.seed)
    stage(f"training on {len(train_df):,} rows, {len(test_df):,} held out for the test")
    model = train(train_df, seed=args.seed, verbose=True)
    stage("writing reports")
    metrics = write_reports(model, test_df, reports_dir=args.reports, model_path=Path(args.out) / "approval.joblib",
                            progress=lambda s: stage("  " + s))
    stage(f"done: model in {Path(args.out) / 'approval.joblib'}, reports in {args.reports}")
    print()
    print(summary_table(metrics))
    return 0


_COMMANDS.append(("train", "train, calibrate and evaluate the approval model; write model/ and reports/",
                  _add_train, _cmd_train))


def _probability(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a probability strictly between 0 and 1, got {text!r}") from None
    if not 0.0 < value < 1.0:
        raise argparse.ArgumentTypeError(f"expected a probability strictly between 0 and 1, got {text!r}")
    return value


def _load(path: str | None):  # noqa: ANN202 - the trained model
    from .model import load_model

    return load_model(path)


def _add_predict(p: argparse.ArgumentParser) -> None:
    p.add_argument("input", help="requests to score, .csv or .parquet (any size: read in chunks)")
    p.add_argument("-o", "--out", required=True, help="output file, .csv or .parquet")
    p.add_argument("--model", default=None, help="model file (default model/approval.joblib)")
    p.add_argument("--explain", action="store_true",
                   help="also add top_reason, best_action, best_action_probability, plan_affordable "
                        "(batched: about a millisecond or two per row)")
    p.add_argument("--target", type=_probability, default=0.6, help="target probability for --explain (default 0.6)")
    p.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of --explain sentences")
    p.add_argument("--chunk-rows", type=_positive_int, default=100_000, help="rows per chunk (default 100000)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")


def _cmd_predict(args: argparse.Namespace) -> int:
    from .files import table_format
    from .scoring import score_file

    table_format(args.input), table_format(args.out)  # fail on a bad extension before loading the model
    model = _load(args.model)
    n = score_file(model, args.input, args.out, chunk_rows=args.chunk_rows, explain=args.explain,
                   target=args.target, lang=args.lang, progress=None if args.quiet else sys.stderr)
    print(f"wrote {n:,} scored rows to {args.out}")
    return 0


_COMMANDS.append(("predict", "add the approval probability (and optionally reasons and actions) to every row",
                  _add_predict, _cmd_predict))


def _add_explain(p: argparse.ArgumentParser) -> None:
    p.add_argument("applicant", help="one applicant as a JSON object {feature: value}")
    p.add_argument("--target", type=_probability, default=0.6, help="probability to reach (default 0.6)")
    p.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of the report (default zh)")
    p.add_argument("--json", action="store_true", help="print the explanation as JSON")
    p.add_argument("--model", default=None, help="model file (default model/approval.joblib)")


def _cmd_explain(args: argparse.Namespace) -> int:
    import json
    from pathlib import Path

    from .explain import explain

    path = Path(args.applicant)
    if not path.is_file():
        raise ValueError(f"{path}: no such file")
    try:
        applicant = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path}: not valid JSON ({exc})") from None
    except RecursionError:
        raise ValueError(f"{path}: not valid JSON (nested too deeply); expected a flat object {{feature: value}}") from None
    if not isinstance(applicant, dict):
        raise ValueError(f"{path}: expected a JSON object {{feature: value}}, got {type(applicant).__name__}")
    model = _load(args.model)
    exp = explain(model, applicant, target=args.target, lang=args.lang)
    print(json.dumps(exp.to_dict(), ensure_ascii=False, indent=2) if args.json else exp)
    return 0


_COMMANDS.append(("explain", "explain one applicant: probability, principal reasons, cheapest path to the target",
                  _add_explain, _cmd_explain))


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
    except MemoryError as exc:
        print(f"xieshang {args.command}: error: not enough memory ({' '.join(str(exc).split())}); "
              "ask for fewer rows (or a smaller --chunk-rows)", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"xieshang {args.command}: interrupted; no output was left half-written", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
