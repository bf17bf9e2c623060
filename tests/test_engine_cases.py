"""Hand-computed cases on a tiny population with every shock switched off (docs/MODEL.md has the equations).

Each case starts from a *neutral* scenario: no industry funds, no new dual binding, no training, and every flow
programme at its 2022 level (calibration [programmes_2022]), so that only organic growth moves incomes; then one
lever is moved and its effect is computed by hand. Amounts are float32 inside the engine: rel 1e-6.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from model.engine.run import run_scenario
from model.population.table import INCOME_COMPONENTS, population_from_frame
from model.schema import calibration as cal
from model.schema.fieldspec import COUNTIES
from model.schema.scenario import Scenario

REL = 1e-6
QILIN, XUANWEI = COUNTIES.index("麒麟区"), COUNTIES.index("宣威市")
SEASON = {k: np.asarray(cal.seasonality(k)) for k in INCOME_COMPONENTS}
G = {"production": 0.12, "wage": 0.09, "property": 0.05, "transfer": 0.03}

QUIET = {
    f"assumptions.{k}": 0.0
    for k in ("price_shock_sd", "county_shock_sd", "village_shock_sd", "household_shock_sd", "wage_shock_sd")
}
NEUTRAL = {
    **QUIET,
    **{f"assumptions.organic_growth_{k}": v for k, v in G.items()},
    "funds.central_10k_yuan": 0.0,
    "funds.provincial_10k_yuan": 0.0,
    "funds.city_county_10k_yuan": 0.0,
    "dual_binding.coverage_target": 0.0,
    "microcredit.new_lending_10k_yuan": 55_000.0,
    "microcredit.average_loan_yuan": 46_500.0,
    "tourism.households_reached": 4_000.0,
    "training.person_times": 0.0,
    "collective.dividends_10k_yuan": 2_500.0,
    "collective.share_first_to_poverty_alleviated": 0.4,
    "consumption.purchases_10k_yuan": 15_000.0,
    "simulation.draws": 2,
    "simulation.end_quarter": "2025Q4",
}
CREDIT_THETA = 0.97 * 0.12 - 0.03 * 0.3  # (1 − default)(return − interest) − default × loss share, defaults


def household(
    i,
    county="麒麟区",
    size=3,
    workers=2,
    willing=False,
    bound=False,
    loan=0.0,
    wage=20_000.0,
    production=10_000.0,
    prop=1_000.0,
    transfer=4_000.0,
    weight=1.0,
    htype="脱贫户",
):
    return {
        "household_id": f"H{i}",
        "county": county,
        "village": f"村{i:02d}",
        "size": size,
        "workers": workers,
        "type": htype,
        "industry_willing": willing,
        "dual_bound": bound,
        "microcredit_yuan": loan,
        "transferable_land_mu": 1.0,
        "wage_income_2022": wage,
        "production_income_2022": production,
        "property_income_2022": prop,
        "transfer_income_2022": transfer,
        "weight": weight,
    }


def tiny(*rows):
    return population_from_frame(pd.DataFrame(list(rows)), "tiny")


def by_households(pop) -> dict[str, float]:
    """County shares in proportion to the tiny population's households (the default split follows the city's
    calibrated counts, which would hand a tiny table only a sliver of every programme)."""
    households = pop.households_by_county()
    return {c: float(h / households.sum()) for c, h in zip(COUNTIES, households, strict=True) if h > 0}


def run(pop, **changes):
    changes = {k.replace("__", "."): v for k, v in changes.items()}
    changes.setdefault("funds.county_shares", by_households(pop))
    return run_scenario(pop, Scenario().with_changes({**NEUTRAL, **changes}))


def quarter_year(i):
    return 2023 + i // 4, i % 4


# ----------------------------------------------------------------------------------------- organic
def test_organic_growth_only_gives_2022_times_growth_times_season():
    rows = [
        household(0, size=2),
        household(1, county="宣威市", wage=5_000.0, production=0.0, weight=4.0),
        household(2, county="宣威市", willing=True, production=25_000.0, prop=0.0, transfer=9_000.0),
    ]
    pop = tiny(*rows)
    r = run(pop).result
    assert r.income["wage"].shape == (9, 12, 2)
    for component in INCOME_COMPONENTS:
        col = f"{component}_income_2022"
        for c in (QILIN, XUANWEI):
            base = sum(h[col] * h["weight"] for h in rows if h["county"] == COUNTIES[c])
            for i in range(12):
                year, q = quarter_year(i)
                expected = base * (1 + G[component]) ** (year - 2022) * SEASON[component][q]
                np.testing.assert_allclose(r.income[component][c, i], expected, rtol=REL, err_msg=component)
        others = [k for k in range(9) if k not in (QILIN, XUANWEI)]
        assert not r.income[component][others].any()
    for component in ("production", "property"):
        np.testing.assert_allclose(r.growth(component, 2023), G[component], rtol=1e-5)
        np.testing.assert_allclose(r.growth(component, 2025, XUANWEI), G[component], rtol=1e-5)
    assert not r.falling.any()
    for name, arr in r.contributions.items():
        if name != "organic":
            assert not np.any(arr), name


def test_household_per_capita_income_and_monitoring_line():
    low = household(1, size=4, wage=12_000.0, production=8_000.0, prop=0.0, transfer=4_000.0, weight=2.0)
    high = household(0, size=1, wage=30_000.0, production=0.0, prop=0.0, transfer=0.0)
    pop = tiny(high, low)
    r = run(
        pop,
        simulation__monitoring_line_yuan=6_600.0,
        **{"assumptions.organic_growth_production": 0.0, "assumptions.organic_growth_transfer": 0.0},
    ).result
    per_capita_low = {y: (12_000 * 1.09 ** (y - 2022) + 8_000 + 4_000) / 4 for y in (2023, 2024, 2025)}
    assert per_capita_low[2024] < 6_600 < per_capita_low[2025]
    order = list(pop.household_id)
    for y_i, y in enumerate((2023, 2024, 2025)):
        np.testing.assert_allclose(r.household_pc_mean[order.index("H1"), y_i], per_capita_low[y], rtol=REL)
        np.testing.assert_allclose(r.household_pc_mean[order.index("H0"), y_i], 30_000 * 1.09 ** (y - 2022), rtol=REL)
    below = r.below.sum(axis=0)  # (year, draw), weighted households
    np.testing.assert_array_equal(below[:, 0], [2.0, 2.0, 0.0])
    np.testing.assert_array_equal(r.household_p_below[order.index("H1")], [1.0, 1.0, 0.0])
    checks = run_scenario(pop, r.scenario).targets
    assert checks["below_line"].value == pytest.approx(2 / 3)
    assert checks["below_line"].met is False and checks["below_line"].probability == 0.0
    # Histogram of expected per-capita income: 500-yuan bins, weighted households; the top bin is ≥ 50,000.
    assert r.hist.shape == (3, 101)
    assert r.hist[0, int(per_capita_low[2023] // 500)] == 2.0
    assert r.hist[0, int(30_000 * 1.09 // 500)] == 1.0
    assert r.hist.sum() == pytest.approx(3 * 3.0)


# ---------------------------------------------------------------------------------------- industry
def _industry_case(mode_field, ramp=4.0):
    """One county, three willing households; 100 万元 of industry funds at 1 household per million → one linked."""
    rows = [household(i, willing=True) for i in range(3)]
    pop = tiny(*rows)
    shares = dict.fromkeys(("industry_participation", "land_transfer", "contract_planting", "contract_raising"), 0.0)
    shares[mode_field] = 1.0
    r = run(
        pop,
        funds__central_10k_yuan=100.0,
        funds__industry_share_central=1.0,
        linking__households_per_million_yuan=1.0,
        assumptions__industry_ramp_quarters=ramp,
        **{f"linking.share_{k}": v for k, v in shares.items()},
    )
    return pop, rows, r


def _vintages(i, ramp=4.0):
    """Sum over yearly vintages of industry assets of their ramp in quarter ``i`` (0 = 2023Q1)."""
    return sum(min(max((i + 1 - 4 * v) / ramp, 0.0), 1.0) for v in range(i // 4 + 1))


def test_default_allocation_follows_the_calibrated_county_counts():
    """Without a county table, programmes are split by the city's calibrated households, whatever table is run."""
    from model.population.synth import county_household_counts

    counts = county_household_counts()
    expected = np.array([sum(counts[c].values()) for c in COUNTIES], dtype=float)
    scenario = Scenario().with_changes({**NEUTRAL, "funds.central_10k_yuan": 100.0})
    r = run_scenario(tiny(household(0, willing=True)), scenario).result
    np.testing.assert_allclose(r.allocation, expected / expected.sum(), rtol=1e-12)
    np.testing.assert_allclose(r.linked_by_county[QILIN], 10 * 100 * 0.6 * expected[QILIN] / expected.sum() / 100)


