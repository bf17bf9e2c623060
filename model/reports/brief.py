"""The dispatch-meeting brief (N20): one self-contained HTML file that prints well on A4, in Chinese by default.

It says which population and scenario were simulated, which targets are met or missed, how the counties are
assessed in the chosen quarter, shows the key charts as embedded images and lists every assumption the numbers
rest on. Every number carries its unit and period and is marked input, assumption or result. All text coming
from a scenario, a population label or the model is escaped: scenario files come from anywhere.
"""

from __future__ import annotations

import base64
import datetime as dt
import logging
import math
from collections.abc import Callable, Iterable
from html import escape

import altair as alt
import pandas as pd

from model.engine.run import Run
from model.engine.targets import ASSESSMENT_YEAR, TargetCheck, p_met_text
from model.reports import assessment, charts
from model.reports.chart_text import place
from model.reports.export import chart_png, chart_svg
from model.schema import calibration, fieldspec
from model.schema.fieldspec import FieldSpec
from model.schema.text import pick
from model.schema.units import is_share_unit, unit_text

LEVER_SECTIONS = ("funds", "linking", "dual_binding", "microcredit", "tourism", "training", "collective", "consumption")
SETTING_SECTIONS = ("targets", "simulation")
IMAGE_FORMATS = ("png", "svg")


