"""Every result table of one run as an Excel workbook, units in the header cells, for planners who work in Excel.

Values are written as numbers, never as formatted text: shares stay 0–1 with a percent number format (the header
says “%”), so a planner can compute with them. Wide sheets have one column per measure and statistic, so each
header can carry its unit; long tables whose unit differs by row (targets) keep a unit column instead.
"""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from model.engine.run import Run
from model.engine.targets import CHANNELS
from model.io.spreadsheet import append_row
from model.reports import assessment
from model.reports.brief import allowed_range, is_share_unit, text, unit_text
from model.reports.chart_text import place
from model.reports.chart_text import text as chart_label
from model.schema import calibration, fieldspec
from model.schema.fieldspec import COUNTIES

SHEETS: dict[str, tuple[str, str]] = {
    "about": ("说明", "About"),
    "targets": ("目标", "Targets"),
    "quarterly": ("季度结果", "Quarterly"),
    "annual": ("年度结果", "Annual"),
    "assessment": ("县级考核", "Assessment"),
    "contributions": ("措施贡献", "Contributions"),
    "scenario": ("方案参数", "Scenario"),
    "assumptions": ("假设", "Assumptions"),
}
STATS: dict[str, tuple[str, str]] = {
    "mean": ("均值", "mean"),
    "p10": ("P10", "P10"),
    "p50": ("P50", "P50"),
    "p90": ("P90", "P90"),
}
# model metric → (Chinese, English, unit shown in the header)
METRICS: dict[str, tuple[str, str]] = {
    "net_income_per_capita": ("人均纯收入", "Net income per capita"),
    "wage_income_per_capita": ("人均工资性收入", "Wage income per capita"),
    "production_income_per_capita": ("人均生产经营性收入", "Production income per capita"),
    "property_income_per_capita": ("人均财产性收入", "Property income per capita"),
    "transfer_income_per_capita": ("人均转移性收入", "Transfer income per capita"),
    "production_income_growth_ytd": ("生产经营性收入年度累计同比增幅", "Production income growth, year to date"),
    "falling_production_share": (
        "生产经营收入下降户占比（年度累计）",
        "Share of households whose year-to-date production income fell",
    ),
    "production_income_growth": ("生产经营性收入同比增幅", "Production income growth"),
    "property_income_growth": ("财产性收入同比增幅", "Property income growth"),
    "below_monitoring_line_share": (
        "人均纯收入低于监测线户占比（帮扶后）",
        "Share of households below the monitoring line (after assistance)",
    ),
    "below_monitoring_line_share_before_assistance": (
        "人均纯收入低于监测线户占比（帮扶前）",
        "Share of households below the monitoring line (before assistance)",
    ),
    "assistance_cost": ("防返贫帮扶支出", "Assistance paid by the safety net"),
}
UNIT_HEADERS: dict[str, tuple[str, str]] = {
    "元/人/季度": ("元/人/季度", "yuan per person per quarter"),
    "元/人/年": ("元/人/年", "yuan per person per year"),
    "share, year to date on a year earlier": ("%，同比", "%, on a year earlier"),
    "share, year on year": ("%，同比", "%, year on year"),
    "share 0–1 of households": ("% 农户", "% of households"),
    "万元/年": ("万元/年", "10,000 yuan per year"),
}
PERCENT_FORMAT = "0.0%"
YUAN_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.00"
HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
MAX_WIDTH = 60


def sheet_name(key: str, lang: str) -> str:
    """The sheet's name in ``lang``."""
    zh, en = SHEETS[key]
    return zh if lang == "zh" else en


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[0] if lang == "zh" else pair[1]


def _unit_header(unit: str, lang: str) -> str:
    return _pick(UNIT_HEADERS[unit], lang) if unit in UNIT_HEADERS else unit_text(unit, lang)


def metric_header(metric: str, unit: str, stat: str, lang: str) -> str:
    """E.g. ``人均纯收入（元/人/年，结果）均值``."""
    result = text("kind.result", lang)
    sep = "，" if lang == "zh" else ", "
    left, right = ("（", "）") if lang == "zh" else (" (", ")")
    name = _pick(METRICS[metric], lang)
    return f"{name}{left}{_unit_header(unit, lang)}{sep}{result}{right} {_pick(STATS[stat], lang)}"


