"""Every unit the model writes has a Chinese and an English display form."""

import pytest

from model.engine.run import run_scenario
from model.schema import fieldspec
from model.schema.scenario import Scenario
from model.schema.units import UNITS, is_share_unit, unit_text


def test_every_field_unit_has_a_display_form():
    missing = {f.unit for f in fieldspec.fields()} - set(UNITS)
    assert not missing


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_result_unit_has_a_display_form(small_population, lang):
    run = run_scenario(small_population, Scenario().with_changes({"simulation.draws": 2}))
    units = {c.unit for c in run.targets.values()}
    units |= set(run.result.quarterly_table()["unit"]) | set(run.result.annual_table()["unit"])
    missing = {u for u in units if not is_share_unit(u) and u not in UNITS}
    assert not missing
    for unit in units:
        assert unit_text(unit, lang).strip()


def test_shares_are_recognised_and_money_is_not():
    assert is_share_unit("share 0–1 of households") and is_share_unit("probability 0–1")
    assert not is_share_unit("万元/年") and unit_text("万元/年", "en") == "10,000 yuan per year"
