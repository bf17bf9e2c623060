"""The page's pure parts: percent widgets, file names, value formatting (no Streamlit run; links: test_share.py)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from model.schema import fieldspec
from model.schema.scenario import ScenarioError, parse_scenario_bytes
from ui.draw import widgets
from ui.language.formats import field_value, with_unit
from ui.server.scenarios import SHIPPED, shipped
from ui.session import lever_values, linking
from ui.session.files import scenario_file_bytes, scenario_file_name


@given(st.integers(0, 100))
def test_percent_widgets_write_back_the_exact_share(percent):
    spec = fieldspec.by_path()["funds.industry_share_central"]
    assert lever_values.from_widget(spec, float(percent)) == float(f"0.{percent:02d}") if percent < 100 else 1.0
    assert lever_values.to_widget(spec, lever_values.from_widget(spec, float(percent))) == percent


def test_breach_is_below_the_floor_or_target_only():
    floor = fieldspec.by_path()["funds.industry_share_central"]
    target = fieldspec.by_path()["training.person_times"]
    assert lever_values.breached(floor, 0.59) and not lever_values.breached(floor, 0.60)
    assert lever_values.breached(target, 27_999.0) and not lever_values.breached(target, 28_000.0)
    assert lever_values.requirement(fieldspec.by_path()["funds.central_10k_yuan"]) is None


def test_every_editable_field_gets_a_widget_kind_and_label_with_unit():
    for spec in fieldspec.fields():
        if lever_values.editable(spec):
            assert spec.label("en") in widgets.label(spec, "en")
            assert "(" in widgets.label(spec, "en")


def test_downloaded_file_loads_back_identical_for_every_shipped_scenario():
    for scenario in shipped().values():
        edited = scenario.with_changes({"name": "a/b: c", "funds.industry_share_central": 0.61})
        assert parse_scenario_bytes(scenario_file_bytes(edited), scenario_file_name(edited)) == edited
    assert scenario_file_name(shipped()["baseline"]) == "基线.toml"
    assert scenario_file_name(shipped()["baseline"].with_changes({"name": "a/b: c"})) == "a_b_c.toml"


def test_values_carry_their_units_in_both_languages():
    assert with_unit(0.1234, "share 0–1 of households", "zh") == "12.3%"
    assert with_unit(10.0, "户/百万元", "zh") == "10 户/百万元"
    assert with_unit(10.0, "户/百万元", "en") == "10 households per million yuan"
    assert with_unit(55_000.0, "万元/年", "en") == "55,000 10,000 yuan per year"
    assert field_value(fieldspec.by_path()["simulation.draw_assumptions"], True, "en") == "yes"


@given(st.integers(0, 100), st.sampled_from(sorted(linking.GROUPS)), st.sampled_from(SHIPPED))
def test_moving_one_share_rebalances_the_others_of_its_group_to_a_valid_scenario(percent, path, base):
    scenario = shipped()[base]
    changes = linking.rebalanced(scenario, path, percent / 100)
    edited = scenario.with_changes(changes)  # would raise if the group did not add up to 1
    group = linking.GROUPS[path]
    assert edited.value(path) == percent / 100
    assert set(changes) == set(group)
    assert all(0 <= edited.value(p) <= 1 for p in group)


def test_rebalancing_keeps_the_other_shares_in_proportion():
    scenario = shipped()["notice_2023"].with_changes(
        {
            "linking.share_industry_participation": 0.4,
            "linking.share_land_transfer": 0.2,
            "linking.share_contract_planting": 0.2,
            "linking.share_contract_raising": 0.2,
        }
    )
    changes = linking.rebalanced(scenario, "linking.share_industry_participation", 0.7)
    assert changes == {
        "linking.share_industry_participation": 0.7,
        "linking.share_land_transfer": 0.1,
        "linking.share_contract_planting": 0.1,
        "linking.share_contract_raising": 0.1,
    }


def test_run_cache_simulates_a_content_once_and_keeps_each_name(small_population, monkeypatch):
    import streamlit

    from ui.server import cache, jobs

    streamlit.cache_resource.clear()
    calls = []
    real = jobs.run_scenario
    monkeypatch.setattr(jobs, "run_scenario", lambda pop, s, progress=None: calls.append(s.name) or real(pop, s))
    first = shipped()["notice_2023"].with_changes({"simulation.draws": 2})
    renamed = first.with_changes({"name": "copy"})
    a = jobs.run_now(small_population, first)
    b = jobs.run_now(small_population, renamed)
    assert calls == [first.name]
    assert a.scenario == first and b.scenario == renamed
    assert b.result.income is a.result.income
    assert jobs.run_now(small_population, renamed) is b
    assert cache.full_run(small_population, renamed) is b
    streamlit.cache_resource.clear()


def test_other_panels_can_apply_changes_to_the_edited_scenario_or_be_refused():
    import streamlit

    from ui.session import state

    streamlit.session_state.clear()
    try:
        streamlit.session_state[state.SLOTS] = [state.Slot(shipped()["baseline"], "baseline")]
        streamlit.session_state[state.ACTIVE] = 0
        applied = state.apply_to_active({"funds.industry_share_central": 0.8})
        assert state.active_slot().scenario == applied and applied.funds.industry_share_central == 0.8
        assert streamlit.session_state[lever_values.key("funds.industry_share_central")] == 80.0
        with pytest.raises(ScenarioError):
            state.apply_to_active({"funds.industry_share_central": 1.8})
        assert state.active_slot().scenario == applied
    finally:
        streamlit.session_state.clear()
