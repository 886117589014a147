"""Every line and finding of the data check (``xieshang check``), in Chinese and English."""

from __future__ import annotations

from typing import Any

from .formats import check_lang

__all__ = ["CHECK_TEXT", "check_text"]

# Keyed by language, then by line or finding (Issue.code). Fields are filled in by xieshang.check and
# xieshang.check_report; a list in a field (row numbers, names, values) is joined by list_sep, 、 in Chinese.

CHECK_TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "title": "数据检查",
        "title_source": "数据检查：{source}",
        "read_as": "{path}（{how}）",
        "unit_line": "行号",
        "unit_row": "序号",
        "rows": "  记录数 {rows:,}",
        "labels": "，同意 {approved:,}（{rate:.1%}），拒绝 {refused:,}",
        "extra_columns": "  模型不使用的列（predict 原样保留）：{names}",
        "all_valid": "  模型使用的 {n} 列都完整且有效",
        "col_column": "列",
        "col_missing": "缺失",
        "col_out_of_range": "超出范围",
        "col_wrong_type": "类型错误",
        "col_unknown_category": "无效选项",
        "col_examples": "示例（{unit}）",
        "blank_note": "  可以缺失的列留空即“未知”，模型仍能估计；其余列不能留空。",
        "problems": "问题（训练前必须修正）：",
        "warnings": "提醒：",
        "warning_line": "  提醒：{text}",
        "ready": "结论：可以训练。",
        "ready_to_score": "结论：可以用来估计；没有标签列，不能用来训练。",
        "not_ready": "结论：有 {n} 个问题，修正后再训练。",
        # where a finding is
        "at_line": "第 {shown} 行",
        "at_row": "第 {shown} 条",
        "at_more": "等 {total} 处",
        "first_line": "第 {shown} 行",
        "first_row": "第 {shown} 条",
        "column": "{name}（{label}）",
        "column_headed": "{name}（{label}）",
        "named": "{name}（{label}）",
        # what a column should hold: in Chinese the whole clause (应为 ...), so a number or a name after 应为 is spaced
        "expect_bool": "应为是/否（或 1/0、true/false）",
        "expect_category": "应为以下之一：{values}",
        "category_value": "{value}（{label}）",
        "expect_range": "应为 {low:g} 到 {high:g} 之间的{what}",
        "integer": "整数",
        "number": "数字",
        "chinese_labels": "",
        # findings, by Issue.code
        "ambiguous_columns": "有几列表示同一项：{pairs}。每项只保留一列，把多余的列改名或删除",
        "ambiguous_pair": "第 {positions} 列（{headers}）都是 {name}",
        "pair_sep": "；",
        "duplicate_columns": "模型不使用的列名重复：{names}；predict 会原样保留",
        "empty": "没有数据行",
        "missing_columns": "缺少必填项：{names}；请补上（名称用英文名或中、英文标签均可）",
        "bad_values": "{column}：{count} 个无效值 {values}（在{at}）；{expected}",
        "blank_not_allowed": "{column}：{count} 处为空（在{at}）；此项不能留空，请填写或删除这些记录",
        "bad_labels": "{label}（是否同意）：{count} 个值不是 0/1 或 是/否（在{at}）",
        "too_few_rows": "记录太少，无法训练：同意 {approved} 条、拒绝 {refused} 条，每种结果至少需要 {need} 条"
                        "（{n_splits} 折交叉验证，另留 {test_size:.0%} 作测试）",
        "small_sample": "样本偏少（{n} 条，同意 {approved}、拒绝 {refused}）：建议至少 {warn_rows} 条、每种结果至少 "
                        "{warn_per_label} 条，否则估计误差会较大",
        "no_label": "没有标签列 {label}（是否同意）：可以估计概率，但不能用来训练",
        "leak": "仅凭列 {name} 就能分开同意和拒绝（AUC {auc:.3f}），准确得反常：这一列记录的是不是审批结果本身？",
        "duplicates": "{count} 行与前面的某行完全相同（在{at}；首次出现在{first}）：若是重复录入，请删除",
        "invalid": "校验未通过：{error}",
    },
    "en": {
        "title": "Data check",
        "title_source": "Data check: {source}",
        "read_as": "{path} ({how})",
        "unit_line": "lines",
        "unit_row": "rows",
        "rows": "  rows: {rows:,}",
        "labels": ", approved: {approved:,} ({rate:.1%}), refused: {refused:,}",
        "extra_columns": "  extra columns (not used by the model, passed through by predict): {names}",
        "all_valid": "  all {n} contract columns present are complete and valid",
        "col_column": "column",
        "col_missing": "missing",
        "col_out_of_range": "out of range",
        "col_wrong_type": "wrong type",
        "col_unknown_category": "unknown category",
        "col_examples": "examples ({unit})",
        "blank_note": "  Blank is 'unknown': allowed where the contract says so, an error elsewhere.",
        "problems": "Problems (fix before training):",
        "warnings": "Warnings:",
        "warning_line": "  Warning: {text}",
        "ready": "Result: ready to train.",
        "ready_to_score": "Result: ready to score; with no label column it cannot be trained on.",
        "not_ready": "Result: not ready to train ({n} problem{s}); fix the file and check again.",
        "at_line": "line{s} {shown}",
        "at_row": "row{s} {shown}",
        "at_more": " and {more} more",
        "first_line": "{shown}",
        "first_row": "{shown}",
        "column": "{name}",
        "column_headed": "{name} (column {header!r})",
        "named": "{name} ({label})",
        "expect_bool": "{contract}",
        "expect_category": "{contract}",
        "category_value": "{value}",
        "expect_range": "{contract}",
        "integer": "integer",
        "number": "number",
        "chinese_labels": " (or the Chinese labels {labels})",
        "ambiguous_columns": "ambiguous columns: {pairs}; keep one of each and rename or drop the other",
        "ambiguous_pair": "{headers} all mean {name!r} (columns {positions})",
        "pair_sep": "; ",
        "duplicate_columns": "extra column name(s) {names} appear more than once; predict keeps them as written",
        "empty": "no rows; expected at least one",
        "missing_columns": "missing column(s): {names}; add them (headed by the name or the Chinese or English label)",
        "bad_values": "{column}: {count} invalid value(s) {values} at {at}; expected {expected}",
        "blank_not_allowed": "{column}: {count} blank/unknown cell(s) at {at}; this column may not be blank: "
                             "fill it in or drop those rows",
        "bad_labels": "{label}: {count} label(s) not 0/1 at {at}; expected 0/1 (or yes/no, 是/否)",
        "too_few_rows": "too few rows to train: {approved} approved and {refused} refused; need at least {need} "
                        "of each ({n_splits}-fold cross-validation plus {test_size:.0%} held out for the test)",
        "small_sample": "a small sample ({n} rows, {approved} approved, {refused} refused): at least {warn_rows} "
                        "rows and {warn_per_label} of each label are advisable, or the estimates will be rough",
        "no_label": "no label column {label!r} (0/1): the rows can be scored, not trained on",
        "leak": "column {name!r} alone separates approved from refused (AUC {auc:.3f}): too good to be true; "
                "does it record the outcome itself?",
        "duplicates": "{count} row(s) repeat an earlier row exactly (at {at}; first copies at {first}): "
                      "drop them if they were entered twice",
        "invalid": "{error}",
    },
}
"""Every line and finding of the data check report, in Chinese and English."""


def check_text(key: str, lang: str, **values: Any) -> str:
    """A line or finding of the data check by key, in ``lang``, formatted with ``values``."""
    return CHECK_TEXT[check_lang(lang)][key].format(**values)
