"""Charts and tables of the comparison page."""

TEXTS = {
    "results.heading": ("#### :green-badge[结果] 图表", "#### :green-badge[result] Charts"),
    "results.view": ("查看", "Show"),
    "results.preview": (
        ":orange-badge[预览] 标有“预览”的方案，图表也是快速预览（少量抽样、部分农户样本），完整结果算完后自动更新。",
        ":orange-badge[preview] For scenarios marked “preview” the charts are quick previews too (few draws, a "
        "sample of the households); they update when the full result is done.",
    ),
    "results.view.income": ("收入走势", "Income over time"),
    "results.view.components": ("收入构成", "Income components"),
    "results.view.counties": ("各县考核", "Counties"),
    "results.view.channels": ("措施贡献", "What each measure added"),
    "results.view.distribution": ("收入分布", "Income distribution"),
    "results.csv": ("数据 CSV", "Data CSV"),
    "results.png": ("图片 PNG", "Image PNG"),
    "results.svg": ("图片 SVG", "Image SVG"),
    "results.wudan_heading": (
        "**2023年各县扣分与“五单式”管理概率（结果）**",
        "**2023 points lost and probability of five-list management by county (result)**",
    ),
    "results.col.scenario": ("方案", "Scenario"),
    "results.col.county": ("县（市、区）", "County"),
    "results.col.points_q4": ("2023Q4扣分（分）", "Points lost 2023Q4"),
    "results.col.wudan_probability": ("纳入“五单式”概率", "Probability of five-list management"),
    "results.col.wudan": ("纳入“五单式”", "Five-list management"),
    "results.channels_note": (
        "按行为假设的均值计算；“自然增长”为不实施新增措施时的增长。",
        "At the mean of the behavioural assumptions; “organic growth” is what happens without the new measures.",
    ),
}
