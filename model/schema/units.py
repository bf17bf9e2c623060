"""Units as people read them: every unit string the model uses, in Chinese and English.

The model writes units in one canonical form (``"share 0–1 of households"``, ``"万元/年"``); the page, the brief
and the workbook show them through this one table. Shares are 0–1 in the model and shown as percentages.
"""

from __future__ import annotations

from model.schema.text import pick

SHARE_PREFIXES = ("share 0–1", "probability 0–1", "share, year on year", "share, year to date")  # 0–1.5 too

UNITS: dict[str, tuple[str, str]] = {
    "万元/年": ("万元/年", "10,000 yuan per year"),
    "share 0–1": ("%", "%"),
    "share 0–1 of each fund going to each county": ("各项资金分到各县的比例", "share of each fund per county"),
    "户/百万元": ("户/百万元", "households per million yuan"),
    "share 0–1 of willing households": ("占有意愿有条件户 %", "% of willing households"),
    "quarter": ("季度", "quarter"),
    "元/户": ("元/户", "yuan per household"),
    "户/年": ("户/年", "households per year"),
    "人次/年": ("人次/年", "person-times per year"),
    "share 0–1 of households": ("占农户 %", "% of households"),
    "分/季度": ("分/季度", "points per quarter"),
    "probability 0–1": ("概率 %", "probability %"),
    "draws": ("次", "draws"),
    "integer": ("整数", "integer"),
    "元/人/年": ("元/人/年", "yuan per person per year"),
    "yes/no": ("是/否", "yes/no"),
    "share 0–1 per year": ("%/年", "% per year"),
    "share 0–1 per year of the amount invested": ("占投资额 %/年", "% of the amount invested per year"),
    "quarters": ("季度数", "quarters"),
    "share 0–1 of the household's production income": (
        "占该户生产经营收入 %",
        "% of the household's production income",
    ),
    "share 0–1 of price and output shocks absorbed": ("吸收价格和产量波动 %", "% of price and output shocks absorbed"),
    "share 0–1 per year of the loan": ("占贷款额 %/年", "% of the loan per year"),
    "share 0–1 of loans per year": ("占贷款 %/年", "% of loans per year"),
    "元/户/年": ("元/户/年", "yuan per household per year"),
    "share 0–1 of purchase value": ("占采购额 %", "% of purchase value"),
    "relative, per quarter": ("相对值/季度", "relative, per quarter"),
    "relative, per year": ("相对值/年", "relative, per year"),
    "yuan of income per yuan": ("元收入/元资金", "yuan of income per yuan spent"),
    "quarter-to-quarter correlation": ("季度间相关系数", "quarter-to-quarter correlation"),
    "share 0–1 of a defaulted loan borne by the household": (
        "违约贷款中农户承担 %",
        "% of a defaulted loan borne by the household",
    ),
    "share, year on year": ("同比增幅 %", "% growth, year on year"),
    "counties": ("个县", "counties"),
    "元/人/季度": ("元/人/季度", "yuan per person per quarter"),
    "probability 0–1 (0: keep the draws fixed)": ("概率 %（0 表示固定抽样次数）", "probability % (0: fixed draws)"),
    "probability 0–1 per quarter": ("概率 %/季度", "probability % per quarter"),
    "share 0–1 of assets per year": ("占资产 %/年", "% of assets per year"),
    "share 0–1 of assistance paid as public-welfare job wages (rest as transfers)": (
        "帮扶中公益岗位工资 %",
        "% of assistance as public-welfare wages",
    ),
    "share 0–1 of below-line households identified per quarterly round": (
        "低于监测线户每轮被识别 %",
        "% of below-line households identified per round",
    ),
    "share 0–1 of collective income": ("占集体收入 %", "% of collective income"),
    "share 0–1 of farmers reached": ("占带动农户 %", "% of farmers reached"),
    "share 0–1 of household wage income": ("占户工资性收入 %", "% of household wage income"),
    "share 0–1 of households linked to assets": ("占资产联结户 %", "% of households linked to assets"),
    "share 0–1 of industry funds": ("占产业资金 %", "% of industry funds"),
    "share 0–1 of the quarter's wage and production income": (
        "占当季工资和生产经营收入 %",
        "% of the quarter's wage and production income",
    ),
    "share 0–1 of trainees": ("占学员 %", "% of trainees"),
    "share 0–1 of willing households' 2022 production income": (
        "占有意愿户2022年生产经营收入 %",
        "% of willing households' 2022 production income",
    ),
    "share 0–1.5 of the gap to the monitoring line": ("补足收入缺口 %", "% of the gap to the line"),
    "元/亩/年": ("元/亩/年", "yuan per mu per year"),
    "元/村/年": ("元/村/年", "yuan per village per year"),
    "户(预测期内累计)": ("户（预测期内累计）", "households (over the horizon)"),
    "笔(预测期内累计新增贷款)": ("笔（预测期内新增贷款累计）", "new loans (over the horizon)"),
    "人(预测期内累计脱贫户学员)": ("人（预测期内脱贫户学员累计）", "poverty-alleviated trainees (over the horizon)"),
}


def is_share_unit(unit: str) -> bool:
    """True for units shown as percentages (values are 0–1 in the model)."""
    return unit.startswith(SHARE_PREFIXES)


def unit_text(unit: str, lang: str) -> str:
    """A model unit as shown in ``lang`` (a unit missing from the table is shown as written in the model)."""
    pair = UNITS.get(unit)
    return unit if pair is None else pick(pair, lang)
