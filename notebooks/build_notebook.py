"""Write ``1.0-explore-approval-factors.ipynb`` from the cells below (without outputs).

Edit the cells here, not in Jupyter, then run ``python notebooks/build_notebook.py``;
``make test`` executes the notebook (nbmake), so a notebook that no longer runs fails CI.
Reusable code belongs in :mod:`xieshang.plots`, not in these cells.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

OUT = Path(__file__).with_name("1.0-explore-approval-factors.ipynb")

CELLS: list[tuple[str, str]] = [
    ("md", """\
# Exploring approval factors · 探索协商还款的通过因素

What moves the approval of a negotiated repayment plan (协商还款), how well a model trained on a small sample
learns it, and what one rejected applicant could do about it.

> **Synthetic data, assumed effect sizes, not advice.** The data are drawn by a structural model
> (`xieshang.generator`) with a known true approval probability. Its factors follow one article's account of what
> lenders look at, but the size of every effect (and some effects themselves) are this project's assumptions,
> marked in `data/README.md`. Nothing here is any lender's decision or rule, nor financial or legal advice.
>
> **合成数据、假设的效应大小、不构成建议。** 本笔记本使用的是合成数据,各效应的大小(以及部分效应本身)是本项目的
> 假设,不代表任何平台的审批意见,不构成金融或法律建议。

Runs top to bottom in well under a minute."""),
    ("code", """\
%matplotlib inline
import numpy as np
import pandas as pd

from xieshang import plots
from xieshang.contract import FEATURES, FEATURE_NAMES, LABEL, TRUTH
from xieshang.generator import generate, true_probability
from xieshang import train

SEED = 0
pd.set_option("display.width", 120)"""),
    ("md", """\
## 1. The factors · 各项因素

Every column of the feature contract (`xieshang.contract`) with its Chinese and English label and the article's
factor it encodes."""),
    ("code", """\
pd.DataFrame(
    [(f.name, f.label_zh, f.label_en, f.factor_zh, f.factor_en, "yes" if f.actionable else "") for f in FEATURES],
    columns=["column", "中文", "English", "因素", "factor", "borrower can act"],
)"""),
    ("md", """\
A sample of 20,000 requests, and the observed approval rate across each factor's levels (numbers in quantile
bins; the dotted line is the overall rate). Each panel looks at one factor alone, so it mixes its effect with
those of correlated factors: the partial dependence in section 2 separates them."""),
    ("code", """\
sample = generate(20_000, seed=SEED)
print(f"approval rate {sample[LABEL].mean():.1%} over {len(sample):,} requests")
plots.approval_rates_plot(sample, lang="zh")"""),
    ("code", """\
plots.approval_rates_plot(sample, ["hardship_proof", "communication", "past_overdue_count", "plan_months"],
                          lang="en", ncols=4)"""),
    ("md", """\
## 2. A model trained on a small sample · 小样本训练的模型

`xieshang.train` fits the calibrated pipeline (the same one `make train` uses) on 4,000 rows here, to stay
fast; `make train` uses more. We score a separate test sample and compare with the true probability the
generator knows."""),
    ("code", """\
model = train(generate(4_000, seed=SEED + 1), seed=SEED)
test = generate(4_000, seed=SEED + 2)
X_test = test[list(FEATURE_NAMES)]
p_test = model.predict_proba(X_test)[:, 1]
truth = test[TRUTH].to_numpy()

def log_loss(y, p):
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))

print(f"mean |p_model - p_true|          : {np.abs(p_test - truth).mean():.3f}")
print(f"log loss model / log loss truth  : {log_loss(test[LABEL], p_test) / log_loss(test[LABEL], truth):.3f}")"""),
    ("md", """\
Reliability diagram: observed approval rate against the predicted probability (with 95 % intervals), the true
probability in each bin (dashed) and a histogram of the predictions along the bottom. ROC curves of the model
and of the truth itself (the best any model can do)."""),
    ("code", """\
plots.reliability_diagram(test[LABEL], p_test, label="model", truth=truth, lang="en")"""),
    ("code", """\
plots.roc_plot(test[LABEL], {"model": p_test, "truth": truth}, lang="zh")"""),
    ("md", """\
Partial dependence: set one factor to each value for every row and average the probability, for the model
and for the truth. Close curves mean the model learned that factor's effect."""),
    ("code", """\
from matplotlib.figure import Figure

fig = Figure(figsize=(13, 3.6), layout="constrained")
axes = fig.subplots(1, 3)
rows = X_test.iloc[:400]
for ax, name in zip(axes, ["plan_months", "hardship_reason", "past_overdue_count"]):
    plots.factor_effect(model, true_probability, rows, name, ax=ax, lang="zh")
fig"""),
    ("md", """\
## 3. One rejected applicant · 一位被拒的申请人

The first applicant of the test sample whom the model gives less than 35 %, whose proposed plan is affordable
(instalment within the disposable income) and for whom some realistic option reaches a 60 % target."""),
    ("code", """\
from xieshang.generator import affordability

TARGET = 0.6
instalment, disposable, _ = affordability(X_test)
candidates = X_test[(p_test < 0.35) & (instalment < disposable)]
for i in range(min(len(candidates), 50)):
    applicant = candidates.iloc[[i]]
    exp_zh = model.explain(applicant, target=TARGET, lang="zh")
    if exp_zh.status == "reached" and len(exp_zh.single_actions) >= 2:
        break
applicant.T.rename(columns=lambda _: "value")"""),
    ("code", """\
print(exp_zh)"""),
    ("code", """\
exp_en = model.explain(applicant, target=TARGET, lang="en")
print(exp_en)"""),
    ("md", """\
The path to approval: what each reason costs (red bars; hatched where the borrower cannot change it) and how
each option, and each of its steps alone, raises the probability towards the target."""),
    ("code", """\
exp_zh.plot()"""),
    ("code", """\
exp_en.plot()"""),
    ("md", """\
What if the applicant proposed another plan length, or paid more down? The shaded range would be unaffordable
(the monthly instalment would exceed the disposable income)."""),
    ("code", """\
fig = Figure(figsize=(12, 3.8), layout="constrained")
ax1, ax2 = fig.subplots(1, 2)
plots.whatif_curve(model, applicant, "plan_months", ax=ax1, lang="zh", truth_proba=true_probability, target=TARGET)
plots.whatif_curve(model, applicant, "down_payment_ratio", ax=ax2, lang="en", truth_proba=true_probability,
                   target=TARGET)
fig"""),
]


def build() -> nbformat.NotebookNode:
    """The notebook, cells in order, no outputs."""
    cells = [new_markdown_cell(src) if kind == "md" else new_code_cell(src) for kind, src in CELLS]
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    nb.metadata["language_info"] = {"name": "python"}
    for k, cell in enumerate(nb.cells):  # stable ids: rebuilding gives the same file
        cell["id"] = f"cell-{k:02d}"
    return nb


if __name__ == "__main__":
    nbformat.write(build(), OUT)
    print(f"wrote {OUT}")
