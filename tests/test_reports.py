"""The dispatch-meeting brief (HTML), the result workbook (XLSX) and the two page panels that offer them."""

from __future__ import annotations

import base64
import datetime as dt
import io
import re
from html import escape

import numpy as np
import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from model.engine.result import CITY
from model.engine.run import run_scenario
from model.engine.targets import p_met_text
from model.reports import assessment, brief, workbook
from model.schema import calibration, fieldspec
from model.schema.fieldspec import COUNTIES
from model.schema.units import unit_text

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
DAY = dt.date(2026, 11, 29)
EVIL = "<script>alert('x')</script> & 方案"


@pytest.fixture(scope="module")
def notice_run(small_runs):
    return small_runs["2023年通知"]


@pytest.fixture(scope="module")
def baseline_run(small_runs):
    return small_runs["基线"]


@pytest.fixture(scope="module")
def full_brief(notice_run, small_runs):
    """The Chinese brief with every chart as PNG, both scenarios in the charts."""
    return brief.brief_html(notice_run, "2023Q3", "zh", runs=small_runs, generated=DAY)


@pytest.fixture(scope="module")
def evil_run(small_population, notice_run):
    scenario = notice_run.scenario.with_changes(
        {"name": EVIL, "description": "<img src=x onerror=alert(1)>", "simulation.draws": 2}
    )
    return run_scenario(small_population, scenario)


# ------------------------------------------------------------------------------------- brief
def test_brief_is_one_printable_page_with_the_sections(full_brief):
    html = full_brief
    assert html.startswith("<!DOCTYPE html>") and '<html lang="zh-CN">' in html
    assert "@page { size: A4" in html and "page-break-before" in html
    for key in ("s.scenario", "s.targets", "s.charts", "s.assumptions"):
        assert escape(brief.text(key, "zh")) in html
    assert escape(brief.text("s.assessment", "zh", quarter="2023Q3")) in html
    assert "2023Q3" in html and "2026-11-29" in html
    for interactive in ("<script", "<input", "<button", "<iframe"):
        assert interactive not in html.lower()
    # N20: the Q3 meeting reviews the first half
    assert escape(assessment.label("review.Q3", "zh", year="2023")) in html


def test_brief_names_population_scenario_and_levers_below_the_notice(full_brief, notice_run, baseline_run):
    html = full_brief
    assert escape(notice_run.population_label) in html
    assert escape(notice_run.scenario.name) in html and escape(notice_run.scenario.description) in html
    for spec in fieldspec.fields():
        if spec.section in brief.LEVER_SECTIONS:
            assert escape(spec.label("zh")) in html
    assert escape(brief.text("no_breaks", "zh")) in html  # the notice's scenario keeps every floor
    baseline = brief.brief_html(baseline_run, "2023Q4", "zh", generated=DAY, chart_keys=())
    tourism = fieldspec.by_path()["tourism.households_reached"].label("zh")
    central = fieldspec.by_path()["funds.industry_share_central"].label("zh")
    match = re.search(r"低于通知要求的措施：([^<]*)<", baseline)
    assert match is not None
    assert tourism in match.group(1) and central in match.group(1)  # 4,000 < 10,000 farmers; 52.5 % < 60 %
    assert baseline.count('<tr class="bad">') >= 3


def test_brief_lists_every_target_with_value_unit_probability_and_verdict(full_brief, notice_run):
    html = full_brief
    for check in notice_run.targets.values():
        assert f"<td>{escape(check.key)}</td>" in html
        assert escape(check.label("zh")) in html
    n1 = notice_run.targets["N1"]
    assert f"{n1.value * 100:.1f}%" in html and "&gt;= 20.0%" in html
    verdicts = html.count(">达标<") + html.count(">未达标<") + html.count(">—<")
    assert verdicts >= len(notice_run.targets)
    assert "同比增幅 %" in html and "万元/年" in html
    for key in ("N1", "N2", "N3", "below_line"):
        shown = p_met_text(notice_run.targets[key])
        assert " ± " in shown and f'<td class="num">{escape(shown)}</td>' in html, key
    assert f'<td class="num">{p_met_text(notice_run.targets["N5"])}</td>' in html  # a money rule: no error
    assert f"蒙特卡洛标准误（{notice_run.result.draws} 次抽样）" in html


