"""The import panel in AppTest: upload (good, bad, personal), both modes, using and leaving the imported table."""

from __future__ import annotations

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from model.population.table import Population
from tests.household_samples import HEAD, as_text, csv_bytes, good_frame, xlsx_bytes
from ui.language.formats import plain

CSV = "text/csv"


def panel_script() -> None:
    """A page holding only the panel, on a one-household default population so the test needs no simulation."""
    import streamlit as st

    from model.io.household_files import read_household_file, template_csv_bytes
    from ui.draw.context import PageContext
    from ui.draw.panels.households import render

    if "test_default" not in st.session_state:
        st.session_state["test_default"] = read_household_file(template_csv_bytes(), "模板.csv").population
    imported = st.session_state.get("imported_population")
    population = imported if imported is not None else st.session_state["test_default"]
    lang = st.session_state.get("test_lang", "zh")
    render(PageContext(lang=lang, population=population, runs={}, active="", run_cached=lambda s: None))


@pytest.fixture(autouse=True)
def _clear_caches():
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture
def app() -> AppTest:
    at = AppTest.from_function(panel_script, default_timeout=30)
    at.run()
    assert not at.exception
    return at


def upload(at: AppTest, name: str, data: bytes, mime: str = CSV) -> AppTest:
    at.file_uploader(key="households.upload").set_value((name, data, mime)).run()
    assert not at.exception
    return at


def bad_table() -> bytes:
    frame = as_text(good_frame(6))
    frame.insert(0, "身份证号", [f"99887766554433221{i}" for i in range(6)])
    frame.loc[2, HEAD["county"]] = "昆明市"
    return csv_bytes(frame, "gbk")


def test_first_view_names_the_population_and_offers_templates(app):
    assert any(plain("模板.csv") in info.value for info in app.info)
    labels = [b.label for b in app.get("download_button")]
    assert "下载模板（CSV）" in labels and "下载模板（XLSX）" in labels
    assert app.button(key="households.back").disabled


def test_good_upload_then_use_then_back(app):
    upload(app, "good.csv", csv_bytes(as_text(good_frame(18)), "gbk"))
    assert app.success and "18" in app.success[0].value
    assert len(app.dataframe) == 1
    preview = app.dataframe[0].value
    assert preview.iloc[:, 1].sum() == 18
    app.button(key="households.use").click().run()
    assert not app.exception
    population = app.session_state["imported_population"]
    assert isinstance(population, Population) and population.n == 18
    assert any("导入的农户表" in info.value and plain("good.csv") in info.value for info in app.info)
    assert app.button(key="households.use").disabled
    app.button(key="households.back").click().run()
    assert "imported_population" not in app.session_state
    assert any("内置人口数据" in info.value for info in app.info)


def test_bad_rows_strict_refuses_and_drop_mode_accepts_the_rest(app):
    upload(app, "bad.csv", bad_table())
    assert app.error and "1" in app.error[0].value
    report = app.dataframe[0].value
    assert list(report.columns) == ["行", "列", "值", "问题"]
    assert report.iloc[0].tolist()[:3] == [4, HEAD["county"], "昆明市"]
    assert "身份证号" in app.info[-1].value
    assert not any("99887766554433221" in str(df.value.to_csv()) for df in app.dataframe)
    assert len(app.button) == 1  # only "back": no "use" button for a refused file

    app.radio(key="households.mode").set_value("drop_bad_rows").run()
    assert not app.exception
    assert app.warning and "5" in app.warning[0].value
    app.button(key="households.use").click().run()
    assert app.session_state["imported_population"].n == 5


def test_xlsx_upload_in_english():
    at = AppTest.from_function(panel_script, default_timeout=30)
    at.session_state["test_lang"] = "en"
    at.run()
    buffer = xlsx_bytes(good_frame(9))
    upload(at, "good.xlsx", buffer, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert "9 households can be imported" in at.success[0].value
    assert at.dataframe[0].value.columns[0] == "County"


def test_unreadable_upload_is_refused_without_crashing(app):
    upload(app, "broken.xlsx", b"PK\x03\x04 not a workbook", "application/octet-stream")
    assert app.error
    assert isinstance(app.dataframe[0].value, pd.DataFrame)
    assert "imported_population" not in app.session_state


def test_removing_the_file_forgets_the_outcome(app):
    upload(app, "good.csv", csv_bytes(as_text(good_frame(6))))
    app.file_uploader(key="households.upload").set_value(None).run()
    assert not app.exception and not app.success


def test_a_county_without_any_loan_is_named_in_a_warning(app):
    """Every Qujing county lent in 2022: a county whose uploaded loans are all 0 is likely missing data, and the
    model would read its every loan as a new borrower's (docs/MODEL.md §4.4), so the panel says so, by name."""
    frame = good_frame(18)
    frame[HEAD["microcredit_yuan"]] = 30_000.0
    first = frame[HEAD["county"]] == frame.loc[0, HEAD["county"]]
    frame.loc[first, HEAD["microcredit_yuan"]] = 0.0
    upload(app, "loans.csv", csv_bytes(as_text(frame), "gbk"))
    assert app.success
    warnings = [w.value for w in app.warning if "小额信贷" in w.value]
    assert len(warnings) == 1 and frame.loc[0, HEAD["county"]] in warnings[0]
    assert sum(county in warnings[0] for county in frame[HEAD["county"]].unique()) == 1

    frame[HEAD["microcredit_yuan"]] = 30_000.0
    upload(app, "loans.csv", csv_bytes(as_text(frame), "gbk"))
    assert not [w for w in app.warning if "小额信贷" in w.value]
