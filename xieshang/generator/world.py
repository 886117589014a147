"""The synthetic world's parameters: the effects on the true log-odds, each with its provenance.

Every effect says where it comes from (:attr:`Effect.provenance`): the article says it, it follows
from the article by a stated step, or it is this project's assumption. Every effect *size* is an
assumption: the article gives directions, never numbers. ``data/README.md`` is rendered from
:data:`EFFECTS` by :mod:`xieshang.docs`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .. import rules

__all__ = [
    "BURDEN_CAP",
    "BURDEN_FREE",
    "COEF",
    "DELINQUENCY_SCALE",
    "EFFECTS",
    "Effect",
    "PROVENANCES",
    "Provenance",
    "QUOTES_EN",
    "SAVINGS_UNKNOWN",
]

Provenance = Literal["article", "inference", "assumption"]
PROVENANCES: tuple[str, ...] = ("article", "inference", "assumption")
"""Where an effect comes from: the article says it; it follows from the article by the
step in ``why``; or it is this project's assumption (reason in ``why``)."""


@dataclass(frozen=True)
class Effect:
    """One additive term of the true log-odds of approval.

    Parameters
    ----------
    name : str
        Key of the coefficient in :data:`COEF`.
    size : float
        Coefficient (change in log-odds per unit of ``term``). Always this
        project's choice: the article states no magnitudes.
    term_en, term_zh : str
        What the coefficient multiplies.
    provenance : {"article", "inference", "assumption"}
        ``"article"``: the quoted sentence says the effect (its direction);
        ``"inference"``: it follows from the quoted sentence by the step in
        ``why``; ``"assumption"``: ours, for the reason in ``why``.
    quote : str, default ""
        A sentence of the source article, verbatim, that supports the effect
        (required for ``"article"``, the premise of an ``"inference"``; an
        ``"assumption"`` may have none).
    why_en, why_zh : str, default ""
        The step of an inference or the reason for an assumption.
    """

    name: str
    size: float
    term_en: str
    term_zh: str
    provenance: Provenance
    quote: str = ""
    why_en: str = ""
    why_zh: str = ""

    @property
    def quote_en(self) -> str:
        """English rendering of :attr:`quote` (empty when there is no quote)."""
        return QUOTES_EN[self.quote] if self.quote else ""


_Q_WILL = "一个积极主动、诚实守信的借款人更容易获得平台的信任和支持,从而增加协商成功的概率。"
_Q_WILLINGNESS = "协商还款是否成功,主要受到以下几个方面的影响:借款人的还款意愿和态度至关必不可少。"
_Q_PROOF = "假若借款人能够提供充分的证据证明本人确实存在还款困难,例如失业证明、医疗诊断报告等,那么平台也许会更加倾向于接受其分期还款的请求。"
_Q_DOCS = "这些材料多数情况下包含但不限于收入证明、资产证明、家庭支出明细等,用以证明本身确实存在还款困难。"
_Q_DEBTS = "若是借款人有其他债务负担,能够提供相关贷款合同或银行流水记录。这些材料有助于增强借款人申请协商还款的说服力。"
_Q_RECORD = "要是借款人在过去有过多次逾期还款的表现,那么平台可能将会认为其信用风险较高,从而拒绝其分期还款的申请。"
_Q_ONTIME = "假如借款人之前一直准时还款,那么平台可能存在给予更多信任和支持,允许其实行分期还款。"
_Q_HISTORY = "借款人的还款能力和历史表现也是平台考量的必不可少因素。"
_Q_CAPACITY = "借呗平台则会依据借款人的还款能力和信用记录,评估分期还款计划的可行性,并最终确定是否接受借款人的请求。"
_Q_REASON = "倘若借款人无法提供充分的理由或信用记录较差,借呗平台有可能拒绝其分期还款的申请。"
_Q_RULES = "借款人还应留意遵守借呗平台的各项规定,如按期提交申请材料、避免提供虚假信息等以免影响申请结果。"
_Q_OVERDUE_COST = "这样不仅可缓解当前的经济压力还可以避免因逾期还款而产生的额外费用和对个人信用记录的负面作用。"

