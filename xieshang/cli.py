"""Command line: ``xieshang generate | check | train | predict | explain``.

Every user error (bad file, bad option, bad data) ends as one line on stderr
and exit code 2, never a traceback. Nothing in the package imports this module.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn

__all__ = ["main", "build_parser"]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, exit 2, as for every other user error
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


def _add_check(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", help="requests, .csv or .parquet: contract columns (names or Chinese/English labels), "
                                "optionally 'approved'")
    p.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of the report (default zh)")
    p.add_argument("--json", action="store_true", help="print the report as JSON (texts in both languages)")


def _read_checked(path: str, *, require_label: bool, test_size: float = 0.2):
    """(frame with contract headers, CheckReport) for a data file."""
    from .check import check_frame
    from .files import read_table, table_format

    df = read_table(path)
    report = check_frame(df, require_label=require_label, test_size=test_size,
                         first_line=2 if table_format(path) == "csv" else None, source=path)
    return df, report


def _cmd_check(args: argparse.Namespace) -> int:
    import json

    _, report = _read_checked(args.file, require_label=False)
    print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2) if args.json else report.render(args.lang))
    return 0 if report.ok else 1


_COMMANDS.append(("check", "check a data file before any fit: blanks, bad values, label, sizes, leaks, duplicates "
                           "(exit 1 if it has problems)", _add_check, _cmd_check))


def _add_train(p: argparse.ArgumentParser) -> None:
    src = p.add_mutually_exclusive_group()
    src.add_argument("--data", help="training data, .csv or .parquet, with the contract's columns and 'approved' "
                                    "(headers may be the Chinese or English labels); checked first")
    src.add_argument("--rows", type=_positive_int, help="generate this many rows instead (default 20000)")
    p.add_argument("--seed", type=_seed, default=0, help="random seed (default 0)")
    p.add_argument("--out", default="model/", help="model folder (default model/)")
    p.add_argument("--reports", default="reports/", help="reports folder (default reports/)")
    p.add_argument("--test-size", type=_share, default=0.2, help="share of rows held out for the test (default 0.2)")
    p.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of the data check's report (default zh)")


def _share(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not 0.0 < value < 1.0:
        raise argparse.ArgumentTypeError(f"expected a share strictly between 0 and 1, got {text!r}")
    return value


def _cmd_train(args: argparse.Namespace) -> int:
    import time
    from pathlib import Path

    import numpy as np
    import pandas as pd

    from .contract import TRUTH
    from .files import check_writable_folder
    from .generator import generate
    from .headers import rename_columns
    from .model import train
    from .modeling import holdout_split
    from .reports import summary_table, write_reports
    from .validation import validate_frame

    start = time.perf_counter()

    def stage(text: str) -> None:
        print(f"[{time.perf_counter() - start:6.1f} s] {text}", flush=True)

    # Where the results go must be writable before any work (not found out after the fit).
    check_writable_folder(args.out)
    check_writable_folder(args.reports)
    if args.data:
        stage(f"reading and checking {args.data}")
        df, report = _read_checked(args.data, require_label=True, test_size=args.test_size)
        if not report.ok:
            print(report.render(args.lang), flush=True)
            n = len(report.problems)
            raise ValueError(f"{args.data}: the data check found {n} problem{'s' if n > 1 else ''} (report above; "
                             f"数据检查发现 {n} 个问题); fix the file, run 'xieshang check {args.data}', then train again")
        for w in report.warnings:
            print(f"  warning / 提醒: {w.text(args.lang)}", flush=True)
    else:
        from .check import check_frame

        rows = args.rows or 20_000
        stage(f"generating {rows:,} rows (seed {args.seed})")
        df = generate(rows, seed=args.seed)
        report = check_frame(df, require_label=True, test_size=args.test_size)
        if not report.ok:  # e.g. --rows 10: too few of a label
            raise ValueError(" ".join(f"{i.en} ({i.zh})" for i in report.problems) + "; ask for more --rows")
    df = rename_columns(df)
    clean = validate_frame(df, require_label=True)  # contract columns parsed (a CSV is read as text)
    if TRUTH in df.columns:  # the generator's truth, if the file carries it, serves the reports
        truth = pd.to_numeric(df[TRUTH], errors="coerce").to_numpy(dtype=float)
        if np.isfinite(truth).all() and ((truth >= 0) & (truth <= 1)).all():
            clean[TRUTH] = truth
        else:
            print(f"  note: {TRUTH} has blank or invalid values; the reports will not compare with it "
                  f"(提示:{TRUTH} 有空值或无效值,报告不与之比较)", flush=True)
    train_df, test_df = holdout_split(clean, test_size=args.test_size, seed=args.seed)
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


def _load(path: str | None):
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
    from .files import refuse_same_file, table_format
    from .scoring import score_file

    table_format(args.input), table_format(args.out)  # fail on a bad extension before loading the model
    refuse_same_file(args.input, args.out)  # never overwrite the input, whatever the spelling of the path
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

    from .explanation import explain

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


def _add_serve(p: argparse.ArgumentParser) -> None:
    p.add_argument("--model", default=None, help="model file (default model/approval.joblib)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=_int_at_least(1, "a port number from 1 to 65535"), default=8000,
                   help="port (default 8000)")
    p.add_argument("--workers", type=_positive_int, default=1,
                   help="processes, each with its own copy of the model (default 1)")


def _cmd_serve(args: argparse.Namespace) -> int:
    try:
        from .serve import run
    except ImportError as exc:
        raise ValueError(f"the web server needs the 'serve' extra ({exc.name} is missing): "
                         "pip install 'xieshang[serve]'") from None
    run(args.model, host=args.host, port=args.port, workers=args.workers)
    return 0


_COMMANDS.append(("serve", "serve the what-if page and the JSON API (local only by default)", _add_serve, _cmd_serve))


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
