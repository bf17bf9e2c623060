"""The compiled kernel against the numpy reference, and its invariances (threads, blocks, extension, cancel).

Equality. The kernel does the reference's float64 operations in the reference's order without fast-math, and takes
the two numbers it cannot compile to the same bits (numpy's ``exp`` of the households' own growth, the base year's
look-back) from numpy; so every household value is the reference's to the bit and every fixed-point sum — income
and its decomposition, assistance, households falling, assisted and below the line, draws below the line per
household — is equal exactly. The one float output, a household's per-capita income summed over draws, is added in
draw order by the kernel and pairwise by numpy: each sum of D terms of one sign is within (D − 1)·ε of the exact
sum relative to it (ε = 2⁻⁵² float64 roundings), so the two differ by at most ``2·D·ε`` relative.
"""

from __future__ import annotations

from pathlib import Path

import numba
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model.analyses.backtest import backtest_population
from model.engine import kernel as kernel_engine
from model.engine import reference as reference_engine
from model.engine.reference import MONEY_SCALE
from model.engine.rng import LANE_CELLS, lane_threshold
from model.engine.simulate import simulate
from model.population.synth import generate_frame
from model.population.table import Region, population_from_frame
from model.schema.fieldspec import COUNTIES
from model.schema.scenario import LINK_MODE_FIELDS, Scenario, load_scenario

ROOT = Path(__file__).resolve().parent.parent
EPS = float(np.finfo(np.float64).eps)
DRAWS = 8
NO_FUNDS = {"funds.central_10k_yuan": 0.0, "funds.provincial_10k_yuan": 0.0, "funds.city_county_10k_yuan": 0.0}


def _modes(mode: str) -> dict:
    """Every asset-linked household in one linking mode."""
    return {f"linking.{f}": float(f == mode) for f in LINK_MODE_FIELDS}


SCENARIOS = {
    "drawn assumptions": {},
    "fixed assumptions, no household growth dispersion": {
        "simulation.draw_assumptions": False,
        "assumptions.household_growth_sd": 0.0,
    },
    "widest household growth dispersion": {"assumptions.household_growth_sd": 0.4},
    "every channel at its most, the chain cap binding": {
        "funds.central_10k_yuan": 600_000.0,
        "linking.households_per_million_yuan": 40.0,
        "microcredit.new_lending_10k_yuan": 150_000.0,
        "tourism.households_reached": 100_000,
        "training.person_times": 200_000,
        "collective.dividends_10k_yuan": 50_000.0,
        "consumption.purchases_10k_yuan": 200_000.0,
        "assumptions.chain_cap_yuan": 3_000.0,
        "simulation.monitoring_line_yuan": 12_000.0,
        "safety_net.detection_rate": 1.0,
        "safety_net.gap_covered_share": 1.5,
    },
    "zero funds and nothing new, one county without money, a four-quarter lag": {
        **NO_FUNDS,
        "funds.county_shares": {c: (0.0 if i == 0 else 1 / (len(COUNTIES) - 1)) for i, c in enumerate(COUNTIES)},
        "microcredit.new_lending_10k_yuan": 0.0,
        "tourism.households_reached": 0,
        "training.person_times": 0,
        "collective.dividends_10k_yuan": 0.0,
        "consumption.purchases_10k_yuan": 0.0,
        "dual_binding.coverage_target": 0.0,
        "safety_net.lag_quarters": 4,
    },
    "all support, small packages wrapping round the line": {
        "industry.household_support_share": 1.0,
        "industry.collective_assets_share": 0.0,
        "industry.infrastructure_share": 0.0,
        "industry.support_per_household_yuan": 500.0,
        "simulation.end_quarter": "2028Q4",
    },
    "all support, the largest packages": {
        "industry.household_support_share": 1.0,
        "industry.collective_assets_share": 0.0,
        "industry.infrastructure_share": 0.0,
        "industry.support_per_household_yuan": 30_000.0,
    },
    "all assets, huge breadth (stakes diminishing over wrapped lines), contract linking binding": {
        "industry.household_support_share": 0.0,
        "industry.collective_assets_share": 1.0,
        "industry.infrastructure_share": 0.0,
        "linking.households_per_million_yuan": 100.0,
        **_modes("share_contract_planting"),
        "funds.central_10k_yuan": 600_000.0,
        "simulation.end_quarter": "2030Q4",
    },
    "all assets, tiny breadth, land transfer": {
        "industry.household_support_share": 0.0,
        "industry.collective_assets_share": 1.0,
        "industry.infrastructure_share": 0.0,
        "linking.households_per_million_yuan": 1.0,
        **_modes("share_land_transfer"),
    },
    "all assets in participation, every household bound by 2023Q2": {
        **_modes("share_industry_participation"),
        "dual_binding.coverage_target": 1.0,
        "dual_binding.target_quarter": "2023Q2",
    },
    "microcredit renewing over a long horizon, small loans": {
        "microcredit.new_lending_10k_yuan": 150_000.0,
        "microcredit.average_loan_yuan": 5_000.0,
        "simulation.end_quarter": "2030Q4",
        "dual_binding.target_quarter": "2027Q2",
        "safety_net.lag_quarters": 3,
    },
    "microcredit stopped: the stock runs off": {"microcredit.new_lending_10k_yuan": 0.0},
    "non-industry funds only": {
        "funds.industry_share_central": 0.0,
        "funds.industry_share_provincial": 0.0,
        "funds.industry_share_city_county": 0.0,
    },
    "a single projected quarter": {"simulation.end_quarter": "2023Q1"},
    "safety net off": {"safety_net.detection_rate": 0.0, "safety_net.gap_covered_share": 0.0},
}
SCENARIO_FILES = ("baseline", "breadth_first", "depth_first", "notice_2023", "policy_floor")


