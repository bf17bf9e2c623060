"""The compiled kernel against the numpy reference, and its invariances (threads, blocks, extension, cancel).

Tolerances. The kernel computes in float32 where the reference uses float64, so every value it produces carries a
relative error of a few float32 roundings (≈ 1e-7 each; a quarter's income is a sum of about ten terms):
``RTOL = 1e-5`` leaves a factor of ten or more. On top of that, fixed-point sums round each household's value
before adding (MONEY_SCALE units per yuan): a household value that lies within that float error of a rounding
boundary may round the other way, so a sum may differ by one unit per household summed. The decomposition terms
are rounded once per household and quarter after summing over draws in the kernel, once per draw in the reference:
up to (draws + 1) / 2 units per household and quarter. Counts (households falling, assisted, below the line)
differ only where a float32 value falls on the other side of a threshold than its float64 twin (a year-to-date
fall of 0.00099% against the 0.001% tolerance, say): a county's count in one quarter and draw may move by at most
``FLIP_RECORDS`` records, and all counts together by at most ``FLIP_SHARE`` of the households counted.
"""

from __future__ import annotations

from pathlib import Path

import numba
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from model.engine.reference import MONEY_SCALE
from model.engine.rng import LANE_CELLS, lane_threshold
from model.engine.simulate import simulate
from model.schema.fieldspec import COUNTIES
from model.schema.scenario import Scenario, load_scenario

ROOT = Path(__file__).resolve().parent.parent
RTOL = 1e-5
FLIP_RECORDS = 2
FLIP_SHARE = 1e-3
DRAWS = 16

SCENARIOS = {
    "drawn assumptions": {},
    "every channel at its most, the chain cap binding": {
        "funds.central_10k_yuan": 400_000.0,
        "linking.households_per_million_yuan": 40.0,
        "microcredit.new_lending_10k_yuan": 300_000.0,
        "tourism.households_reached": 100_000,
        "training.person_times": 200_000,
        "collective.dividends_10k_yuan": 50_000.0,
        "consumption.purchases_10k_yuan": 200_000.0,
        "assumptions.chain_cap_yuan": 3_000.0,
        "simulation.monitoring_line_yuan": 12_000.0,
        "safety_net.detection_rate": 1.0,
        "safety_net.gap_covered_share": 1.5,
    },
    "long horizon, a three-quarter lag": {
        "simulation.end_quarter": "2030Q4",
        "dual_binding.target_quarter": "2027Q2",
        "safety_net.lag_quarters": 3,
    },
    "nothing new, one county without money, a four-quarter lag": {
        "funds.central_10k_yuan": 0.0,
        "funds.provincial_10k_yuan": 0.0,
        "funds.city_county_10k_yuan": 0.0,
        "funds.county_shares": {c: (0.0 if i == 0 else 1 / (len(COUNTIES) - 1)) for i, c in enumerate(COUNTIES)},
        "microcredit.new_lending_10k_yuan": 0.0,
        "tourism.households_reached": 0,
        "training.person_times": 0,
        "collective.dividends_10k_yuan": 0.0,
        "consumption.purchases_10k_yuan": 0.0,
        "dual_binding.coverage_target": 0.0,
        "safety_net.lag_quarters": 4,
    },
}
SCENARIO_FILES = ("baseline", "breadth_first", "depth_first", "notice_2023", "policy_floor")


def _scenario(changes: dict) -> Scenario:
    return Scenario().with_changes({"simulation.draws": DRAWS, **changes})


def _records_by_county(pop) -> np.ndarray:
    return np.bincount(pop.county, minlength=pop.n_counties).astype(float)


def _assert_money(kernel: np.ndarray, reference: np.ndarray, slack: np.ndarray, scale: np.ndarray, what: str):
    """|kernel − reference| ≤ RTOL·|scale| + slack (yuan), element by element."""
    excess = np.abs(kernel - reference) - (RTOL * np.abs(scale) + slack)
    worst = np.unravel_index(np.argmax(excess), excess.shape)
    assert excess[worst] <= 0, f"{what}: kernel {kernel[worst]} vs reference {reference[worst]} at {worst}"


