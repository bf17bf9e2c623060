"""Target cards."""

TEXTS = {
    "cards.heading": ("#### :green-badge[结果] 通知目标达成情况", "#### :green-badge[result] Targets of the notice"),
    "cards.draws": ("{draws} 次抽样的平均值", "mean over {draws} draws"),
    "cards.label": ("{notice}{label}", "{notice}{label}"),
    "cards.period": ("时期 {period}", "period {period}"),
    "cards.target": ("目标 {comparison} {target}", "target {comparison} {target}"),
    "cards.met": (":green[**达标**]", ":green[**met**]"),
    "cards.not_met": (":red[**未达标**]", ":red[**not met**]"),
    "cards.probability": ("P(达标) {probability}", "P(met) {probability}"),
    "cards.range": ("P10–P90：{p10}–{p90} {unit}", "P10–P90: {p10}–{p90} {unit}"),
    "cards.unit": ("单位：{unit}", "unit: {unit}"),
    "cards.editing": (":violet-badge[编辑中]", ":violet-badge[being edited]"),
    "cards.preview_badge": (":orange-badge[预览]", ":orange-badge[preview]"),
    "cards.preview_label": ("{label}（预览）", "{label} (preview)"),
    "cards.preview_note": (
        "{draws} 次抽样、部分农户样本的快速预览；完整结果计算中",
        "quick preview: {draws} draws on a sample of the households; full result computing",
    ),
    "cards.help": (
        "结果：多次抽样的平均值；P(达标) 为达到目标的抽样所占比例，± 后为其蒙特卡洛标准误（抽样次数见栏首）；"
        "达标指 P(达标) 不低于“要求的达标概率”。卡片标题中的 N1、N2… 为通知中的条目。",
        "Result: mean over the draws; P(met) is the share of draws meeting the target, ± its Monte Carlo "
        "standard error (the number of draws heads the column); met means P(met) is at least the required "
        "probability. N1, N2… in a card's title name the notice's requirement.",
    ),
    "cards.preview_mark": ("（预览）", " (preview)"),
    "cards.part": ("{label} {points}", "{label} {points}"),
    "cards.part_separator": ("，", ", "),
    "cards.other_measures": ("其他措施", "other measures"),
    "cards.decomposition": (
        "其中（百分点，结果）：{parts}{preview}",
        "Of which (percentage points, result): {parts}{preview}",
    ),
    "cards.decomposition_help": (
        "增幅按来源拆分（百分点，各项之和等于增幅均值）：{parts}。自然增长为不实施新增措施时的增长（含波动）。",
        "Growth split by source (percentage points, adding up to the mean growth): {parts}. Organic growth is "
        "what happens without the new measures (with the shocks).",
    ),
    "cards.if_2022": (
        ":blue-badge[假设情景] 若2022年的自然增长率（{rate}/年，拟合值）重现，"
        "{target} 约为 {value}（不是预测）{preview}",
        ":blue-badge[what-if] If 2022's organic growth rate ({rate} a year, fitted) repeated, {target} would be "
        "about {value} (not a forecast){preview}",
    ),
    "cards.if_2022_help": (
        "2022年是恢复性增长的一年；模型预测时自然增长率只部分延续2022年的水平（见“模型校验”页）。此数字仅说明"
        "若2022年的增速完全重现会怎样，不用于判断是否达标。",
        "2022 was a year of recovery; the projection carries only part of 2022's organic growth forward (see the "
        "model validation page). This figure only says what would happen if 2022's rate repeated in full; it is "
        "not used for the verdict.",
    ),
    "cards.below_line_before": (
        "{period}年（结果）：帮扶前低于监测线（{line}，输入）{before}，帮扶后 {after}；帮扶支出均值 {cost}，"
        "P90 {cost_p90}{preview}",
        "{period} (result): below the monitoring line ({line}, input) before assistance {before}, after "
        "{after}; assistance costs {cost} on average, P90 {cost_p90}{preview}",
    ),
    "cards.capacity": (
        "超出可吸收能力：{label} {value} {unit}，可吸收约 {capacity} {unit}"
        "（{note}；允许设定，超出部分在模型中不再增收）",
        "Beyond what the city can absorb: {label} {value} {unit}, capacity about {capacity} {unit} ({note}; "
        "allowed, the excess adds no income in the model)",
    ),
}
