"""The facts a borrower reads in an explanation, each with its source, and the advice's assumptions.

The sentences themselves live in :mod:`xieshang.text`; this module says where each fact comes from
and which numbers of the advice are this project's assumptions. :mod:`xieshang.docs` renders both
into the data dictionary (``data/README.md``), and the tests check that the texts state the facts
as listed here.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import rules

__all__ = ["Fact", "FACTS", "ASSUMPTIONS", "facts_markdown"]


@dataclass(frozen=True)
class Fact:
    """One fact stated to borrowers.

    Parameters
    ----------
    key : str
        Short name.
    en, zh : str
        The fact, as the texts state it.
    source : str
        Where it comes from (a regulation, an official service, the source article).
    """

    key: str
    en: str
    zh: str
    source: str


FACTS: tuple[Fact, ...] = (
    Fact("jiebei_in_alipay", "Jiebei (借呗) is a credit service used inside the Alipay app: there is no separate "
         "Jiebei app; its customer service line is 95188.",
         "借呗是在支付宝里使用的信贷服务，没有单独的“借呗App”；客服电话95188。",
         "Alipay / Ant Group's own service pages (支付宝客服 95188)."),
    Fact("my_bills", "The bill is checked under 我的账单 \"or a similar page\" (the article's own hedge).",
         "在“我的账单”或类似的页面查看欠款（原文的说法，保留“或类似的页面”）。",
         "The source article (data/external/article.zh.txt): 找到“我的账单”或类似的页面。"),
    Fact("complaints_12378", "12378 is the consumer complaint line for banking and insurance run by the National "
         "Financial Regulatory Administration (国家金融监督管理总局, which replaced the CBIRC in 2023). Whether it "
         "covers a loan depends on the lender named in the contract: banks and consumer finance companies are "
         "under it; microloan companies answer to the local financial regulator.",
         "12378是国家金融监督管理总局（2023年在原银保监会基础上组建）的银行保险消费者投诉维权热线；能否受理取决于合同上写的"
         "放款机构：银行、消费金融公司归其监管，小额贷款公司归地方金融管理部门。",
         "国家金融监督管理总局 (www.nfra.gov.cn): 12378 银行保险消费者投诉维权热线; 《党和国家机构改革方案》(2023)."),
    Fact("legal_aid_12348", "12348 is the public legal service hotline of the justice administration: free legal "
         "consultation.",
         "12348是司法行政机关的公共法律服务热线，提供免费法律咨询。",
         "司法部 12348 中国法网 (www.12348.gov.cn)."),
    Fact("credit_report", "Anyone may obtain their own credit report free of charge twice a year from the Credit "
         "Reference Center of the People's Bank of China; a negotiated plan may still show in it.",
         "个人每年可两次免费查询本人信用报告（中国人民银行征信中心）；协商后的还款记录仍可能显示在报告里。",
         "《征信业管理条例》第十七条; 中国人民银行征信中心 (www.pbccrc.org.cn)."),
    Fact("interest_pause", "停息挂账 (pausing interest) is no Jiebei right: the lender may or may not agree, interest "
         "already charged usually stays, and paid agents use it as bait. The only rule on long personalised "
         "instalments (up to 5 years) is for bank credit cards, not Jiebei.",
         "“停息挂账”不是借呗的固定政策：平台可能同意也可能不同意，已产生的利息通常仍要还，收费中介常以此为诱饵。"
         "关于个性化分期（最长5年）的规定针对银行信用卡，不适用于借呗。",
         "《商业银行信用卡业务监督管理办法》（2011）第七十条；国家金融监督管理总局（原银保监会）关于警惕“代理维权”"
         "“代理投诉”“债务优化”等的风险提示."),
    Fact("paid_agents", "Paid \"negotiation agents\" and \"debt optimisation\" firms are the subject of repeated "
         "regulator warnings; borrowers can ask for a negotiated plan themselves, free of charge.",
         "监管部门多次提示警惕收费的“代理协商”“债务优化”；借款人自己就能免费申请协商。",
         "国家金融监督管理总局（原银保监会）消费者权益保护局风险提示."),
    Fact("collection", "Threats or harassment by collectors: keep evidence, report to the lender and 12378, and to "
         "the police (110) when threatened.",
         "遇到威胁、骚扰式催收：保留证据，向平台和12378反映，受到威胁可报警（110）。",
         "《治安管理处罚法》(threats, harassment); 国家金融监督管理总局 12378."),
    Fact("no_interest", "Instalments shown split the balance evenly (balance × (1 − down payment) / months): "
         "they exclude interest and penalty interest; the lender's plan gives the real amounts.",
         "报告中的月供=欠款×（1−首付比例）÷期数，不含利息和罚息，以平台的还款计划为准。",
         "xieshang.rules.instalment (this project's arithmetic)."),
    Fact("plan_lengths", "The plan lengths offered (6 to 60 months) are this project's assumption: no public source "
         "says Jiebei grants 48 or 60 months; reports ask the borrower to check plans over "
         f"{rules.LONG_PLAN_MONTHS} months with the lender.",
         f"可选期数（6–60期）是本项目的假设：没有公开来源说明借呗会给48或60期；超过{rules.LONG_PLAN_MONTHS}期的方案，"
         "报告提醒先向平台确认。",
         "Assumption (xieshang.contract: plan_months)."),
)
"""Every fact the reports state, with its source."""

ASSUMPTIONS: tuple[tuple[str, str, str], ...] = (
    ("affordable plan", f"leaves at least {rules.BUFFER_SHARE:.0%} of disposable income and {rules.LIVING_FLOOR:g} "
     "RMB a month", f"还完月供后至少留下每月结余的{rules.BUFFER_SHARE:.0%}，且不少于{rules.LIVING_FLOOR:g}元"),
    ("household size", f"the living floor grows by {rules.PER_PERSON_FLOOR:g} RMB a month per member beyond the first "
     "(where household_size is known)", f"家庭人数已知时，每多一人，每月最低生活费增加{rules.PER_PERSON_FLOOR:g}元"),
    ("emergency reserve", f"{rules.RESERVE_MONTHS:g} months of essential expenses stay untouched: only savings beyond "
     "them may fund a down payment or a lump sum", f"保留{rules.RESERVE_MONTHS:g}个月的必要开支作应急钱，"
     "只有超出部分可用于首付或一次性还款"),
    ("heavy other debts", f"other debt payments above {rules.OTHER_DEBTS_SHARE:.0%} of income: all debts are handled "
     "together", f"其他债务月还款超过收入的{rules.OTHER_DEBTS_SHARE:.0%}时，建议所有欠款一起协商"),
)
"""(name, English, Chinese) of each assumption of the advice (xieshang.rules)."""


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def facts_markdown() -> str:
    """The data dictionary's section on the advice: what it never recommends, its assumptions, its facts and sources."""
    lines = [
        "## Advice: rules, assumptions and facts / 建议的规则、假设与事实",
        "",
        "An option is a path to an agreement the borrower can keep (`xieshang.rules`). Never recommended:",
        "",
    ]
    lines += [f"- `{name}`: {why}" for name, why in rules.NEVER_RECOMMEND.items()]
    lines += ["", "| assumption | value | 假设 |", "|---|---|---|"]
    lines += [f"| {name} | {_cell(en)} | {_cell(zh)} |" for name, en, zh in ASSUMPTIONS]
    lines += ["", "| fact | statement | 说明 | source / 来源 |", "|---|---|---|---|"]
    lines += [f"| `{f.key}` | {_cell(f.en)} | {_cell(f.zh)} | {_cell(f.source)} |" for f in FACTS]
    return "\n".join(lines)