def wide_results(
    table: pd.DataFrame,
    period: str,
    lang: str,
    skip: tuple[str, ...] = (),
    stats: tuple[str, ...] = ("mean", "p10", "p50", "p90"),
) -> tuple[pd.DataFrame, dict[str, str]]:
    """A long model table (scope, period, metric, unit, stats) as one row per scope and period.

    Scopes in ``skip`` (counties without households) are left out. Returns the frame (headers in ``lang``) and
    each column's number format.
    """
    table = table[~table["scope"].isin(skip)]
    scope_header = chart_label("scope", lang)
    period_header = chart_label(period, lang)
    metrics = list(dict.fromkeys(table["metric"]))
    units = dict(zip(table["metric"], table["unit"], strict=False))
    keys = table[["scope", period]].drop_duplicates()
    out = pd.DataFrame(
        {scope_header: keys["scope"].map(lambda s: place(s, lang)).to_numpy(), period_header: keys[period].to_numpy()}
    )
    formats: dict[str, str] = {}
    indexed = table.set_index(["scope", period, "metric"])
    for metric in metrics:
        rows = indexed.xs(metric, level="metric").loc[list(zip(keys["scope"], keys[period], strict=True))]
        for stat in stats:
            header = metric_header(metric, units[metric], stat, lang)
            out[header] = rows[stat].to_numpy()
            formats[header] = PERCENT_FORMAT if is_share_unit(units[metric]) else YUAN_FORMAT
    return out, formats


def _targets_frame(run: Run, lang: str) -> tuple[pd.DataFrame, dict[str, str], list[str], list[bool]]:
    """The target checks; values of share targets get a percent format row by row (units differ by row)."""
    zh = lang == "zh"
    headers = {
        "key": text("col.key", lang),
        "label": text("col.target_name", lang),
        "kind": text("col.kind", lang),
        "period": text("col.period", lang),
        "value": "数值（单位见“单位”列）" if zh else "Value (unit in the Unit column)",
        "comparison": "≥/≤",
        "target": "目标（单位见“单位”列）" if zh else "Target (unit in the Unit column)",
        "unit": text("col.unit", lang),
        "probability": "达标概率（%）" if zh else "Probability met (%)",
        "p10": "P10（单位见“单位”列）" if zh else "P10 (unit in the Unit column)",
        "p90": "P90（单位见“单位”列）" if zh else "P90 (unit in the Unit column)",
        "met": text("col.met", lang),
    }
    rows = []
    for c in run.targets.values():
        rows.append(
            {
                "key": c.key,
                "label": c.label(lang),
                "kind": text(f"kind.{c.kind}", lang),
                "period": c.period,
                "value": c.value,
                "comparison": c.comparison,
                "target": c.target,
                "unit": unit_text(c.unit, lang),
                "probability": c.probability,
                "p10": c.p10,
                "p90": c.p90,
                "met": "—" if c.met is None else text("met.yes" if c.met else "met.no", lang),
            }
        )
    frame = pd.DataFrame(rows, columns=list(headers)).rename(columns=headers)
    share_columns = [headers[k] for k in ("value", "target", "p10", "p90")]
    share_rows = [is_share_unit(c.unit) for c in run.targets.values()]
    return frame, {headers["probability"]: PERCENT_FORMAT}, share_columns, share_rows


def _contributions_frame(run: Run, lang: str) -> tuple[pd.DataFrame, dict[str, str]]:
    c = run.contributions
    year_header = chart_label("year", lang)
    out = pd.DataFrame({year_header: sorted(c["year"].unique())})
    formats = {}
    result = text("kind.result", lang)
    for channel in ("organic", *CHANNELS, "per_10k_yuan_all_funds", "per_10k_yuan_industry_funds"):
        rows = c[c["channel"] == channel].set_index("year")
        if rows.empty:
            continue
        unit = unit_text(rows["unit"].iloc[0].split(" ", 1)[0], lang)
        name = chart_label(f"channel.{channel}" if channel in ("organic", *CHANNELS) else channel, lang)
        header = f"{name}（{unit}，{result}）" if lang == "zh" else f"{name} ({unit}, {result})"
        out[header] = out[year_header].map(rows["value"]).to_numpy()
        formats[header] = YUAN_FORMAT
    return out, formats


def _value_header(lang: str) -> str:
    return f"{text('col.value', lang)}（单位见“单位”列）" if lang == "zh" else "Value (unit in the Unit column)"


