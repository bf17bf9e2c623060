"""The charts' own Chinese/English labels (reports/ must not depend on the page's ui/ package)."""

from __future__ import annotations

from model.engine.result import CITY
from model.schema.fieldspec import COUNTY_NAMES_EN
from model.schema.text import pick

TEXTS: dict[str, tuple[str, str]] = {
    "scenario": ("方案", "Scenario"),
    "quarter": ("季度", "Quarter"),
    "year": ("年份", "Year"),
    "county": ("县（市、区）", "County"),
    "scope": ("范围", "Area"),
    "component": ("收入构成", "Income component"),
    "channel": ("措施", "Measure"),
    "p10": ("P10", "P10"),
    "p50": ("中位数", "Median"),
    "p90": ("P90", "P90"),
    "mean": ("均值", "Mean"),
    "points_lost": ("扣分（分/季度）", "Points lost (per quarter)"),
    "excess_pp": ("高于全市占比（百分点）", "Above the city share (percentage points)"),
    "bin_start_yuan": ("区间下限（元/人/年）", "Bin from (yuan per person per year)"),
    "bin_end_yuan": ("区间上限（元/人/年）", "Bin to (yuan per person per year)"),
    "income_title": (
        "全市脱贫人口人均纯收入（元/人/季度，结果，P10–P90 区间）",
        "City per-capita net income of the households (yuan per person per quarter, result, P10–P90)",
    ),
    "income_axis": ("人均纯收入（元/人/季度）", "Net income per capita (yuan per person per quarter)"),
    "components_title": (
        "全市人均收入四项构成（元/人/季度，结果，均值）",
        "City per-capita income by component (yuan per person per quarter, result, mean)",
    ),
    "components_axis": ("人均收入（元/人/季度）", "Income per capita (yuan per person per quarter)"),
    "growth_title": (
        "{year}年各县生产经营性收入增幅（结果，对比{base}年；虚线为目标20%）",
        "{year} production income growth by county (result, vs {base}; dashed line: 20% target)",
    ),
    "growth_axis": ("增幅（同比）", "Growth (year on year)"),
    "falling_title": (
        "生产经营收入下降户占比（年度累计，按季度，结果）",
        "Share of households whose year-to-date production income fell (per quarter, result)",
    ),
    "falling_axis": ("下降户占比", "Share of households"),
    "points_title": (
        "各县考核扣分（每高于全市占比1个百分点扣0.5分，结果，均值）；标记为“五单式”",
        "Assessment points lost by county (0.5 per percentage point above the city share, result, "
        "mean); marked: five-list management",
    ),
    "points_axis": ("扣分（分/季度）", "Points lost (per quarter)"),
    "wudan_mark": ("五单式", "5-list"),
    "wudan": ("“五单式”管理", "Five-list management"),
    "contrib_title": (
        "{year}年各措施带来的人均增收（元/人/年，结果，按假设均值）",
        "{year} income added per capita by measure (yuan per person per year, result, mean assumptions)",
    ),
    "contrib_axis": ("人均增收（元/人/年）", "Income added (yuan per person per year)"),
    "yield_title": (
        "{year}年每万元资金带来的增收（元/万元，结果）",
        "{year} income gained per 10,000 yuan of funds (yuan per 10,000 yuan, result)",
    ),
    "yield_axis": ("增收（元/万元）", "Income gained (yuan per 10,000 yuan of funds)"),
    "yield_kind": ("口径", "Basis"),
    "per_10k_yuan_all_funds": ("全部衔接资金（所有措施）", "All connection funds (all measures)"),
    "per_10k_yuan_industry_funds": ("产业资金（产业项目资产）", "Industry funds (industry assets)"),
    "dist_title": (
        "{year}年农户人均纯收入分布（元/人/年，结果，抽样平均户数）；虚线为监测线",
        "{year} distribution of household per-capita net income (yuan per person per year, result, "
        "mean households over draws); dashed: monitoring line",
    ),
    "dist_x": ("人均纯收入（元/人/年，每档500元）", "Net income per capita (yuan per person per year, 500-yuan bins)"),
    "dist_y": ("户数（户）", "Households"),
    "monitoring_line": ("监测线（元/人/年）", "Monitoring line (yuan per person per year)"),
    "target": ("目标", "Target"),
    "threshold": ("上限", "Limit"),
    "component.production": ("生产经营性收入", "Production/operating"),
    "component.wage": ("工资性收入", "Wages"),
    "component.property": ("财产性收入", "Property"),
    "component.transfer": ("转移性收入", "Transfers"),
    "channel.organic": ("自然增长（无新增措施，含波动）", "Organic growth (no new measures, with shocks)"),
    "channel.household_support": ("到户产业补助", "Household industry support"),
    "channel.industry_assets": ("产业资产联结（务工、分红、订单）", "Industry assets (wages, dividends, contracts)"),
    "channel.land_transfer": ("土地流转（租金减自营收入）", "Land transfer (rent less own farming)"),
    "channel.dual_binding": ("“双绑”利益联结", "Dual binding"),
    "channel.microcredit": ("小额信贷", "Microcredit"),
    "channel.tourism": ("乡村旅游", "Rural tourism"),
    "channel.consumption": ("消费帮扶", "Consumption assistance"),
    "channel.training": ("致富带头人与培训", "Leaders and training"),
    "channel.collective": ("集体经济", "Collective economy"),
    "channel.non_industry_funds": (
        "非产业衔接资金（公益岗位等）",
        "Non-industry connection funds (public-welfare jobs …)",
    ),
    "channel.safety_net": ("防返贫监测帮扶", "Monitoring and assistance"),
    "channel_short.organic": ("自然增长", "organic growth"),
    "channel_short.household_support": ("到户产业补助", "household support"),
    "channel_short.industry_assets": ("产业资产联结", "industry assets"),
    "channel_short.land_transfer": ("土地流转", "land transfer"),
    "channel_short.dual_binding": ("“双绑”", "dual binding"),
    "channel_short.microcredit": ("小额信贷", "microcredit"),
    "channel_short.tourism": ("乡村旅游", "tourism"),
    "channel_short.consumption": ("消费帮扶", "consumption assistance"),
    "channel_short.training": ("培训", "training"),
    "channel_short.collective": ("集体经济", "collective economy"),
    "channel_short.non_industry_funds": ("非产业资金", "non-industry funds"),
    "channel_short.safety_net": ("防返贫帮扶", "assistance"),
    "city": ("全市", "City"),
}


def text(key: str, lang: str, **values: object) -> str:
    """The label ``key`` in ``lang`` ("zh" or "en"), placeholders filled from ``values``."""
    return pick(TEXTS[key], lang, **values)


def place(name: str, lang: str) -> str:
    """A county (canonical Chinese name) or the city, in ``lang``."""
    if name == CITY:
        return text("city", lang)
    return name if lang == "zh" else COUNTY_NAMES_EN.get(name, name)
