"""The page answers at once and refines in the background (AppTest; the full default population).

A moved lever shows its scenario's cards as a marked preview with the full run's progress, then the full run's
values; a change of thresholds, names or the first reported quarter simulates nothing.
"""

import re
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from ui.draw import widgets
from ui.draw.fragments import POLLING
from ui.server.cache import preview_store, run_store
from ui.server.jobs import full_runs

APP = str(Path(__file__).resolve().parent.parent / "app.py")
CARDS_PER_SLOT = 6
ACTIVE = 3
N3_CARD, N7_CARD = 2, 3
PREVIEW = "（预览）"


@pytest.fixture(autouse=True)
def clear_caches():
    st.cache_data.clear()
    st.cache_resource.clear()


def _settled(at: AppTest) -> AppTest:
    """Wait for the background full runs, then rerun as the page's poll would."""
    assert full_runs().wait_idle(900)  # a liveness bound, not a speed check: full verdict runs on a busy machine
    at.run()
    assert not at.exception
    return at


def _app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=240)
    at.run()
    assert not at.exception
    return _settled(at)


def _labels(at: AppTest, slot: int) -> list[str]:
    return [m.label for m in at.metric[slot * CARDS_PER_SLOT : (slot + 1) * CARDS_PER_SLOT]]


def _number(text: str) -> float:
    return float(re.search(r"-?[\d,]+(\.\d+)?", text).group(0).replace(",", ""))


def test_a_moved_lever_shows_a_marked_preview_then_the_full_runs_values():
    at = _app()
    assert not any(PREVIEW in label for slot in range(4) for label in _labels(at, slot))
    assert not at.session_state[POLLING], "a page that waits for nothing does not poll"
    at.slider(key="lever:linking.households_per_million_yuan").set_value(12.0).run()
    assert not at.exception
    assert at.session_state[POLLING]
    assert all(label.endswith(PREVIEW) for label in _labels(at, ACTIVE))
    assert not any(PREVIEW in label for label in _labels(at, 2))  # the other slots keep their full runs
    assert _number(at.metric[ACTIVE * CARDS_PER_SLOT + N7_CARD].value) == 66  # 60 packages + 12 × 0.5 links
    assert any("快速预览" in c.value for c in at.caption)
    assert at.get("progress"), "the full run's progress is shown while the preview is"
    _settled(at)
    assert not any(PREVIEW in label for label in _labels(at, ACTIVE))
    assert _number(at.metric[ACTIVE * CARDS_PER_SLOT + N7_CARD].value) == 66  # 60 packages + 12 × 0.5 links
    assert not at.get("progress") and not at.session_state[POLLING]


def test_thresholds_names_and_the_start_quarter_simulate_nothing():
    at = _app()
    at.session_state[widgets.group_key("targets")] = True
    at.session_state[widgets.group_key("simulation")] = True
    at.run()
    stored, previews, counts = len(run_store()), len(preview_store()), dict(full_runs().counts)
    at.slider(key="lever:targets.falling_share_max").set_value(6.0).run()  # (the below-line card's is 5%)
    n3 = next(c.value for c in at.caption if "目标 ≤ 6.0%" in c.value)
    assert "未达标" in n3
    at.text_input(key="slot_name").set_value("只改了名字").run()
    at.selectbox(key="lever:simulation.start_quarter").set_value("2024Q1").run()
    assert not at.exception
    assert not any(PREVIEW in label for label in _labels(at, ACTIVE))
    assert (len(run_store()), len(preview_store()), full_runs().counts) == (stored, previews, counts)
    assert full_runs().pending() == 0
    active = at.session_state["slots"][ACTIVE].scenario
    assert active.name == "只改了名字" and active.targets.falling_share_max == 0.06
    assert active.simulation.start_quarter == "2024Q1"