def _scenario_frame(run: Run, lang: str) -> pd.DataFrame:
    s = run.scenario
    sections = {x.name: x for x in fieldspec.sections()}
    rows = []
    for spec in fieldspec.fields():
        value = s.value(spec.path)
        if spec.type == "county_shares":
            value = "；".join(f"{k}: {v}" for k, v in dict(value).items()) or "—"
        elif spec.type == "bool":
            value = text("yes" if value else "no", lang)
        rows.append(
            {
                text("col.section", lang): sections[spec.section].label(lang),
                ("字段" if lang == "zh" else "Field"): spec.path,
                text("col.field", lang): spec.label(lang),
                _value_header(lang): value,
                text("col.unit", lang): unit_text(spec.unit, lang),
                text("col.range", lang): allowed_range(spec),
                text("col.kind", lang): text(f"kind.{spec.kind}", lang),
                text("col.notice", lang): ("" if spec.notice_id is None else spec.notice_id),
                ("通知下限" if lang == "zh" else "Notice floor"): spec.floor,
                ("通知目标" if lang == "zh" else "Notice target"): spec.target,
                text("col.source", lang): spec.source or "",
                text("col.confidence", lang): spec.confidence or "",
            }
        )
    return pd.DataFrame(rows)


def _stated_range(ends: tuple | None) -> str:
    """A calibration figure's stated range as text: "low – high", or its two whole alternatives."""
    if ends is None:
        return ""
    low, high = ends
    if isinstance(low, int | float) and isinstance(high, int | float):
        return f"{low:,.6g} – {high:,.6g}"
    return f"{low} | {high}"


def _assumptions_frame(run: Run, lang: str) -> pd.DataFrame:
    s = run.scenario
    drawn = s.simulation.draw_assumptions
    rows = []
    for spec in fieldspec.section_fields("assumptions"):
        rows.append(
            {
                ("来源类别" if lang == "zh" else "Group"): text("behavioural", lang),
                text("col.field", lang): spec.path,
                ("名称" if lang == "zh" else "Name"): spec.label(lang),
                _value_header(lang): s.value(spec.path),
                text("col.unit", lang): unit_text(spec.unit, lang),
                text("col.range", lang): allowed_range(spec),
                text("col.year", lang): "",
                text("col.drawn", lang): text(
                    "yes" if drawn and not spec.name.endswith("_ramp_quarters") else "no", lang
                ),
                text("col.source", lang): spec.source or "",
                text("col.confidence", lang): spec.confidence or "",
                text("col.note", lang): "",
            }
        )
    for fig in calibration.figures().values():
        if not fig.assumption:
            continue
        value = fig.value if isinstance(fig.value, int | float) else str(fig.value)
        rows.append(
            {
                ("来源类别" if lang == "zh" else "Group"): text("calibration", lang),
                text("col.field", lang): fig.key,
                ("名称" if lang == "zh" else "Name"): fig.key,
                _value_header(lang): value,
                text("col.unit", lang): fig.unit,
                text("col.range", lang): _stated_range(fig.stated_range),
                text("col.year", lang): fig.year,
                text("col.drawn", lang): text("no", lang),
                text("col.source", lang): fig.source,
                text("col.confidence", lang): fig.confidence,
                text("col.note", lang): fig.note,
            }
        )
    return pd.DataFrame(rows)


def _assessment_frame(run: Run, lang: str) -> tuple[pd.DataFrame, dict[str, str]]:
    table = run.result.assessment_table()
    out = pd.DataFrame({assessment.label(k, lang): table[k] for k in assessment.COLUMNS})
    out[assessment.label("county", lang)] = table["county"].map(lambda c: place(c, lang))
    out[assessment.label("wudan", lang)] = table["wudan"].map(lambda w: text("yes" if w else "no", lang))
    formats = {}
    for key, (_, _, how) in assessment.COLUMNS.items():
        formats[assessment.label(key, lang)] = {
            "share": PERCENT_FORMAT,
            "pp": DECIMAL_FORMAT,
            "points": DECIMAL_FORMAT,
            "count": "#,##0.0",
        }.get(how, "General")
    return out, formats


def _about_frame(run: Run, lang: str, generated: dt.date) -> pd.DataFrame:
    s = run.scenario
    rows = [
        (text("title", lang), ""),
        (text("population", lang), run.population_label),
        (text("scenario", lang), s.name),
        (text("description", lang), s.description),
        (text("horizon", lang), f"{s.simulation.start_quarter}–{s.simulation.end_quarter}"),
        (text("draws", lang), f"{s.simulation.draws} / {s.simulation.seed}"),
        ("生成日期" if lang == "zh" else "Generated", generated.isoformat()),
        (text("col.note", lang), text("note", lang, draws=run.result.draws)),
    ]
    return pd.DataFrame(rows, columns=[text("col.field", lang), text("col.value", lang)])


