"""The lever panel: labels, notice requirements, breaches."""

TEXTS = {
    "levers.label": ("{label}（{unit}）", "{label} ({unit})"),
    "levers.help": (
        "{kind} · 字段 {path} · 允许范围 {allowed}（{unit}）",
        "{kind} · field {path} · allowed {allowed} ({unit})",
    ),
    "levers.help_notice": ("对应通知要求 {notice}", "Notice requirement {notice}"),
    "levers.help_source": ("依据：{source}（可信度 {confidence}）", "Source: {source} (confidence {confidence})"),
    "levers.floor": ("通知要求（{notice}）：不低于 {minimum}", "Notice ({notice}): at least {minimum}"),
    "levers.target": ("通知目标（{notice}）：{minimum}", "Notice target ({notice}): {minimum}"),
    "levers.breach_floor": (
        "低于通知底线（{notice}）：当前 {value}，要求不低于 {minimum}",
        "Breach of the notice's floor ({notice}): {value}, required at least {minimum}",
    ),
    "levers.breach_target": (
        "未达通知目标（{notice}）：当前 {value}，目标 {minimum}",
        "Below the notice's target ({notice}): {value}, target {minimum}",
    ),
    "levers.in_file_only": ("{label}：{value}（在方案文件中设置）", "{label}: {value} (set in a scenario file)"),
    "levers.inputs_heading": ("#### :blue-badge[输入] 政策措施", "#### :blue-badge[input] Policy levers"),
    "levers.settings_heading": (":blue-badge[输入] {section}", ":blue-badge[input] {section}"),
    "levers.assumptions_heading": (":orange-badge[假设] {section}", ":orange-badge[assumption] {section}"),
    "levers.assumptions_note": (
        "以下是行为假设，不是政策措施：数值来自测算，可按本地经验调整。",
        "These are behavioural assumptions, not policy levers: estimates you may adjust to local experience.",
    ),
    "levers.channel.funds": ("衔接资金", "Connection funds"),
    "levers.channel.linking": ("联农带农与“双绑”", "Linking households and dual binding"),
    "levers.channel.finance": ("金融帮扶（小额信贷）", "Finance (microcredit)"),
    "levers.channel.tourism": ("乡村旅游", "Rural tourism"),
    "levers.channel.leaders": ("致富带头人与培训", "Leaders and training"),
    "levers.channel.collective": ("集体经济", "Collective economy"),
    "levers.channel.industry": ("产业与消费帮扶", "Industry and consumption assistance"),
    "levers.channel.safety_net": ("防返贫监测帮扶", "Monitoring and assistance (safety net)"),
}
