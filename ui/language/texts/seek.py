"""The goal-seeking panel: least lever value for a target, the two-lever frontier, the county split."""

TEXTS = {
    "seek.title": ("目标反推", "Goal seeking"),
    "seek.intro": (
        "选一个2023年目标和要求的达标概率，工具求出某一个政策杠杆至少要多大才能达到，其他设置保持不变。"
        "基于正在编辑的方案“{scenario}”（{draws} 次抽样，随机种子固定，各次模拟使用相同的随机数）。",
        "Choose a 2023 target and the probability of meeting it you require; the tool finds the least value of one "
        "policy lever that meets it, everything else held. Based on the scenario being edited, “{scenario}” "
        "({draws} draws, fixed seed: every evaluation uses the same random numbers).",
    ),
    "seek.target": ("目标", "Target"),
    "seek.lever": ("调整的杠杆（输入）", "Lever to move (input)"),
    "seek.probability": ("要求的达标概率（0–1，规划设定）", "Required probability of meeting (0–1, planner's setting)"),
    "seek.level": ("目标值（{unit}，规划设定）", "Target level ({unit}, planner's setting)"),
    "seek.lever_range": (
        "搜索范围 {low} – {high}（{unit}），精度为一档 {step}；当前方案取值 {current}。",
        "Search range {low} – {high} ({unit}), resolution one step of {step}; the scenario's value is {current}.",
    ),
    "seek.run": ("开始反推", "Find the least value"),
    "seek.running": ("正在模拟第 {n} 个取值……", "Simulating value {n}…"),
    "seek.answer_value": ("所需最小值（结果）", "Least value needed (result)"),
    "seek.answer_probability": ("该值下达标概率（结果）", "Probability of meeting there (result)"),
    "seek.evaluations": (
        "已模拟的取值（{n} 次，每次为2023年完整模拟）",
        "Values simulated ({n}, each a full 2023 simulation)",
    ),
    "seek.col.value": ("杠杆取值", "Lever value"),
    "seek.col.probability": ("达标概率", "Probability of meeting"),
    "seek.col.draws": ("抽样次数", "Draws"),
    "seek.frontier_header": ("两个杠杆的可行区域", "Where two levers together meet the target"),
    "seek.frontier_help": (
        "在两个杠杆的取值网格上计算达标概率；红色虚线为通知要求的下限，✓ 表示达到要求概率。"
        "为控制耗时，网格可用较少抽样次数（图中注明）。",
        "The probability of meeting the target on a grid of two levers' values; dashed red lines are the notice's "
        "floors, ✓ marks cells meeting the required probability. The grid may use fewer draws to save time (shown "
        "on the chart).",
    ),
    "seek.lever_y": ("第二个杠杆（输入）", "Second lever (input)"),
    "seek.points": ("每个杠杆的网格点数", "Grid points per lever"),
    "seek.frontier_draws": ("网格每格抽样次数", "Draws per grid cell"),
    "seek.frontier_run": ("计算可行区域", "Compute the frontier"),
    "seek.frontier_download": ("下载网格数据（CSV）", "Download the grid (CSV)"),
    "seek.same_field": ("两个杠杆调整的是同一字段，请换一个。", "Both levers set the same field; choose another one."),
    "seek.allocation_header": ("产业资金在各县之间的分配", "Splitting the funds between counties"),
    "seek.allocation_help": (
        "比较按户数比例分配（默认）与工具建议的分配：每轮把不扣分县的一部分份额移给扣分县（按扣分多少），每县至少保留按户数份额的一半；"
        "只有扣分县数（或总扣分）下降时才采纳。“扣分县”指2023年平均下降户占比高于全市的县。注意：方案中的各县比例同时用于所有项目资金。",
        "Compares the split in proportion to households (default) with the one the tool proposes: each round moves "
        "part of the share of counties losing no points to those that do (by points lost), every county keeping at "
        "least half its proportional share; a round is kept only if the number of counties losing points (or the "
        "total points) falls. A county “loses points” when its 2023 average falling share is above the city's. "
        "Note: the scenario's county shares split every programme's funds.",
    ),
    "seek.allocation_run": ("提出分配建议", "Propose a split"),
    "seek.allocation_summary": (
        "扣分县数（2023年平均高于全市下降户占比）：按户数分配 {default} 个 → 建议分配 {proposed} 个；"
        "总扣分 {points_default:.2f} → {points_proposed:.2f} 分/季度（结果，{draws} 次抽样平均）。",
        "Counties losing points (2023 average falling share above the city's): {default} with the proportional "
        "split → {proposed} with the proposed one; total points {points_default:.2f} → {points_proposed:.2f} per "
        "quarter (result, mean of {draws} draws).",
    ),
    "seek.allocation_none": (
        "没有找到能减少扣分的调整：建议保持按户数比例分配。",
        "No change was found that lowers the points lost: keep the split in proportion to households.",
    ),
    "seek.allocation_download": (
        "下载采用建议分配的方案（TOML）",
        "Download the scenario with the proposed split (TOML)",
    ),
    "seek.col.county": ("县（市、区）", "County"),
    "seek.col.share_default": ("资金份额·默认（输入）", "Share of funds, default (input)"),
    "seek.col.share_proposed": ("资金份额·建议（输入）", "Share of funds, proposed (input)"),
    "seek.col.growth_change": (
        "2023年生产经营收入增幅变化（百分点，结果）",
        "Change in 2023 production growth (pp, result)",
    ),
    "seek.col.falling_default": ("2023Q4下降户占比·默认（结果）", "Falling share 2023Q4, default (result)"),
    "seek.col.falling_proposed": ("2023Q4下降户占比·建议（结果）", "Falling share 2023Q4, proposed (result)"),
    "seek.col.points_default": ("季度平均扣分·默认（分，结果）", "Points lost per quarter, default (result)"),
    "seek.col.points_proposed": ("季度平均扣分·建议（分，结果）", "Points lost per quarter, proposed (result)"),
    "seek.col.wudan_default": ("五单式·默认", "Five-list, default"),
    "seek.col.wudan_proposed": ("五单式·建议", "Five-list, proposed"),
    "seek.yes": ("是", "yes"),
    "seek.no": ("否", "no"),
}
