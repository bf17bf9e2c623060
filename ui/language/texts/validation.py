"""The model-validation panel: the 2022 back-test against the published figures, and the fitted parameters."""

TEXTS = {
    "page.nav.validation": ("模型校验", "Model validation"),
    "validation.title": (
        "模型校验：2022年回测与拟合参数",
        "Model validation: the 2022 back-test and fitted parameters",
    ),
    "validation.intro": (
        "回测：模型从2021年水平出发，运行2022年的政策，再与2022年公布的数据比较。三项增幅为“拟合”（自然增长率"
        "据此确定），其余为“留出检验”（未据此调整任何参数）。公布值在模型P10–P90区间之外的，如实列出。"
        "说明见 docs/VALIDATION.md。",
        "Back-test: the model starts from 2021 levels, runs 2022's policy and is compared with what was published "
        "for 2022. Three growth figures are “fitted” (the organic growth rates are chosen to meet them); the others "
        "are “held out” (nothing was tuned to them). A published value outside the model's P10–P90 is shown as it "
        "is. Explanations: docs/VALIDATION.md.",
    ),
    "validation.backtest_heading": ("#### 2022年回测", "#### The 2022 back-test"),
    "validation.source": ("回测结果", "Back-test result"),
    "validation.source.stored": ("已保存的结果（{file}）", "Stored result ({file})"),
    "validation.source.page": ("本页运行的结果", "Run on this page"),
    "validation.none_stored": (
        "尚无保存的回测结果（out/backtest/backtest.json）。全部农户的回测请在命令行运行："
        "python -m model backtest --save；或在下方用加权样本在本页运行。",
        "No stored back-test yet (out/backtest/backtest.json). For the back-test on every household run "
        "python -m model backtest --save from the command line, or run it on this page on a weighted sample below.",
    ),
    "validation.refused": ("该回测结果文件未被接受：", "The back-test file was refused:"),
    "validation.rests_on": (
        "本表依据：{source}；{population}，模拟 {households:,} 户，{draws} 次抽样，"
        "{date} 计算，用时 {seconds:.0f} 秒。",
        "This table rests on: {source}; {population}, {households:,} households simulated, {draws} draws, "
        "computed {date} in {seconds:.0f} s.",
    ),
    "validation.sample_note": (
        "（加权样本：结果比全部农户的回测粗糙）",
        " (a weighted sample: coarser than the back-test on every household)",
    ),
    "validation.col.figure": ("指标", "Figure"),
    "validation.col.unit": ("单位", "Unit"),
    "validation.col.published": ("公布值（输入）", "Published (input)"),
    "validation.col.mean": ("模型均值（结果）", "Model mean (result)"),
    "validation.col.band": ("模型P10–P90（结果）", "Model P10–P90 (result)"),
    "validation.col.inside": ("公布值在区间内", "Published inside the band"),
    "validation.col.role": ("用途", "Role"),
    "validation.col.source": ("来源", "Source"),
    "validation.run_header": ("在本页运行回测", "Run the back-test on this page"),
    "validation.sample_size": ("加权样本户数", "Households in the weighted sample"),
    "validation.run_help": (
        "从2021年的默认人口中抽取加权样本（按县户数加权还原），运行2022年政策 {draws} 次抽样；可随时取消。",
        "A weighted sample of the 2021 default population (weighted back to the county totals), 2022's policy, "
        "{draws} draws; can be cancelled at any time.",
    ),
    "validation.run": ("运行回测", "Run the back-test"),
    "validation.running": (
        "回测计算中（{households:,} 户样本）……",
        "Back-test running ({households:,}-household sample)…",
    ),
    "validation.fitted_heading": (
        "#### 拟合参数（calibration.toml [fitted]）",
        "#### Fitted parameters (calibration.toml [fitted])",
    ),
    "validation.fitted_intro": (
        "2022年的自然增长率使回测的增幅与公布值一致（拟合，结果）；预测各年采用的自然增长率由其推出：2022年超出长期"
        "增速的部分按“持续程度”延续（假设，见 docs/MODEL.md 第11节）。标准差为各次抽样所用的离散程度。",
        "2022's organic growth rates make the back-test's growth equal the published growth (fitted, a result); the "
        "rates a projection draws follow from them: 2022's excess over the long-run rate persists by the "
        "persistence (an assumption, docs/MODEL.md §11). The standard deviation is the spread the draws use.",
    ),
    "validation.col.parameter": ("参数", "Parameter"),
    "validation.col.year": ("年份", "Year"),
    "validation.col.value": ("数值", "Value"),
    "validation.col.sd": ("标准差", "Standard deviation"),
    "validation.col.kind": ("性质", "Kind"),
    "validation.col.confidence": ("可信度", "Confidence"),
    "validation.kind.fitted": ("拟合值（结果）", "fitted (result)"),
    "validation.kind.projection": ("预测采用（假设，由拟合值推出）", "used by projections (assumption, from the fit)"),
}
