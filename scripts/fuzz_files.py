"""Fuzz the files people keep through check, predict and train (issue 23): `make fuzz`.

Generates --cases files from consecutive seeds (tests/fuzz/files.py says which), reads every one as
`check` and `predict` do, puts every --check-every-th through the whole check and every
--predict-every-th through predict (in-process, the generator's truth as the model), a --cli sample
through `xieshang check` and `xieshang predict` in a subprocess, and --train files through
`xieshang train`. Every answer must be right or one clear error, and no input may change.
Prints the counts; exit 1 on any failure (the first few are printed with their seed: rerun with
--first SEED --cases 1 --keep DIR to get the file).
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.fuzz.files import make_case, make_training_file, run


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "xieshang.cli", *args], capture_output=True, text=True)


def _cli_sample(seeds: list[int], folder: Path, model: Path | None, counts: Counter, failures: list[str]) -> None:
    for seed in seeds:
        case = make_case(seed, folder)
        before = hashlib.sha256(case.path.read_bytes()).hexdigest()
        opts = [*(["--encoding", case.encoding] if case.encoding else []), *(["--sep", case.sep] if case.sep else [])]
        runs = [("check", _cli("check", str(case.path), "--lang", "en", *opts))]
        if model is not None:
            out = folder / f"cli_out{seed}.csv"
            runs.append(("predict", _cli("predict", str(case.path), "-o", str(out), "--model", str(model), "--quiet", *opts)))
        for name, res in runs:
            lines = [ln for ln in res.stderr.strip().splitlines() if ln.strip()]
            ok = "Traceback" not in res.stderr and (res.returncode in (0, 1) if name == "check" else res.returncode in (0, 2))
            if res.returncode == 2 and len(lines) != 1:
                ok = False
            if not ok:
                failures.append(f"cli {name} seed {seed} ({case.describe}): exit {res.returncode}: {res.stderr[-600:]}")
                counts["failures"] += 1
            else:
                counts[f"cli {name}: exit {res.returncode}"] += 1
        if hashlib.sha256(case.path.read_bytes()).hexdigest() != before:
            failures.append(f"cli seed {seed}: the input was changed")
            counts["failures"] += 1


def _train_sample(seeds: list[int], folder: Path, counts: Counter, failures: list[str]) -> Path | None:
    model = None
    for seed in seeds:
        data = make_training_file(seed, folder)
        before = hashlib.sha256(data.read_bytes()).hexdigest()
        res = _cli("train", "--data", str(data), "--out", str(folder / f"m{seed}"), "--reports", str(folder / f"r{seed}"),
                   "--seed", str(seed))
        path = folder / f"m{seed}" / "approval.joblib"
        if res.returncode != 0 or not path.is_file() or "Traceback" in res.stderr:
            failures.append(f"train seed {seed} ({data.name}): exit {res.returncode}: {res.stderr[-600:]}")
            counts["failures"] += 1
        else:
            counts["cli train: exit 0"] += 1
            model = model or path
        if hashlib.sha256(data.read_bytes()).hexdigest() != before:
            failures.append(f"train seed {seed}: the input was changed")
            counts["failures"] += 1
    return model


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--cases", type=int, default=10_000)
    p.add_argument("--first", type=int, default=0, help="first seed")
    p.add_argument("--check-every", type=int, default=10)
    p.add_argument("--predict-every", type=int, default=10)
    p.add_argument("--cli", type=int, default=20, help="cases also run through the CLI in a subprocess")
    p.add_argument("--train", type=int, default=2, help="labelled files trained on through the CLI")
    p.add_argument("--keep", default=None, help="folder to keep the files in (default: a temporary one)")
    args = p.parse_args()
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.keep or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        seeds = range(args.first, args.first + args.cases)
        counts, failures = run(seeds, folder, check_every=args.check_every, predict_every=args.predict_every)
        model = _train_sample(list(range(args.train)), folder, counts, failures)
        step = max(args.cases // max(args.cli, 1), 1)
        _cli_sample(list(seeds)[::step][: args.cli], folder, model, counts, failures)
    width = max(map(len, counts), default=10)
    for key in sorted(counts):
        print(f"  {key:<{width}}  {counts[key]:>7,}")
    print(f"  {'wall time (s)':<{width}}  {time.perf_counter() - start:>7.0f}")
    for f in failures[:10]:
        print("FAILED:", f[:2000], file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
