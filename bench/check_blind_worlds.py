"""Direction check and sanity figures for the blind worlds and the policy worlds: ``python bench/check_blind_worlds.py``."""
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from blind_worlds import BLIND as _BLIND
from blind_worlds import LOGITS as _LOGITS
from policy_worlds import BLIND as _POLICY
from policy_worlds import LOGITS as _POLICY_LOGITS

from xieshang.contract import FEATURE_NAMES, FEATURES, LABEL, TRUTH
from xieshang.validation import validate_frame

BLIND = {**_BLIND, **_POLICY}  # both written blind: the policy worlds are lenders that decide by rules
LOGITS = {**_LOGITS, **_POLICY_LOGITS}


def sig(x): return 1 / (1 + np.exp(-x))

def nudge(df, f):
    d = df.copy()
    c = d[f.name]
    if f.kind == "bool":
        d[f.name] = np.ones(len(d), bool)
    elif f.kind == "category":
        codes = np.minimum(c.cat.codes.to_numpy() + 1, len(f.categories) - 1)
        d[f.name] = pd.Categorical.from_codes(codes, categories=f.categories)
    elif f.kind == "int":
        d[f.name] = np.minimum(c.to_numpy() + 1, int(f.high)).astype(np.int64)
    else:
        d[f.name] = np.minimum(c.to_numpy() + 0.01 * (f.high - f.low), f.high)
    return d

ok_all = True
SEED = int(sys.argv[1]) if len(sys.argv) > 1 else 7
for name, make in BLIND.items():
    df = make(2000, SEED)
    p0 = sig(LOGITS[name](df))
    assert np.allclose(p0, df[TRUTH].to_numpy(), atol=1e-15), "truth not reproduced"
    bad = []
    for f in FEATURES:
        if f.direction == 0 or f.name not in df:  # an optional column (savings) a world may lack
            continue
        p1 = sig(LOGITS[name](nudge(df, f)))
        delta = (p1 - p0) * f.direction
        nviol = int((delta < -1e-12).sum())
        if nviol:
            bad.append((f.name, nviol, float(delta.min())))
        print(f"  {name:10s} {f.name:26s} dir {f.direction:+d}  violations {nviol}  "
              f"moved {int((np.abs(p1-p0) > 1e-12).sum())}/2000  mean dp {np.mean(p1-p0):+.4f}")
    print(name, "DIRECTION CHECK:", "PASS" if not bad else f"FAIL {bad}")
    ok_all &= not bad
print("ALL DIRECTIONS OK" if ok_all else "SOME DIRECTION FAILED")

print()
for name, make in BLIND.items():
    df = make(50_000, 1)
    df2 = make(50_000, 1)
    det = df.equals(df2)
    validate_frame(df[[c for c in FEATURE_NAMES if c in df]])
    p = df[TRUTH].to_numpy()
    lg = LOGITS[name](df)
    q = np.quantile(p, [0.05, 0.25, 0.5, 0.75, 0.95])
    dtypes_ok = df[LABEL].dtype == np.int64
    print(f"{name:10s} rate {df[LABEL].mean():.3f}  mean p {p.mean():.3f}  q05/25/50/75/95 "
          + " ".join(f"{x:.3f}" for x in q)
          + f"  logit in [-5,5]: {np.mean(np.abs(lg) <= 5):.4f}  logit 1/99%: {np.quantile(lg,0.01):.2f}/{np.quantile(lg,0.99):.2f}"
          + f"  share p in [.3,.7]: {np.mean((p>=.3)&(p<=.7)):.3f}  validate_frame OK  deterministic {det}  label int64 {dtypes_ok}"
          + f"  savings {'savings' in df}")
