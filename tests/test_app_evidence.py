"""The model's evidence on the target cards, in AppTest on the 3,000-household sample: P(met) with its Monte Carlo
error, N1/N2 by source and N1 if 2022 repeated, the below-line share before assistance, capacity flags."""

from __future__ import annotations

import re

import pytest

from model.engine.targets import p_met_text
from tests.panel_harness import started
from ui.draw.card_details import OTHER, growth_parts

OVER_CAPACITY = "超出可吸收能力"


def cards_script():
    """The cards of two scenarios: the notice's (full run) and one asking more tourism than the market takes
    (marked as a preview)."""
    import streamlit as st

    from tests.panel_harness import ROOT

    if "test_runs" not in st.session_state:
        from model.engine.run import run_scenario
        from model.population.synth import sample_population
        from model.schema.scenario import load_scenario

        pop = sample_population(3_000)
        notice = load_scenario(ROOT / "scenarios" / "notice_2023.toml").with_changes({"simulation.draws": 8})
        crowded = notice.with_changes({"name": "旅游过多", "tourism.households_reached": 100_000})
        st.session_state["test_runs"] = {s.name: run_scenario(pop, s) for s in (notice, crowded)}
    from ui.draw.cards import draw_cards
    from ui.session.runs import SlotRun

    runs = st.session_state["test_runs"]
    slots = {name: SlotRun(run, ("test", name), final=i == 0) for i, (name, run) in enumerate(runs.items())}
    draw_cards(slots, next(iter(runs)), st.session_state.get("test_lang", "zh"))


@pytest.fixture(scope="module")
def page():
    return started(cards_script)


def _runs(page):
    return list(page.session_state["test_runs"].values())


def _captions(page) -> list[str]:
    return [c.value for c in page.caption]


def test_every_outcome_card_shows_p_met_with_its_monte_carlo_error(page):
    captions = " ".join(_captions(page))
    for run in _runs(page):
        for key in ("N1", "N2", "N3", "below_line"):
            check = run.targets[key]
            shown = p_met_text(check)
            assert re.fullmatch(r"\d+% ± \d+(\.\d)?%", shown), shown
            assert f"P(达标) {shown}" in captions, key
    assert f"{_runs(page)[0].result.draws} 次抽样的平均值" in captions  # the draws the verdict rests on


def test_n1_and_n2_show_their_growth_by_source_and_n1_if_2022_repeats(page):
    run = _runs(page)[0]
    lines = [c for c in _captions(page) if c.startswith("其中（百分点，结果）")]
    assert len(lines) == 4  # N1 and N2 of both scenarios
    organic = run.targets["N1"].detail["decomposition"]["organic"]
    assert f"自然增长 {organic * 100:+.1f}" in lines[0]
    assert lines[2].endswith("（预览）") and not lines[0].endswith("（预览）")
    what_if = [c for c in _captions(page) if "假设情景" in c]
    assert len(what_if) == 2  # N1 only: property income has no fitted 2022 rate
    repeated = run.targets["N1"].detail["if_2022_repeats"]
    assert f"{repeated['value'] * 100:.1f}%" in what_if[0] and "不是预测" in what_if[0]
    assert f"{repeated['organic_rate'] * 100:.1f}%/年" in what_if[0]


def test_the_below_line_card_shows_the_share_before_assistance_and_its_cost(page):
    run = _runs(page)[0]
    detail = run.targets["below_line"].detail
    lines = [c for c in _captions(page) if "帮扶前低于监测线" in c]
    assert len(lines) == 2
    assert f"{detail['share_before_assistance'] * 100:.1f}%" in lines[0]
    assert f"{run.targets['below_line'].value * 100:.1f}%" in lines[0]
    assert f"{detail['assistance_cost_10k_yuan']:,.0f} 万元/年" in lines[0]
    assert f"P90 {detail['assistance_cost_10k_yuan_p90']:,.0f} 万元/年" in lines[0]
    assert "7,100 元/人/年" in lines[0]


def test_a_lever_beyond_capacity_is_flagged_with_the_capacity_in_its_unit(page):
    flags = [w.value for w in page.warning if OVER_CAPACITY in w.value]
    assert len(flags) == 1  # the notice's scenario is within every capacity; the crowded one is not
    flag = _runs(page)[1].capacity["tourism.households_reached"]
    assert flag.exceeded and not _runs(page)[0].capacity["tourism.households_reached"].exceeded
    assert "100,000 户/年" in flags[0] and f"{flag.capacity:,.0f} 户/年" in flags[0]
    assert flag.note_zh in flags[0] and flags[0].endswith("（预览）")


def test_the_evidence_speaks_english_after_the_switch(page):
    page.session_state["test_lang"] = "en"
    page.run()
    assert not page.exception
    captions = " ".join(_captions(page))
    assert "P(met) " in captions and "Of which (percentage points, result): organic growth" in captions
    assert "what-if" in captions and "before assistance" in captions and "10,000 yuan per year" in captions
    flags = [w.value for w in page.warning if "Beyond what the city can absorb" in w.value]
    assert flags and "households per year" in flags[0] and "户" not in flags[0]
    assert not re.search("[\u4e00-\u9fff]", captions.replace("旅游过多", ""))
    page.session_state["test_lang"] = "zh"
    page.run()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_cards_show_no_unit_of_the_other_language(page, lang):
    from tests.test_page_language import CHINESE_UNITS, ENGLISH_UNITS, visible_texts

    page.session_state["test_lang"] = lang
    page.run()
    text = "\n".join(visible_texts(page))
    foreign = ENGLISH_UNITS if lang == "zh" else CHINESE_UNITS
    assert not sorted(u for u in foreign if u in text)
    page.session_state["test_lang"] = "zh"
    page.run()


def test_growth_parts_keep_the_largest_channels_and_add_up():
    decomposition = {"organic": 0.14, "a": 0.001, "b": -0.02, "c": 0.03, "d": 0.0, "e": 0.004, "f": 0.0002}
    parts = growth_parts(decomposition)
    assert [name for name, _ in parts] == ["organic", "c", "b", "e", OTHER]
    assert dict(parts)[OTHER] == pytest.approx(0.0012)  # a and f
    assert sum(share for _, share in parts) == pytest.approx(sum(decomposition.values()))
    assert growth_parts({"organic": 0.1, "a": 0.02, "b": -0.0001}) == [("organic", 0.1), ("a", 0.02)]