def test_brief_has_the_county_table_of_the_quarter(full_brief, notice_run):
    table = assessment.quarter_assessment(notice_run.result, "2023Q3")
    assert len(table) == len(COUNTIES)
    for row in table.itertuples():
        households = assessment.shown_value(row.households, "count", "zh")
        cells = (
            f'<td>{row.county}</td><td class="num">{households}</td>'
            f'<td class="num">{round(row.falling_share * 100, 1)}</td>'
        )
        assert cells in full_brief
    for key in assessment.PAGE_COLUMNS:
        assert f"<th>{escape(assessment.label(key, 'zh'))}</th>" in full_brief


def test_brief_embeds_every_key_chart_as_a_png(full_brief):
    images = re.findall(r'<figure data-chart="([a-z_]+)"><img alt="" src="data:image/png;base64,([^"]+)">', full_brief)
    assert [key for key, _ in images] == list(brief.CHART_KEYS)
    for _, data in images:
        assert base64.b64decode(data)[:8] == PNG_SIGNATURE
    assert "图表无法生成" not in full_brief


def test_brief_lists_every_assumption_with_unit_range_source_and_confidence(full_brief, notice_run):
    section = full_brief[full_brief.index('<section class="assumptions">') :]
    for spec in fieldspec.section_fields("assumptions"):
        assert escape(spec.label("zh")) in section
        assert escape(brief.allowed_range(spec)) in section
        if spec.source:
            assert escape(spec.source) in section
    for figure in calibration.figures().values():
        assert (f"<td>{escape(figure.key)}</td>" in section) == figure.assumption
    growth = fieldspec.by_path()["assumptions.organic_growth_production"]
    value = notice_run.scenario.assumptions.organic_growth_production
    assert f'<td>{escape(growth.label("zh"))}</td><td class="num">{value * 100:.1f}%</td>' in section


def test_brief_escapes_every_text_from_the_scenario(evil_run):
    html = brief.brief_html(
        evil_run, "2023Q1", "zh", generated=DAY, image_format="svg", chart_keys=("assessment", "income")
    )
    assert "<script" not in html and "<img src=x" not in html
    assert escape(EVIL) in html
    assert html.count("<svg") >= 2  # inline SVG charts, legend with the escaped scenario name
    # the Q1 meeting reviews the previous year, which was not simulated
    assert "该期间不在模拟范围内" in html


def test_brief_in_english_and_refusals(evil_run):
    html = brief.brief_html(evil_run, "2023Q2", "en", generated=DAY, chart_keys=())
    assert '<html lang="en">' in html and "Targets met and missed" in html
    assert "County assessment, 2023Q2" in html and "Qilin" in html
    with pytest.raises(ValueError, match="2023Q1"):
        brief.brief_html(evil_run, "2031Q1", "zh")
    with pytest.raises(ValueError, match="png, svg"):
        brief.brief_html(evil_run, "2023Q1", "zh", image_format="gif")


