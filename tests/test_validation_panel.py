"""The model-validation panel and what it reads: the stored back-test (round trip, refusals), its chart, and the
panel in AppTest — a stored result shown with what it rests on, a broken one refused, nothing computed on a visit,
a back-test on a weighted sample when asked, the fitted parameters with their source."""

from __future__ import annotations

import json
import math
from dataclasses import replace

import pytest

from model.analyses import backtest_record as br
from model.analyses.backtest import backtest_population, run_backtest
from model.cli.main import main
from model.reports.validation_charts import backtest_chart, backtest_frame
from model.schema import calibration
from tests.panel_harness import charts, started

SAMPLE = 1_000


@pytest.fixture(scope="module")
def record():
    population = backtest_population(SAMPLE)
    run, checks = run_backtest(population)
    return br.record_of(run, checks, population.n, True, 1.5)


@pytest.fixture()
def folder(tmp_path, monkeypatch):
    monkeypatch.setattr(br, "RESULTS_DIR", tmp_path)
    return tmp_path


def _rests_on(panel) -> str:
    """The caption saying what the back-test table rests on (markdown escapes removed)."""
    captions = [c.value.replace("\\", "") for c in panel.caption]
    return next(c for c in captions if c.startswith(("本表依据", "This table rests on")))


def validation_panel_script():
    """A page holding only the model-validation panel."""
    from tests.panel_harness import render_panel

    render_panel("ui.draw.panels.validation", draws=2)


# ------------------------------------------------------------------------------------------ the stored record
def test_a_record_round_trips_through_its_file(record, folder):
    path = br.write_record(record)
    assert br.stored_record() == path == folder / br.RECORD_FILE
    assert br.read_record(path) == record
    assert record.households == SAMPLE and record.weighted_sample and record.draws == 256
    assert [c.role for c in record.checks].count("fitted") == 3


def _refusal(data: bytes) -> str:
    with pytest.raises(br.BacktestRecordError) as caught:
        br.parse_record(data)
    message = caught.value.message("zh")
    assert message.startswith("回测结果无法读取") and len(message) < 120
    return caught.value.message("en")


@pytest.mark.parametrize(
    ("change", "says"),
    [
        (lambda d: {**d, "version": 2}, "version must be 1"),
        (lambda d: {**d, "checks": []}, "missing"),
        (lambda d: {**d, "draws": True}, "invalid"),
        (lambda d: {**d, "weighted_sample": "yes"}, "invalid"),
        (lambda d: {**d, "population": "x" * 1_000}, "invalid"),
        (lambda d: {**d, "checks": [{**d["checks"][0], "role": "tuned"}]}, "invalid"),
        (lambda d: {**d, "checks": [{**d["checks"][0], "p10": math.nan}]}, "invalid"),
        (lambda d: {k: v for k, v in d.items() if k != "date"}, "missing"),
    ],
)
def test_a_damaged_record_is_refused_with_a_bounded_message(record, change, says):
    data = json.dumps(change(record.as_dict())).encode("utf-8")
    assert says in _refusal(data)


def test_a_file_that_is_not_a_record_is_refused():
    assert "not UTF-8 JSON" in _refusal(b"\xff\xfe not json")
    assert "over" in _refusal(b" " * (br.MAX_RECORD_BYTES + 1))
    assert "version" in _refusal(b"[1, 2]")


def test_the_backtest_command_keeps_its_result_for_the_page(folder, capsys):
    assert main(["backtest", "--sample", "600", "--save"]) == 0
    kept = br.read_record(folder / br.RECORD_FILE)
    assert kept.households == 600 and kept.weighted_sample and kept.draws == 256
    assert "2022年生产经营性收入增幅" in capsys.readouterr().out


# ------------------------------------------------------------------------------------------ the chart
def test_the_chart_has_a_row_per_figure_on_its_own_scale_with_every_field_titled(record):
    frame = backtest_frame(record.checks, "zh")
    assert len(frame) == len(record.checks)
    growth = record.checks[0]
    assert frame["published"][0] == pytest.approx(growth.published * 100)  # shares in percent
    assert frame["mean"][3] == pytest.approx(record.checks[3].model_mean)  # yuan per person as they are
    assert frame["figure"][0] == "2022年生产经营性收入增幅（同比增幅 %；拟合）"
    assert "元/人/年" in frame["figure"][3] and "留出检验" in frame["figure"][4]
    spec = backtest_chart(record.checks, "en").to_dict()
    assert spec["resolve"]["scale"]["x"] == "independent"
    assert spec["facet"]["row"]["title"] == "Figure (unit; role)"
    assert "published value (red diamond, input)" in spec["title"]
    for layer in spec["spec"]["layer"]:
        for channel, definition in layer["encoding"].items():
            for one in definition if isinstance(definition, list) else [definition]:
                assert "title" in one or channel == "x2", (channel, one)