def test_vintages_by_hand():
    assert [_vintages(i) for i in range(12)] == [0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75, 2, 2.25, 2.5, 2.75, 3]


@pytest.mark.parametrize("mode", ["contract_planting", "contract_raising"])
def test_linked_contract_household_receives_return_on_investment_ramped(mode):
    _, _, r = _industry_case(mode)
    investment = 100 * 10_000.0  # yuan per linked household per year of funds
    assert r.result.linked_by_county[QILIN] == 1.0
    for i in range(12):
        year, q = quarter_year(i)
        organic = 3 * 10_000 * 1.12 ** (year - 2022) * SEASON["production"][q]
        added = 0.04 * investment * _vintages(i) * SEASON["production"][q]
        np.testing.assert_allclose(r.result.income["production"][QILIN, i], organic + added, rtol=REL)
        np.testing.assert_allclose(r.result.contributions["industry"][QILIN, i], added, rtol=REL)
    wage_organic = 3 * 20_000 * 1.09 * SEASON["wage"]
    np.testing.assert_allclose(r.result.income["wage"][QILIN, :4, 0], wage_organic, rtol=REL)
    pc = r.result.household_pc_mean[:, 0] * 3  # household income 2023
    base_2023 = 20_000 * 1.09 + 10_000 * 1.12 + 1_000 * 1.05 + 4_000 * 1.03
    gains = np.sort(pc - base_2023)
    seasonal_vintages_2023 = sum(_vintages(i) * SEASON["production"][i] for i in range(4))  # 0.75
    np.testing.assert_allclose(gains, [0, 0, 0.04 * investment * seasonal_vintages_2023], rtol=REL, atol=0.05)


