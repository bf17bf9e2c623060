"""The sensitivity panel: which assumptions and levers the verdicts depend on (tornado chart)."""

TEXTS = {
    "page.nav.sensitivity": ("敏感性分析", "Which numbers matter"),
    "sensitivity.title": ("哪些数字最重要：全局敏感性分析", "Which numbers matter: global sensitivity"),
    "sensitivity.intro": (
        "每个行为假设在其自身的抽样范围内变化，每个政策杠杆在其规划范围内变化（Morris筛选，再对最重要的几个因素计算"
        "Sobol'指数）。完整分析需数分钟，请在命令行运行：python -m model sensitivity scenarios/notice_2023.toml，"
        "结果保存后在此显示；也可在本页对正在编辑的方案做一次小规模分析。",
        "Every behavioural assumption varies over its own drawing range and every policy lever over its planning "
        "range (Morris screening, then Sobol' indices of the few that matter). The full analysis takes minutes: run "
        "python -m model sensitivity scenarios/notice_2023.toml from the command line and its stored result shows "
        "here; or run a small analysis of the scenario being edited on this page.",
    ),
    "sensitivity.stored": ("已保存的分析结果", "Stored results"),
    "sensitivity.none_stored": (
        "尚无保存的结果（out/sensitivity/）。请运行 python -m model sensitivity，或在下方运行小规模分析。",
        "No stored result yet (out/sensitivity/). Run python -m model sensitivity, or a small analysis below.",
    ),
    "sensitivity.refused": ("该结果文件未被接受：", "The result file was refused:"),
    "sensitivity.small_header": ("在本页运行小规模分析", "Run a small analysis on this page"),
    "sensitivity.small_help": (
        "方案“{scenario}”，{households:,} 户加权样本，Morris {trajectories} 条轨迹、Sobol' N={base_samples}、"
        "每点 {draws} 次抽样：约 {points} 个点，结果比完整分析粗糙得多。运行中点击“停止”即可取消。",
        "Scenario “{scenario}”, a weighted sample of {households:,} households, Morris {trajectories} trajectories, "
        "Sobol' N={base_samples}, {draws} draws per point: about {points} points, far coarser than the full "
        "analysis. Press Stop while it runs to cancel.",
    ),
    "sensitivity.run": ("运行小规模分析", "Run a small analysis"),
    "sensitivity.stop": ("停止", "Stop"),
    "sensitivity.running": ("{stage}：第 {done}/{total} 个点……", "{stage}: point {done}/{total}…"),
    "sensitivity.stage.morris": ("Morris 筛选", "Morris screening"),
    "sensitivity.stage.morris-sample": ("Morris 筛选（样本）", "Morris screening (sample)"),
    "sensitivity.stage.sobol": ("Sobol' 指数", "Sobol' indices"),
    "sensitivity.output": ("结果指标", "Output"),
    "sensitivity.measure": ("条形长度", "Bar length"),
    "sensitivity.measure.ST": (
        "Sobol' 总效应指数（最重要的几个因素）",
        "Sobol' total-order index (the few that matter)",
    ),
    "sensitivity.measure.mu_star": ("Morris μ*（全部因素）", "Morris μ* (every factor)"),
    "sensitivity.showing": (
        "方案“{scenario}”，{date}计算；Morris {morris:,} 个点（{morris_population}），Sobol' {sobol:,} 个点"
        "（{sobol_population}），每点 {draws} 次抽样。每点抽样误差中位数 {se:.2f} 个百分点。",
        "Scenario “{scenario}”, computed {date}; Morris {morris:,} points ({morris_population}), Sobol' {sobol:,} "
        "points ({sobol_population}), {draws} draws per point. Median Monte Carlo error at a point {se:.2f} "
        "percentage points.",
    ),
    "sensitivity.table": ("全部因素（按重要性）", "Every factor (by importance)"),
    "sensitivity.col.factor": ("因素", "Factor"),
    "sensitivity.col.role": ("类别", "Kind"),
    "sensitivity.col.unit": ("单位", "Unit"),
    "sensitivity.col.mu_star": ("μ*（百分点，结果）", "μ* (percentage points, result)"),
    "sensitivity.col.mu_star_conf": ("μ* 95%区间半宽（百分点）", "μ* 95% interval half width (pp)"),
    "sensitivity.role.assumption": ("行为假设", "assumption"),
    "sensitivity.role.lever": ("政策杠杆", "lever"),
}
