"""Write the sample files of the README's retrain recipe, from ``xieshang.generate`` with fixed seeds.

* ``data/examples/messy_requests.csv`` (300 rows): what real records look
  like before cleaning: Chinese headers (a few English ones, odd case and
  spacing), values in Chinese (是/否, 失业, 积极主动), blanks written three
  ways, a customer id with leading zeros, and five faults for
  ``xieshang check`` to find: two mistyped categories, a blank income, a
  credit score out of range and a duplicated row.
* ``data/examples/requests_zh_blanks.csv`` (2,500 rows): the same style,
  clean, with 25 % of the values that may be unknown left blank: it trains.

Run ``python scripts/make_messy_sample.py`` (same bytes every run).
"""

from __future__ import annotations

import sys
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd

from xieshang.contract import COLUMN_LABELS, FEATURES, LABEL, MISSING_OK_NAMES, TRUTH, VALUE_LABELS
from xieshang.files import write_table
from xieshang.generator import generate

OUT = Path(__file__).resolve().parents[1] / "data" / "examples"
_BLANKS = ("", "", "NA", "未知")
# The samples predate the optional household_size column: left out (absent = unknown), so the files stay as they were.
_SAMPLE_FEATURES = tuple(f for f in FEATURES if f.name != "household_size")  # how an unknown is written: mostly empty, sometimes "NA" or 未知


def _in_words(df: pd.DataFrame, rng: np.random.Generator, blank_share: float) -> pd.DataFrame:
    """Values as a clerk types them (Chinese labels, 是/否), blanks in the columns that may be unknown."""
    out = pd.DataFrame(index=df.index)
    for f in _SAMPLE_FEATURES:
        col = df[f.name]
        if f.kind == "bool":
            text = np.where(col.astype(bool), "是", "否").astype(object)
        elif f.kind == "category":
            text = col.astype(str).map(lambda v, n=f.name: VALUE_LABELS[n][v][0]).to_numpy(object)
        elif f.kind == "int":
            text = col.astype(np.int64).astype(str).to_numpy(object)
        else:
            text = col.map(lambda v: f"{v:.10g}").to_numpy(object)
        if f.name in MISSING_OK_NAMES and blank_share > 0:
            blank = rng.random(len(df)) < blank_share
            text[blank] = rng.choice(_BLANKS, int(blank.sum()))
        out[f.name] = text
    out[LABEL] = np.where(df[LABEL].to_numpy() == 1, "是", "否")
    return out


def _headers(rng: np.random.Generator) -> dict[str, str]:
    """Mostly Chinese labels, brackets typed half-width (matching ignores width); a few English labels or names
    in odd case and spacing."""
    heads = {f.name: unicodedata.normalize("NFKC", f.label_zh) for f in _SAMPLE_FEATURES}
    for name in rng.choice([f.name for f in _SAMPLE_FEATURES], 4, replace=False):
        f = next(g for g in _SAMPLE_FEATURES if g.name == name)
        heads[name] = rng.choice([f" {f.label_en.title()} ", f.name.upper(), f.label_en])
    heads[LABEL] = COLUMN_LABELS[LABEL][0]
    return heads


def messy(n: int = 300, seed: int = 12) -> pd.DataFrame:
    """The messy sample: blanks, Chinese headers, five faults for the check to find."""
    rng = np.random.default_rng(seed)
    df = generate(n, seed=seed).drop(columns=TRUTH)
    text = _in_words(df, rng, blank_share=0.12)
    text.insert(0, "客户编号", [f"{i:06d}" for i in range(17, 17 + n)])
    text.loc[41, "hardship_reason"] = "失叶"          # a typo for 失业
    text.loc[97, "communication"] = "积级主动"          # a typo for 积极主动
    text.loc[150, "monthly_income"] = ""                # income may not be blank
    text.loc[203, "credit_score"] = "9500"              # an extra zero: out of [350, 950]
    text = pd.concat([text, text.iloc[[120]]], ignore_index=True)  # a row entered twice
    return text.rename(columns=_headers(rng))


def zh_blanks(n: int = 2_500, seed: int = 13, blank_share: float = 0.25) -> pd.DataFrame:
    """Clean rows with Chinese headers and ``blank_share`` of the may-be-unknown values blank."""
    rng = np.random.default_rng(seed)
    df = generate(n, seed=seed).drop(columns=TRUTH)
    text = _in_words(df, rng, blank_share=blank_share)
    text.insert(0, "客户编号", [f"{i:06d}" for i in range(1, n + 1)])
    return text.rename(columns={**{f.name: f.label_zh for f in FEATURES}, LABEL: COLUMN_LABELS[LABEL][0]})


def main(out: Path = OUT) -> int:
    """Write both files into ``out``."""
    for name, frame in (("messy_requests.csv", messy()), ("requests_zh_blanks.csv", zh_blanks())):
        write_table(frame, out / name)
        print(f"wrote {len(frame):,} rows to {out / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