QUOTES_EN: dict[str, str] = {
    _Q_WILL: "A proactive, honest and trustworthy borrower more easily wins the lender's trust and "
             "support, which raises the chance that the negotiation succeeds.",
    _Q_WILLINGNESS: "Whether a negotiation succeeds depends mainly on the following: the borrower's "
                    "willingness to repay and attitude are essential.",
    _Q_PROOF: "If the borrower can give sufficient evidence of real hardship, such as an unemployment "
              "certificate or a medical diagnosis, the lender may be more inclined to accept instalments.",
    _Q_DOCS: "These materials usually include, among others, income proof, asset proof and a household "
             "expense statement, to prove the difficulty is real.",
    _Q_DEBTS: "If the borrower has other debts, they can hand in the loan contracts or bank statements. "
              "These materials make the request more persuasive.",
    _Q_RECORD: "If the borrower has been overdue many times in the past, the lender may judge the credit "
               "risk high and refuse the instalment request.",
    _Q_ONTIME: "If the borrower has always paid on time, the lender may give more trust and support and "
               "allow instalments.",
    _Q_HISTORY: "The borrower's capacity to repay and past record are also essential factors for the lender.",
    _Q_CAPACITY: "The lender assesses the feasibility of the plan from the borrower's capacity to pay and "
                 "credit record, and then decides whether to accept the request.",
    _Q_REASON: "If the borrower cannot give a sufficient reason or has a poor credit record, the lender "
               "may refuse the instalment request.",
    _Q_RULES: "The borrower should also follow the lender's rules, such as handing in application "
              "materials on time and not giving false information, so as not to harm the result.",
    _Q_OVERDUE_COST: "This eases the present financial pressure and avoids the extra charges of paying late "
                     "and the damage to the personal credit record.",
}

BURDEN_CAP = 3.0
"""Burden (instalment / disposable income) beyond which it counts the same (assumption)."""
BURDEN_FREE = 0.5
"""Burden up to which a plan costs nothing in the truth (assumption): a lender is at ease when the
instalment takes at most half of disposable income, stricter than :func:`xieshang.rules.affordable`."""
DELINQUENCY_SCALE = 180.0
"""Days over which the harm of being overdue builds up (assumption): ``1 − exp(−days / 180)``."""
SAVINGS_UNKNOWN = {"evasive": 0.35, "other": 0.10}
"""Share of rows whose savings are unknown (NaN), by attitude: evasive borrowers disclose less."""

_A: Provenance = "article"
_I: Provenance = "inference"
_S: Provenance = "assumption"