# ------------------------------------------------------------------------------------------ the panel
def test_without_a_stored_backtest_the_panel_says_how_to_make_one_and_runs_nothing(folder):
    panel = started(validation_panel_script)
    assert panel.info and "python -m model backtest --save" in panel.info[0].value
    assert not charts(panel)
    assert panel.button(key="validation.run.start")
    fitted = panel.dataframe[0].value
    assert len(fitted) == sum(k.startswith("fitted.") for k in calibration.figures())
    assert "拟合值（结果）" in set(fitted["性质"]) and "预测采用（假设，由拟合值推出）" in set(fitted["性质"])
    production = calibration.figures()["fitted.organic_growth_production_2022"]  # as calibration.toml holds it
    assert f"{production.value:.1%}" in set(fitted["数值"]) and f"{production.sd:.1%}" in set(fitted["标准差"])
    assert fitted["参数"][0] == "生产经营收入自然增长率(无新增措施)" and set(fitted["单位"]) == {"%/年"}


def test_a_stored_backtest_shows_its_table_chart_and_what_it_rests_on(folder, record):
    full = replace(record, households=252_514, weighted_sample=False)
    br.write_record(full)
    panel = started(validation_panel_script)
    assert not panel.info
    table = panel.dataframe[0].value
    assert list(table.columns) == [
        "指标",
        "单位",
        "公布值（输入）",
        "模型均值（结果）",
        "模型P10–P90（结果）",
        "公布值在区间内",
        "用途",
        "来源",
    ]
    assert len(table) == len(record.checks)
    below = record.checks[4]
    row = table[table["指标"] == below.label_zh].iloc[0]
    assert row["公布值（输入）"] == "0.0%" and row["用途"] == "留出检验" and row["公布值在区间内"] == "否"
    assert row["单位"] == "占农户 %" and row["来源"] == below.source
    assert len(charts(panel)) == 1
    rests_on = _rests_on(panel)
    assert "252,514 户" in rests_on and "256 次抽样" in rests_on and "加权样本" not in rests_on


def test_a_broken_stored_backtest_is_refused_without_a_traceback(folder):
    (folder / br.RECORD_FILE).write_text('{"version": 1, "checks": "<b>x</b>"}', encoding="utf-8")
    panel = started(validation_panel_script)
    assert panel.error and "回测结果无法读取" in panel.text[0].value
    assert not charts(panel)


def test_a_backtest_runs_on_a_weighted_sample_when_asked_and_speaks_english(folder, monkeypatch):
    from ui.draw.panels import validation

    monkeypatch.setattr(validation, "SAMPLE_SIZES", (SAMPLE, 6_000))
    panel = started(validation_panel_script)
    panel.button(key="validation.run.start").click().run()
    assert not panel.exception
    assert panel.selectbox(key="validation.source").value == "page"
    assert len(panel.dataframe) == 2 and len(charts(panel)) == 1
    rests_on = _rests_on(panel)
    assert f"{SAMPLE:,} 户" in rests_on and "256 次抽样" in rests_on and "加权样本" in rests_on
    panel.session_state["test_lang"] = "en"
    panel.run()
    assert not panel.exception
    table = panel.dataframe[0].value
    assert "Published (input)" in table.columns and "held out" in set(table["Role"])
    assert "% of households" in set(table["Unit"])
    rests_on = _rests_on(panel)
    assert f"{SAMPLE:,} households simulated, 256 draws" in rests_on and "weighted sample" in rests_on


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_panel_shows_no_unit_of_the_other_language_and_titles_every_chart_field(folder, record, lang):
    from tests.test_page_language import CHINESE_UNITS, ENGLISH_UNITS, untitled_chart_fields, visible_texts

    br.write_record(record)
    panel = started(validation_panel_script)
    panel.session_state["test_lang"] = lang
    panel.run()
    assert not panel.exception and len(charts(panel)) == 1
    text = "\n".join(visible_texts(panel))
    foreign = ENGLISH_UNITS if lang == "zh" else CHINESE_UNITS
    assert not sorted(u for u in foreign if u in text)
    assert not untitled_chart_fields(panel)
