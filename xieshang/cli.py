"""Command line: ``xieshang generate | check | train | predict | explain``.

Every user error (bad file, bad option, bad data) ends as one line on stderr
and exit code 2, never a traceback. Nothing in the package imports this module.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

# The helpers moved to xieshang.arguments keep here the names the commands have always called them by.
from .arguments import Parser as _Parser
from .arguments import add_text_options as _add_text_options
from .arguments import check_memory as _check_memory
from .arguments import check_test_size as _check_test_size
from .arguments import int_at_least as _int_at_least
from .arguments import positive_int as _positive_int
from .arguments import probability as _probability
from .arguments import seed as _seed
from .arguments import separator as _sep
from .arguments import share as _share

__all__ = ["main", "build_parser"]


def _cmd_generate(args: argparse.Namespace) -> int:
    from .files import check_output, table_format, write_table
    from .generator import generate

    table_format(args.out)  # fail on a bad extension before spending time generating
    check_output(args.out, no_clobber=args.no_clobber)
    _check_memory(args.rows)
    df = generate(args.rows, seed=args.seed)
    write_table(df, args.out)
    print(f"wrote {len(df):,} rows (approval rate {df['approved'].mean():.1%}, seed {args.seed}) to {args.out}")
    return 0


# Each entry: name, help, function adding the arguments, function running it.
_COMMANDS: list[tuple[str, str, Callable[[argparse.ArgumentParser], None], Callable[[argparse.Namespace], int]]] = []


def _add_generate(p: argparse.ArgumentParser) -> None:
    p.add_argument("--rows", type=_positive_int, default=10_000, help="number of rows (default 10000)")
    p.add_argument("--seed", type=_seed, default=0, help="random seed (default 0)")
    p.add_argument("--out", required=True, help="output file, .csv, .parquet or .xlsx")
    p.add_argument("--no-clobber", action="store_true", help="refuse to replace an existing output file")


_COMMANDS.append(("generate", "generate synthetic negotiation requests with their true probability",
                  _add_generate, _cmd_generate))


def _add_check(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", help="requests, .csv or .parquet: contract columns (names or Chinese/English labels), "
                                "optionally 'approved'; or a folder of training files, checked as train samples it")
    p.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of the report (default zh)")
    p.add_argument("--json", action="store_true", help="print the report as JSON (texts in both languages)")
    _add_text_options(p)
    p.add_argument("--max-rows", type=_positive_int, default=None,
                   help="check the stratified sample `train --data` draws: a folder's (default 500000 rows) or, "
                        "with this, a file's ('approved' required)")
    p.add_argument("--seed", type=_seed, default=None, help="seed of that sample (default 0, as for train)")
    p.add_argument("--test-size", type=_share, default=0.2,
                   help="the share train will hold out for the test (default 0.2): the rows each label needs follow it")


def _read_checked(args: argparse.Namespace, path: str, *, require_label: bool, test_size: float = 0.2):
    """(frame with contract headers, CheckReport) for a data file, the report saying how the file was read."""
    from .check import check_frame
    from .files import read_records
    from .model import ApprovalModel
    from .text import check_text

    rec = read_records(path, encoding=args.encoding, sep=_sep(args.sep))
    n_splits = ApprovalModel().n_splits  # the folds training will use
    from .tables import decimal_commas

    frame = decimal_commas(rec.frame, rec.sep)
    report = check_frame(frame, require_label=require_label, test_size=test_size, n_splits=n_splits,
                         first_line=rec.lines if rec.unit == "line" else None,
                         source=check_text("read_as", args.lang, path=path, how=rec.read_as[args.lang]))
    return frame, report


def _cmd_check(args: argparse.Namespace) -> int:
    import json
    from pathlib import Path

    if Path(args.file).is_dir() or args.max_rows:  # what `train --data` would see: its sample
        from .sampling import DEFAULT_MAX_ROWS, checked_sample

        sample, report = checked_sample(args.file, args.max_rows or DEFAULT_MAX_ROWS, args.seed or 0,
                                        test_size=args.test_size)
        print(f"  {sample.summary()}", file=sys.stderr if args.json else sys.stdout)
    elif args.seed is not None:
        raise ValueError("--seed: chooses the sample of a folder or of --max-rows; a file is checked whole: "
                         "leave it out or add --max-rows (单个文件会整份检查，--seed 只用于文件夹或 --max-rows 抽样)")
    else:
        _, report = _read_checked(args, args.file, require_label=False, test_size=args.test_size)
    print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2) if args.json else report.render(args.lang))
    return 0 if report.ok else 1


_COMMANDS.append(("check", "check a data file before any fit: blanks, bad values, label, sizes, leaks, duplicates "
                           "(exit 1 if it has problems)", _add_check, _cmd_check))


def _add_train(p: argparse.ArgumentParser) -> None:
    src = p.add_mutually_exclusive_group()
    src.add_argument("--data", help="training data, .csv or .parquet, with the contract's columns and 'approved' "
                                    "(headers may be the Chinese or English labels); checked first; or a folder "
                                    "of such files, of any total size, sampled in one pass (see --max-rows)")
    src.add_argument("--rows", type=_positive_int, help="generate this many rows instead (default 20000)")
    p.add_argument("--seed", type=_seed, default=0, help="random seed (default 0)")
    p.add_argument("--out", default="model/", help="model folder (default model/)")
    p.add_argument("--reports", default="reports/", help="reports folder (default reports/)")
    p.add_argument("--test-size", type=_share, default=0.2, help="share of rows held out for the test (default 0.2)")
    p.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of the data check's report (default zh)")
    _add_text_options(p)
    p.add_argument("--max-rows", type=_positive_int, default=None,
                   help="train on a stratified sample of at most this many rows, drawn with --seed in one pass "
                        "(default 500000 for a --data folder; a file is read whole unless this is given)")


def _sampled(args: argparse.Namespace, stage: Callable[[str], None]):
    """(sample as a frame, its CheckReport, Sample) for ``--data`` a folder (or a file with ``--max-rows``)."""
    from .sampling import DEFAULT_MAX_ROWS, checked_sample

    max_rows = args.max_rows or DEFAULT_MAX_ROWS
    stage(f"sampling {args.data}: at most {max_rows:,} rows, stratified, seed {args.seed}, every row checked")
    sample, report = checked_sample(args.data, max_rows, args.seed, test_size=args.test_size)
    print(f"  {sample.summary()}", flush=True)
    return sample.frame.reset_index(drop=True), report, sample


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
    if args.max_rows and not args.data:
        raise ValueError(f"--max-rows samples the rows of --data; generated rows are drawn as asked: use --rows "
                         f"{args.max_rows} instead (--max-rows 只对 --data 抽样；生成数据请用 --rows)")
    check_writable_folder(args.out)
    check_writable_folder(args.reports)
    sample = None
    if args.data and (args.max_rows or Path(args.data).is_dir()):
        df, report, sample = _sampled(args, stage)
    if args.data:
        if sample is None:
            stage(f"reading and checking {args.data}")
            df, report = _read_checked(args, args.data, require_label=True, test_size=args.test_size)
        if not report.ok:
            print(report.render(args.lang), flush=True)
            n = len(report.problems)
            again = "" if sample is None else (f" --max-rows {args.max_rows}" if args.max_rows else "") + f" --seed {args.seed}"
            raise ValueError(f"{args.data}: the data check found {n} problem{'s' if n > 1 else ''} (report above; "
                             f"数据检查发现 {n} 个问题); fix the file, run 'xieshang check {args.data}{again}', "
                             "then train again")
        from .text import check_text

        for w in report.warnings:  # in the report's language, as the report's own lines
            print(check_text("warning_line", args.lang, text=w.text(args.lang)), flush=True)
    else:
        from .check import check_frame

        rows = args.rows or 20_000
        _check_memory(rows)
        _check_test_size(rows, args.test_size)
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
                  f"（提示：{TRUTH} 有空值或无效值，报告不与之比较）", flush=True)
    _check_test_size(len(clean), args.test_size)
    train_df, test_df = holdout_split(clean, test_size=args.test_size, seed=args.seed)
    stage(f"training on {len(train_df):,} rows, {len(test_df):,} held out for the test")
    model = train(train_df, seed=args.seed, verbose=True)
    stage("writing reports")
    metrics = write_reports(model, test_df, reports_dir=args.reports, model_path=Path(args.out) / "approval.joblib",
                            progress=lambda s: stage("  " + s),
                            sample=None if sample is None else {"kept": sample.kept, "read": sample.read,
                                                                "files": sample.files, "seed": args.seed})
    stage(f"done: model in {Path(args.out) / 'approval.joblib'}, reports in {args.reports}")
    print()
    print(summary_table(metrics))
    return 0


_COMMANDS.append(("train", "train, calibrate and evaluate the approval model; write model/ and reports/",
                  _add_train, _cmd_train))


def _load(path: str | None):
    from .model import load_model

    return load_model(path)


def _add_predict(p: argparse.ArgumentParser) -> None:
    p.add_argument("input", help="requests to score, .csv (any encoding, any separator), .parquet or .xlsx "
                                 "(any size: read in chunks), or a folder of Parquet files")
    p.add_argument("-o", "--out", required=True, help="output file, .csv, .parquet or .xlsx; for a folder (or "
                                                      "--dask), a folder: one Parquet file per input file")
    p.add_argument("--model", default=None, help="model file (default model/approval.joblib)")
    p.add_argument("--explain", action="store_true",
                   help="also add top_reason, best_action, best_action_probability, plan_affordable "
                        "(batched: about a millisecond or two per row)")
    p.add_argument("--target", type=_probability, default=0.6, help="target probability for --explain (default 0.6)")
    p.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of --explain sentences")
    p.add_argument("--chunk-rows", type=_positive_int, default=100_000, help="rows per chunk (default 100000)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    _add_text_options(p)
    p.add_argument("--out-encoding", default=None,
                   help="encoding of a CSV output (default: the input CSV's, BOM included; utf-8-sig adds a BOM)")
    p.add_argument("--no-clobber", action="store_true", help="refuse to replace an existing output file")
    p.add_argument("--dask", metavar="local|tcp://HOST:PORT", default=None,
                   help="score a Parquet file or a folder of Parquet files on a Dask cluster ('local': one worker "
                        "per core); -o is then a folder, one Parquet file per input file (needs xieshang[dask])")


def _cmd_predict(args: argparse.Namespace) -> int:
    from pathlib import Path

    if args.dask or Path(args.input).is_dir():  # a folder of Parquet parts in, a folder out (on Dask or here)
        from .cluster import score_dataset

        given = [f"--{k.replace('_', '-')}" for k in ("encoding", "sep", "out_encoding") if getattr(args, k)]
        if given:
            raise ValueError(f"{', '.join(given)}: for a CSV file; a folder (or --dask) is read and written as "
                             "Parquet: leave them out (文件夹按 Parquet 读写，不用这些选项)")
        n, done, kept = score_dataset(args.input, args.out, model=args.model, cluster=args.dask, explain=args.explain,
                                      target=args.target, lang=args.lang, chunk_rows=args.chunk_rows,
                                      progress=None if args.quiet else sys.stderr)
        print(f"wrote {n:,} scored rows in {done} partition file(s) to {args.out}"
              + (f" ({kept} already there from an earlier run)" if kept else ""))
        return 0
    from .files import check_output, refuse_same_file, table_format
    from .scoring import score_file
    from .tables import open_source

    table_format(args.input), table_format(args.out)  # fail on a bad extension before loading the model
    refuse_same_file(args.input, args.out)  # never overwrite the input, whatever the spelling of the path
    check_output(args.out, no_clobber=args.no_clobber)
    open_source(args.input, encoding=args.encoding, sep=_sep(args.sep)).close()  # unreadable: said before the model loads
    if args.out_encoding is not None:
        from .encodings import check_encoding

        check_encoding(args.out_encoding)
    model = _load(args.model)
    n = score_file(model, args.input, args.out, chunk_rows=args.chunk_rows, explain=args.explain,
                   target=args.target, lang=args.lang, progress=None if args.quiet else sys.stderr,
                   encoding=args.encoding, sep=_sep(args.sep), out_encoding=args.out_encoding,
                   no_clobber=args.no_clobber)
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

    from .explain import explain
    from .files import read_json_object

    applicant = read_json_object(args.applicant)
    model = _load(args.model)
    exp = explain(model, applicant, target=args.target, lang=args.lang)
    print(json.dumps(exp.to_dict(), ensure_ascii=False, indent=2) if args.json else exp)
    return 0


_COMMANDS.append(("explain", "explain one applicant: probability, principal reasons, cheapest path to the target",
                  _add_explain, _cmd_explain))


def _version() -> str:
    """The installed distribution's version (the package's own when run from a source tree)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("xieshang")
    except PackageNotFoundError:
        from . import __version__

        return __version__


def _stdout_gone() -> int:
    """The reader of our output left (``xieshang explain --json | head``): stop quietly, as a shell tool does."""
    import os

    # Later writes, and the flush at exit, go nowhere instead of raising again.
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 128 + 13  # what a process killed by SIGPIPE reports


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
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
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
        code = args.run(args)
        sys.stdout.flush()  # a closed pipe shows here, not in the flush at exit
        return code
    except BrokenPipeError:
        return _stdout_gone()
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