EFFECTS: tuple[Effect, ...] = (
    Effect("intercept", 0.35, "1 (baseline: a borrower with a stated hardship, average profile)",
           "1（基准：有困难原因、各项居中的借款人）", _S,
           why_en="Tuned so that about 40 % of synthetic requests are approved; the article gives no rate.",
           why_zh="取值使约40%的合成申请获批；文章没有给出通过率。"),
    Effect("no_hardship", -1.5, "1 if hardship_reason is 'none'", "困难原因为“无”时为1", _A, _Q_REASON),
    Effect("reason_unemployment", 0.2, "1 if hardship_reason is 'unemployment'", "困难原因为失业时为1", _I, _Q_PROOF,
           why_en="The article's examples of a real, provable hardship are unemployment and illness: we read a "
                  "named hardship as a slightly stronger reason than a vague drop in income (the reference).",
           why_zh="文章举出的可证明困难是失业和疾病：我们把这类明确的困难视为比笼统的“收入下降”（基准）略强的理由。"),
    Effect("reason_illness", 0.35, "1 if hardship_reason is 'illness'", "困难原因为疾病时为1", _I, _Q_PROOF,
           why_en="As for unemployment; a medical diagnosis is the article's other example of proof.",
           why_zh="同失业；医疗诊断报告是文章举出的另一种证明。"),
    Effect("reason_family_emergency", 0.2, "1 if hardship_reason is 'family_emergency'",
           "困难原因为家庭变故时为1", _S,
           why_en="The article does not name family emergencies; we assume a lender accepts a sudden family "
                  "event like the named hardships.",
           why_zh="文章没有提到家庭变故；我们假设平台像对待文中列举的困难一样接受突发的家庭变故。"),
    Effect("reason_other_debts", 0.1, "1 if hardship_reason is 'other_debts'",
           "困难原因为其他债务时为1", _I, _Q_DEBTS,
           why_en="The article treats other debts as a hardship to document, not a fault: a named, documentable "
                  "reason, so a small plus like the other named reasons. Their weight on capacity acts through "
                  "other_debt_payments in the plan's burden, not here.",
           why_zh="文章把其他债务当作需要举证的困难，而非过错：作为明确、可证明的理由，与其他明确理由一样略有加分。"
                  "其他债务对还款能力的影响通过“其他债务月还款”进入负担率，不在此项。"),
    Effect("hardship_proof", 0.9, "1 if a hardship proof is handed in (only possible with a hardship)",
           "提交了困难证明时为1（仅在有困难时可能）", _A, _Q_PROOF),
    Effect("income_proof", 0.35, "1 if income proof is handed in", "提交收入证明时为1", _A, _Q_DOCS),
    Effect("bank_statements", 0.3, "1 if bank statements are handed in", "提交银行流水时为1", _I, _Q_DEBTS,
           why_en="The article asks for bank statements where the borrower has other debts; that they help any "
                  "borrower's request is our step from that conditional sentence.",
           why_zh="原文只在借款人有其他债务时提到银行流水；认为它对任何借款人的申请都有帮助，是本项目由该条件句推出的一步。"),
    Effect("asset_proof", 0.2, "1 if asset proof is handed in", "提交资产证明时为1", _A, _Q_DOCS),
    Effect("expense_statement", 0.25, "1 if a household expense statement is handed in",
           "提交家庭支出明细时为1", _A, _Q_DOCS),
    Effect("credit_score", 0.005, "credit_score − 650 (points)", "信用分 − 650（分）", _A, _Q_REASON),
    Effect("past_overdue_count", -0.15, "past_overdue_count (episodes)", "近24个月逾期次数", _A, _Q_RECORD),
    Effect("on_time_ratio", 2.5, "on_time_ratio − 0.9", "按时还款比例 − 0.9", _A, _Q_ONTIME),
    Effect("months_on_book", 0.25, "ln(1 + months_on_book / 12)", "ln(1 + 账龄月数/12)", _I, _Q_HISTORY,
           why_en="The lender weighs the borrower's past record; a longer relationship is more of that record "
                  "(diminishing: the logarithm).",
           why_zh="平台考量借款人的历史表现；账龄越长，可参考的历史越多（边际递减：取对数）。"),
    Effect("proactive", 0.6, "1 if communication is 'proactive'", "沟通态度为主动时为1", _A, _Q_WILL),
    Effect("evasive", -0.8, "1 if communication is 'evasive'", "沟通态度为回避时为1", _I, _Q_WILL,
           why_en="The article only praises an active, honest borrower (积极主动、诚实守信); that an evasive one is "
                  "worse off is our step, by contrast.",
           why_zh="原文只肯定“积极主动、诚实守信”的借款人；回避沟通会降低通过率，是本项目由此反推的一步。"),
    Effect("broken_promises", -0.3, "broken_promises (count)", "未兑现承诺次数", _I, _Q_WILL,
           why_en="The article praises keeping one's word (诚实守信); counting broken promises to pay against the "
                  "borrower is our step, by contrast.",
           why_zh="原文肯定“诚实守信”；把未兑现的还款承诺计为不利因素，是本项目由此反推的一步。"),
    Effect("info_not_verified", -3.0, "1 if the information given did not check out", "信息未核实属实时为1",
           _A, _Q_RULES),
    Effect("materials_on_time", 0.5, "1 if materials were handed in on time", "按期提交材料时为1", _A, _Q_RULES),
    Effect("burden", -1.2,
           f"max(0, min(burden, {BURDEN_CAP:g}) − {BURDEN_FREE:g}), burden = instalment / disposable income "
           f"(xieshang.rules; burden = {BURDEN_CAP:g} where disposable ≤ 0)",
           f"max(0, min(负担率, {BURDEN_CAP:g}) − {BURDEN_FREE:g}),负担率 = 月供 / 每月结余"
           f"(xieshang.rules;每月结余 ≤ 0 时负担率取{BURDEN_CAP:g})", _I, _Q_CAPACITY,
           why_en="The lender judges the plan's feasibility from the capacity to pay: the larger the share of "
                  f"disposable income the instalment takes, the less feasible. The free level {BURDEN_FREE:g} "
                  f"and the cap {BURDEN_CAP:g} are assumptions.",
           why_zh="平台依据还款能力评估方案可行性：月供占每月结余越高，方案越难执行。"
                  f"负担率在{BURDEN_FREE:g}以下不扣分，上限{BURDEN_CAP:g}，两者都是假设。"),
    Effect("unaffordable_plan", -0.8, "1 if the plan fails xieshang.rules.affordable (leaves no living buffer)",
           "方案不满足 xieshang.rules.affordable(不留生活缓冲)时为1", _I, _Q_CAPACITY,
           why_en="A plan that leaves the household less than the rules' living buffer cannot be kept, so a lender "
                  "assessing feasibility would doubt it; the buffer itself is an assumption of xieshang.rules.",
           why_zh="不留出规则所定生活缓冲的方案难以履行，评估可行性的平台会对其存疑；缓冲大小是 xieshang.rules 的假设。"),
    Effect("long_plan", -0.05, f"max(0, plan_months − {rules.LONG_PLAN_MONTHS}) (months beyond "
           f"{rules.LONG_PLAN_MONTHS})", f"max(0, 期数 − {rules.LONG_PLAN_MONTHS})", _S,
           why_en="The article allows plans over 'several months or even longer' and names no limit; we assume "
                  "a lender is mildly warier of very long plans (more months in which new trouble can arise).",
           why_zh="文章允许“几个月甚至更长的时间”，未给上限；我们假设平台对过长的方案略有顾虑（期数越多，变数越多）。"),
    Effect("down_payment_ratio", 2.0, "down_payment_ratio", "首付比例", _S, _Q_WILLINGNESS,
           why_en="The article counts willingness to repay first; paying part of the balance at once is concrete "
                  "evidence of it. The article says nothing of down payments: the link and its size are ours.",
           why_zh="文章把还款意愿列为首要因素；先行偿还一部分是还款意愿的具体证据。文章未提首付：这一联系及其大小由本项目设定。"),
    Effect("days_overdue", -0.8, f"1 − exp(−days_overdue / {DELINQUENCY_SCALE:g}) (0 when current, "
           "grows with every day, levels off)",
           f"1 − exp(−逾期天数 / {DELINQUENCY_SCALE:g})(未逾期为0,逐日增加，逐渐饱和)", _S, _Q_OVERDUE_COST,
           why_en="An assumption made for safety: the quoted sentence is about the borrower's own costs of being "
                  "overdue, not the lender's decision; we assume a request made early is never worse than the "
                  "same request made later, so that staying overdue can never look helpful. Shape and size are ours.",
           why_zh="出于安全的假设：所引原文讲的是逾期给借款人带来的费用，而非平台的决定；我们假设及早申请绝不会比拖延后"
                  "申请更差，使“继续逾期”永远不会显得有利。曲线形状与大小为假设。"),
    Effect("penalty_waiver_requested", -0.4, "1 if a waiver of penalty interest is requested",
           "申请减免罚息时为1", _S,
           why_en="Not in the article: we assume that also asking the lender to give up penalty interest asks more "
                  "of it and lowers approval a little.",
           why_zh="文章未提及：我们假设在分期之外再要求减免罚息，对平台要求更多，会略微降低通过率。"),
    Effect("balance", -0.2, "ln(outstanding_balance / 20,000)", "ln(欠款 / 20000)", _S,
           why_en="Not in the article: we assume a lender is warier of larger sums at the same capacity "
                  "(more at stake); the burden term already counts the instalment.",
           why_zh="文章未提及：我们假设在同等还款能力下，欠款越多平台越谨慎（风险敞口更大）；月供已计入负担率。"),
)

COEF: dict[str, float] = {e.name: e.size for e in EFFECTS}
"""Coefficient of each effect, by name: what :func:`true_logit` uses."""
