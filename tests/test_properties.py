"""Property tests (hypothesis) on the 3,000-household weighted sample (tests/conftest.py) with few draws.

- nothing NaN, and nothing negative that cannot be, whatever the levers and assumptions;
- the same seed gives the identical result (whatever the threading);
- common random numbers: a lever changes only what it can reach, bit for bit;
- monotone: 2023 production income is not lower, draw by draw, when industry funds, an industry share or the
  dual-binding coverage target rise with all else fixed.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model.engine.channels import Channels
from model.engine.run import run_scenario
from model.engine.simulate import simulate
from model.schema import fieldspec
from model.schema.scenario import Scenario

SETTINGS = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
BASE = Scenario().with_changes({"simulation.draws": 3})
LEVERS = [
    "funds.central_10k_yuan",
    "funds.provincial_10k_yuan",
    "funds.industry_share_central",
    "funds.industry_share_provincial",
    "funds.industry_share_city_county",
    "linking.households_per_million_yuan",
    "dual_binding.coverage_target",
    "microcredit.new_lending_10k_yuan",
    "microcredit.average_loan_yuan",
    "tourism.households_reached",
    "training.person_times",
    "collective.dividends_10k_yuan",
    "collective.share_first_to_poverty_alleviated",
    "consumption.purchases_10k_yuan",
]
ASSUMPTIONS = [f.path for f in fieldspec.section_fields("assumptions")]


def value_of(path: str) -> st.SearchStrategy:
    spec = fieldspec.by_path()[path]
    if spec.type == "int":  # counts (households reached, person-times) are whole numbers
        return st.integers(int(spec.min), int(spec.max))
    return st.floats(float(spec.min), float(spec.max), allow_nan=False)


@st.composite
def scenarios(draw, paths=LEVERS + ASSUMPTIONS) -> Scenario:
    chosen = draw(st.lists(st.sampled_from(paths), max_size=8, unique=True))
    changes = {p: draw(value_of(p), label=p) for p in chosen}
    changes["simulation.seed"] = draw(st.integers(0, 2**32 - 1), label="seed")
    changes["simulation.draw_assumptions"] = draw(st.booleans(), label="draw_assumptions")
    changes["dual_binding.target_quarter"] = draw(st.sampled_from(["2023Q1", "2023Q4", "2025Q2"]))
    return BASE.with_changes(changes)


# ------------------------------------------------------------------------------------- no nonsense
@SETTINGS
@given(scenario=scenarios())
def test_no_nan_and_no_negative_where_impossible(small_population, scenario):
    run = run_scenario(small_population, scenario)
    r = run.result
    for component, arr in r.income.items():
        assert np.isfinite(arr).all(), component
    assert (r.income["production"] >= 0).all()
    assert (r.income["transfer"] >= 0).all()
    households = r.households[:, None, None]
    assert ((r.falling >= 0) & (r.falling <= households * (1 + 1e-6))).all()
    assert ((r.below >= 0) & (r.below <= households * (1 + 1e-6))).all()
    assert ((r.city_falling >= 0) & (r.city_falling <= 1 + 1e-6)).all()
    assert (r.points_lost >= 0).all() and np.isfinite(r.points_lost).all()
    assert np.isfinite(r.household_pc_mean).all()
    assert ((r.household_p_below >= 0) & (r.household_p_below <= 1)).all()
    assert (r.hist >= 0).all()
    np.testing.assert_allclose(r.hist.sum(axis=1), r.households.sum(), rtol=1e-9)
    assert ((r.coverage >= 0) & (r.coverage <= 1 + 1e-12)).all()
    for key, check in run.targets.items():
        assert check.value is not None and np.isfinite(check.value), key
        if check.probability is not None:
            assert 0 <= check.probability <= 1
        if check.p10 is not None:
            assert check.p10 <= check.p90 + 1e-12
    for table in (r.annual_table(), r.quarterly_table(), r.assessment_table(), run.contributions):
        assert not table.select_dtypes("number").isna().any().any()


# ------------------------------------------------------------------------------------- reproducible
def _assert_same(a, b) -> None:
    for k in a.income:
        np.testing.assert_array_equal(a.income[k], b.income[k])
    for name in ("falling", "below", "hist", "household_pc_mean", "household_p_below", "coverage"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)
    for k in a.contributions:
        np.testing.assert_array_equal(a.contributions[k], b.contributions[k])


@SETTINGS
@given(scenario=scenarios())
def test_same_seed_gives_the_identical_result_whatever_the_threading(small_population, scenario):
    _assert_same(simulate(small_population, scenario, threads=1), simulate(small_population, scenario, threads=3))


def test_another_seed_gives_another_result(small_population):
    a = simulate(small_population, BASE)
    b = simulate(small_population, BASE.with_changes({"simulation.seed": 7}))
    assert not np.array_equal(a.income["production"], b.income["production"])


# ------------------------------------------------------------------------------- common random numbers
@SETTINGS
@given(
    scenario=scenarios(), persons=value_of("training.person_times"), dividends=value_of("collective.dividends_10k_yuan")
)
def test_wage_and_property_levers_leave_production_bit_for_bit(small_population, scenario, persons, dividends):
    """Training acts on wages, the collective on property income: production, its falls and every shock stay."""
    other = scenario.with_changes({"training.person_times": persons, "collective.dividends_10k_yuan": dividends})
    a, b = simulate(small_population, scenario), simulate(small_population, other)
    np.testing.assert_array_equal(a.income["production"], b.income["production"])
    np.testing.assert_array_equal(a.falling, b.falling)
    np.testing.assert_array_equal(a.income["transfer"], b.income["transfer"])


@SETTINGS
@given(scenario=scenarios(), tourism=value_of("tourism.households_reached"))
def test_production_levers_leave_wage_and_transfer_bit_for_bit(small_population, scenario, tourism):
    other = scenario.with_changes({"tourism.households_reached": tourism})
    a, b = simulate(small_population, scenario), simulate(small_population, other)
    for k in ("wage", "property", "transfer"):
        np.testing.assert_array_equal(a.income[k], b.income[k])


@SETTINGS
@given(scenario=scenarios(paths=LEVERS), rate=value_of("assumptions.industry_return_rate"))
def test_households_a_lever_does_not_reach_keep_their_income(small_population, scenario, rate):
    """The industry return reaches linked households only; every other household's income, shocks included,
    is identical (checked per household through the expected per-capita income)."""
    other = scenario.with_changes({"assumptions.industry_return_rate": rate})
    a, b = simulate(small_population, scenario), simulate(small_population, other)
    untouched = Channels.build(small_population, scenario).investment_per_linked == 0
    np.testing.assert_array_equal(a.household_pc_mean[untouched], b.household_pc_mean[untouched])


@SETTINGS
@given(scenario=scenarios(), moved=st.floats(0.0, 1.0))
def test_moving_money_between_two_counties_leaves_the_other_seven_bit_for_bit(small_population, scenario, moved):
    from model.engine.channels import allocation_shares
    from model.schema.fieldspec import COUNTIES

    shares = dict(zip(COUNTIES, allocation_shares(scenario).tolist(), strict=True))
    before = scenario.with_changes({"funds.county_shares": shares})
    step = moved * shares["麒麟区"]
    after = scenario.with_changes(
        {"funds.county_shares": {**shares, "麒麟区": shares["麒麟区"] - step, "沾益区": shares["沾益区"] + step}}
    )
    a, b = simulate(small_population, before), simulate(small_population, after)
    others = [i for i, c in enumerate(COUNTIES) if c not in ("麒麟区", "沾益区")]
    for k in a.income:
        np.testing.assert_array_equal(a.income[k][others], b.income[k][others])
    np.testing.assert_array_equal(a.falling[others], b.falling[others])
    np.testing.assert_array_equal(a.below[others], b.below[others])


def test_a_longer_horizon_repeats_the_shorter_one(small_population):
    """Shocks are keyed by quarter, not by position in the run: 2023–25 is the same inside a run to 2027."""
    short = simulate(small_population, BASE)
    long = simulate(small_population, BASE.with_changes({"simulation.end_quarter": "2027Q4"}))
    for k in short.income:
        np.testing.assert_array_equal(short.income[k], long.income[k][:, :12])
    np.testing.assert_array_equal(short.falling, long.falling[:, :12])
    np.testing.assert_array_equal(short.household_pc_mean, long.household_pc_mean[:, :3])


# ------------------------------------------------------------------------------------------ monotone
def _production_2023(result) -> np.ndarray:
    """Production income in 2023 per county and draw (yuan)."""
    return result.annual_income("production", 2023)


def _not_lower(before, after) -> None:
    low = after < before - 1e-6 * np.abs(before) - 1e-3
    assert not low.any(), (before[low], after[low])


@SETTINGS
@given(
    scenario=scenarios(),
    lever=st.sampled_from(
        [
            "funds.central_10k_yuan",
            "funds.provincial_10k_yuan",
            "funds.city_county_10k_yuan",
            "funds.industry_share_central",
            "funds.industry_share_provincial",
            "funds.industry_share_city_county",
        ]
    ),
    step=st.floats(0.0, 1.0),
)
def test_more_industry_funds_never_lower_production(small_population, scenario, lever, step):
    spec = fieldspec.by_path()[lever]
    now = scenario.value(lever)
    higher = scenario.with_changes({lever: now + step * (spec.max - now)})
    _not_lower(
        _production_2023(simulate(small_population, scenario)), _production_2023(simulate(small_population, higher))
    )


@SETTINGS
@given(scenario=scenarios(), step=st.floats(0.0, 1.0))
def test_higher_dual_binding_coverage_never_lowers_production(small_population, scenario, step):
    """Draw by draw when binding does not damp shocks (damping 0): binding only adds the premium. With damping,
    binding also shrinks a household's shocks, which are mean-one: see the next test."""
    scenario = scenario.with_changes({"assumptions.dual_binding_damping": 0.0, "simulation.draw_assumptions": False})
    now = scenario.dual_binding.coverage_target
    higher = scenario.with_changes({"dual_binding.coverage_target": now + step * (1 - now)})
    _not_lower(
        _production_2023(simulate(small_population, scenario)), _production_2023(simulate(small_population, higher))
    )


def test_dual_binding_raises_expected_production_with_damping(small_population):
    scenario = BASE.with_changes({"simulation.draws": 8})
    low = scenario.with_changes({"dual_binding.coverage_target": 0.8})
    before = _production_2023(simulate(small_population, low)).sum(axis=0).mean()
    after = _production_2023(simulate(small_population, scenario)).sum(axis=0).mean()
    assert after > before


@pytest.mark.parametrize(
    "lever, value",
    [("funds.industry_share_central", 0.0), ("funds.central_10k_yuan", 0.0), ("dual_binding.coverage_target", 0.0)],
)
def test_removing_a_lever_lowers_production(small_population, lever, value):
    """The monotone tests are not vacuous: each lever moves production on this population."""
    base = _production_2023(simulate(small_population, BASE)).sum()
    assert _production_2023(simulate(small_population, BASE.with_changes({lever: value}))).sum() < base
