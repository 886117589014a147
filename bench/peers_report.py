"""Markdown tables of ``bench_worlds.py --json`` results: every world with every model, side by side.

    python bench/peers_report.py reports/bench/zoo.json [more.json ...] [--curve curve.json ...]

Runs are merged by world (a later file's model replaces an earlier one's): the project and the peers
may come from separate runs, each with its own baseline fit, so every fit ratio is to the baseline
*of the same run*. Prints Markdown to stdout (``docs/benchmarks-peers.md`` is written from it).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

ORDER = ("project", "baseline", "ebm", "lightgbm")


def _merge(paths: list[str], key: str) -> dict:
    merged: dict = {}
    for p in paths:
        for r in json.loads(Path(p).read_text()):
            base = r["models"].get("baseline", {}).get("fit_s")
            entry = merged.setdefault(r[key], {"models": {}, "loads": []})
            entry["loads"].append(r.get("load"))
            for m, f in r["models"].items():
                entry["models"][m] = {**f, "fit_ratio": f["fit_s"] / base if base else None}
            for k in ("violations", "chosen", "calibration", "detail"):
                if k in r:
                    entry[k] = r[k]
    return merged


def _cell(f: dict | None, what: str) -> str:
    if f is None:
        return "not measured"
    if what == "fit":
        return f"{f['fit_s']:.1f} s ({f['fit_ratio']:.2f}×)" if f.get("fit_ratio") else f"{f['fit_s']:.1f} s"
    if what == "ms":
        return f"{f['predict_ms']:.2f}"
    v = f["log_loss_ratio_to_oracle" if what == "ll" else "mean_abs_error_to_truth"]
    return f"{v:.4f}"


def _best(models: dict, what: str) -> str | None:
    key = "log_loss_ratio_to_oracle" if what == "ll" else "mean_abs_error_to_truth"
    have = {m: f[key] for m, f in models.items()}
    return min(have, key=have.get) if have else None


def table(merged: dict, key: str) -> list[str]:
    """One row per world (or size) and model: LL ratio, mean |p̂ − p|, fit (ratio to the run's baseline), 1-row ms."""
    out = [f"| {key} | model | log-loss ratio to the oracle | mean \\|p̂ − p\\| | fit (× the run's baseline) "
           "| one-row predict, ms |", "|---|---|---|---|---|---|"]
    for name, entry in merged.items():
        ms = entry["models"]
        best = {w: _best(ms, w) for w in ("ll", "mae")}
        for m in ORDER:
            f = ms.get(m)
            ll, mae = _cell(f, "ll"), _cell(f, "mae")
            if f is not None:
                ll = f"**{ll}**" if best["ll"] == m else ll
                mae = f"**{mae}**" if best["mae"] == m else mae
            out.append(f"| {name} | {m} | {ll} | {mae} | {_cell(f, 'fit') if f else '–'} | "
                       f"{_cell(f, 'ms') if f else '–'} |")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("zoo", nargs="*", help="bench_worlds.py --json files of the zoo")
    ap.add_argument("--curve", nargs="*", default=[], help="bench_worlds.py --curve --json files")
    args = ap.parse_args()
    if args.zoo:
        print("\n".join(table(_merge(args.zoo, "world"), "world")))
    if args.curve:
        print()
        print("\n".join(table(_merge(args.curve, "rows"), "rows")))


if __name__ == "__main__":
    main()
