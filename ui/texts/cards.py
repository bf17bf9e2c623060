"""Target cards."""

TEXTS = {
    "cards.heading": ("#### :green-badge[结果] 通知目标达成情况", "#### :green-badge[result] Targets of the notice"),
    "cards.draws": ("{draws} 次抽样的平均值", "mean over {draws} draws"),
    "cards.label": ("{notice}{label}", "{notice}{label}"),
    "cards.period": ("时期 {period}", "period {period}"),
    "cards.target": ("目标 {comparison} {target}", "target {comparison} {target}"),
    "cards.met": (":green[**达标**]", ":green[**met**]"),
    "cards.not_met": (":red[**未达标**]", ":red[**not met**]"),
    "cards.probability": ("达标概率 {probability}", "probability of meeting it {probability}"),
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
        "结果：多次抽样的平均值；达标指达标概率不低于“要求的达标概率”。卡片标题中的 N1、N2… 为通知中的条目。",
        "Result: mean over the draws; met means the probability of meeting the target is at least "
        "the required probability. N1, N2… in a card's title name the notice's requirement.",
    ),
}
