"""The comparison page driven through Streamlit's AppTest (full default population; a handful of reruns each)."""

import re
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from model.schema.scenario import parse_scenario_bytes
from tests.expectations import expected_n7
from ui.draw import widgets
from ui.language.i18n import t
from ui.server.jobs import full_runs
from ui.server.scenarios import shipped
from ui.session import share
from ui.session.files import scenario_file_bytes

APP = str(Path(__file__).resolve().parent.parent / "app.py")
CARDS_PER_SLOT = 6
N7_CARD = 3
ACTIVE = 3  # the default page edits the fourth slot


@pytest.fixture(autouse=True)
def clear_caches():
    st.cache_data.clear()
    st.cache_resource.clear()
    yield


def _ok(at: AppTest) -> None:
    """No exception reached Streamlit and app.py's last line of defence did not fire."""
    assert not at.exception, [e.message for e in at.exception]
    unexpected = (t("app.unexpected", "zh"), t("app.unexpected", "en"))
    assert not any(e.value in unexpected for e in at.error)


def _app(**params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=240)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    _ok(at)
    return at


def _link_slots(at: AppTest) -> list:
    """The scenarios the address bar's share link carries."""
    return [s.scenario for s in share.decode_link(dict(at.query_params)).slots]


def _open_group(at: AppTest, key: str) -> AppTest:
    """Open a group of the sidebar (its widgets are drawn only while it is open)."""
    at.session_state[key] = True
    at.run()
    assert not at.exception
    return at


def _number(text: str) -> float:
    return float(re.search(r"-?[\d,]+(\.\d+)?", text).group(0).replace(",", ""))


def _card(at: AppTest, slot: int, card: int):
    return at.metric[slot * CARDS_PER_SLOT + card]


def _active(at: AppTest):
    return at.session_state["slots"][at.session_state["active_slot"]].scenario


def test_page_shows_four_scenarios_with_cards_and_the_population():
    at = _app()
    assert [s.name for s in at.session_state["slots"]] == ["基线", "政策底线", "2023年通知", "我的方案"]
    assert len(at.metric) == 4 * CARDS_PER_SLOT
    assert _card(at, 0, 0).label.startswith("N1 ")
    assert "%" in _card(at, 0, 0).value
    assert "户/百万元" in _card(at, 0, N7_CARD).value
    assert any("252,514" in c.value and "指纹" in c.value for c in at.caption)
    assert at.get("vega_lite_chart") or at.get("arrow_vega_lite_chart")
    assert _link_slots(at) == [s.scenario for s in at.session_state["slots"]]


def test_moved_slider_changes_a_target_card_and_the_link():
    at = _app()
    before = _number(_card(at, ACTIVE, N7_CARD).value)
    at.slider(key="lever:linking.households_per_million_yuan").set_value(15.0).run()
    _ok(at)
    notice = shipped()["notice_2023"]
    assert before == pytest.approx(expected_n7(notice))  # 60 packages + 10 × 0.5 asset links = 65
    assert _number(_card(at, ACTIVE, N7_CARD).value) == pytest.approx(expected_n7(_active(at)))  # 67.5
    assert _number(_card(at, 2, N7_CARD).value) == pytest.approx(expected_n7(notice))  # the notice's slot untouched
    assert _active(at).linking.households_per_million_yuan == 15.0
    assert _link_slots(at)[ACTIVE] == _active(at)


def test_value_below_the_notice_floor_is_applied_and_shown_as_a_breach():
    at = _app()
    assert not any("N5" in w.value for w in at.warning)
    at.slider(key="lever:funds.industry_share_central").set_value(45.0).run()
    _ok(at)
    assert _active(at).funds.industry_share_central == 0.45
    breach = [w.value for w in at.warning if "N5" in w.value]
    assert breach and "低于通知底线" in breach[0] and "60.0%" in breach[0] and "45.0%" in breach[0]


def test_bad_upload_names_the_field_and_range_and_keeps_the_scenario():
    at = _app()
    at.slider(key="lever:funds.industry_share_central").set_value(70.0).run()
    kept = _active(at)
    bad = scenario_file_bytes(kept).replace(b"industry_share_central = 0.7", b"industry_share_central = 1.5")
    slots = list(at.session_state["slots"])
    _open_group(at, "page.files_open")
    at.file_uploader(key="scenario_upload").set_value(("bad.toml", bad, "application/toml")).run()
    _ok(at)
    assert _active(at) == kept and list(at.session_state["slots"]) == slots  # every slot as it was
    assert at.slider(key="lever:funds.industry_share_central").value == 70.0
    message = " ".join(e.value for e in at.error).replace("\\", "")
    assert "funds.industry_share_central" in message and "0 – 1" in message and "1.5" in message
    assert "屏幕上的方案保持不变" in message


