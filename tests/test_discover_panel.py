"""The discovery panel in AppTest: a small sweep run on the page, an upload refused cleanly, an upload read."""

from __future__ import annotations

import pytest

from tests.panel_harness import charts, started
from tests.test_discover import _synthetic_sweep


def discover_panel_script():
    """A page holding only the discovery panel, on the 3,000-household sample with 4 draws."""
    from tests.panel_harness import render_panel

    render_panel("ui.draw.panels.discover", draws=4)


@pytest.fixture()
def panel():
    return started(discover_panel_script)


def test_a_small_sweep_on_the_page_shows_a_rule_and_its_chart(panel):
    panel.number_input(key="discover.points").set_value(8).run()
    panel.number_input(key="discover.draws").set_value(2).run()
    panel.button(key="discover.run").click().run()
    assert not panel.exception
    rule = panel.text[0].value
    assert "N1" in rule and "达标" in rule
    assert len(charts(panel)) == 1
    assert panel.metric[2].value.endswith("/ 8")


def test_a_bad_upload_is_refused_with_a_message_and_no_traceback(panel):
    panel.session_state["test_lang"] = "en"
    panel.file_uploader(key="discover.upload").set_value(
        ("results.parquet", b"not parquet", "application/octet-stream")
    )
    panel.run()
    assert not panel.exception
    assert panel.error and "refused" in panel.error[0].value
    assert "not a readable Parquet file" in panel.text[0].value
    assert not charts(panel)


def test_an_uploaded_sweep_gives_its_rule(panel, tmp_path):
    raw = (_synthetic_sweep(tmp_path) / "results.parquet").read_bytes()
    panel.session_state["test_lang"] = "en"
    panel.file_uploader(key="discover.upload").set_value(("results.parquet", raw, "application/octet-stream"))
    panel.run()
    assert not panel.exception and not panel.error
    assert "no later than 2023Q2" in panel.text[0].value
    panel.radio(key="discover.dimensions").set_value("all").run()
    assert "no later than 2023Q2" in panel.text[0].value
    panel.multiselect(key="discover.targets").set_value([]).run()
    assert not panel.exception and not panel.text
    assert panel.info and "Choose at least one target" in panel.info[0].value