def _scenario(changes: dict, draws: int = DRAWS) -> Scenario:
    return Scenario().with_changes({"simulation.draws": draws, **changes})


def _assert_same(kernel, reference) -> None:
    """Every fixed-point sum equal; per-household per-capita sums within 2·D·ε relative (module docstring)."""
    for name in ("falling", "below", "below_before", "assistance", "assisted", "household_below_sum"):
        k, r = getattr(kernel, name), getattr(reference, name)
        assert np.array_equal(k, r), f"{name}: {np.abs(k - r).max()} apart"
    for component in reference.income:
        assert np.array_equal(kernel.income[component], reference.income[component]), f"income {component}"
        assert np.array_equal(kernel.terms_sum[component], reference.terms_sum[component]), f"terms {component}"
    gap = np.abs(kernel.household_pc_sum - reference.household_pc_sum)
    bound = 2 * reference.draws * EPS * np.abs(reference.household_pc_sum)
    assert np.all(gap <= bound), f"per-capita income per household: {gap.max()} apart"


def _compare(pop, scenario: Scenario, **kwargs):
    kernel = simulate(pop, scenario, **kwargs)
    reference = simulate(pop, scenario, engine="reference")
    _assert_same(kernel, reference)
    return kernel, reference


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_kernel_equals_reference(small_population, name):
    _compare(small_population, _scenario(SCENARIOS[name]))


@pytest.mark.parametrize("name", SCENARIO_FILES)
def test_kernel_equals_reference_on_shipped_scenarios(small_population, name):
    scenario = load_scenario(ROOT / "scenarios" / f"{name}.toml").with_changes({"simulation.draws": DRAWS})
    _compare(small_population, scenario)


@pytest.fixture(scope="module")
def backtest_sample():
    return backtest_population(800)


@pytest.mark.parametrize("end", ["2022Q1", "2022Q4", "2030Q4"])
def test_kernel_equals_reference_from_2022q1(backtest_sample, end):
    """A 2021 population projected from 2022Q1 to the first, a year's and the last quarter allowed."""
    changes = {"simulation.start_quarter": "2022Q1", "simulation.end_quarter": end, "dual_binding.target_quarter": end}
    kernel, _ = _compare(backtest_sample, _scenario(changes, draws=5))
    assert len(kernel.quarters) == 4 * (int(end[:4]) - 2022) + int(end[-1])


def _unit_weights(counties: tuple[str, ...], records: int, villages: float, seed: int):
    """``records`` records of weight one from ``counties``, a region of their own (programme_scale = its share)."""
    frame = generate_frame()
    part = frame[frame["county"].isin(counties)].sample(records, random_state=seed).copy()
    part["weight"] = 1.0
    households = np.array([float((part["county"] == c).sum()) for c in counties])
    share = records / len(frame)
    region = Region("样本市", counties, households, np.full(len(counties), villages), programme_scale=share)
    assistance = frame.attrs["base_year_assistance"][frame.index.get_indexer(part.index)]
    return population_from_frame(part, f"{records} records", region=region, base_assistance=assistance)