def test_downloaded_scenario_loads_back_identical():
    at = _app()
    at.slider(key="lever:funds.industry_share_central").set_value(73.0).run()
    _open_group(at, widgets.group_key("simulation"))
    at.number_input(key="lever:simulation.draws").set_value(8).run()
    edited = _active(at)
    raw = scenario_file_bytes(edited)
    assert parse_scenario_bytes(raw, "x.toml") == edited
    at.slider(key="lever:funds.industry_share_central").set_value(40.0).run()
    _open_group(at, "page.files_open")
    at.file_uploader(key="scenario_upload").set_value(("我的方案.toml", raw, "application/toml")).run()
    _ok(at)
    assert not at.error
    assert _active(at) == edited
    assert at.slider(key="lever:funds.industry_share_central").value == 73.0


def test_share_link_reproduces_the_comparison_and_a_tampered_one_is_refused():
    wanted = shipped()["policy_floor"].with_changes(
        {"name": "链接方案", "funds.industry_share_central": 0.66, "simulation.draws": 8}
    )
    other = shipped()["baseline"].with_changes({"name": "另一个", "simulation.draws": 8})
    at = _app(**share.encode_link([(other, "baseline"), (wanted, "policy_floor")], 1))
    assert [s.scenario for s in at.session_state["slots"]] == [other, wanted]
    assert _active(at) == wanted
    assert at.slider(key="lever:funds.industry_share_central").value == 66.0

    old = _app(base="policy_floor", name="旧链接", **{"funds.industry_share_central": "0.66"})
    assert [s.name for s in old.session_state["slots"]] == ["基线", "政策底线", "2023年通知", "旧链接"]
    assert _active(old).funds.industry_share_central == 0.66

    tampered = _app(**{"base": "notice_2023", "funds.industry_share_central": "7", "lang": "en"})
    message = " ".join(e.value for e in tampered.error).replace("\\", "")
    assert "funds.industry_share_central" in message and "0 – 1" in message and "link" in message
    assert _active(tampered) == shipped()["notice_2023"].with_changes({"name": "My scenario"})


def test_english_switch_changes_the_labels():
    at = _app()
    assert at.title[0].value == "曲靖市脱贫人口增收情景模拟"
    at.toggle(key="lang_en").set_value(True).run()
    _ok(at)
    assert at.title[0].value == "Qujing household-income scenario simulator"
    # a fresh checkout may still show the shipped scenarios' previews (their full runs queued): marked in English
    assert _card(at, 0, 0).label.removesuffix(" (preview)") == "N1 2023 growth of production/operating income"
    assert "预览" not in _card(at, 0, 0).label
    assert at.slider(key="lever:funds.industry_share_central").label == "Industry share of central funds (%)"
    assert "households per million yuan" in _card(at, 0, N7_CARD).value
    assert at.query_params["lang"] == "en"


def test_every_result_view_renders_and_slots_can_be_added_and_removed():
    at = _app()
    for view in ("components", "counties", "channels", "distribution", "income"):
        at.segmented_control(key="results_view").set_value(view).run()
        _ok(at)
    assert at.button(key="add_slot").disabled  # four slots at most
    at.button(key="remove_slot").click().run()
    assert [s.name for s in at.session_state["slots"]] == ["基线", "政策底线", "2023年通知"]
    at.button(key="add_slot").click().run()
    assert [s.name for s in at.session_state["slots"]][-1] == "2023年通知 (2)"
    _ok(at)


def test_moving_a_linking_share_rebalances_the_other_three_and_says_so():
    at = _app()
    at.slider(key="lever:linking.share_land_transfer").set_value(40.0).run()
    _ok(at)
    assert not at.error
    linking = _active(at).linking
    assert linking.share_land_transfer == 0.4
    total = (
        linking.share_industry_participation
        + linking.share_land_transfer
        + linking.share_contract_planting
        + linking.share_contract_raising
    )
    assert total == pytest.approx(1, abs=1e-9)
    assert at.slider(key="lever:linking.share_contract_planting").value == round(
        linking.share_contract_planting * 100, 9
    )
    assert any("合计须为100%" in s.value for s in at.success)


