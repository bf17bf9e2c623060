"""The page frame: navigation, scenario slots, files and share links, progress."""

TEXTS = {
    "page.nav.compare": ("方案比较", "Compare scenarios"),
    "page.nav.assessment": ("县级考核", "County assessment"),
    "page.nav.seek": ("目标反推", "Goal seeking"),
    "page.nav.households": ("导入农户数据", "Import households"),
    "page.nav.brief": ("调度会简报", "Meeting brief"),
    "page.edited_name": ("我的方案", "My scenario"),
    "page.slots": (
        "比较的方案（{count}/{max}），选择要编辑的一个",
        "Scenarios compared ({count}/{max}); pick one to edit",
    ),
    "page.slot_name": ("方案名称", "Scenario name"),
    "page.add_slot": ("复制为新方案", "Copy as new"),
    "page.add_slot_help": ("最多同时比较 {max} 个方案", "Up to {max} scenarios side by side"),
    "page.remove_slot": ("移除此方案", "Remove this one"),
    "page.start_from": ("从预置方案开始", "Start from a shipped scenario"),
    "page.start_from_help": (
        "用所选预置方案替换正在编辑的方案（名称保留）",
        "Replace the scenario being edited by the chosen one (its name is kept)",
    ),
    "page.download_scenario": ("下载方案文件（TOML）", "Download scenario (TOML)"),
    "page.upload_scenario": ("上传方案文件（TOML 或 JSON）", "Upload a scenario file (TOML or JSON)"),
    "page.upload_help": (
        "与下载的文件格式相同，不超过 {mb} MB；出错时屏幕上的方案保持不变",
        "Same format as the download, at most {mb} MB; on error the scenario on screen is kept",
    ),
    "page.upload_error": (
        "方案文件未能载入，屏幕上的方案保持不变：",
        "The file was not loaded; the scenario on screen is unchanged:",
    ),
    "page.upload_loaded": ("已载入上传的方案。", "Uploaded scenario loaded."),
    "page.link_error": (
        "链接中的方案有误，已显示默认方案：",
        "The link's scenario is invalid; the default scenarios are shown:",
    ),
    "page.link_loaded": ("已按链接载入方案。", "Scenario loaded from the link."),
    "page.lever_error": ("该数值未被采用（方案保持不变）：", "That value was not applied (the scenario is unchanged):"),
    "page.link_shares_rebalanced": (
        "四种联结方式合计须为100%：其余三种已按原比例调整。",
        "The four linking shares must add up to 100%: the other three were adjusted in proportion.",
    ),
    "page.name_error": ("名称未被采用：", "The name was not applied:"),
    "page.name_empty": ("方案名称不能为空。", "The scenario name cannot be empty."),
    "share.base_allowed": ("应为以下预置方案之一：{allowed}", "must be one of the shipped scenarios: {allowed}"),
    "page.files": ("方案文件与分享链接", "Scenario file and share link"),
    "page.share_help": (
        "浏览器地址栏已包含正在比较的全部方案（及正在编辑的一个），直接复制地址即可分享；参数如下：",
        "The address bar already carries every scenario compared (and the one being edited): copy it to share. "
        "Parameters:",
    ),
    "work.running": ("计算中……", "Working…"),
    "work.cancel": ("取消", "Cancel"),
    "work.cancelled": ("已取消，未保留任何部分结果。", "Cancelled; no partial result was kept."),
    "refine.running": ("“{name}”完整结果计算中：{percent}", "“{name}”: computing the full result, {percent}"),
    "refine.queued": (
        "“{name}”完整结果排队中（前面还有 {ahead} 个）",
        "“{name}”: full result queued ({ahead} ahead)",
    ),
    "refine.failed": ("“{name}”的完整结果计算失败：{error}", "“{name}”: the full result failed: {error}"),
    "page.preview_note": (
        "“{name}”目前显示的是快速预览（{draws} 次抽样、部分农户样本），完整结果算完后自动更新。",
        "“{name}” shows a quick preview ({draws} draws on a sample of the households) until its full result is done.",
    ),
    "page.population": (
        "人口数据：{label}（{households} 户，指纹 {fingerprint}）；以下所有结果均基于此人口。",
        "Population: {label} ({households} households, fingerprint {fingerprint}); every result "
        "below is for this population.",
    ),
}