@pytest.fixture(scope="module")
def unit_weight_region():
    """600 records of weight one in three counties."""
    return _unit_weights(COUNTIES[2:5], 600, 12.0, 3)


@pytest.mark.parametrize("name", ["drawn assumptions", "microcredit renewing over a long horizon, small loans"])
def test_kernel_equals_reference_on_unit_weights(unit_weight_region, name):
    assert unit_weight_region.unit_weights and unit_weight_region.n_counties == 3
    _compare(unit_weight_region, _scenario(SCENARIOS[name]), threads=1)


FINE_MONEY_SCALE = float(1 << 38)  # fixed-point units per yuan: resolves one float64 ulp of any value above 16,384


@pytest.mark.parametrize(
    "name",
    [
        "every channel at its most, the chain cap binding",
        "all support, small packages wrapping round the line",
        "microcredit renewing over a long horizon, small loans",
        "all assets, huge breadth (stakes diminishing over wrapped lines), contract linking binding",
        "widest household growth dispersion",
    ],
)
def test_kernel_equals_reference_to_the_last_bit(monkeypatch, name):
    """At 2³⁸ units per yuan a value differing in its last bit moves its fixed-point sum (almost surely, over many
    households, quarters and draws): equal sums say the kernel's household values are the reference's bits.

    Sixteen records of weight one keep the finer sums inside int64 (checked).
    """
    pop = _unit_weights(COUNTIES[:2], 16, 2.0, 5)
    monkeypatch.setattr(reference_engine, "MONEY_SCALE", FINE_MONEY_SCALE)
    monkeypatch.setattr(kernel_engine, "MONEY_SCALE", FINE_MONEY_SCALE)
    _, reference = _compare(pop, _scenario(SCENARIOS[name], draws=3))
    units = max(np.abs(v).max() for v in reference.terms_sum.values()) * MONEY_SCALE  # as simulate reads them
    assert 2.0**40 < units < 2.0**62, "the finer sums are in use and stay inside int64"


LEVERS = st.fixed_dictionaries(
    {
        "funds.central_10k_yuan": st.floats(0, 600_000),
        "funds.industry_share_central": st.floats(0, 1),
        "industry.support_per_household_yuan": st.floats(500, 30_000),
        "linking.households_per_million_yuan": st.floats(1, 100),
        "microcredit.new_lending_10k_yuan": st.floats(0, 150_000),
        "microcredit.average_loan_yuan": st.floats(5_000, 50_000),
        "dual_binding.coverage_target": st.floats(0, 1),
        "assumptions.household_growth_sd": st.floats(0, 0.4),
        "safety_net.lag_quarters": st.integers(1, 4),
        "safety_net.detection_rate": st.floats(0, 1),
        "simulation.end_quarter": st.sampled_from(["2023Q3", "2024Q4", "2026Q2"]),
        "simulation.draws": st.integers(1, 6),
        "simulation.seed": st.integers(0, 2**32 - 1),
    }
)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    changes=LEVERS,
    support=st.floats(0, 1),
    assets=st.floats(0, 1),
    mode=st.sampled_from((None, *LINK_MODE_FIELDS)),
    threads=st.sampled_from([1, 2]),
)
def test_kernel_equals_reference_for_any_levers(unit_weight_region, changes, support, assets, mode, threads):
    """Random levers; ``assets`` is the share of what support leaves; one linking mode or the default mix."""
    split = {
        "industry.household_support_share": support,
        "industry.collective_assets_share": (1 - support) * assets,
        "industry.infrastructure_share": (1 - support) * (1 - assets),
    }
    scenario = Scenario().with_changes({**changes, **split, **(_modes(mode) if mode else {})})
    _compare(unit_weight_region, scenario, threads=threads)


def test_no_training_trains_nobody(small_population):
    """A county given no training places nobody in training (the reference once trained its first in line)."""
    for engine in ("kernel", "reference"):
        result = simulate(small_population, _scenario({"training.person_times": 0}), engine=engine)
        assert result.decomposition("wage", 2023)["training"] == 0.0, engine


