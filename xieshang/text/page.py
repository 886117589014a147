"""The web page's own words (:mod:`xieshang.serve`): captions and labels, no advice.

What the page says about the applicant comes from the explanation; these are only its frame.
"""

from __future__ import annotations

from .formats import LANGS, chance, check_lang
from .report import heading

__all__ = ["API_ERRORS", "UI", "ui_texts"]

UI: dict[str, dict[str, str]] = {
    "title": {"zh": "协商还款：获批可能性与还得起的方案", "en": "Negotiated repayment: the estimate and plans you can keep"},
    "switch_lang": {"zh": "English", "en": "中文"},
    "applicant": {"zh": "你的情况", "en": "Your situation"},
    "unknown": {"zh": "未知", "en": "unknown"},
    "yes": {"zh": "是", "en": "yes"},
    "no": {"zh": "否", "en": "no"},
    "estimate": {"zh": "重新估计", "en": "Estimate again"},
    "reset": {"zh": "恢复示例", "en": "Back to the example"},
    "what_if": {"zh": "如果……会怎样", "en": "What if"},
    "what_if_hint": {"zh": "调整你能改变或可以申请的项目，估计结果会随之更新。", "en": "Change what you can change or ask for; the estimate follows."},
    "result": {"zh": "估计结果", "en": "The estimate"},
    "now": {"zh": "现在", "en": "now"},
    "start": {"zh": "起点", "en": "start"},
    "target": {"zh": "目标", "en": "target"},
    "at_target": {"zh": "已达到目标 {t}", "en": "at or above the target of {t}"},
    "below_target": {"zh": "低于目标 {t}", "en": "below the target of {t}"},
    "estimate_now": {"zh": "获批可能性（模型估计）", "en": "Estimated chance of approval"},
    "plan_line": {"zh": "月供 {instalment} 元；还月供前每月结余 {disposable} 元", "en": "Instalment {instalment} RMB a month; disposable income {disposable} RMB a month"},
    "plan_line_deficit": {"zh": "月供 {instalment} 元；你现在每月入不敷出 {deficit} 元",
                          "en": "Instalment {instalment} RMB a month; you are short {deficit} RMB every month already"},
    # The page words a probability as the report does (formats.chance): never 0 % or 100 %.
    "chance_under": {lang: chance(0.0, lang) for lang in LANGS},
    "chance_over": {lang: chance(1.0, lang) for lang in LANGS},
    "affordable": {"zh": "这个方案还得起：还完月供后仍有余地。", "en": "This plan is affordable: it leaves a buffer to live on."},
    "unaffordable": {"zh": "这个方案还不起：还完月供后生活没有余地。", "en": "This plan is not affordable: it leaves nothing to live on."},
    "explanation": {"zh": "原因与建议", "en": "Reasons and advice"},
    "chart": {"zh": "图示", "en": "Chart"},
    "chart_alt": {"zh": "图：拉低概率的原因、各方案及其效果", "en": "Chart: what holds the estimate down, the options and what they buy"},
    "fix_fields": {"zh": "请修改标出的项目，其余内容已保留：", "en": "Please correct the marked fields; everything else is kept:"},
    "unknown_field": {"zh": "{key}：没有这一项，你是不是想填 {guess}？", "en": "{key}: not a field; did you mean {guess}?"},
    "unknown_field_no_guess": {"zh": "{key}：没有这一项", "en": "{key}: not a field"},
    "stale": {"zh": "下面的结果仍按上一次有效的输入计算。", "en": "The result below is for the last valid input."},
    "working": {"zh": "正在计算……", "en": "Working…"},
    # Why some what-if values are held back (xieshang.serve.whatif), and a unit the page lacked.
    "held_back:down_payment_ratio": {
        "zh": "首付只能用存款中应急钱（约 {reserve} 元，即 {months:g} 个月必要开支）以外的部分，更高的首付这里不列出。",
        "en": "A down payment may only come from savings beyond an emergency reserve of about {reserve} RMB "
              "({months:g} months of essential expenses); higher ones are not offered here."},
    "held_back": {"zh": "其余选项我们不建议，这里不列出。",
                  "en": "The other choices are not offered here: we never recommend them."},
    "unit:people": {"zh": "人", "en": "people"},
    "down_payment_value": {"zh": "{pct}（约 {money} 元）", "en": "{pct} (about {money} RMB)"},
    "needs_hardship": {"zh": "先写明困难原因", "en": "state the hardship first"},
    "unavailable": {"zh": "服务暂时不可用，请稍后再试。", "en": "The service cannot answer right now; please try again."},
    "needs_script": {"zh": "本页面需要开启 JavaScript 才能使用。", "en": "This page needs JavaScript to work."},
    "unit:RMB": {"zh": "元", "en": "RMB"},
    "unit:RMB/month": {"zh": "元/月", "en": "RMB/month"},
    "unit:days": {"zh": "天", "en": "days"},
    "unit:months": {"zh": "个月", "en": "months"},
    "docs": {"zh": "接口文档", "en": "API documentation"},
}
"""The web page's captions (buttons, section titles, units) in both languages; ``{...}`` are filled by the page."""