def test_participation_splits_the_return_into_wage_and_dividend():
    _, _, r = _industry_case("industry_participation")
    res = r.result
    investment = 1e6
    for i in range(12):
        year, q = quarter_year(i)
        v = _vintages(i)
        np.testing.assert_allclose(
            res.income["wage"][QILIN, i],
            3 * 20_000 * 1.09 ** (year - 2022) * SEASON["wage"][q] + 0.04 * 0.6 * investment * v * SEASON["wage"][q],
            rtol=REL,
        )
        np.testing.assert_allclose(
            res.income["property"][QILIN, i],
            3 * 1_000 * 1.05 ** (year - 2022) * SEASON["property"][q]
            + 0.04 * 0.4 * investment * v * SEASON["property"][q],
            rtol=REL,
        )
        np.testing.assert_allclose(
            res.income["production"][QILIN, i], 3 * 10_000 * 1.12 ** (year - 2022) * SEASON["production"][q], rtol=REL
        )


def test_land_transfer_pays_rent_as_property_income():
    _, _, r = _industry_case("land_transfer", ramp=1.0)
    for i in range(12):
        year, q = quarter_year(i)
        expected = (
            3 * 1_000 * 1.05 ** (year - 2022) * SEASON["property"][q]
            + 0.04 * 1e6 * (i // 4 + 1) * SEASON["property"][q]
        )
        np.testing.assert_allclose(r.result.income["property"][QILIN, i], expected, rtol=REL)


def test_unwilling_households_are_linked_only_after_the_willing():
    rows = [household(0), household(1, willing=True), household(2)]
    pop = tiny(*rows)
    r = run(
        pop,
        funds__central_10k_yuan=100.0,
        funds__industry_share_central=1.0,
        linking__households_per_million_yuan=1.0,
        linking__share_industry_participation=0.0,
        linking__share_land_transfer=0.0,
        linking__share_contract_planting=1.0,
        linking__share_contract_raising=0.0,
    )
    gain = r.result.household_pc_mean[:, 0] * 3 - (20_000 * 1.09 + 10_000 * 1.12 + 1_000 * 1.05 + 4_000 * 1.03)
    assert list(pop.household_id[gain > 1]) == ["H1"]


def test_n7_effective_households_per_million_and_its_cap():
    pop, _, r = _industry_case("contract_planting")
    n7 = r.targets["N7"]
    assert n7.value == pytest.approx(1.0) and n7.target == 10 and n7.met is False
    assert n7.detail["linked_households"] == 1.0 and n7.detail["industry_funds_10k_yuan"] == 100.0
    # 1,000 万元 at 10 per million wants 100 households; the county has 3, so the effective value is 0.3.
    capped = run(
        pop,
        funds__central_10k_yuan=1_000.0,
        funds__industry_share_central=1.0,
        linking__households_per_million_yuan=10.0,
    ).targets["N7"]
    assert capped.value == pytest.approx(0.3) and capped.met is False
    ok = run(
        tiny(*[household(i, willing=True, weight=50.0) for i in range(3)]),
        funds__central_10k_yuan=1_000.0,
        funds__industry_share_central=1.0,
        linking__households_per_million_yuan=10.0,
    ).targets["N7"]
    assert ok.value == pytest.approx(10.0) and ok.met is True


def test_industry_funds_combine_the_three_sources():
    pop = tiny(*[household(i, willing=True, weight=1_000.0) for i in range(2)])
    r = run(
        pop,
        funds__central_10k_yuan=100.0,
        funds__provincial_10k_yuan=200.0,
        funds__city_county_10k_yuan=300.0,
        funds__industry_share_central=0.5,
        funds__industry_share_provincial=0.25,
        funds__industry_share_city_county=0.1,
        linking__households_per_million_yuan=2.0,
    )
    funds = 100 * 0.5 + 200 * 0.25 + 300 * 0.1
    assert r.targets["N7"].detail["industry_funds_10k_yuan"] == pytest.approx(funds)
    assert r.result.linked_by_county[QILIN] == pytest.approx(2.0 * funds / 100)
    assert r.targets["N5"].value == 0.5 and r.targets["N5"].met is False
    assert r.targets["N6"].value == 0.25 and r.targets["N6"].met is False


# ------------------------------------------------------------------------------------ dual binding
def test_dual_binding_premium_ramps_from_each_households_binding_quarter():
    """Two willing, unbound households; coverage 0 → 100% by 2023Q4 (4 quarters): ranks 0 and ½ bind at the
    start of 2023Q1 and 2023Q3, and their premium ramps over 2 quarters."""
    rows = [household(0, willing=True), household(1, willing=True, production=20_000.0)]
    pop = tiny(*rows)
    r = run(
        pop,
        dual_binding__coverage_target=1.0,
        dual_binding__target_quarter="2023Q4",
        assumptions__dual_binding_premium=0.25,
        assumptions__dual_binding_ramp_quarters=2.0,
    )
    res = r.result
    ramp_first = [0.5, 1, 1, 1] + [1] * 8
    ramp_second = [0, 0, 0.5, 1] + [1] * 8
    order = list(pop.household_id)
    first, second = (rows[0], rows[1]) if order.index("H0") == 0 else (rows[1], rows[0])
    premium_both = np.array(
        [
            first["production_income_2022"] * a + second["production_income_2022"] * b
            for a, b in zip(ramp_first, ramp_second, strict=True)
        ]
    )
    # Which household is first in line is random (seeded); try both assignments and require one to match.
    for a, b in ((rows[0], rows[1]), (rows[1], rows[0])):
        premium = np.array(
            [
                a["production_income_2022"] * x + b["production_income_2022"] * y
                for x, y in zip(ramp_first, ramp_second, strict=True)
            ]
        )
        expected = [
            (30_000 + 0.25 * premium[i])
            * 1.12 ** (quarter_year(i)[0] - 2022)
            * SEASON["production"][quarter_year(i)[1]]
            for i in range(12)
        ]
        if np.allclose(res.income["production"][QILIN, :, 0], expected, rtol=REL):
            break
    else:
        pytest.fail(f"production {res.income['production'][QILIN, :, 0]} matches neither order ({premium_both})")
    np.testing.assert_allclose(res.coverage[QILIN, :4], [0.25, 0.5, 0.75, 1.0])
    assert res.coverage_city("2023Q4") == 1.0
    n11 = r.targets["N11"]
    assert n11.value == 1.0 and n11.met is True and n11.detail["coverage_2022"] == 0.0


def test_already_bound_households_get_no_new_premium():
    pop = tiny(household(0, willing=True, bound=True), household(1, willing=True, bound=True))
    r = run(pop, dual_binding__coverage_target=1.0, assumptions__dual_binding_premium=0.6)
    year_factor = np.array([1.12 ** (quarter_year(i)[0] - 2022) * SEASON["production"][i % 4] for i in range(12)])
    np.testing.assert_allclose(r.result.income["production"][QILIN, :, 0], 20_000 * year_factor, rtol=REL)
    assert r.targets["N11"].detail["coverage_2022"] == 1.0


def test_coverage_target_below_current_coverage_changes_nothing():
    pop = tiny(household(0, willing=True, bound=True), household(1, willing=True))
    low = run(pop, dual_binding__coverage_target=0.2).result
    np.testing.assert_allclose(low.coverage[QILIN], 0.5)
    zero = run(pop, dual_binding__coverage_target=0.0).result
    np.testing.assert_array_equal(low.income["production"], zero.income["production"])


# ------------------------------------------------------------------------------------- microcredit
def test_microcredit_acts_through_the_change_of_loan_size():
    pop = tiny(*[household(i, willing=True) for i in range(3)], household(3))
    r = run(pop, microcredit__average_loan_yuan=50_000.0)
    for i in range(12):
        year, q = quarter_year(i)
        organic = 4 * 10_000 * 1.12 ** (year - 2022) * SEASON["production"][q]
        added = 3 * (50_000 - 46_500) * CREDIT_THETA * SEASON["production"][q]
        np.testing.assert_allclose(r.result.income["production"][QILIN, i], organic + added, rtol=REL)
        np.testing.assert_allclose(r.result.contributions["microcredit"][QILIN, i], added, rtol=REL)


def test_fewer_borrowers_than_in_2022_lose_the_loans_income():
    """Lending covering one borrower per county where 2022 reached all: the others lose (loan × credit theta)."""
    pop = tiny(*[household(i, willing=True) for i in range(4)])
    lending = 46_500 / 10_000  # 万元: exactly one loan of 46,500 yuan
    r = run(pop, microcredit__new_lending_10k_yuan=lending)
    for i in range(12):
        year, q = quarter_year(i)
        expected = (4 * 10_000 * 1.12 ** (year - 2022) - 3 * 46_500 * CREDIT_THETA) * SEASON["production"][q]
        np.testing.assert_allclose(r.result.income["production"][QILIN, i], expected, rtol=REL)
    assert r.targets["N9"].value == lending and r.targets["N9"].met is False


# -------------------------------------------------------------------------------- falls and points
def test_falling_share_points_lost_and_wudan_by_hand():
    """4 households in each of two counties; lending for ½ borrower in 麒麟区 and 1½ in 宣威市 (county shares
    ¼ / ¾). Households losing their 2022 loan fall below their 2022 year-to-date production in every quarter
    of 2023 (not in 2024, when organic growth lifts them above their 2023 level)."""
    rows = [household(i, willing=True, weight=2.0) for i in range(4)]
    rows += [household(i, county="宣威市", willing=True, weight=2.0) for i in range(4, 8)]
    pop = tiny(*rows)
    r = run(
        pop, funds__county_shares={"麒麟区": 0.25, "宣威市": 0.75}, microcredit__new_lending_10k_yuan=4.65 * 2 * 2
    )  # borrowers: 4 × ¼ = 1 loan-size unit… weighted
    res = r.result
    # Weighted borrowers: 18.6 万元 / 46,500 yuan = 4 loans → ¼: 1, ¾: 3 (each record stands for 2 households),
    # so 麒麟区 reaches its first record (position 0 < 1), 宣威市 its first two (positions 0, 2 < 3).
    falling_qilin, falling_xuanwei = 3 * 2.0, 2 * 2.0
    np.testing.assert_array_equal(res.falling[QILIN, :4, 0], falling_qilin)
    np.testing.assert_array_equal(res.falling[XUANWEI, :4, 0], falling_xuanwei)
    assert not res.falling[:, 4:].any()
    city = (falling_qilin + falling_xuanwei) / 16
    np.testing.assert_allclose(res.city_falling[:4, 0], city)
    np.testing.assert_allclose(res.county_falling[QILIN, :4, 0], 0.75)
    expected_points = 0.5 * (0.75 - city) * 100
    np.testing.assert_allclose(res.points_lost[QILIN, :4, 0], expected_points)
    np.testing.assert_array_equal(res.points_lost[XUANWEI, :4, 0], 0.0)
    assert res.wudan[QILIN, :4].all() and not res.wudan[XUANWEI].any()
    n3, n4 = r.targets["N3"], r.targets["N4"]
    assert n3.value == pytest.approx(city) and n3.met is False and n3.probability == 0.0
    assert n3.detail["points_lost_by_county"]["麒麟区"] == pytest.approx(expected_points)
    assert n4.value == 1.0 and n4.detail["counties"] == ["麒麟区"] and n4.met is False
    table = res.assessment_table()
    row = table[(table["quarter"] == "2023Q2") & (table["county"] == "麒麟区")].iloc[0]
    other = table[(table["quarter"] == "2023Q2") & (table["county"] == "宣威市")].iloc[0]
    assert row["points_lost"] == pytest.approx(expected_points) and bool(row["wudan"])
    assert row["rank"] == other["rank"] + 1  # ranked by falling share, lowest first
    assert row["excess_pp"] == pytest.approx((0.75 - city) * 100)


def test_equal_income_is_not_a_fall():
    """With no growth, no shocks and no policy change, year-to-date production equals 2022's: nobody falls."""
    from model.population.synth import generate_frame

    frame = generate_frame().sample(500, random_state=2)
    pop = population_from_frame(frame, "500 households")
    r = run(pop, assumptions__organic_growth_production=0.0, microcredit__new_lending_10k_yuan=50_000.0)
    assert not r.result.income["production"].std(axis=-1).any()
    assert not r.result.falling.any(), r.result.falling.sum(axis=0)[:, 0]


def test_production_clamps_at_zero():
    pop = tiny(household(0, willing=True, production=1_000.0), household(1, willing=True, production=1_000.0))
    r = run(pop, microcredit__new_lending_10k_yuan=0.0).result  # both lose a 2022 loan worth ≈ 4,994 yuan a year
    assert not r.income["production"].any()
    np.testing.assert_array_equal(r.falling[QILIN, :4], 2.0)


# ------------------------------------------------------------------------------- training, others
def test_training_stock_one_household_per_year_in_line():
    """One person-time per year: households with workers are trained one a year; each gains from the next
    quarter on, ramped over 2 quarters; a household without workers is never trained."""
    rows = [household(i, size=2, workers=1) for i in range(3)] + [household(3, size=2, workers=0)]
    pop = tiny(*rows)
    r = run(
        pop,
        training__person_times=1.0,
        assumptions__training_wage_gain_yuan=1_500.0,
        assumptions__training_ramp_quarters=2.0,
    )
    ramp = {0: [0.5] + [1] * 11, 1: [0] * 4 + [0.5] + [1] * 7, 2: [0] * 8 + [0.5, 1, 1, 1]}
    for i in range(12):
        year, q = quarter_year(i)
        trained = sum(ramp[k][i] for k in ramp)
        expected = (4 * 20_000 * 1.09 ** (year - 2022) + 1_500 * trained) * SEASON["wage"][q]
        np.testing.assert_allclose(r.result.income["wage"][QILIN, i], expected, rtol=REL)
    idx = list(pop.household_id).index("H3")
    np.testing.assert_allclose(
        r.result.household_pc_mean[idx, 2] * 2,
        20_000 * 1.09**3 + 10_000 * 1.12**3 + 1_000 * 1.05**3 + 4_000 * 1.03**3,
        rtol=REL,
    )
    assert r.targets["N18"].value == 1.0 and r.targets["N18"].met is False


def test_collective_proceeds_are_shared_equally_per_household():
    rows = [household(0, size=1), household(1, size=5), household(2, county="宣威市", weight=3.0)]
    pop = tiny(*rows)
    r = run(pop, collective__dividends_10k_yuan=3_500.0, collective__share_first_to_poverty_alleviated=0.4)
    delta = (3_500 * 0.4 - 2_500 * 0.4) * 10_000.0  # yuan a year beyond 2022, city-wide
    share = {QILIN: 2 / 5, XUANWEI: 3 / 5}  # allocation by weighted households
    for c, s in share.items():
        for i in range(12):
            year, q = quarter_year(i)
            n_records_prop = {QILIN: 2 * 1_000, XUANWEI: 3 * 1_000}[c]
            expected = (
                n_records_prop * 1.05 ** (year - 2022) * SEASON["property"][q] + delta * s * SEASON["property"][q]
            )
            np.testing.assert_allclose(r.result.income["property"][c, i], expected, rtol=REL)
    order = list(pop.household_id)
    each = delta * 2 / 5 / 2
    base = 20_000 * 1.09 + 10_000 * 1.12 + 1_000 * 1.05 + 4_000 * 1.03
    np.testing.assert_allclose(r.result.household_pc_mean[order.index("H0"), 0], (base + each) / 1, rtol=REL)
    np.testing.assert_allclose(r.result.household_pc_mean[order.index("H1"), 0], (base + each) / 5, rtol=REL)


def test_tourism_and_consumption_deltas():
    pop = tiny(household(0, willing=True, production=30_000.0), household(1, willing=True), household(2))
    r = run(
        pop,
        tourism__households_reached=0.0,
        consumption__purchases_10k_yuan=16_000.0,
        assumptions__tourism_gain_yuan=5_000.0,
        assumptions__consumption_margin=0.15,
    )
    # Tourism falls from 2022's level (all three reached) to none; consumption adds 1,000 万元 × margin, shared
    # among willing households by 2022 production (all of it lands in this one county).
    delta = -3 * 5_000.0 + 1_000 * 10_000.0 * 0.15
    for i in range(12):
        year, q = quarter_year(i)
        expected = (50_000 * 1.12 ** (year - 2022) + delta) * SEASON["production"][q]
        np.testing.assert_allclose(r.result.income["production"][QILIN, i], expected, rtol=REL)
    np.testing.assert_allclose(r.result.contributions["tourism"][QILIN, 0], -15_000 * SEASON["production"][0])


def test_contributions_table_per_capita_and_per_10k_yuan():
    _, _, r = _industry_case("contract_planting")
    table = r.contributions
    industry_2023 = table[(table["year"] == 2023) & (table["channel"] == "industry")]["value"].iloc[0]
    added_2023 = 0.04 * 1e6 * sum(_vintages(i) * SEASON["production"][i] for i in range(4))
    assert industry_2023 == pytest.approx(added_2023 / 9, rel=REL)  # 3 households × 3 persons
    per_10k = table[(table["year"] == 2023) & (table["channel"] == "per_10k_yuan_industry_funds")]["value"].iloc[0]
    assert per_10k == pytest.approx(added_2023 / 100, rel=REL)
    organic_2023 = table[(table["year"] == 2023) & (table["channel"] == "organic")]["value"].iloc[0]
    assert organic_2023 == pytest.approx(3 * (20_000 * 0.09 + 10_000 * 0.12 + 1_000 * 0.05 + 4_000 * 0.03) / 9, rel=REL)


def test_draws_are_identical_without_shocks_or_drawn_assumptions():
    pop = tiny(*[household(i, willing=True) for i in range(3)])
    r = run(pop, simulation__draws=3, dual_binding__coverage_target=1.0).result
    for arr in r.income.values():
        np.testing.assert_array_equal(arr[..., 0:1].repeat(3, axis=-1), arr)


def test_one_county_without_willing_households_gives_no_nan():
    """An uploaded table may cover one county and no willing household: every output stays a number."""
    import json

    pop = tiny(household(0), household(1, production=0.0))
    r = run(pop, simulation__draws=1)
    json.dumps({k: c.as_dict() for k, c in r.targets.items()}, allow_nan=False)
    assert r.targets["N11"].value == 1.0 and r.targets["N11"].detail["coverage_2022"] == 1.0
    for table in (r.result.assessment_table(), r.result.annual_table(), r.result.quarterly_table()):
        assert not table.select_dtypes("number").isna().any().any()


def test_horizon_ending_before_the_first_full_year_runs():
    r = run(tiny(household(0)), simulation__end_quarter="2023Q2")
    assert r.result.years == [] and "N1" not in r.targets and r.targets["N5"].value == 0.6


# ------------------------------------------------------------------------------------------- shocks
def test_shocks_multiply_production_damped_for_bound_households_and_clamped_at_zero():
    """Y = det × max(0, 1 + χ_village (1 − bound × damping)), with χ the common shock of the household's village
    (household and wage shocks off); det is the same scenario's production without shocks."""
    from model.engine.shocks import common_shocks
    from model.engine.simulate import FIRST_QUARTER

    pop = tiny(household(0), household(1, county="宣威市", willing=True, bound=True))
    sds = {
        "assumptions.price_shock_sd": 0.3,
        "assumptions.county_shock_sd": 0.3,
        "assumptions.village_shock_sd": 0.3,
        "assumptions.dual_binding_damping": 0.5,
    }
    shocked = run(pop, simulation__draws=64, **sds)
    quiet = run(pop, simulation__draws=64)
    s = shocked.scenario
    draws = s.simulation.draws
    chi = common_shocks(
        s.simulation.seed,
        list(range(FIRST_QUARTER, FIRST_QUARTER + 12)),
        draws,
        pop.village_county,
        np.full(draws, 0.3),
        np.full(draws, 0.5),
        np.full(draws, 0.3),
        np.full(draws, 0.3),
    )
    det = quiet.result.income["production"]
    for c, damping in ((QILIN, 0.0), (XUANWEI, 0.5)):
        village = pop.village[pop.county == c][0]
        factor = np.maximum(0.0, 1 + chi[:, village, :] * (1 - damping))
        np.testing.assert_allclose(shocked.result.income["production"][c], det[c] * factor, rtol=2e-6, atol=1e-3)
    assert (shocked.result.income["production"][QILIN] == 0).any()  # clamping happened
    np.testing.assert_array_equal(shocked.result.income["wage"], quiet.result.income["wage"])


def test_wage_shock_is_city_wide():
    from model.engine.shocks import wage_shocks
    from model.engine.simulate import FIRST_QUARTER

    pop = tiny(household(0), household(1, county="宣威市"))
    shocked = run(pop, simulation__draws=8, assumptions__wage_shock_sd=0.1)
    quiet = run(pop, simulation__draws=8)
    s = shocked.scenario
    eps = wage_shocks(s.simulation.seed, list(range(FIRST_QUARTER, FIRST_QUARTER + 12)), 8, np.full(8, 0.1))
    for c in (QILIN, XUANWEI):
        np.testing.assert_allclose(
            shocked.result.income["wage"][c], quiet.result.income["wage"][c] * (1 + eps), rtol=1e-6
        )
    np.testing.assert_array_equal(shocked.result.income["production"], quiet.result.income["production"])


def test_price_shock_is_a_stationary_ar1():
    from model.engine.shocks import common_shocks

    draws, phi = 4_000, 0.5
    chi = common_shocks(
        1,
        list(range(8092, 8104)),
        draws,
        np.array([0, 3]),
        np.full(draws, 0.2),
        np.full(draws, phi),
        np.zeros(draws),
        np.zeros(draws),
    )
    np.testing.assert_array_equal(chi[:, 0], chi[:, 1])  # the price is city-wide
    price = chi[:, 0, :].astype(np.float64) / 0.2
    assert np.all(np.abs(price.std(axis=1) - 1) < 0.05)  # unit variance in every quarter
    lag1 = np.mean([np.corrcoef(price[i], price[i + 1])[0, 1] for i in range(11)])
    assert abs(lag1 - phi) < 0.03


def test_drawn_assumptions_are_triangular_around_the_scenario_value():
    from model.engine.assumptions import assumption_draws
    from model.schema import fieldspec

    scenario = Scenario().with_changes({"simulation.draw_assumptions": True})
    draws = assumption_draws(scenario, 20_000)
    for spec in fieldspec.section_fields("assumptions"):
        values = draws[spec.name]
        mode = scenario.value(spec.path)
        if spec.name.endswith("_ramp_quarters"):
            assert (values == mode).all(), spec.name  # lags are never drawn
            continue
        assert values.min() >= spec.min and values.max() <= spec.max, spec.name
        mean = (spec.min + mode + spec.max) / 3
        assert values.mean() == pytest.approx(mean, abs=0.02 * (spec.max - spec.min)), spec.name
    fixed = assumption_draws(Scenario(), 3)
    assert all((v == Scenario().value(f"assumptions.{k}")).all() for k, v in fixed.items())
