"""The scenario-discovery panel: a small sweep or an uploaded one, the rule PRIM finds and its trade-off chart."""

TEXTS = {
    "page.nav.discover": ("情景发现", "Scenario discovery"),
    "discover.title": ("情景发现：哪些杠杆组合能达标", "Scenario discovery: which lever combinations meet the targets"),
    "discover.intro": (
        "在许多方案（扫描点）上模拟，然后找出最简单的杠杆取值范围，使所选目标在其中大多数点达标（PRIM方法）。"
        "小规模扫描可在本页运行；大规模扫描请在命令行或集群上运行（python -m model sweep），再上传其 results.parquet。",
        "Simulate many scenarios (sweep points), then find the simplest ranges of lever values in which the chosen "
        "targets are met in most points (PRIM). Small sweeps run on this page; run large ones from the command line "
        "or on a cluster (python -m model sweep) and upload their results.parquet.",
    ),
    "discover.start_header": ("在本页运行小规模扫描", "Run a small sweep on this page"),
    "discover.start_help": (
        "以正在编辑的方案“{scenario}”为基础，只模拟2023年；在所选杠杆的范围内取拉丁超立方样本点，其他设置不变。",
        "Based on the scenario being edited, “{scenario}”, 2023 only; Latin-hypercube points within the chosen "
        "levers' ranges, everything else held.",
    ),
    "discover.levers": ("变化的杠杆（输入，最多3个）", "Levers to vary (inputs, at most 3)"),
    "discover.input": ("输入", "input"),
    "discover.points": ("样本点数", "Points"),
    "discover.draws": ("每点抽样次数", "Draws per point"),
    "discover.run": ("运行扫描", "Run the sweep"),
    "discover.running": ("正在模拟第 {done}/{total} 个点……", "Simulating point {done}/{total}…"),
    "discover.design_refused": ("扫描设置不成立：", "The sweep's settings are refused:"),
    "discover.load_header": ("或上传扫描结果", "Or upload a sweep's results"),
    "discover.upload": ("上传 results.parquet", "Upload results.parquet"),
    "discover.upload_help": (
        "由 python -m model sweep 写出的 results.parquet，最大 {mb} MB。",
        "The results.parquet written by python -m model sweep, at most {mb} MB.",
    ),
    "discover.upload_refused": ("文件未被接受：", "The file was refused:"),
    "discover.rule_header": ("规则", "The rule"),
    "discover.results_line": (
        "{points} 个点，{factors} 个变化因素；一个点“达标”指其达标概率不低于 {required:.0%}（结果）。",
        "{points} points, {factors} factors varied; a point meets a target when its probability of meeting is at "
        "least {required:.0%} (result).",
    ),
    "discover.targets": ("目标（须同时达标）", "Targets (all must be met)"),
    "discover.density": (
        "要求的达标比例（0–1，规划设定）",
        "Required share of points meeting (0–1, planner's setting)",
    ),
    "discover.dimensions": ("规则中的因素", "Factors in the rule"),
    "discover.dimensions.levers": ("只用杠杆", "Levers only"),
    "discover.dimensions.all": ("全部因素", "Every factor"),
    "discover.pick_target": ("请至少选择一个目标。", "Choose at least one target."),
    "discover.cannot": ("无法找出规则：", "No rule can be found:"),
    "discover.metric_density": ("框内达标比例（结果）", "Share meeting in the box (result)"),
    "discover.metric_coverage": ("覆盖全部达标点（结果）", "Share of all met points covered (result)"),
    "discover.metric_points": ("框内点数 / 全部点数", "Points in the box / all points"),
    "discover.download": ("下载扫描结果（results.parquet）", "Download the sweep's results (results.parquet)"),
}