API_ERRORS: dict[str, dict[str, str]] = {
    "not_json": {"zh": "请求内容不是有效的 JSON（{detail}）",
                 "en": "body: not valid JSON ({detail})"},
    "body_not_object": {
        "zh": "请求内容应是一个 JSON 对象，包含 applicant（必填）、target 和 lang；收到的是 {got}",
        "en": "body: expected a JSON object {{\"applicant\": {{...}}, \"target\", \"lang\"}}, got {got}"},
    "applicant_not_object": {
        "zh": "applicant 应是由“字段：值”组成的 JSON 对象；收到的是 {got}",
        "en": "applicant: expected a JSON object {{field: value}}, got {got}"},
    "unexpected_keys": {
        "zh": "请求里有无法识别的键：{keys}；只接受 applicant、target、lang",
        "en": "body: unexpected key(s) {keys}; expected applicant, target, lang"},
    "rows_not_list": {
        "zh": "rows 应是不为空的 JSON 数组，每一项是由“字段：值”组成的对象",
        "en": "rows: expected a non-empty JSON array of objects {{field: value}}"},
    "rows_not_objects": {
        "zh": "rows 的第 {rows} 项不是对象：每一项都应由“字段：值”组成",
        "en": "rows: expected objects {{field: value}}, got something else at row(s) {rows} (counting from 1)"},
    # The heading of an applicant's refusal, over its per-field messages (xieshang.serve.problems); an English
    # request is answered with the library's own message instead, which says the same in its words.
    "applicant_fields": {
        "zh": "申请信息有 {n} 处需要修改：",
        "en": "the applicant has {n} field(s) to correct:"},
    "one_key_each": {
        "zh": "{field}（{label}）填了不止一次（{keys}）；请只保留一个",
        "en": "{keys}: all mean {field} ({label}); keep one of them"},
    # What explain itself refuses, in the API's words: the library's messages are English only.
    "bad_target": {
        "zh": "target（希望达到的获批概率）应填 0 到 1 之间的小数（不含 0 和 1），例如 0.6；收到的是 {got}",
        "en": "target: expected the probability to reach, a number strictly between 0 and 1 such as 0.6, got {got}"},
    "bad_lang": {
        "zh": "lang（回答所用的语言）只能填 zh（中文）或 en（英文）；收到的是 {got}",
        "en": "lang: expected zh (Chinese) or en (English), got {got}"},
    # Said without reading the body (xieshang.serve.app): a body over the limit, a failure of our own.
    "too_large": {
        "zh": "请求内容超过 {limit} 字节，没有处理。请分批发送，减少每次的行数。",
        "en": "request body over {limit} bytes; send fewer rows per request"},
    "internal_error": {
        "zh": "服务内部出错，这次请求没有处理，发来的内容也没有保存。请稍后再试。",
        "en": "internal error: the request was not answered and nothing of it was kept; please try again later"},
    "not_found": {
        "zh": "这个地址不存在。接口列表见 /docs。",
        "en": "not found: no such address; the endpoints are listed at /docs"},
    "method_not_allowed": {
        "zh": "这个地址不接受 {method} 请求，请改用 {allowed}。",
        "en": "{method} is not allowed here; use {allowed}"},
    "no_example": {
        "zh": "本服务未附带示例申请人：示例文件只在代码仓库中提供。",
        "en": "no example applicant here: the example file comes with the repository only"},
}
"""What the API says when it refuses a request (a body that is no JSON, the wrong shape, too large; a bad
``target`` or ``lang``) or cannot answer it, in both languages."""


def ui_texts(lang: str) -> dict[str, str]:
    """Every caption of :data:`UI` in ``lang``, with the report's disclaimer (``"disclaimer"``)."""
    lang = check_lang(lang)
    return {**{k: v[lang] for k, v in UI.items()}, "disclaimer": heading("disclaimer", lang)}