BEACON = "![t](http://127.0.0.1:9/beacon.png) **粗体** <b>x</b>"


def test_user_text_is_shown_as_text_and_a_refused_upload_changes_no_slot():
    at = _app(base="notice_2023", name=BEACON)
    assert _active(at).name == BEACON
    assert BEACON in [x.value for x in at.text], "the scenario's name heads its column as plain text"
    escaped = [m.value for m in at.markdown if "beacon" in m.value]
    assert all("\\!\\[t\\]\\(http\\:" in v and "\\*\\*粗体\\*\\*" in v and "\\<b\\>" in v for v in escaped)
    assert not any("](http" in m.value or "**粗体**" in m.value for m in [*at.markdown, *at.caption, *at.error])
    slots = list(at.session_state["slots"])
    _open_group(at, "page.files_open")
    unknown = b'schema_version = 1\n"![u](http://127.0.0.1:9/u.png) **x**" = 1\n'
    for raw in (b"", b"  \n", b"# comment only\n", b'schema_version = 1\nname = "cut', unknown):
        at.file_uploader(key="scenario_upload").set_value(("cut.toml", raw, "application/toml")).run()
        _ok(at)
        assert list(at.session_state["slots"]) == slots
        assert at.error and "屏幕上的方案保持不变" in at.error[0].value
    assert "\\!\\[u\\]" in at.error[0].value and "](http" not in at.error[0].value  # the unknown field, as text


def test_work_beyond_the_budget_is_refused_from_a_link_and_from_a_lever():
    runaway = shipped()["notice_2023"].with_changes({"simulation.draws": 1000, "simulation.end_quarter": "2030Q4"})
    at = _app(**share.encode_link([(runaway, "notice_2023")], 0))
    message = " ".join(e.value for e in at.error).replace("\\", "")
    assert "simulation.draws" in message and "2,000,000,000" in message
    assert [s.name for s in at.session_state["slots"]] == ["基线", "政策底线", "2023年通知", "我的方案"]
    _open_group(at, widgets.group_key("simulation"))
    at.number_input(key="lever:simulation.draws").set_value(400).run()  # 252,514 × 400 > 80,000,000 in memory
    _ok(at)
    assert _active(at).simulation.draws == 64  # as it was
    assert at.number_input(key="lever:simulation.draws").value == 64
    assert "80,000,000" in " ".join(e.value for e in at.error).replace("\\", "")


def test_an_unexpected_error_shows_a_short_message_and_no_traceback(monkeypatch):
    from ui.draw import pages

    def broken(ctx):
        raise RuntimeError("/srv/secret/path.py exploded")

    monkeypatch.setitem(pages.RENDERS, "compare", broken)
    at = AppTest.from_file(APP, default_timeout=240).run()
    assert not at.exception
    assert [e.value for e in at.error] == [t("app.unexpected", "zh")]
    assert "secret" not in str([*at.error, *at.markdown, *at.caption])
    # a failing panel does not take the levers (and their state) with it
    assert at.slider(key="lever:funds.industry_share_central").value == 60.0
    assert at.text_input(key="slot_name").value == "我的方案"


def test_cards_show_p_met_with_its_error_a_lever_beyond_capacity_is_flagged_and_validation_has_a_page():
    at = _app()
    assert full_runs().wait_idle(900)  # a fresh checkout shows previews first: the verdicts' errors come with full runs
    at.run()
    _ok(at)
    captions = " ".join(c.value for c in at.caption)
    assert len(re.findall(r"P\(达标\) \d+% ± \d+(?:\.\d)?%", captions)) == 4 * 4  # N1, N2, N3, below line per slot
    assert "其中（百分点，结果）：自然增长" in captions and "帮扶前低于监测线" in captions
    assert not any("超出可吸收能力" in w.value for w in at.warning)
    _open_group(at, widgets.group_key("tourism"))
    at.slider(key="lever:tourism.households_reached").set_value(100_000).run()
    _ok(at)
    flags = [w.value for w in at.warning if "超出可吸收能力" in w.value]
    assert len(flags) == 1 and "100,000 户/年" in flags[0]  # the edited slot only
    assert "validation" in {info.get("url_pathname") for info in at._registered_pages.values()}