TEXTS: dict[str, tuple[str, str]] = {
    "title": ("曲靖市脱贫人口增收调度会简报", "Qujing household-income dispatch-meeting brief"),
    "subtitle": ("{quarter} 季度调度会 · 生成日期 {date}", "{quarter} dispatch meeting · generated {date}"),
    "note": (
        "本简报为情景模拟结果，不是统计数据。“输入”为方案设定，“假设”为行为假设或校准假设，“结果”为模型模拟"
        "（{draws}次蒙特卡洛抽样的均值，P10–P90为抽样区间）。",
        "This brief shows simulated scenarios, not statistics. “Input”: set by the scenario; “assumption”: "
        "behavioural or calibration assumption; “result”: simulated (mean of {draws} Monte Carlo draws, "
        "P10–P90 across draws).",
    ),
    "s.scenario": ("一、人口数据与方案", "1. Population and scenario"),
    "s.targets": ("二、目标完成情况", "2. Targets met and missed"),
    "s.assessment": ("三、{quarter} 各县考核", "3. County assessment, {quarter}"),
    "s.charts": ("四、主要图表", "4. Key charts"),
    "s.assumptions": ("五、所依据的假设", "5. Assumptions the results rest on"),
    "population": ("人口数据", "Population"),
    "scenario": ("方案名称", "Scenario"),
    "description": ("方案说明", "Description"),
    "horizon": ("模拟期间", "Horizon"),
    "draws": ("抽样次数与随机种子", "Draws and seed"),
    "compared": ("对比方案", "Compared scenarios"),
    "levers": ("主要措施（输入；{period}）", "Key levers (inputs; {period})"),
    "settings": ("规划阈值与模拟设置（输入）", "Planner thresholds and simulation settings (inputs)"),
    "breaks": ("低于通知要求的措施：{items}", "Levers below the notice's requirement: {items}"),
    "no_breaks": ("各项措施均不低于通知要求。", "No lever is below the notice's requirement."),
    "col.section": ("类别", "Group"),
    "col.field": ("项目", "Item"),
    "col.value": ("数值", "Value"),
    "col.unit": ("单位", "Unit"),
    "col.kind": ("性质", "Kind"),
    "col.period": ("期间", "Period"),
    "col.notice": ("通知要求", "Notice requirement"),
    "col.status": ("是否符合", "Meets it"),
    "col.range": ("取值范围", "Allowed range"),
    "col.source": ("来源", "Source"),
    "col.confidence": ("可信度", "Confidence"),
    "col.key": ("编号", "Key"),
    "col.target": ("目标", "Target"),
    "col.target_name": ("指标", "Target"),
    "col.probability": ("达标概率", "Probability met"),
    "col.band": ("P10–P90", "P10–P90"),
    "col.met": ("是否达标", "Met"),
    "col.year": ("年份", "Year"),
    "col.note": ("说明", "Note"),
    "col.drawn": ("是否随机抽取", "Drawn"),
    "col.mean_points": ("季均扣分（分/季度，结果，均值）", "Average points lost per quarter (result, mean)"),
    "col.flag_probability": (
        "达到“五单式”阈值的概率（%，结果）",
        "Probability of reaching the five-list threshold (%, result)",
    ),
    "kind.input": ("输入", "input"),
    "kind.assumption": ("假设", "assumption"),
    "kind.result": ("结果", "result"),
    "met.yes": ("达标", "met"),
    "met.no": ("未达标", "missed"),
    "met.none": ("—", "—"),
    "ok.yes": ("符合", "yes"),
    "ok.no": ("低于要求", "below"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "floor": ("≥ {value}（{id}）", "≥ {value} ({id})"),
    "target": ("目标 {value}（{id}）", "target {value} ({id})"),
    "per_year": ("每年，{start}–{end}", "per year, {start}–{end}"),
    "threshold_note": (
        "“五单式”阈值：季均扣分 ≥ {threshold} 分（输入）；每高于全市占比1个百分点扣{per}分（通知N3）。",
        "Five-list threshold: average ≥ {threshold} points per quarter (input); {per} point per "
        "percentage point above the city share (notice N3).",
    ),
    "review": ("{text}（{quarters}）各县季均扣分", "{text} ({quarters}): average points lost per county"),
    "review_missing": ("{text}：该期间不在模拟范围内。", "{text}: the period was not simulated."),
    "no_counties": (
        "人口数据中没有农户的县不参加考核：{items}",
        "Counties without households are not assessed: {items}",
    ),
    "behavioural": ("行为假设（方案中的数值）", "Behavioural assumptions (the scenario's values)"),
    "drawn_note": (
        "本方案{state}按取值范围随机抽取行为假设（三角分布，众数为方案值；达产时长类不抽取）。",
        "This scenario {state} draw the behavioural assumptions from their ranges (triangular, mode at "
        "the scenario's value; ramp lengths are never drawn).",
    ),
    "drawn.yes": ("已", "does"),
    "drawn.no": ("未", "does not"),
    "calibration": (
        "人口与收入校准中的假设（默认人口数据的生成依据）",
        "Assumptions in the population and income calibration (how the default population is built)",
    ),
    "chart_failed": ("图表无法生成：{chart}", "The chart could not be drawn: {chart}"),
    "chart.assessment": ("{quarter} 各县考核", "County assessment, {quarter}"),
}

CHART_KEYS = ("assessment", "income", "county_growth", "falling_share", "points_lost", "contributions", "distribution")

CSS = """
@page { size: A4; margin: 16mm 14mm; }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif;
       font-size: 10.5pt; color: #111; max-width: 190mm; margin: 0 auto; line-height: 1.45; }
h1 { font-size: 18pt; margin: 0 0 2mm 0; }
h2 { font-size: 13pt; border-bottom: 1.5px solid #333; padding-bottom: 1mm; margin-top: 7mm;
     break-after: avoid; page-break-after: avoid; }
h3 { font-size: 11pt; margin: 4mm 0 1.5mm 0; break-after: avoid; page-break-after: avoid; }
p.sub { color: #444; margin: 0 0 3mm 0; }
p.note { font-size: 9pt; color: #333; background: #f4f4f4; padding: 2mm 3mm; }
table { border-collapse: collapse; width: 100%; margin: 2mm 0 3mm 0; font-size: 8.8pt; }
th, td { border: 0.6px solid #999; padding: 1mm 1.5mm; text-align: left; vertical-align: top; }
th { background: #e8e8e8; }
td.num { text-align: right; white-space: nowrap; }
tr { break-inside: avoid; page-break-inside: avoid; }
thead { display: table-header-group; }
tr.bad td { background: #fde8e6; }
tr.good td.met { color: #185c1f; font-weight: bold; }
tr.bad td.met { color: #a4161a; font-weight: bold; }
figure { margin: 3mm 0; break-inside: avoid; page-break-inside: avoid; text-align: center; }
figure img, figure svg { max-width: 100%; height: auto; }
figcaption { font-size: 9pt; color: #333; }
section.charts { break-before: page; page-break-before: always; }
section.assumptions { break-before: page; page-break-before: always; }
"""


def text(key: str, lang: str, **values: object) -> str:
    """A label of the brief in ``lang`` (not escaped)."""
    return pick(TEXTS[key], lang, **values)


def number(value: object, unit: str = "") -> str:
    """A value as printed, without its unit: shares as percentages, large numbers grouped."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        v = float(value)
        if math.isnan(v):
            return "—"
        if is_share_unit(unit):
            return f"{v * 100:.1f}%"
        if v.is_integer() and abs(v) < 1e15:
            return f"{v:,.0f}"
        return f"{v:,.0f}" if abs(v) >= 1000 else f"{v:,.2f}"
    if isinstance(value, dict):
        return "；".join(f"{k}: {number(v, unit)}" for k, v in value.items()) or "—"
    return str(value)


def field_value(spec: FieldSpec, value: object, lang: str) -> str:
    """A scenario field's value as printed."""
    if spec.type == "bool":
        return text("yes" if value else "no", lang)
    if spec.type == "county_shares":
        return "；".join(f"{place(c, lang)}: {float(v) * 100:.1f}%" for c, v in dict(value).items()) or "—"
    return number(value, spec.unit)


def _requirement(spec: FieldSpec, lang: str) -> str:
    if spec.floor is not None:
        return text("floor", lang, value=number(spec.floor, spec.unit), id=spec.notice_id)
    if spec.target is not None:
        return text("target", lang, value=number(spec.target, spec.unit), id=spec.notice_id)
    return spec.notice_id or ""


def breaks_notice(spec: FieldSpec, value: object) -> bool | None:
    """True when the value is below the notice's floor or target; None when the notice sets no number."""
    required = spec.floor if spec.floor is not None else spec.target
    if required is None or not isinstance(value, int | float):
        return None
    return float(value) < required - 1e-9


# ------------------------------------------------------------------------------------- HTML helpers
def _cell(value: object, css: str = "") -> str:
    cls = f' class="{css}"' if css else ""
    return f"<td{cls}>{escape(str(value))}</td>"


def _table(headers: Iterable[str], rows: Iterable[tuple[list[tuple[object, str]], str]]) -> str:
    """An HTML table; each row is ([(value, css class)], row css class); everything escaped."""
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = []
    for cells, row_css in rows:
        cls = f' class="{row_css}"' if row_css else ""
        body.append(f"<tr{cls}>" + "".join(_cell(v, c) for v, c in cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _frame_table(frame: pd.DataFrame, numeric: Iterable[str] = ()) -> str:
    numeric = set(numeric)
    rows = [
        ([(v, "num" if c in numeric else "") for c, v in zip(frame.columns, row, strict=True)], "")
        for row in frame.itertuples(index=False)
    ]
    return _table(frame.columns, rows)


def _dl(items: list[tuple[str, str]]) -> str:
    return _table([items[0][0], items[0][1]], [([(k, ""), (v, "")], "") for k, v in items[1:]])


# ------------------------------------------------------------------------------------- sections
def _scenario_section(run: Run, runs: dict[str, Run], lang: str) -> str:
    s = run.scenario
    sim = s.simulation
    period = text("per_year", lang, start=sim.start_quarter, end=sim.end_quarter)
    overview = [
        (text("col.field", lang), text("col.value", lang)),
        (text("population", lang), run.population_label),
        (text("scenario", lang), s.name),
        (text("description", lang), s.description or "—"),
        (text("horizon", lang), f"{sim.start_quarter}–{sim.end_quarter}"),
        (text("draws", lang), f"{sim.draws} / {sim.seed}"),
    ]
    if len(runs) > 1:
        overview.append((text("compared", lang), "、".join(runs) if lang == "zh" else ", ".join(runs)))
    parts = [f"<h2>{escape(text('s.scenario', lang))}</h2>", _dl(overview)]

    headers = [
        text(k, lang)
        for k in ("col.section", "col.field", "col.value", "col.unit", "col.kind", "col.notice", "col.status")
    ]
    sections = {x.name: x for x in fieldspec.sections()}
    broken, rows = [], []
    for spec in fieldspec.fields():
        if spec.section not in LEVER_SECTIONS:
            continue
        value = s.value(spec.path)
        bad = breaks_notice(spec, value)
        if bad:
            broken.append(spec.label(lang))
        status = "" if bad is None else text("ok.no" if bad else "ok.yes", lang)
        rows.append(
            (
                [
                    (sections[spec.section].label(lang), ""),
                    (spec.label(lang), ""),
                    (field_value(spec, value, lang), "num"),
                    (unit_text(spec.unit, lang), ""),
                    (text("kind.input", lang), ""),
                    (_requirement(spec, lang), ""),
                    (status, "met"),
                ],
                "bad" if bad else "",
            )
        )
    parts += [f"<h3>{escape(text('levers', lang, period=period))}</h3>", _table(headers, rows)]
    sep = "、" if lang == "zh" else ", "
    summary = text("breaks", lang, items=sep.join(broken)) if broken else text("no_breaks", lang)
    parts.append(f"<p>{escape(summary)}</p>")

    setting_rows = []
    for spec in fieldspec.fields():
        if spec.section in SETTING_SECTIONS:
            setting_rows.append(
                (
                    [
                        (sections[spec.section].label(lang), ""),
                        (spec.label(lang), ""),
                        (field_value(spec, s.value(spec.path), lang), "num"),
                        (unit_text(spec.unit, lang), ""),
                        (text("kind.input", lang), ""),
                        (spec.source or "", ""),
                    ],
                    "",
                )
            )
    parts += [
        f"<h3>{escape(text('settings', lang))}</h3>",
        _table(
            [text(k, lang) for k in ("col.section", "col.field", "col.value", "col.unit", "col.kind", "col.source")],
            setting_rows,
        ),
    ]
    return "\n".join(parts)


def _target_value(check: TargetCheck, value: float | None) -> str:
    return number(value, check.unit)


def _targets_section(run: Run, lang: str) -> str:
    headers = [
        text(k, lang)
        for k in (
            "col.key",
            "col.target_name",
            "col.kind",
            "col.period",
            "col.value",
            "col.target",
            "col.unit",
            "col.probability",
            "col.band",
            "col.met",
        )
    ]
    rows = []
    for check in run.targets.values():
        target = "—" if check.target is None else f"{check.comparison} {_target_value(check, check.target)}"
        band = "—" if check.p10 is None else f"{_target_value(check, check.p10)} – {_target_value(check, check.p90)}"
        probability = p_met_text(check)
        met = text("met.none" if check.met is None else ("met.yes" if check.met else "met.no"), lang)
        rows.append(
            (
                [
                    (check.key, ""),
                    (check.label(lang), ""),
                    (text(f"kind.{check.kind}", lang), ""),
                    (check.period, ""),
                    (_target_value(check, check.value), "num"),
                    (target, "num"),
                    (unit_text(check.unit, lang), ""),
                    (probability, "num"),
                    (band, "num"),
                    (met, "met"),
                ],
                "" if check.met is None else ("good" if check.met else "bad"),
            )
        )
    required = run.scenario.targets.required_probability
    note = {
        "zh": f"“达标”指达标概率 ≥ 要求的达标概率 {required * 100:.0f}%（输入）；± 后为达标概率的蒙特卡洛标准误"
        f"（{run.result.draws} 次抽样）。",
        "en": f"“Met”: the probability of meeting the target is at least the required {required * 100:.0f}% (input); "
        f"± its Monte Carlo standard error ({run.result.draws} draws).",
    }["zh" if lang == "zh" else "en"]
    return "\n".join([f"<h2>{escape(text('s.targets', lang))}</h2>", _table(headers, rows), f"<p>{escape(note)}</p>"])


def _assessment_section(run: Run, quarter: str, lang: str) -> str:
    result = run.result
    view = assessment.assessment_view(result, quarter, lang)
    numeric = [c for c in view.columns if c not in (assessment.label("county", lang),)]
    parts = [f"<h2>{escape(text('s.assessment', lang, quarter=quarter))}</h2>", _frame_table(view, numeric)]
    targets = result.scenario.targets
    note = text("threshold_note", lang, threshold=number(targets.wudan_points_threshold), per=assessment.POINTS_PER_PP)
    parts.append(f"<p>{escape(note)}</p>")
    missing = [place(c, lang) for c, n in zip(fieldspec.COUNTIES, result.households, strict=True) if n <= 0]
    if missing:
        sep = "、" if lang == "zh" else ", "
        parts.append(f"<p>{escape(text('no_counties', lang, items=sep.join(missing)))}</p>")
    key, year, quarters = assessment.review_period(quarter)
    review_text = assessment.label(key, lang, year=year, quarter=quarter)
    review = assessment.period_points(result, quarters)
    if review.empty:
        parts.append(f"<p>{escape(text('review_missing', lang, text=review_text))}</p>")
    else:
        heading = text("review", lang, text=review_text, quarters=review["quarters"].iloc[0])
        parts.append(f"<h3>{escape(heading)}</h3>")
        frame = pd.DataFrame(
            {
                assessment.label("county", lang): review["county"].map(lambda c: place(c, lang)),
                text("col.mean_points", lang): review["mean_points"].map(lambda v: f"{v:.2f}"),
                text("col.flag_probability", lang): review["flag_probability"].map(lambda v: f"{v * 100:.0f}%"),
            }
        )
        parts.append(_frame_table(frame, frame.columns[1:]))
    return "\n".join(parts)


def _charts(run: Run, runs: dict[str, Run], quarter: str, lang: str) -> dict[str, Callable[[], alt.TopLevelMixin]]:
    return {
        "assessment": lambda: assessment.assessment_chart(run.result, lang, quarter),
        "income": lambda: charts.income_bands_chart(runs, lang),
        "county_growth": lambda: charts.county_growth_chart(runs, lang),
        "falling_share": lambda: charts.falling_share_chart(runs, lang),
        "points_lost": lambda: charts.points_lost_chart(runs, lang),
        "contributions": lambda: charts.contributions_chart(runs, lang),
        "distribution": lambda: charts.distribution_chart(runs, lang),
    }


def chart_image(chart: alt.TopLevelMixin, image_format: str = "png") -> str:
    """The chart as an HTML image element: a base64 PNG, or inline SVG (vl-convert, CJK font registered)."""
    if image_format == "svg":
        return chart_svg(chart)
    data = base64.b64encode(chart_png(chart)).decode("ascii")
    return f'<img alt="" src="data:image/png;base64,{data}">'


def _charts_section(
    run: Run, runs: dict[str, Run], quarter: str, lang: str, image_format: str, chart_keys: Iterable[str]
) -> str:
    builders = _charts(run, runs, quarter, lang)
    parts = [f"<h2>{escape(text('s.charts', lang))}</h2>"]
    for key in chart_keys:
        try:
            image = chart_image(builders[key](), image_format)
        except Exception:  # a chart that cannot be drawn must not cost the planner the whole brief
            logging.getLogger(__name__).exception("brief chart %s failed", key)
            parts.append(f"<p>{escape(text('chart_failed', lang, chart=key))}</p>")
            continue
        caption = text("chart.assessment", lang, quarter=quarter) if key == "assessment" else ""
        figcaption = f"<figcaption>{escape(caption)}</figcaption>" if caption else ""
        parts.append(f'<figure data-chart="{escape(key)}">{image}{figcaption}</figure>')
    return '<section class="charts">' + "\n".join(parts) + "</section>"


def _assumptions_section(run: Run, lang: str) -> str:
    s = run.scenario
    drawn = s.simulation.draw_assumptions
    headers = [
        text(k, lang)
        for k in (
            "col.field",
            "col.value",
            "col.unit",
            "col.kind",
            "col.range",
            "col.drawn",
            "col.source",
            "col.confidence",
        )
    ]
    rows = []
    for spec in fieldspec.section_fields("assumptions"):
        is_drawn = drawn and not spec.name.endswith("_ramp_quarters")
        rows.append(
            (
                [
                    (spec.label(lang), ""),
                    (field_value(spec, s.value(spec.path), lang), "num"),
                    (unit_text(spec.unit, lang), ""),
                    (text("kind.assumption", lang), ""),
                    (allowed_range(spec), "num"),
                    (text("yes" if is_drawn else "no", lang), ""),
                    (spec.source or "", ""),
                    (spec.confidence or "", ""),
                ],
                "",
            )
        )
    state = text("drawn.yes" if drawn else "drawn.no", lang)
    cal_rows = []
    for figure in calibration.figures().values():
        if not figure.assumption:
            continue
        scalar = isinstance(figure.value, int | float)
        cal_rows.append(
            (
                [
                    (figure.key, ""),
                    (number(figure.value, figure.unit), "num" if scalar else ""),
                    (figure.unit, ""),
                    (text("kind.assumption", lang), ""),
                    (figure.year, ""),
                    (figure.source, ""),
                    (figure.confidence, ""),
                    (figure.note, ""),
                ],
                "",
            )
        )
    cal_headers = [
        text(k, lang)
        for k in (
            "col.field",
            "col.value",
            "col.unit",
            "col.kind",
            "col.year",
            "col.source",
            "col.confidence",
            "col.note",
        )
    ]
    return "\n".join(
        [
            '<section class="assumptions">',
            f"<h2>{escape(text('s.assumptions', lang))}</h2>",
            f"<h3>{escape(text('behavioural', lang))}</h3>",
            f"<p>{escape(text('drawn_note', lang, state=state))}</p>",
            _table(headers, rows),
            f"<h3>{escape(text('calibration', lang))}</h3>",
            _table(cal_headers, cal_rows),
            "</section>",
        ]
    )


def allowed_range(spec: FieldSpec) -> str:
    """The allowed range as printed (shares in %)."""
    if is_share_unit(spec.unit):
        return f"{number(spec.min, spec.unit)} – {number(spec.max, spec.unit)}"
    return spec.allowed()


# ------------------------------------------------------------------------------------- the document
def default_quarter(quarters: list[str]) -> str:
    """The quarter a brief reports unless told: the notice year's fourth (the year-end assessment), else the first."""
    wanted = f"{ASSESSMENT_YEAR}Q4"
    return wanted if wanted in quarters else quarters[0]


def brief_html(
    run: Run,
    quarter: str,
    lang: str = "zh",
    *,
    runs: dict[str, Run] | None = None,
    generated: dt.date | None = None,
    image_format: str = "png",
    chart_keys: Iterable[str] = CHART_KEYS,
) -> str:
    """The dispatch-meeting brief of ``run`` for ``quarter`` as one self-contained HTML page.

    ``runs`` (display name → run, ``run`` among them) are drawn side by side in the shared charts; by default
    only ``run``. Raises ValueError for a quarter the run does not report or an unknown image format.
    """
    if image_format not in IMAGE_FORMATS:
        raise ValueError(f"image_format must be one of {', '.join(IMAGE_FORMATS)}")
    if quarter not in run.result.reported_quarters:
        raise ValueError(
            f"quarter {quarter} is not among the reported quarters "
            f"{run.result.reported_quarters[0]}–{run.result.reported_quarters[-1]}"
        )
    runs = runs or {run.scenario.name: run}
    generated = generated or dt.datetime.now(dt.UTC).date()
    title = f"{text('title', lang)} · {run.scenario.name} · {quarter}"
    html_lang = "zh-CN" if lang == "zh" else "en"
    body = [
        f"<h1>{escape(text('title', lang))}</h1>",
        f'<p class="sub">{escape(text("subtitle", lang, quarter=quarter, date=generated.isoformat()))}</p>',
        f'<p class="note">{escape(text("note", lang, draws=run.result.draws))}</p>',
        _scenario_section(run, runs, lang),
        _targets_section(run, lang),
        _assessment_section(run, quarter, lang),
        _charts_section(run, runs, quarter, lang, image_format, chart_keys),
        _assumptions_section(run, lang),
    ]
    return (
        f'<!DOCTYPE html>\n<html lang="{html_lang}"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{CSS}</style></head>\n<body>\n" + "\n".join(body) + "\n</body></html>\n"
    )


def brief_filename(run: Run, quarter: str, lang: str = "zh") -> str:
    """A safe download file name, e.g. ``调度会简报_2023Q3.html``."""
    stem = "调度会简报" if lang == "zh" else "dispatch_brief"
    return f"{stem}_{quarter}.html"