def _assert_same_run(a, b):
    """Two results equal bit for bit in every array."""
    for name in ("falling", "below", "below_before", "assistance", "assisted", "household_pc_sum"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
    assert np.array_equal(a.household_below_sum, b.household_below_sum)
    for k in a.income:
        assert np.array_equal(a.income[k], b.income[k]), k
        assert np.array_equal(a.terms_sum[k], b.terms_sum[k]), k


def test_same_run_whatever_threads_and_blocks(small_population):
    scenario = _scenario(SCENARIOS["every channel at its most, the chain cap binding"])
    one = simulate(small_population, scenario, threads=1, block_rows=257)
    _assert_same_run(one, simulate(small_population, scenario, threads=2, block_rows=5_000))
    _assert_same_run(one, simulate(small_population, scenario, threads=2))


def test_same_run_whatever_draws_per_call(small_population, monkeypatch):
    """A kernel call takes a chunk of draws; chunks of 3 (the last one short) give the run of one chunk."""
    scenario = _scenario(SCENARIOS["every channel at its most, the chain cap binding"])
    whole = simulate(small_population, scenario, threads=2)
    monkeypatch.setattr(kernel_engine, "DRAW_CHUNK", 3)
    assert DRAWS % 3 != 0
    chunked = simulate(small_population, scenario, threads=2, block_rows=700)
    _assert_same_run(whole, chunked)
    _compare(small_population, scenario, threads=1)


def test_reference_same_run_whatever_blocks(small_population):
    scenario = _scenario({"simulation.draws": 4})
    small = simulate(small_population, scenario, engine="reference", block_rows=300)
    _assert_same_run(small, simulate(small_population, scenario, engine="reference", block_rows=2_000))


def test_more_draws_keep_the_draws_already_run(small_population):
    """The first n draws of a run of 2n are the run of n; the second n, started at draw n, complete it."""
    scenario = _scenario({})
    n = 5  # odd: the draws fill the SIMD lanes differently in the two runs
    short, long = simulate(small_population, scenario, draws=n), simulate(small_population, scenario, draws=2 * n)
    for name in ("falling", "below", "below_before", "assistance", "assisted"):
        assert np.array_equal(getattr(short, name), getattr(long, name)[..., :n]), name
    for k in short.income:
        assert np.array_equal(short.income[k], long.income[k][..., :n]), k
    joined = short.extend(simulate(small_population, scenario, draws=n, first_draw=n))
    for k in long.income:
        assert np.array_equal(joined.income[k], long.income[k]), k
        assert np.array_equal(joined.terms_sum[k], long.terms_sum[k]), k  # integers: the same in any order
    assert np.array_equal(joined.household_below_sum, long.household_below_sum)
    np.testing.assert_allclose(joined.household_pc_sum, long.household_pc_sum, rtol=4 * n * EPS)


def test_progress_can_cancel_and_threads_are_restored(small_population):
    scenario = _scenario({"simulation.draws": 4})
    threads_before = numba.get_num_threads()
    seen = []

    class Cancelled(Exception):
        pass

    def cancel(fraction):
        seen.append(fraction)
        raise Cancelled

    with pytest.raises(Cancelled):
        simulate(small_population, scenario, progress=cancel, threads=1, block_rows=500)
    assert len(seen) == 1 and 0 < seen[0] < 1
    assert numba.get_num_threads() == threads_before
    fractions = []
    simulate(small_population, scenario, progress=fractions.append, block_rows=500)
    assert fractions == sorted(fractions) and fractions[-1] == 1.0


def test_unknown_engine_is_refused(small_population):
    with pytest.raises(ValueError, match="engine"):
        simulate(small_population, _scenario({}), engine="fast")


MIDPOINTS = (np.arange(LANE_CELLS) + 0.5) / LANE_CELLS


@given(st.floats(min_value=-0.5, max_value=1.5, allow_nan=False))
def test_lane_threshold_makes_the_uniform_decision(rate):
    """``lane < T`` exactly where the reference's ``uniform < rate``."""
    threshold = lane_threshold(np.array([rate]))[0]
    assert np.array_equal(np.arange(LANE_CELLS) < threshold, rate > MIDPOINTS)


@pytest.mark.parametrize("cell", [0, 1, 32_767, 65_535])
def test_lane_threshold_at_a_midpoint(cell):
    """A rate exactly on a midpoint excludes that cell; the next float above includes it."""
    rate = MIDPOINTS[cell]
    assert lane_threshold(np.array([rate]))[0] == cell
    assert lane_threshold(np.array([np.nextafter(rate, 2.0)]))[0] == cell + 1