def _assert_counts(kernel: np.ndarray, reference: np.ndarray, pop, households: np.ndarray, what: str):
    """Weighted household counts per county: a few records flipped at most."""
    gap = np.abs(kernel - reference)
    assert gap.max() <= FLIP_RECORDS * pop.weight.max(), f"{what}: a count differs by {gap.max():.1f} households"
    counted = np.broadcast_to(households.reshape(-1, *([1] * (kernel.ndim - 1))), kernel.shape).sum()
    assert gap.sum() <= FLIP_SHARE * counted, f"{what}: counts differ by {gap.sum():.1f} households in all"


def _assert_same_run(a, b):
    """Two results equal bit for bit in every array."""
    for name in ("falling", "below", "below_before", "assistance", "assisted", "household_pc_sum"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
    assert np.array_equal(a.household_below_sum, b.household_below_sum)
    for k in a.income:
        assert np.array_equal(a.income[k], b.income[k]), k
        assert np.array_equal(a.terms_sum[k], b.terms_sum[k]), k


def _compare(pop, scenario: Scenario):
    kernel = simulate(pop, scenario)
    reference = simulate(pop, scenario, engine="reference")
    draws = kernel.draws
    records = _records_by_county(pop)
    money_slack = (records / MONEY_SCALE)[:, None, None]
    for k in kernel.income:
        _assert_money(kernel.income[k], reference.income[k], money_slack, reference.income[k], f"income {k}")
        terms_slack = (records * (draws + 1) / 2 / MONEY_SCALE)[:, None, None]
        scale = reference.income[k].sum(axis=-1)[:, :, None]
        _assert_money(kernel.terms_sum[k], reference.terms_sum[k], terms_slack, scale, f"terms {k}")
    _assert_money(kernel.assistance, reference.assistance, money_slack, reference.assistance, "assistance")
    households = kernel.households
    for name in ("falling", "assisted", "below", "below_before"):
        _assert_counts(getattr(kernel, name), getattr(reference, name), pop, households, name)
    pc_gap = np.abs(kernel.household_pc_sum - reference.household_pc_sum) - RTOL * np.abs(reference.household_pc_sum)
    assert pc_gap.max() <= 0, "per-capita income per household"
    flips = np.abs(kernel.household_below_sum - reference.household_below_sum).sum()
    assert flips <= FLIP_SHARE * reference.household_below_sum.size * draws, "draws below the line per household"
    return kernel, reference


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_kernel_equals_reference(small_population, name):
    _compare(small_population, _scenario(SCENARIOS[name]))


@pytest.mark.parametrize("name", SCENARIO_FILES)
def test_kernel_equals_reference_on_shipped_scenarios(small_population, name):
    scenario = load_scenario(ROOT / "scenarios" / f"{name}.toml").with_changes({"simulation.draws": 8})
    _compare(small_population, scenario)


def test_no_training_trains_nobody(small_population):
    """A county given no training places nobody in training (the reference once trained its first in line)."""
    for engine in ("kernel", "reference"):
        result = simulate(small_population, _scenario({"training.person_times": 0}), engine=engine)
        assert result.decomposition("wage", 2023)["training"] == 0.0, engine


def test_same_run_whatever_threads_and_blocks(small_population):
    scenario = _scenario(SCENARIOS["every channel at its most, the chain cap binding"])
    one = simulate(small_population, scenario, threads=1, block_rows=257)
    _assert_same_run(one, simulate(small_population, scenario, threads=2, block_rows=5_000))
    _assert_same_run(one, simulate(small_population, scenario, threads=2))


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
    _assert_same_run_but_sums(joined, long, _records_by_county(small_population))


def _assert_same_run_but_sums(joined, long, records):
    """Per-draw arrays equal; sums over draws equal up to one rounding per household, quarter and batch."""
    for k in long.income:
        assert np.array_equal(joined.income[k], long.income[k]), k
        slack = (2 * records / MONEY_SCALE)[:, None, None]
        _assert_money(joined.terms_sum[k], long.terms_sum[k], slack, long.income[k].sum(axis=-1)[:, :, None], k)
    assert np.array_equal(joined.household_below_sum, long.household_below_sum)
    np.testing.assert_allclose(joined.household_pc_sum, long.household_pc_sum, rtol=1e-6)


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