def test_a_chart_that_fails_does_not_cost_the_brief(evil_run, monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError("no data")

    monkeypatch.setattr(brief.charts, "income_bands_chart", broken)
    html = brief.brief_html(
        evil_run, "2023Q1", "zh", generated=DAY, image_format="svg", chart_keys=("income", "assessment")
    )
    assert "图表无法生成：income" in html and "no data" not in html  # never an exception's text
    assert html.count("<figure") == 1


@pytest.mark.parametrize(
    ("value", "unit", "shown"),
    [
        (0.1725, "share 0–1", "17.2%"),
        (55_000.0, "万元/年", "55,000"),
        (2.5, "分/季度", "2.50"),
        (None, "", "—"),
        (float("nan"), "万元/年", "—"),
        (1234.5, "元/人/年", "1,234"),
    ],
)
def test_numbers_are_printed_in_their_units_form(value, unit, shown):
    assert brief.number(value, unit) == shown


# ------------------------------------------------------------------------------------- workbook
@pytest.fixture(scope="module")
def book(notice_run):
    return openpyxl.load_workbook(io.BytesIO(workbook.workbook_bytes(notice_run, "zh", generated=DAY)))


def _header(ws) -> list[str]:
    return [c.value for c in ws[1]]


def _rows(ws) -> list[dict]:
    header = _header(ws)
    return [dict(zip(header, row, strict=True)) for row in ws.iter_rows(min_row=2, values_only=True)]


def test_workbook_has_every_sheet_with_a_frozen_header(book):
    assert book.sheetnames == [workbook.sheet_name(k, "zh") for k in workbook.SHEETS]
    for ws in book:
        assert ws.freeze_panes is not None and ws.freeze_panes[-1] == "2"
        assert all(ws.column_dimensions[c.column_letter].width >= 8 for c in ws[1])
        assert all(isinstance(v, str) and v for v in _header(ws))


def test_result_sheet_headers_carry_units_and_kind(book):
    for key in ("quarterly", "annual"):
        headers = _header(book[workbook.sheet_name(key, "zh")])[2:]
        assert headers
        for header in headers:
            assert re.search(r"（(元/人/(季度|年)|万元/年|%.*)，结果）", header), header
    assert "人均纯收入（元/人/年，结果） 均值" in _header(book[workbook.sheet_name("annual", "zh")])
    for header in _header(book[workbook.sheet_name("contributions", "zh")])[1:]:
        assert re.search(r"（元/(人/年|万元)，结果）$", header), header
    assessment_headers = _header(book[workbook.sheet_name("assessment", "zh")])
    assert assessment_headers == [assessment.label(k, "zh") for k in assessment.COLUMNS]


def test_quarterly_and_annual_values_match_the_models_tables(book, notice_run):
    result = notice_run.result
    quarterly = result.quarterly_table()
    rows = _rows(book[workbook.sheet_name("quarterly", "zh")])
    assert len(rows) == 10 * len(result.reported_quarters)
    header = workbook.metric_header("net_income_per_capita", "元/人/季度", "p90", "zh")
    for row in rows[::7]:
        scope = CITY if row["范围"] == "全市" else row["范围"]
        expected = quarterly[
            (quarterly["scope"] == scope)
            & (quarterly["quarter"] == row["季度"])
            & (quarterly["metric"] == "net_income_per_capita")
        ]["p90"].item()
        assert row[header] == pytest.approx(expected)
    annual = result.annual_table()
    share = workbook.metric_header("below_monitoring_line_share", "share 0–1 of households", "mean", "zh")
    city_2023 = next(
        r for r in _rows(book[workbook.sheet_name("annual", "zh")]) if r["范围"] == "全市" and r["年份"] == 2023
    )
    expected = annual[
        (annual["scope"] == CITY) & (annual["year"] == 2023) & (annual["metric"] == "below_monitoring_line_share")
    ]["mean"].item()
    assert city_2023[share] == pytest.approx(expected)
    ws = book[workbook.sheet_name("annual", "zh")]
    column = _header(ws).index(share) + 1
    assert ws.cell(row=2, column=column).number_format == workbook.PERCENT_FORMAT


def test_assessment_and_targets_sheets_match(book, notice_run):
    table = notice_run.result.assessment_table()
    rows = _rows(book[workbook.sheet_name("assessment", "zh")])
    assert len(rows) == len(table)
    for row, expected in zip(rows, table.itertuples(), strict=True):
        assert row[assessment.label("quarter", "zh")] == expected.quarter
        assert row[assessment.label("county", "zh")] == expected.county
        assert row[assessment.label("points_lost", "zh")] == pytest.approx(expected.points_lost)
        assert row[assessment.label("falling_share", "zh")] == pytest.approx(expected.falling_share)
        assert row[assessment.label("rank", "zh")] == expected.rank
    targets = _rows(book[workbook.sheet_name("targets", "zh")])
    assert [r["编号"] for r in targets] == list(notice_run.targets)
    n3 = next(r for r in targets if r["编号"] == "N3")
    assert n3["数值（单位见“单位”列）"] == pytest.approx(notice_run.targets["N3"].value)
    assert n3["单位"] == unit_text("share 0–1 of households", "zh") == "占农户 %"


def test_scenario_and_assumption_sheets_hold_every_field(book, notice_run):
    scenario = _rows(book[workbook.sheet_name("scenario", "zh")])
    assert [r["字段"] for r in scenario] == [f.path for f in fieldspec.fields()]
    central = next(r for r in scenario if r["字段"] == "funds.central_10k_yuan")
    assert central["数值（单位见“单位”列）"] == notice_run.scenario.funds.central_10k_yuan
    assert central["单位"] == "万元/年" and central["取值范围"] == "0 – 600,000" and central["性质"] == "输入"
    assumptions = _rows(book[workbook.sheet_name("assumptions", "zh")])
    paths = [r["项目"] for r in assumptions]
    assert paths[: len(fieldspec.section_fields("assumptions"))] == [
        f.path for f in fieldspec.section_fields("assumptions")
    ]
    assert {k for k, f in calibration.figures().items() if f.assumption} <= set(paths)
    assert all(r["性质" if "性质" in r else "可信度"] for r in assumptions)


def test_english_workbook(notice_run):
    book = openpyxl.load_workbook(io.BytesIO(workbook.workbook_bytes(notice_run, "en", generated=DAY)))
    assert book.sheetnames == [workbook.sheet_name(k, "en") for k in workbook.SHEETS]
    headers = _header(book["Annual"])
    assert "Net income per capita (yuan per person per year, result) mean" in headers
    assert book["Assessment"]["B2"].value in {
        "Qilin",
        "Zhanyi",
        "Malong",
        "Xuanwei",
        "Fuyuan",
        "Luoping",
        "Shizong",
        "Luliang",
        "Huize",
    }


# ------------------------------------------------------------------------------------- page panels
def _panel_script(panel: str, previews: tuple[str, ...] = ()) -> None:
    """Draws one panel with two scenarios simulated on twelve households (the AppTest script)."""
    import importlib

    import pandas as pd

    from model.engine.run import run_scenario
    from model.population.table import population_from_frame
    from model.schema.scenario import default_scenario
    from ui.draw.context import PageContext

    rows = [
        {
            "household_id": f"h{i}",
            "county": county,
            "village": "v",
            "size": 3,
            "workers": 2,
            "type": "脱贫户",
            "industry_willing": i % 2 == 0,
            "dual_bound": False,
            "microcredit_yuan": 0.0,
            "transferable_land_mu": 0.0,
            "wage_income_2022": 9_000.0,
            "production_income_2022": 2_000.0 * (i + 1),
            "property_income_2022": 300.0,
            "transfer_income_2022": 1_500.0,
        }
        for i, county in enumerate(["麒麟区", "沾益区", "马龙区", "宣威市"] * 3)
    ]
    population = population_from_frame(pd.DataFrame(rows), "test")
    base = default_scenario().with_changes({"simulation.draws": 2, "simulation.end_quarter": "2024Q4"})
    runs = {
        "A": run_scenario(population, base),
        "B": run_scenario(population, base.with_changes({"name": "B", "microcredit.new_lending_10k_yuan": 0})),
    }
    ctx = PageContext(
        lang="zh",
        population=population,
        runs=runs,
        active="B",
        run_cached=lambda s: run_scenario(population, s),
        previews=frozenset(previews),
    )
    importlib.import_module(f"ui.draw.panels.{panel}").render(ctx)


def test_assessment_panel_shows_the_table_and_chart_and_follows_the_quarter():
    at = AppTest.from_function(_panel_script, args=("assessment",), default_timeout=60).run()
    assert not at.exception
    assert at.selectbox(key="assessment.scenario").value == "B"
    assert at.selectbox(key="assessment.quarter").value == "2023Q4"
    assert len(at.dataframe) == 1
    frame = at.dataframe[0].value
    assert len(frame) == 4 and assessment.label("points_lost", "zh") in frame.columns
    assert at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")
    at.selectbox(key="assessment.quarter").set_value("2024Q2").run()
    assert not at.exception
    assert any("2024Q2" in m.label for m in at.metric)
    at.radio(key="assessment.view").set_value("all").run()
    assert not at.exception


def test_brief_panel_offers_both_downloads():
    at = AppTest.from_function(_panel_script, args=("brief",), default_timeout=60).run()
    assert not at.exception
    assert at.selectbox(key="brief.quarter").value == "2023Q4"
    at.selectbox(key="brief.quarter").set_value("2024Q1").run()
    at.radio(key="brief.lang").set_value("en").run()
    at.checkbox(key="brief.compare").check().run()
    assert not at.exception
    assert len(at.get("download_button")) == 2


def test_a_preview_is_marked_and_its_brief_waits_for_the_full_run():
    at = AppTest.from_function(_panel_script, args=("brief", ("B",)), default_timeout=60).run()
    assert not at.exception
    assert any("快速预览" in info.value for info in at.info)
    assert all(button.proto.disabled for button in at.get("download_button"))
    at.selectbox(key="brief.scenario").set_value("A").run()
    assert not any(button.proto.disabled for button in at.get("download_button"))


def test_the_panels_texts_exist_in_both_languages():
    from ui.language.texts import assessment as assessment_texts
    from ui.language.texts import brief as brief_texts

    for texts in (assessment_texts.TEXTS, brief_texts.TEXTS):
        for key, (zh, en) in texts.items():
            assert zh and en, key
            assert set(re.findall(r"{(\w+)}", zh)) == set(re.findall(r"{(\w+)}", en)), key
    assert np.all([k.startswith("assessment.") for k in assessment_texts.TEXTS])
    assert np.all([k.startswith("brief.") for k in brief_texts.TEXTS])