def _width(value: object) -> int:
    """Display width of a cell: CJK characters count double."""
    s = value if isinstance(value, str) else (f"{value:,.2f}" if isinstance(value, float) else str(value))
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in s)


def _write(
    ws: Worksheet,
    frame: pd.DataFrame,
    formats: dict[str, str] | None = None,
    frozen_columns: int = 0,
    share_cells: tuple[list[str], list[bool]] | None = None,
) -> None:
    """Write a frame with a bold, wrapped, frozen header row, number formats and sensible widths.

    ``share_cells`` = (columns, one flag per row): cells of flagged rows in those columns get a percent format.
    """
    formats = formats or {}
    append_row(ws, [str(c) for c in frame.columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in frame.itertuples(index=False):
        append_row(
            ws, [None if isinstance(v, float) and v != v else (v.item() if hasattr(v, "item") else v) for v in row]
        )
    for j, column in enumerate(frame.columns, start=1):
        letter = get_column_letter(j)
        fmt = formats.get(column)
        if fmt and fmt != "General":
            for (cell,) in ws.iter_rows(min_row=2, min_col=j, max_col=j):
                cell.number_format = fmt
        widest = max([min(_width(column), 28), *(_width(v) for v in frame[column].head(500))])
        ws.column_dimensions[letter].width = min(MAX_WIDTH, max(8, widest + 2))
    if share_cells is not None:
        columns, flags = share_cells
        positions = [list(frame.columns).index(c) + 1 for c in columns]
        for i, share in enumerate(flags, start=2):
            for col in positions if share else ():
                ws.cell(row=i, column=col).number_format = PERCENT_FORMAT
    ws.freeze_panes = ws.cell(row=2, column=frozen_columns + 1)


def workbook_bytes(run: Run, lang: str = "zh", generated: dt.date | None = None) -> bytes:
    """The workbook of ``run`` as XLSX bytes (sheets :data:`SHEETS`, headers in ``lang``)."""
    generated = generated or dt.datetime.now(dt.UTC).date()
    wb = Workbook()
    wb.remove(wb.active)
    result = run.result

    _write(wb.create_sheet(sheet_name("about", lang)), _about_frame(run, lang, generated))
    targets, target_formats, share_columns, share_rows = _targets_frame(run, lang)
    _write(
        wb.create_sheet(sheet_name("targets", lang)),
        targets,
        target_formats,
        1,
        share_cells=(share_columns, share_rows),
    )
    empty = tuple(c for c, n in zip(COUNTIES, result.households, strict=True) if n <= 0)
    frame, formats = wide_results(result.quarterly_table(), "quarter", lang, empty)
    _write(wb.create_sheet(sheet_name("quarterly", lang)), frame, formats, 2)
    frame, formats = wide_results(result.annual_table(), "year", lang, empty)
    _write(wb.create_sheet(sheet_name("annual", lang)), frame, formats, 2)
    frame, formats = _assessment_frame(run, lang)
    _write(wb.create_sheet(sheet_name("assessment", lang)), frame, formats, 2)
    frame, formats = _contributions_frame(run, lang)
    _write(wb.create_sheet(sheet_name("contributions", lang)), frame, formats, 1)
    frame = _scenario_frame(run, lang)
    shares = [spec.type == "float" and is_share_unit(spec.unit) for spec in fieldspec.fields()]
    floors = ["通知下限" if lang == "zh" else "Notice floor", "通知目标" if lang == "zh" else "Notice target"]
    _write(
        wb.create_sheet(sheet_name("scenario", lang)),
        frame,
        frozen_columns=3,
        share_cells=([_value_header(lang), *floors], shares),
    )
    frame = _assumptions_frame(run, lang)
    shares = [spec.type == "float" and is_share_unit(spec.unit) for spec in fieldspec.section_fields("assumptions")]
    shares += [False] * sum(fig.assumption for fig in calibration.figures().values())  # as written, 0–1
    _write(
        wb.create_sheet(sheet_name("assumptions", lang)),
        frame,
        frozen_columns=3,
        share_cells=([_value_header(lang)], shares),
    )
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def workbook_filename(run: Run, lang: str = "zh") -> str:
    """A download file name, e.g. ``模拟结果.xlsx``."""
    return "模拟结果.xlsx" if lang == "zh" else "simulation_results.xlsx"
