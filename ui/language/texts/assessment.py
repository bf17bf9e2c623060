"""The county-assessment panel (N3, N4, N20)."""

TEXTS = {
    "assessment.title": (
        "各县季度考核（生产经营收入下降户占比）",
        "Quarterly county assessment (households with falling production income)",
    ),
    "assessment.intro": (
        "省级系统每季度通报各县生产经营收入（年度累计）同比下降的农户占比；"
        "每高于全市占比1个百分点扣0.5分（通知N3），扣分多的县纳入“五单式”管理（N4）。"
        "以下均为模拟结果（{draws}次抽样的均值）。",
        "Every quarter the province reports, per county, the share of households whose year-to-date "
        "production income fell; each percentage point above the city share costs 0.5 points "
        "(notice N3), and counties losing many points are put under “five-list” management (N4). "
        "All figures are simulated results (mean of {draws} draws).",
    ),
    "assessment.scenario": ("方案", "Scenario"),
    "assessment.quarter": ("季度", "Quarter"),
    "assessment.view": ("图表范围", "Chart shows"),
    "assessment.view.quarter": ("所选季度", "The chosen quarter"),
    "assessment.view.all": ("全部季度", "Every quarter"),
    "assessment.city_share": ("全市下降户占比（{quarter}，结果）", "City share falling ({quarter}, result)"),
    "assessment.flagged": ("本季扣分达阈值的县（结果）", "Counties at the threshold this quarter (result)"),
    "assessment.points_total": ("各县本季扣分合计（分，结果）", "Points lost by all counties this quarter (result)"),
    "assessment.year_flagged": (
        "{year}年“五单式”县（季均扣分≥{threshold}分，结果）",
        "Five-list counties in {year} (average ≥ {threshold} points a quarter, result)",
    ),
    "assessment.year_none": (
        "{year}年无县季均扣分达到阈值（{threshold}分，输入）。",
        "No county averages {threshold} points a quarter in {year} (threshold: input).",
    ),
    "assessment.year_list": (
        "{year}年按N4规则可能纳入“五单式”管理的县：{counties}",
        "Counties that N4's rule would put under five-list management in {year}: {counties}",
    ),
    "assessment.table": ("{quarter} 各县考核表（按排名）", "County table, {quarter} (by rank)"),
    "assessment.missing": (
        "人口数据中没有农户的县不参加考核：{counties}",
        "Counties without households in the population are not assessed: {counties}",
    ),
    "assessment.download": ("下载全部季度考核表（CSV）", "Download every quarter's assessment (CSV)"),
    "assessment.counties_unit": ("个", "counties"),
    "assessment.points_unit": ("分", "points"),
}
