"""Run the robustness suites and write ``reports/robustness.md``.

Run: ``python scripts/robustness_report.py [--out reports/robustness.md] [--no-slow]``

The suites (``tests/test_robustness_*.py`` and ``tests/test_determinism.py``)
count every input they try and every fault they inject (``tests/_robustness.py``)
into a JSON file named by ``XIESHANG_ROBUSTNESS_LOG``; this script sets it, runs
pytest once, and summarises: inputs tried, faults injected, test outcomes, the
failures the attacks found (kept below, by hand, with their status) and, when
``bench/results/scale.json`` exists, the scale benchmark.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SUITES = ["tests/test_robustness_inputs.py", "tests/test_robustness_cli.py",
          "tests/test_robustness_artifacts.py", "tests/test_determinism.py"]

# Every failure the attacks found: where, what happened, and whether it is fixed.
# "fixed" entries are guarded by the named test; "open" ones are listed for the lead.
FINDINGS: list[dict[str, str]] = [
    {"where": "validation.validate_frame", "status": "fixed", "test": "test_validate_frame_answers_exactly_or_names_every_bad_field",
     "what": "a list, dict or set in a cell raised TypeError (unhashable) instead of a ValueError naming the field"},
    {"where": "validation.validate_frame", "status": "fixed", "test": "test_frame_shapes_and_dtypes_are_refused",
     "what": "a frame with MultiIndex columns raised AttributeError"},
    {"where": "validation.validate_frame", "status": "fixed", "test": "test_frame_shapes_and_dtypes_are_refused",
     "what": "complex numbers were accepted silently, the imaginary part dropped (a silent wrong answer)"},
    {"where": "validation.validate_frame", "status": "fixed", "test": "test_validate_frame_answers_exactly_or_names_every_bad_field",
     "what": "an integer too large for a float (10**400, e.g. from JSON) escaped as OverflowError from pandas"},
    {"where": "validation error messages", "status": "fixed", "test": "test_validate_frame_answers_exactly_or_names_every_bad_field",
     "what": "quoting an integer of more than 4300 digits raised an unrelated ValueError (int str limit); "
             "long values were quoted in full (now abridged)"},
    {"where": "validation.applicant_frame", "status": "fixed",
     "test": "test_applicant_frame_answers_exactly_or_names_every_bad_field",
     "what": "an applicant with an extra key holding a list (e.g. {'notes': [...]}) was refused, though extra "
             "fields are ignored by the input rules"},
    {"where": "features.DomainFeatures", "status": "fixed (by its owner)",
     "test": "test_predict_proba_answers_exactly_or_names_every_bad_field (RuntimeWarning is an error)",
     "what": "valid rows at the range edges (disposable income a hair above 0) raised 'overflow encountered in "
             "divide' RuntimeWarnings while predicting"},
    {"where": "cli explain", "status": "fixed", "test": "test_explain_bad_applicant_files[deep.json]",
     "what": "a deeply nested JSON applicant file escaped as RecursionError (a traceback)"},
    {"where": "cli generate / train", "status": "fixed", "test": "test_absurd_row_counts_are_one_line_errors",
     "what": "--rows 10**13 ended in a NumPy MemoryError traceback (now one line, exit 2)"},
    {"where": "cli train", "status": "fixed", "test": "test_train_accepts_every_label_spelling_validation_accepts",
     "what": "labels spelt yes/no passed validation, then the hold-out split cast them with int(): "
             "'invalid literal for int()'"},
    {"where": "plots.reliability_diagram", "status": "fixed",
     "test": "test_reliability_diagram_with_bins_observed_at_exactly_0_or_1",
     "what": "a bin observed at exactly 0 or 1 gave a negative error bar (rounding of the Wilson bound): "
             "matplotlib raised and `xieshang train --rows 400 --seed 1` failed after training"},
    {"where": "reports.write_reports", "status": "fixed",
     "test": "test_killed_at_any_rename_the_previous_model_and_reports_survive; "
             "test_killing_xieshang_train_keeps_the_previous_model_and_reports",
     "what": "metrics.json and figures were replaced while the figures were drawn (~10 s) before the model: "
             "SIGKILL of `xieshang train` at 'drawing figures' left new reports beside the old model"},
    {"where": "model.ApprovalModel.save", "status": "fixed",
     "test": "test_killed_at_any_rename_the_previous_model_and_reports_survive",
     "what": "a kill between the sidecar rename and the joblib rename left a mismatched pair, so the model "
             "was refused (lost); now a pending file + commit: load_model completes such a save"},
    {"where": "model.save / reports (two trainings at once)", "status": "fixed",
     "test": "test_a_second_writer_waits_for_the_first; test_two_trainings_at_once_into_the_same_folders",
     "what": "by analysis: two runs could interleave their renames (sidecar of one, joblib of the other); "
             "now the commits hold a lock on the folder and take turns"},
    {"where": "scoring.score_file (cli predict)", "status": "fixed",
     "test": "test_a_failure_after_the_progress_bar_starts_on_a_line_of_its_own",
     "what": "an error after the progress bar was drawn was printed at the end of the bar's line"},
    {"where": "scoring.score_file (cli predict)", "status": "fixed",
     "test": "(manual: 400,000-row CSV with one text value in a numeric column)",
     "what": "pandas' DtypeWarning (mixed types in a CSV chunk) added two lines of noise to stderr"},
    {"where": "files.atomic_path", "status": "fixed", "test": "test_outputs_get_the_usual_file_mode",
     "what": "every output file was created 0600 (mkstemp's mode), ignoring the umask"},
]


def run_suites(log: Path, junit: Path, slow: bool) -> int:
    env = {**os.environ, "XIESHANG_ROBUSTNESS_LOG": str(log), "OMP_NUM_THREADS": "1"}
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={junit}", *SUITES]
    if not slow:
        cmd += ["-m", "not slow"]
    return subprocess.run(cmd, cwd=ROOT, env=env).returncode


def outcomes(junit: Path) -> dict[str, int]:
    counts = {"passed": 0, "failed": 0, "skipped": 0, "xfailed": 0}
    for case in ET.parse(junit).getroot().iter("testcase"):
        kinds = {child.tag for child in case}
        if "failure" in kinds or "error" in kinds:
            counts["failed"] += 1
        elif "skipped" in kinds:
            msg = next(c for c in case if c.tag == "skipped").get("type", "")
            counts["xfailed" if "xfail" in msg else "skipped"] += 1
        else:
            counts["passed"] += 1
    return counts


def failing_tests(junit: Path) -> list[str]:
    return [f"{c.get('classname', '').split('.')[-1]}::{c.get('name')}"
            for c in ET.parse(junit).getroot().iter("testcase") if any(ch.tag in ("failure", "error") for ch in c)]


def render(counts: dict, tests: dict[str, int], failing: list[str], seconds: float, scale: dict | None) -> str:
    inputs, faults = counts.get("inputs", {}), counts.get("faults", {})
    fixed = sum(f["status"].startswith("fixed") for f in FINDINGS)
    lines = [
        "# Robustness report",
        "",
        f"Generated by `python scripts/robustness_report.py` on {time.strftime('%Y-%m-%d %H:%M')} "
        f"({seconds:.0f} s). Suites: " + ", ".join(f"`{s}`" for s in SUITES) + ".",
        "",
        "| | count |",
        "|---|---:|",
        f"| inputs tried | {sum(inputs.values()):,} |",
        f"| faults injected | {sum(faults.values()):,} |",
        f"| failures found | {len(FINDINGS)} |",
        f"| failures fixed | {fixed} |",
        f"| failures open (listed below) | {len(FINDINGS) - fixed} |",
        f"| tests passed / failed / skipped | {tests['passed']} / {tests['failed']} / {tests['skipped']} |",
        "",
        "Hypothesis runs derandomised (the same examples every run); an input is counted each time it reaches",
        "the library, shrinking included.",
        "",
        "## Inputs tried",
        "",
        "| kind | count |",
        "|---|---:|",
        *[f"| {k} | {v:,} |" for k, v in inputs.items()],
        "",
        "## Faults injected",
        "",
        "| kind | count |",
        "|---|---:|",
        *[f"| {k} | {v:,} |" for k, v in faults.items()],
        "",
        "## Failures found",
        "",
        "| # | where | what | status | guarded by |",
        "|---:|---|---|---|---|",
        *[f"| {i} | {f['where']} | {f['what']} | {f['status']} | {f['test']} |" for i, f in enumerate(FINDINGS, 1)],
        "",
        "## What held",
        "",
        "- Every spoiled frame or applicant was refused with one `ValueError` whose problem lines name exactly",
        "  the spoiled fields (and only them); every clean one, in any spelling, gave the canonical answer.",
        "- Valid rows at the ends of every range gave finite probabilities strictly inside (0, 1).",
        "- `load_model` refused every damaged, foreign or mismatched file before unpickling it: the bomb file,",
        "  whose unpickling creates a marker, never created it.",
        "- The same seed gave byte-identical data files and identical predictions in separate processes",
        "  (other `PYTHONHASHSEED` and `OMP_NUM_THREADS`).",
    ]
    if failing:
        lines += ["", "## Tests failing in this run", "", *[f"- `{t}`" for t in failing]]
    if scale:
        full, ref = scale["full"], scale["reference"]
        lines += ["", "## Scale (bench/bench_scale.py)", "",
                  f"Training on {full['train']['rows']:,} rows and scoring {full['predict']['rows']:,} rows, each "
                  f"step a separate process (peak memory = its max RSS); reference: the same steps on "
                  f"{ref['train']['rows']:,} / {ref['predict']['rows']:,} rows, measured in the same run "
                  f"({scale['when']}, {scale['machine']['cpus']} shared cores, 24 GiB).", "",
                  "| step | rows | seconds | rows/s | peak MiB | time × ref | memory × ref |",
                  "|---|---:|---:|---:|---:|---:|---:|"]
        for name, f in full.items():
            r = ref[name]
            lines.append(f"| {name} | {f['rows']:,} | {f['seconds']:.1f} | {f['rows'] / f['seconds']:,.0f} | "
                         f"{f['peak_mib']:,.0f} | {f['seconds'] / r['seconds']:.1f} | "
                         f"{f['peak_mib'] / r['peak_mib']:.2f} |")
    return "\n".join(lines) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(ROOT / "reports" / "robustness.md"))
    ap.add_argument("--no-slow", action="store_true", help="skip the tests marked slow (kills, concurrency)")
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    from xieshang.files import write_text

    with tempfile.TemporaryDirectory() as tmp:
        log, junit = Path(tmp) / "log.json", Path(tmp) / "junit.xml"
        start = time.perf_counter()
        code = run_suites(log, junit, slow=not args.no_slow)
        seconds = time.perf_counter() - start
        counts = json.loads(log.read_text()) if log.exists() else {}
        tests, failing = outcomes(junit), failing_tests(junit)
    scale_file = ROOT / "bench" / "results" / "scale.json"
    scale = json.loads(scale_file.read_text()) if scale_file.exists() else None
    write_text(render(counts, tests, failing, seconds, scale), args.out)
    print(f"wrote {args.out}: {sum(counts.get('inputs', {}).values()):,} inputs, "
          f"{sum(counts.get('faults', {}).values()):,} faults, {tests}")
    return code


if __name__ == "__main__":
    sys.exit(main())
