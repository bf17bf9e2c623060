"""The sensitivity panel in AppTest: a stored result shown as a sentence and a tornado, a broken one refused, and
nothing computed on a visit."""

from __future__ import annotations

import json

import pytest

from model.analyses import sensitivity as sa
from tests.panel_harness import charts, started


def sensitivity_panel_script():
    """A page holding only the sensitivity panel."""
    from tests.panel_harness import render_panel

    render_panel("ui.draw.panels.sensitivity", draws=2)


@pytest.fixture(scope="module")
def stored_result(small_population):
    from model.schema.scenario import load_scenario
    from model.sweep.runner import InProcess
    from tests.test_sensitivity import ROOT, few_factors

    scenario = load_scenario(ROOT / "scenarios" / "notice_2023.toml")
    budget = sa.with_budget(sa.default_budget(), trajectories=2, draws=1, base_samples=4, sobol_factors=2)
    return sa.run_sensitivity(scenario, small_population, InProcess(), budget, factors=few_factors(scenario))


@pytest.fixture()
def folder(tmp_path, monkeypatch):
    monkeypatch.setattr(sa, "RESULTS_DIR", tmp_path)
    return tmp_path


def test_without_a_stored_result_the_page_says_how_to_make_one_and_runs_nothing(folder):
    panel = started(sensitivity_panel_script)
    assert panel.info and "python -m model sensitivity" in panel.info[0].value
    assert not charts(panel) and not panel.text
    assert panel.button(key="sensitivity.run")


def test_a_stored_result_shows_its_sentence_and_tornado(folder, stored_result):
    (folder / "notice_2023.json").write_text(json.dumps(stored_result), encoding="utf-8")
    panel = started(sensitivity_panel_script)
    assert panel.text[0].value.startswith("N1 的结论主要取决于：生产经营收入自然增长率")
    assert len(charts(panel)) == 1
    panel.session_state["test_lang"] = "en"
    panel.run()
    panel.radio(key="sensitivity.output").set_value("N2").run()
    panel.radio(key="sensitivity.measure").set_value("mu_star").run()
    assert not panel.exception
    assert panel.text[0].value.startswith("N2's verdict depends mostly on")
    assert len(charts(panel)) == 1


def test_a_broken_stored_result_is_refused_without_a_traceback(folder):
    (folder / "broken.json").write_text('{"version": 1, "factors": "<b>x</b>"}', encoding="utf-8")
    panel = started(sensitivity_panel_script)
    assert panel.error and panel.text and "无法读取" in panel.text[0].value
    assert not charts(panel)


def test_a_small_analysis_runs_on_the_page_when_asked(folder, monkeypatch):
    from model.schema.scenario import load_scenario
    from tests.test_sensitivity import ROOT, few_factors

    factors = few_factors(load_scenario(ROOT / "scenarios" / "notice_2023.toml"))
    monkeypatch.setattr(sa, "all_factors", lambda base: factors)
    panel = started(sensitivity_panel_script)
    panel.button(key="sensitivity.run").click().run()
    assert not panel.exception
    assert panel.selectbox(key="sensitivity.source").value == "page"
    assert panel.text[0].value.startswith("N1 的结论主要取决于")
    assert len(charts(panel)) == 1
