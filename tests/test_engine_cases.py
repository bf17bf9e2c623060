"""Hand-computed cases on tiny household tables, one behaviour each (docs/MODEL.md; § numbers refer to it).

Each case runs a table of a few households in a region of its own: one or two made-up counties whose calibrated
households are the table's, so every city-wide programme lands on these households in proportion to their number,
and ``programme_scale`` sizes the base year's programmes to the table. It starts from a *neutral* scenario —
shocks, job loss, illness and households' own growth dispersion off, assumptions fixed, no connection funds (and
no income from the non-industry ones), no support or asset gains (so the base year's support fades by nothing),
no new dual binding, loans, tourism gain, training or safety net, collective payouts at their base-year level —
switches one mechanism on and compares the engine with the spec's formula worked out here by hand (the formulas
are written again below on purpose, not imported from the engine). Sums leave the engine as fixed-point integers
of 1/16 yuan per household record: ``ATOL``. A table built here has no base-year assistance unless a case says so.

Who stands where in a channel's line is random by design (a uniform of seed and household id); where a case needs
it, it reads the line from :func:`model.engine.plan.queues` and computes the amounts by hand. Quarter ``i`` of a
result is ``2023Q1 + i``; ``j`` is the years since the base year 2022.
"""

from __future__ import annotations

import itertools
import json
import math
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from model.engine import plan as plan_engine
from model.engine.plan import build_plan, queues
from model.engine.reference import TERMS
from model.engine.rng import GOLDEN, STREAM_HOUSEHOLD, STREAM_START, keyed, mix64, normal, stream_key, uniform
from model.engine.run import run_scenario
from model.engine.simulate import simulate
from model.engine.targets import growth_decomposition, p_met_standard_error
from model.population.table import INCOME_COMPONENTS, Region, population_from_frame, text_keys
from model.schema import calibration as cal
from model.schema.scenario import Scenario, scenario_from_dict

ATOL = 0.5  # yuan: each record's terms are rounded to 1/16 yuan before they are summed (a few records)
SEED = Scenario().simulation.seed
SEASON = {k: np.asarray(cal.seasonality(k)) for k in INCOME_COMPONENTS}
GROWTH = {"production": 0.12, "wage": 0.09, "property": 0.05, "transfer": 0.04}
QUARTERS = range(12)  # 2023Q1 … 2025Q4
BASE_INDUSTRY_10K = 130_000 * 0.525 + 60_000 * 0.505 + 25_000 * 0.50  # [programmes_2022] industry funds, 万元
BASE_FUNDS = {  # [programmes_2022]: the base year's connection funds and industry shares
    "funds.central_10k_yuan": 130_000.0,
    "funds.provincial_10k_yuan": 60_000.0,
    "funds.city_county_10k_yuan": 25_000.0,
    "funds.industry_share_central": 0.525,
    "funds.industry_share_provincial": 0.505,
    "funds.industry_share_city_county": 0.50,
}
THETA = 0.97 * 0.12 - 0.03 * 0.3  # microcredit's net return r_c at the default assumptions

QUIET = {
    f"assumptions.{k}": 0.0
    for k in (
        "price_shock_sd",
        "county_shock_sd",
        "village_shock_sd",
        "household_shock_sd",
        "wage_shock_sd",
        "job_loss_rate",
        "illness_rate",
    )
}
NEUTRAL = {
    **QUIET,
    "assumptions.organic_growth_production": GROWTH["production"],
    "assumptions.organic_growth_wage": GROWTH["wage"],
    "assumptions.organic_growth_property": GROWTH["property"],
    "assumptions.organic_growth_transfer": GROWTH["transfer"],
    "assumptions.household_growth_sd": 0.0,
    "assumptions.non_industry_income_per_yuan": 0.0,
    "funds.central_10k_yuan": 0.0,
    "funds.provincial_10k_yuan": 0.0,
    "funds.city_county_10k_yuan": 0.0,
    "assumptions.support_gain_max_yuan": 0.0,
    "assumptions.support_scale_yuan": 8_000.0,  # the hand-worked figures' response and binding (not the defaults)
    "assumptions.dual_binding_premium": 0.25,
    "assumptions.dual_binding_ramp_quarters": 2,
    "assumptions.asset_gain_max_yuan": 0.0,
    "dual_binding.coverage_target": 0.0,
    "microcredit.new_lending_10k_yuan": 0.0,
    "tourism.households_reached": 0,
    "assumptions.tourism_gain_yuan": 0.0,
    "training.person_times": 0,
    "collective.dividends_10k_yuan": 2_500.0,  # the base year's payout and share: no change
    "collective.share_first_to_poverty_alleviated": 0.4,
    "assumptions.consumption_margin": 0.0,
    "safety_net.detection_rate": 0.0,
    "simulation.draws": 1,
    "simulation.draw_assumptions": False,
    "simulation.max_standard_error": 0.0,
}


def industry_split(support: float, assets: float) -> dict[str, float]:
    """Industry funds' use: household support, collective assets, the rest infrastructure."""
    return {
        "industry.household_support_share": support,
        "industry.collective_assets_share": assets,
        "industry.infrastructure_share": 1 - support - assets,
    }


ONLY_CONTRACT = {
    "linking.share_industry_participation": 0.0,
    "linking.share_land_transfer": 0.0,
    "linking.share_contract_planting": 1.0,
    "linking.share_contract_raising": 0.0,
}


# ----------------------------------------------------------------------------------- the spec's formulas
def ramp(elapsed: float, quarters: float) -> float:
    """R(e; ρ) of §0: 0 before, 1 after ρ quarters."""
    return min(max(elapsed / quarters, 0.0), 1.0)


def gain(amount: float, gain_max: float, minimum: float, scale: float) -> float:
    """G(A; g, A_min, σ) of §4: diminishing returns above a least effective amount."""
    return gain_max * (1 - math.exp(-max(amount - minimum, 0.0) / scale))


def ceiling(amount: float, capacity: float) -> float:
    """S(x; K) of §4: a smooth ceiling."""
    return amount / (1 + (amount / capacity) ** 4) ** 0.25


def year_of(i: int) -> int:
    return 2023 + i // 4


def trend(base: float, component: str, i: int) -> float:
    """Base-year income grown organically, in projected quarter ``i``."""
    return base * SEASON[component][i % 4] * (1 + GROWTH[component]) ** (i // 4 + 1)


# ------------------------------------------------------------------------------------------ tiny tables
def household(
    i,
    county="甲县",
    size=3,
    workers=2,
    willing=False,
    bound=False,
    loan=0.0,
    land=1.0,
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
        "transferable_land_mu": land,
        "wage_income_2022": wage,
        "production_income_2022": production,
        "property_income_2022": prop,
        "transfer_income_2022": transfer,
        "weight": weight,
    }


def tiny(*rows, scale: float = 1.0, villages: float = 1.0, assistance: list[float] | None = None):
    """The rows as a population of a region of their own counties (in order of appearance); ``assistance`` is the
    base year's assistance inside each row's transfer income (yuan a year)."""
    frame = pd.DataFrame(list(rows))
    counties = tuple(dict.fromkeys(frame["county"]))
    households = np.array([frame.loc[frame["county"] == c, "weight"].sum() for c in counties])
    region = Region("测试市", counties, households, np.full(len(counties), villages), programme_scale=scale)
    return population_from_frame(frame, "tiny", region=region, base_assistance=assistance)


def scenario(**changes) -> Scenario:
    """The neutral scenario with ``changes`` (``section__field=value``)."""
    return Scenario().with_changes({**NEUTRAL, **{k.replace("__", "."): v for k, v in changes.items()}})


def run(pop, **changes):
    return simulate(pop, scenario(**changes))


def term(result, component: str, name: str) -> np.ndarray:
    """One decomposition term of one component, city, per projected quarter (yuan, mean over draws)."""
    return result.terms_sum[component][:, :, TERMS[component].index(name)].sum(axis=0) / result.draws


def order(pop, line: str) -> list[str]:
    """Household ids in the order of one channel's line (places ascending; ineligible households left out)."""
    places = getattr(queues(pop, SEED), line)
    return [pop.household_id[k] for k in np.argsort(places, kind="stable") if np.isfinite(places[k])]


def yearly(result, pop, household_id: str) -> np.ndarray:
    """One household's expected net income a year after assistance, 2023–2025 (yuan per household)."""
    k = list(pop.household_id).index(household_id)
    return result.household_pc_mean[k] * pop.size[k]


def plain(i: int | None = None, **base: float) -> np.ndarray | float:
    """A neutral household's net income, per year j = 1, 2, 3 (or in projected quarter ``i``): its components grown
    organically, with the ``household`` defaults for components not given."""
    x = {"wage": 20_000.0, "production": 10_000.0, "property": 1_000.0, "transfer": 4_000.0, **base}
    if i is not None:
        return sum(trend(v, k, i) for k, v in x.items())
    return sum(v * (1 + GROWTH[k]) ** np.arange(1, 4) for k, v in x.items())


# ----------------------------------------------------------------------------------------------- §1, §5
def test_organic_growth_only_gives_base_times_growth_times_season():
    rows = [
        household(0, size=2),
        household(1, county="乙县", wage=5_000.0, production=0.0, weight=4.0),
        household(2, county="乙县", willing=True, production=25_000.0, prop=0.0, transfer=9_000.0),
    ]
    r = run(tiny(*rows))
    for component in INCOME_COMPONENTS:
        for c, county in enumerate(("甲县", "乙县")):
            base = sum(h[f"{component}_income_2022"] * h["weight"] for h in rows if h["county"] == county)
            expected = [trend(base, component, i) for i in QUARTERS]
            np.testing.assert_allclose(r.income[component][c, :, 0], expected, atol=ATOL, err_msg=component)
    for component in INCOME_COMPONENTS:  # four rates of their own: property (elicited) apart from transfers
        np.testing.assert_allclose(r.growth(component, 2023), GROWTH[component], rtol=1e-6, err_msg=component)
    assert not r.falling.any(), "steady growth without shocks: nobody's production falls"
    for component in INCOME_COMPONENTS:
        channels = [k for k in r.decomposition(component, 2024) if k != "trend"]
        assert all(r.decomposition(component, 2024)[k] == 0 for k in channels), component


def test_results_start_at_the_first_projected_quarter():
    """§1: the base year is simulated (next test) but its incomes are not reported."""
    r = run(tiny(household(0)))
    assert r.quarters[0] == "2023Q1" and r.quarters[-1] == "2025Q4" and len(r.quarters) == 12
    assert r.years == [2023, 2024, 2025]
    assert r.reported_years == [2023, 2024, 2025]
    assert r.income["production"].shape == (1, 12, 1)


def test_a_horizon_ending_before_the_first_full_year_runs():
    r = run_scenario(tiny(household(0)), scenario(simulation__end_quarter="2023Q2"))
    assert r.result.years == [] and "N1" not in r.targets and r.targets["N5"].value == 0.6


def test_per_capita_income_the_monitoring_line_and_the_histogram():
    """§8: per household the mean over draws of per-capita income after assistance, the share of draws below the
    line, and 500-yuan bins of the means weighted by households (the top bin holds 50,000 yuan and more)."""
    low = household(1, size=4, wage=12_000.0, production=8_000.0, prop=0.0, transfer=4_000.0, weight=2.0)
    high = household(0, size=1, wage=30_000.0, production=0.0, prop=0.0, transfer=0.0)
    pop = tiny(high, low)
    r = run_scenario(
        pop,
        scenario(
            simulation__monitoring_line_yuan=6_600.0,
            assumptions__organic_growth_production=0.0,
            assumptions__organic_growth_property=0.0,
            assumptions__organic_growth_transfer=0.0,
        ),
    )
    per_capita_low = [(12_000 * 1.09**j + 8_000 + 4_000) / 4 for j in (1, 2, 3)]
    assert per_capita_low[1] < 6_600 < per_capita_low[2]
    rows = list(pop.household_id)
    res = r.result
    np.testing.assert_allclose(res.household_pc_mean[rows.index("H1")], per_capita_low, rtol=1e-12)
    np.testing.assert_allclose(res.household_pc_mean[rows.index("H0")], [30_000 * 1.09**j for j in (1, 2, 3)])
    np.testing.assert_array_equal(res.household_p_below[rows.index("H1")], [1.0, 1.0, 0.0])
    np.testing.assert_array_equal(res.below[0, :, 0], [2.0, 2.0, 0.0])
    assert r.targets["below_line"].value == pytest.approx(2 / 3) and r.targets["below_line"].probability == 0.0
    assert res.hist.shape == (3, 101)
    assert res.hist[0, int(per_capita_low[0] // 500)] == 2.0 and res.hist[0, int(30_000 * 1.09 // 500)] == 1.0
    assert res.hist.sum() == pytest.approx(3 * 3.0)


def test_one_county_without_willing_households_gives_numbers_not_nan():
    """An uploaded table may cover one county and no willing household: every output stays a number."""
    r = run_scenario(tiny(household(0), household(1, production=0.0)), scenario())
    json.dumps({k: c.as_dict() for k, c in r.targets.items()}, allow_nan=False)
    assert r.targets["N11"].value == 1.0 and r.targets["N11"].detail["coverage_base_year"] == 1.0
    for table in (r.result.assessment_table(), r.result.annual_table(), r.result.quarterly_table()):
        assert not table.select_dtypes("number").isna().any().any()


def household_words(household_id: str, t: int, draws: int) -> np.ndarray:
    """§7: the household stream's random words of (seed, household id, quarter, draw); lane 0 is the production
    normal, lane 3 the detection uniform."""
    key = text_keys([household_id])[0] ^ stream_key(SEED, STREAM_HOUSEHOLD)
    return keyed(key, t, np.arange(draws, dtype=np.uint64))


def household_normal(household_id: str, t: int, draws: int) -> np.ndarray:
    return normal(household_words(household_id, t, draws), 0)


def test_falls_are_measured_against_a_noisy_base_year():
    """§1, §8: 2023's year-to-date production is compared with the base year's *simulated* quarters, shocks and all.

    One household, household shocks only (sd 0.2), production growing 5%: Y(t, d) = X·s(q)·1.05^j·(1 + 0.2·z(t, d))
    with z the documented counter-based normal; it falls in 2023Q1 when Y(2023Q1) < Y(2022Q1) of the same draw.
    """
    draws, sd, g = 48, 0.2, 0.05
    pop = tiny(household(0))
    r = run(
        pop,
        simulation__draws=draws,
        assumptions__household_shock_sd=sd,
        assumptions__organic_growth_production=g,
    )
    x, s = 10_000.0, SEASON["production"]
    z_base = household_normal("H0", 4 * 2022, draws)
    for i in range(4):
        z = household_normal("H0", 4 * 2023 + i, draws)
        np.testing.assert_allclose(r.income["production"][0, i], x * s[i] * (1 + g) * (1 + sd * z), atol=ATOL)
    y_2023q1 = x * s[0] * (1 + g) * (1 + sd * household_normal("H0", 4 * 2023, draws))
    y_2022q1 = x * s[0] * (1 + sd * z_base)
    np.testing.assert_array_equal(r.falling[0, 0], (y_2023q1 < y_2022q1 * (1 - 1e-5)).astype(float))
    against_smooth = y_2023q1 < x * s[0]
    assert (against_smooth != (y_2023q1 < y_2022q1)).any(), "the case must tell a noisy base year from a smooth one"


def test_a_households_own_growth_is_persistent_and_mean_one():
    """§5: production also grows by the household's own factor exp(j σ_g ζ − j² σ_g² / 2), ζ the normal of lane 1
    of the start stream's word for (household id, draw) — one ζ for every year, so a farm that grows faster keeps
    doing so. Over 400 households × 32 draws the factor averages one (within four standard errors)."""
    draws, sd = 8, 0.1
    r = run(tiny(household(0)), simulation__draws=draws, assumptions__household_growth_sd=sd)
    key = text_keys(["H0"])[0] ^ stream_key(SEED, STREAM_START)
    with np.errstate(over="ignore"):
        zeta = normal(mix64(mix64(key) + np.arange(draws, dtype=np.uint64) * GOLDEN), 1)
    for i in QUARTERS:
        j = i // 4 + 1
        own = np.exp(j * sd * zeta - (j * sd) ** 2 / 2)
        np.testing.assert_allclose(r.income["production"][0, i], trend(10_000.0, "production", i) * own, atol=ATOL)
    many = run(tiny(*[household(i) for i in range(400)]), simulation__draws=32, assumptions__household_growth_sd=sd)
    factor = many.income["production"][0, 8:].sum(axis=0) / sum(trend(4e6, "production", i) for i in range(8, 12))
    spread = math.sqrt(math.exp((3 * sd) ** 2) - 1)  # of one household's factor in 2025 (lognormal, mean one)
    assert abs(factor.mean() - 1) < 4 * spread / math.sqrt(400 * 32), factor.mean()


# ------------------------------------------------------------------------------------------- §4.1 support
SUPPORT = {"assumptions.support_gain_max_yuan": 6_000.0, "assumptions.support_min_yuan": 1_000.0}
PHI = 0.3  # support_persistence


def support_gain(amount: float, minimum: float = 1_000.0) -> float:
    """G_S of a package (gain 6,000, scale 8,000)."""
    return gain(amount, 6_000.0, minimum, 8_000.0)


@pytest.mark.parametrize(
    "support_share, amount",
    [(0.025, 1_000.0), (0.25, 10_000.0), (0.75, 30_000.0)],
    ids=["at-the-minimum", "on-the-slope", "near-the-ceiling"],
)
def test_support_packages_gain_g_of_a_in_their_year_and_phi_to_the_k_after(support_share, amount):
    """Four willing records of 25 households; 100 万元 of industry funds, β_S of them in packages of A yuan:
    L_S = 10⁴ β_S F / A = 25 recipients a year, the next record in line each year. Vintage v's recipients gain
    G_S(A) in year v and φ^k of it k years later, spread over the year by the production seasonality. Compared
    with the same table without funds, so that the base year's support fading away (below) cancels."""
    pop = tiny(*[household(i, willing=True, weight=25.0) for i in range(4)])
    levers = {
        **SUPPORT,
        "funds.central_10k_yuan": 100.0,
        "funds.industry_share_central": 1.0,
        "industry.support_per_household_yuan": amount,
        **industry_split(support_share, 0.0),
    }
    with_funds = simulate(pop, scenario().with_changes(levers))
    without = simulate(pop, scenario().with_changes({**levers, "funds.central_10k_yuan": 0.0}))
    g = support_gain(amount)
    per_year = {2023: 25 * g, 2024: 25 * g * (1 + PHI), 2025: 25 * g * (1 + PHI + PHI**2)}
    expected = [per_year[year_of(i)] * SEASON["production"][i % 4] for i in QUARTERS]
    added = with_funds.income["production"][0, :, 0] - without.income["production"][0, :, 0]
    np.testing.assert_allclose(added, expected, atol=2 * ATOL)
    assert with_funds.linked_by_county[0] == pytest.approx(25.0), "N7 counts support recipients"
    if amount == 1_000.0:
        assert not added.any(), "a package at the least effective amount yields nothing"


@pytest.mark.parametrize(
    "amount, minimum, recipients",
    [(1_000.0, 1_000.0, 300.0), (5_000.0, 1_000.0, 60.0), (30_000.0, 1_000.0, 10.0), (500.0, 0.0, 300.0)],
    ids=["too-thin", "middle", "too-thick", "more-packages-than-households"],
)
def test_support_package_size_breadth_against_depth(amount, minimum, recipients):
    """§4.1: the same 30 万元 of support (100 万元, β_S = 0.3) in packages of A yuan reach L_S = min(10⁴·30 / A,
    H) households of the county's H = 300 and add L_S·G_S(A) in 2023. Too thin a package (at the least
    effective amount) yields nothing, too thick a one sits on G's flat part: 0.47 yuan a year per yuan at 5,000,
    0.19 at 30,000. Packages beyond the county's households are not paid (the money is not spent), and flagged."""
    pop = tiny(*[household(i, willing=True, weight=10.0) for i in range(30)])
    levers = {
        **SUPPORT,
        "assumptions.support_min_yuan": minimum,
        "funds.central_10k_yuan": 100.0,
        "funds.industry_share_central": 1.0,
        "industry.support_per_household_yuan": amount,
        **industry_split(0.3, 0.0),
    }
    with_funds = run_scenario(pop, scenario().with_changes(levers))
    without = simulate(pop, scenario().with_changes({**levers, "funds.central_10k_yuan": 0.0}))
    added = (with_funds.result.income["production"][0, :4, 0] - without.income["production"][0, :4, 0]).sum()
    total = recipients * support_gain(amount, minimum)
    assert added == pytest.approx(total, abs=30 * ATOL)
    per_yuan = {1_000.0: 0.0, 5_000.0: 0.472, 30_000.0: 0.195, 500.0: 0.364}[amount]
    assert total / 300_000 == pytest.approx(per_yuan, abs=1e-3)
    assert with_funds.targets["N7"].value == pytest.approx(recipients), "N7: households reached per million"
    flag = with_funds.capacity["industry.support_per_household_yuan"]
    assert flag.value == pytest.approx(300_000 / amount) and flag.capacity == 300.0
    assert flag.exceeded == (amount == 500.0)


def past_support(households: float, phi: float = PHI) -> list[float]:
    """The base year's support still in production, lost by year j = 1, 2, 3: G_S(A^B) L^B (1 − φ^j) / (1 − φ)."""
    return [households * support_gain(5_000.0) * (1 - phi**j) / (1 - phi) for j in (1, 2, 3)]


SCALE_30 = 50.0 / BASE_INDUSTRY_10K  # the base year's industry funds become 50 万元: L^B = 10⁴·0.3·50 / 5,000 = 30
SCALE_15 = 25.0 / BASE_INDUSTRY_10K  # 25 万元: L^B = 15


def test_past_support_fades_over_the_willing_households_by_their_production():
    """§4.1: the base year's support is in base-year production as a steady state L^B G_S(A^B) / (1 − φ), with
    the default package (5,000 yuan) and split (β_S = 0.3) at the base year's industry funds, here 25 万元 for the
    table (L^B = 15, within its 20 willing households: packages go to willing households only). Who received it is
    not known: its fading, (1 − φ^j) of it in year j, is taken from the
    county's willing households in proportion to their base-year production — 1 : 3 between the two willing
    records, nothing from the unwilling one. No scenario funds, so nothing replaces it."""
    rows = [
        household(0, willing=True, weight=10.0),
        household(1, willing=True, weight=10.0, production=30_000.0),
        household(2, weight=20.0),
    ]
    pop = tiny(*rows, scale=SCALE_15)
    r = run(pop, **{k.replace(".", "__"): v for k, v in SUPPORT.items()})
    lost = past_support(15.0)
    for i in QUARTERS:
        expected = trend(600_000.0, "production", i) - lost[i // 4] * SEASON["production"][i % 4]
        assert r.income["production"][0, i, 0] == pytest.approx(expected, abs=ATOL), f"quarter {i}"
        assert term(r, "production", "household_support")[i] == pytest.approx(
            -lost[i // 4] * SEASON["production"][i % 4], abs=ATOL
        )
    share = {"H0": 10_000 / 400_000, "H1": 30_000 / 400_000, "H2": 0.0}  # per household of the record
    for h, x in (("H0", 10_000.0), ("H1", 30_000.0), ("H2", 10_000.0)):
        np.testing.assert_allclose(yearly(r, pop, h), plain(production=x) - share[h] * np.array(lost), atol=0.01)


def test_support_at_the_base_years_level_replaces_what_fades():
    """§4.1: against an unchanged flow the county gains nothing. The base year's funds, split and package again
    (50 万元 for the table, 30 recipients a year of 40 households): the line wraps round — records in line
    order get vintages {0, 1, 2}, {0, 1}, {0, 2}, {1, 2} — and in year j the packages received, φ^k of each k
    years on, add up to 30 G_S (1 + … + φ^{j−1}) = exactly the fade. Each household keeps what it received and
    loses its production share of the fade; the county's support term is zero."""
    production = {"H0": 10_000.0, "H1": 20_000.0, "H2": 30_000.0, "H3": 40_000.0}
    pop = tiny(
        *[household(i, willing=True, weight=10.0, production=production[f"H{i}"]) for i in range(4)], scale=SCALE_30
    )
    r = simulate(pop, scenario().with_changes({**SUPPORT, **BASE_FUNDS, **industry_split(0.3, 0.0)}))
    np.testing.assert_allclose(term(r, "production", "household_support"), 0.0, atol=4 * ATOL)
    line = order(pop, "support")
    vintages = dict(zip(line, [(0, 1, 2), (0, 1), (0, 2), (1, 2)], strict=True))
    masks = dict(zip(pop.household_id, build_plan(pop, r.scenario).support_mask, strict=True))
    assert {h: masks[h] for h in line} == {h: sum(1 << v for v in vs) for h, vs in vintages.items()}
    g, lost = support_gain(5_000.0), past_support(30.0)
    for h, x in production.items():
        received = [sum(g * PHI ** (j - 1 - v) for v in vintages[h] if v < j) for j in (1, 2, 3)]
        expected = plain(production=x) + np.array(received) - x / 1_000_000 * np.array(lost)
        np.testing.assert_allclose(yearly(r, pop, h), expected, atol=0.01, err_msg=h)


# ------------------------------------------------------------------------------------------- §4.1 assets
ASSETS = {
    "assumptions.asset_gain_max_yuan": 6_000.0,
    "assumptions.asset_min_yuan": 2_000.0,
    "assumptions.asset_scale_yuan": 80_000.0,
    "assumptions.asset_failure_rate": 0.2,
    "assumptions.industry_ramp_quarters": 4.0,
    "funds.central_10k_yuan": 100.0,
    "funds.industry_share_central": 1.0,
    "linking.households_per_million_yuan": 25.0,
    **industry_split(0.0, 1.0),
}


def asset_run_one(i: int, v: int) -> float:
    """run(t) = R(t + 1 − t_v; 4)·(1 − 0.2)^((t − t_v)/4) of vintage ``v`` (t_v = 4v) in quarter ``i``."""
    return ramp(i - 4 * v + 1, 4) * 0.8 ** ((i - 4 * v) / 4) if i >= 4 * v else 0.0


def asset_run(i: int) -> float:
    """Σ over the vintages built by quarter ``i`` of their run, one record each."""
    return sum(asset_run_one(i, v) for v in range(i // 4 + 1))


def asset_case(assumptions: dict | None = None, **modes):
    """Four willing records of 25 households; one record linked a year (v = 0, 1, 2), A = 40,000 yuan each."""
    pop = tiny(*[household(i, willing=True, weight=25.0, land=2.0) for i in range(4)])
    shares = dict.fromkeys(ONLY_CONTRACT, 0.0) | {f"linking.share_{k}": v for k, v in modes.items()}
    return simulate(pop, scenario().with_changes({**ASSETS, **shares, **(assumptions or {})}))


def test_contract_linking_adds_production_after_a_ramp_with_failures():
    r = asset_case(contract_planting=1.0)
    g = gain(40_000.0, 6_000.0, 2_000.0, 80_000.0)
    for i in QUARTERS:
        expected = trend(1_000_000.0, "production", i) + 25 * g * asset_run(i) * SEASON["production"][i % 4]
        assert r.income["production"][0, i, 0] == pytest.approx(expected, abs=ATOL), f"quarter {i}"
        assert r.income["wage"][0, i, 0] == pytest.approx(trend(2_000_000.0, "wage", i), abs=ATOL)
    assert [asset_run(i) for i in range(5)] == pytest.approx(
        [0.25, 0.5 * 0.8**0.25, 0.75 * 0.8**0.5, 0.8**0.75, 0.8 + 0.25]
    )


def test_participation_splits_the_asset_income_into_wage_and_dividend():
    r = asset_case(industry_participation=1.0)
    g, omega = gain(40_000.0, 6_000.0, 2_000.0, 80_000.0), 0.6
    for i in QUARTERS:
        asset = 25 * g * asset_run(i)
        wage = trend(2_000_000.0, "wage", i) + omega * asset * SEASON["wage"][i % 4]
        prop = trend(100_000.0, "property", i) + (1 - omega) * asset * SEASON["property"][i % 4]
        assert r.income["wage"][0, i, 0] == pytest.approx(wage, abs=ATOL), f"quarter {i}"
        assert r.income["property"][0, i, 0] == pytest.approx(prop, abs=ATOL), f"quarter {i}"
        assert r.income["production"][0, i, 0] == pytest.approx(trend(1_000_000.0, "production", i), abs=ATOL)


def test_land_transfer_pays_rent_and_gives_up_own_farming():
    """Rent 500 yuan/mu as property, − 250 yuan/mu forgone production, × 2 mu × run: not the asset's G_A."""
    r = asset_case(land_transfer=1.0)
    for i in QUARTERS:
        mu_running = 25 * 2.0 * asset_run(i)
        prop = trend(100_000.0, "property", i) + 500 * mu_running * SEASON["property"][i % 4]
        prod = trend(1_000_000.0, "production", i) - 250 * mu_running * SEASON["production"][i % 4]
        assert r.income["property"][0, i, 0] == pytest.approx(prop, abs=ATOL), f"quarter {i}"
        assert r.income["production"][0, i, 0] == pytest.approx(prod, abs=ATOL), f"quarter {i}"


def test_a_project_too_small_to_run_rents_no_land():
    """A stake at the least effective amount (40,000 yuan, the least 40,000) runs no project: no return, no rent
    and no farming given up — money spread that thin buys nothing, land included."""
    r = asset_case({"assumptions.asset_min_yuan": 40_000.0}, land_transfer=1.0)
    for i in QUARTERS:
        assert r.income["property"][0, i, 0] == pytest.approx(trend(100_000.0, "property", i), abs=ATOL)
        assert r.income["production"][0, i, 0] == pytest.approx(trend(1_000_000.0, "production", i), abs=ATOL)


@pytest.mark.parametrize(
    "per_million, land, mu_rented",
    [(10.0, 10.0, 10 * 1e5 / 19_000), (60.0, 10.0, 60 * (1e6 / 60) / 19_000), (60.0, 0.5, 60 * 0.5), (10.0, 0.5, 5.0)],
    ids=["deep-land-rich", "broad-land-rich", "broad-land-poor", "deep-land-poor"],
)
def test_the_land_a_project_rents_is_bounded_by_its_money(per_million, land, mu_rented):
    """§4.1: 100 万元 of asset funds (1 million yuan) linking n households per million, land transfer only: each
    linked household rents min(its land, stake / 19,000 yuan a mu) mu. With 10 mu each the project rents
    10⁶ / 19,000 = 52.6 mu whether it links 10 households (100,000 yuan, 5.26 mu each) or 60 (16,667 yuan,
    0.88 mu each): linking more households to the same money rents no more land. With 0.5 mu each the land binds."""
    assert cal.value("population.project_capital_per_mu") == 19_000
    pop = tiny(*[household(i, willing=True, weight=10.0, land=land) for i in range(10)])  # whole records linked
    land_only = dict.fromkeys(ONLY_CONTRACT, 0.0) | {"linking.share_land_transfer": 1.0}
    links = {"linking.households_per_million_yuan": per_million}
    r = simulate(pop, scenario().with_changes({**ASSETS, **land_only, **links}))
    for i in range(4):  # 2023: the first vintage only
        rent = 500 * mu_rented * asset_run_one(i, 0) * SEASON["property"][i]
        forgone = -250 * mu_rented * asset_run_one(i, 0) * SEASON["production"][i]
        assert term(r, "property", "land_transfer")[i] == pytest.approx(rent, abs=ATOL), f"quarter {i}"
        assert term(r, "production", "land_transfer")[i] == pytest.approx(forgone, abs=ATOL), f"quarter {i}"


def test_support_packages_reach_only_willing_households_and_the_rest_is_not_spent():
    """Two willing and two unwilling records of 10 households; 30 万元 of support in 5,000-yuan packages ask for
    60 packages a year: the 20 willing households get one each, the unwilling none, the rest is not spent (and
    flagged against the 20 willing households)."""
    rows = [household(i, willing=i < 2, weight=10.0) for i in range(4)]
    pop = tiny(*rows)
    levers = {
        **SUPPORT,
        "funds.central_10k_yuan": 100.0,
        "funds.industry_share_central": 1.0,
        "industry.support_per_household_yuan": 5_000.0,
        **industry_split(0.3, 0.0),
    }
    with_funds = run_scenario(pop, scenario().with_changes(levers))
    without = simulate(pop, scenario().with_changes({**levers, "funds.central_10k_yuan": 0.0}))
    masks = build_plan(pop, with_funds.result.scenario).support_mask
    assert [bool(m) for m in masks] == [True, True, False, False]
    added = (with_funds.result.income["production"][0, :4, 0] - without.income["production"][0, :4, 0]).sum()
    assert added == pytest.approx(20 * support_gain(5_000.0), abs=30 * ATOL)
    flag = with_funds.capacity["industry.support_per_household_yuan"]
    assert flag.capacity == 20.0 and flag.value == pytest.approx(60.0) and flag.exceeded


def first_year_run() -> float:
    """Σ_q s_P(q)·run(q) of a vintage in its first year (ramp 4 quarters, failure rate 5%)."""
    return sum(SEASON["production"][q] * ramp(q + 1, 4) * 0.95 ** (q / 4) for q in range(4))


@pytest.mark.parametrize(
    "per_million, linked, amount, g",
    [(10.0, 8.0, 100_000.0, 3_926.46), (50.0, 40.0, 20_000.0, 363.52), (70.0, 56.0, 1e6 / 70, 0.0)],
    ids=["N7-floor", "five-times-broader", "below-the-least-effective-stake"],
)
def test_breadth_against_depth(per_million, linked, amount, g):
    """§4.1 at the default asset assumptions (G_A: 6,000 yuan, least 15,000, scale 80,000): 100 万元 with 80% on
    assets link L_A = n_L·80 / 100 households, each holding a stake A = 10⁶ / n_L yuan and gaining G_A(A) a year
    at full returns — 3,926 yuan (3.9%) at 10 per million, 364 (1.8%) at 50, nothing at 70: the figures MODEL.md
    quotes. N7 counts households per million of *industry* funds: here n_L · β_A."""
    pop = tiny(*[household(i, willing=True, weight=8.0) for i in range(10)])
    changes = {
        **ONLY_CONTRACT,
        "assumptions.asset_gain_max_yuan": 6_000.0,
        "funds.central_10k_yuan": 100.0,
        "funds.industry_share_central": 1.0,
        **industry_split(0.0, 0.8),
        "linking.households_per_million_yuan": per_million,
    }
    r = run_scenario(pop, scenario().with_changes(changes))
    assert gain(amount, 6_000.0, 15_000.0, 80_000.0) == pytest.approx(g, abs=0.01)
    assert r.result.linked_by_county[0] == pytest.approx(linked)
    assert r.targets["N7"].value == pytest.approx(linked)
    gained = term(r.result, "production", "industry_assets")[:4].sum()
    assert gained / linked == pytest.approx(g * first_year_run(), abs=ATOL)


def stake_increments(amount: float, stakes: int) -> list[float]:
    """What a household's k-th stake adds at full returns: G_A(kA) − G_A((k − 1)A), k = 1 … stakes."""
    totals = [gain(k * amount, 6_000.0, 2_000.0, 80_000.0) for k in range(stakes + 1)]
    return [b - a for a, b in itertools.pairwise(totals)]


def linked_income(vintages: tuple[int, ...], increments: list[float], year: int, season: str = "production"):
    """A household's yearly gain from its stakes (vintages in order, the k-th earning the k-th increment)."""
    return sum(
        increments[k] * sum(SEASON[season][i % 4] * asset_run_one(i, v) for i in range(4 * year, 4 * year + 4))
        for k, v in enumerate(vintages)
    )


WRAPPED = [(0, 1, 2), (0, 1), (0, 2), (1, 2)]  # vintages of the records in line order, 75 of 100 places a year


def test_the_asset_line_wraps_round_with_diminishing_stakes():
    """§4.1: 300 万元 at 25 per million link 75 households a year of the county's 100 with stakes of 40,000 yuan:
    vintage v takes places [75v, 75v + 75) modulo 100, so the records in line order hold vintages {0, 1, 2},
    {0, 1}, {0, 2}, {1, 2}. A household's k-th stake adds G_A(kA) − G_A((k − 1)A): 2,269, then 1,468, then
    890 yuan a year at full returns. N7 stays 25; the horizon's 225 links over 100 households are flagged."""
    pop = tiny(*[household(i, willing=True, weight=25.0) for i in range(4)])
    r = run_scenario(pop, scenario().with_changes({**ASSETS, **ONLY_CONTRACT, "funds.central_10k_yuan": 300.0}))
    line = order(pop, "assets")
    masks = dict(zip(pop.household_id, build_plan(pop, r.scenario).asset_mask, strict=True))
    assert [masks[h] for h in line] == [sum(1 << v for v in vs) for vs in WRAPPED]
    increments = stake_increments(40_000.0, 3)
    assert increments == pytest.approx([2_268.7, 1_468.2, 890.5], abs=0.1)
    for h, vintages in zip(line, WRAPPED, strict=True):
        expected = plain() + [linked_income(vintages, increments, y) for y in range(3)]
        np.testing.assert_allclose(yearly(r.result, pop, h), expected, atol=0.01, err_msg=h)
    assert r.targets["N7"].value == pytest.approx(25.0)
    flag = r.capacity["linking.households_per_million_yuan"]
    assert flag.value == pytest.approx(225.0) and flag.capacity == 100.0 and flag.exceeded


def test_land_is_transferred_once_for_the_first_stake():
    """§4.1: with the line wrapping round as above, a land-transfer household pays rent and gives up its own
    farming for its first stake only (2 mu at 500 and 250 yuan a mu, × that vintage's run), whatever it holds."""
    pop = tiny(*[household(i, willing=True, weight=25.0, land=2.0) for i in range(4)])
    land_only = dict.fromkeys(ONLY_CONTRACT, 0.0) | {"linking.share_land_transfer": 1.0}
    r = simulate(pop, scenario().with_changes({**ASSETS, **land_only, "funds.central_10k_yuan": 300.0}))
    for h, vintages in zip(order(pop, "assets"), WRAPPED, strict=True):
        first = vintages[:1]
        rent = [linked_income(first, [2 * 500.0], y, "property") for y in range(3)]
        forgone = [linked_income(first, [2 * 250.0], y) for y in range(3)]
        np.testing.assert_allclose(yearly(r, pop, h), plain() + np.array(rent) - forgone, atol=0.01, err_msg=h)


def test_a_county_asked_for_more_than_its_households_links_all_of_them_with_a_larger_stake():
    """200 万元 at 100 per million with 80% on assets ask for 160 households of a county of 100: L_A = 100 with
    A = 10⁴·160 / 100 = 16,000 yuan, and every year's money links all of them again: a second and a third stake
    adding G_A(32,000) − G_A(16,000) and G_A(48,000) − G_A(32,000). N7: 100 linked for 2 million = 50."""
    pop = tiny(*[household(i, willing=True, weight=10.0) for i in range(10)])
    changes = {
        **ASSETS,
        **ONLY_CONTRACT,
        "funds.central_10k_yuan": 200.0,
        **industry_split(0.0, 0.8),
        "linking.households_per_million_yuan": 100.0,
    }
    r = run_scenario(pop, scenario().with_changes(changes))
    increments = stake_increments(16_000.0, 3)
    every_year = [
        100 * sum(increments[v] * asset_run_one(i, v) for v in range(3)) * SEASON["production"][i % 4] for i in QUARTERS
    ]
    np.testing.assert_allclose(term(r.result, "production", "industry_assets"), every_year, atol=ATOL)
    assert r.result.linked_by_county[0] == 100.0
    assert r.targets["N7"].value == pytest.approx(50.0), "effective households per million: 100 of 160 asked"


def test_vintages_link_new_households_every_year():
    """25 households a year out of 100: each year's money reaches the next 25 in line (no wrapping in 3 years)."""
    pop = tiny(*[household(i, willing=True, weight=25.0) for i in range(4)])
    r = simulate(pop, scenario().with_changes({**ASSETS, **ONLY_CONTRACT}))
    g = gain(40_000.0, 6_000.0, 2_000.0, 80_000.0)
    for v, h in enumerate(order(pop, "assets")):
        expected = plain() + [linked_income((v,), [g], y) for y in range(3)] if v < 3 else plain()
        np.testing.assert_allclose(yearly(r, pop, h), expected, atol=0.01, err_msg=f"{h}, number {v} in line")


def test_no_industry_money_links_nobody():
    """Without funds even the first household in line is not linked (a land-transfer link would pay rent)."""
    pop = tiny(*[household(i, willing=True) for i in range(3)])
    land_only = dict.fromkeys(ONLY_CONTRACT, 0.0) | {"linking.share_land_transfer": 1.0}
    r = simulate(pop, scenario().with_changes({**ASSETS, **land_only, "funds.central_10k_yuan": 0.0}))
    assert r.linked_by_county[0] == 0.0
    expected = [trend(3_000.0, "property", i) for i in QUARTERS]
    np.testing.assert_allclose(r.income["property"][0, :, 0], expected, atol=ATOL)


@pytest.mark.parametrize(
    "changes, per_household",
    [
        ({"funds.industry_share_central": 0.6}, -682.5),
        ({"funds.city_county_10k_yuan": 35_000.0}, 350.0),
        ({}, 0.0),
    ],
    ids=["more-to-industry", "more-funds", "as-in-the-base-year"],
)
def test_non_industry_funds_pay_wages_against_the_base_years(changes, per_household):
    """§4.1: connection funds not spent on industry (2022: 215,000 − 111,050 = 103,950 万元) reach households as
    wages at 0.35 yuan a yuan: the change against the base year's, equal per household of the county, switched in
    over the flow ramp (2 quarters). Scale 10⁻⁴, two counties of 2 and 3 households (a_c / H_c = 1/5 each).
    Raising the central industry share to 60% moves 9,750 万元 out of them: −0.35 × 9,750 × 10⁻⁴ × 10⁴ / 5 =
    −682.5 yuan a household a year; 10,000 万元 more city funds at half for industry add 350; production moves not."""
    rows = [household(i) for i in range(2)] + [household(i, county="乙县") for i in range(2, 5)]
    pop = tiny(*rows, scale=1e-4)
    levers = {
        **BASE_FUNDS,
        **industry_split(0.0, 0.0),
        "assumptions.non_industry_income_per_yuan": 0.35,
        "assumptions.flow_ramp_quarters": 2.0,
        **changes,
    }
    r = simulate(pop, scenario().with_changes(levers))
    for c, n in enumerate((2, 3)):
        channel = r.terms_sum["wage"][c, :, TERMS["wage"].index("non_industry_funds")]
        for i in QUARTERS:
            added = n * per_household * ramp(i + 1, 2) * SEASON["wage"][i % 4]
            assert channel[i] == pytest.approx(added, abs=ATOL), (c, i)
            assert r.income["wage"][c, i, 0] == pytest.approx(trend(n * 20_000.0, "wage", i) + added, abs=ATOL)
            assert r.income["production"][c, i, 0] == pytest.approx(trend(n * 10_000.0, "production", i), abs=ATOL)
    first_year = per_household * sum(ramp(q + 1, 2) * SEASON["wage"][q] for q in range(4))
    for h in pop.household_id:
        np.testing.assert_allclose(
            yearly(r, pop, h), plain() + np.array([first_year, per_household, per_household]), atol=0.01
        )


# -------------------------------------------------------------------------------------- §4.3 chain cap
BOUND_AT_ONCE = {
    "dual_binding.coverage_target": 1.0,
    "dual_binding.target_quarter": "2023Q1",
    "assumptions.dual_binding_ramp_quarters": 1.0,
}


def test_the_chain_cap_scales_premium_contract_and_purchases_by_one_factor():
    """One willing household (production 40,000 yuan) newly bound from 2023Q1, contract-linked to an asset and
    sold to by consumption assistance. The contract is a binding: the premium beyond it is max(π trend − s_P
    contract, 0), so the chain carries max(premium, s_P contract) + s_P purchases > 12,000 s_P, and each of the
    three is scaled by f = 12,000 s_P / (their sum); production is the trend plus exactly the cap."""
    pop = tiny(household(0, willing=True, production=40_000.0), scale=1e-4)
    changes = {
        **ASSETS,
        **ONLY_CONTRACT,
        **BOUND_AT_ONCE,
        "consumption.purchases_10k_yuan": 100_000.0,
        "assumptions.consumption_margin": 0.15,
        "assumptions.consumption_cap_share": 1.0,
    }
    r = simulate(pop, scenario().with_changes(changes))
    uncapped = simulate(pop, scenario().with_changes({**changes, "assumptions.chain_cap_yuan": 52_000.0}))
    asset = gain(40_000.0, 6_000.0, 2_000.0, 80_000.0)  # A = 10⁶ / 25 per million, whatever the scale
    purchases = 0.15 * 1e4 * (ceiling(10.0, 4.0) - ceiling(1.5, 4.0))  # 万元: P, P^B × scale; K = 40,000 yuan
    for i in QUARTERS:
        s = SEASON["production"][i % 4]
        contract = s * asset * asset_run_one(i, 0)
        premium = max(0.25 * trend(40_000.0, "production", i) - contract, 0.0)
        chain = premium + contract + s * purchases
        f = 12_000 * s / chain
        assert f < 1, f"the cap binds in quarter {i}"
        assert term(r, "production", "dual_binding")[i] == pytest.approx(premium * f, abs=ATOL)
        assert term(r, "production", "industry_assets")[i] == pytest.approx(contract * f, abs=ATOL)
        assert term(r, "production", "consumption")[i] == pytest.approx(s * purchases * f, abs=ATOL)
        expected = trend(40_000.0, "production", i) + 12_000 * s
        assert r.income["production"][0, i, 0] == pytest.approx(expected, abs=ATOL), f"quarter {i}"
        for name in ("dual_binding", "industry_assets", "consumption"):
            capped, free = term(r, "production", name)[i], term(uncapped, "production", name)[i]
            assert capped == pytest.approx(f * free, abs=ATOL), f"{name} in quarter {i}: the same factor"


@pytest.mark.parametrize("mode", ["contract_planting", "industry_participation"])
def test_a_contract_link_is_a_binding_so_only_the_premium_above_it_is_added(mode):
    """§4.2: two households bound from 2023Q1, each linked to a 40,000-yuan stake that does not fail (G_A = 2,269
    yuan a year once ramped up). Contract-linked, a household gets max(π X_P s_P Γ_P, s_P · contract) from the
    chain: the small farm (6,000 yuan, premium 1,680 a year in 2023, 2,107 in 2025) lives on its contract once the
    asset runs at three quarters or more — its premium term is then 0 — and on premium − contract before; the large
    farm (40,000 yuan) keeps its premium, of which the contract is a part. Linked by participation (wage and
    dividend), both get the whole premium."""
    rows = [
        household(0, willing=True, production=6_000.0),
        household(1, county="乙县", willing=True, production=40_000.0),
    ]
    pop = tiny(*rows, scale=1e-4)
    shares = dict.fromkeys(ONLY_CONTRACT, 0.0) | {f"linking.share_{mode}": 1.0}
    r = simulate(
        pop,
        scenario().with_changes(
            {
                **ASSETS,
                **shares,
                **BOUND_AT_ONCE,
                "assumptions.chain_cap_yuan": 52_000.0,
                "assumptions.asset_failure_rate": 0.0,
            }
        ),
    )
    asset = gain(40_000.0, 6_000.0, 2_000.0, 80_000.0)
    for c, x in enumerate((6_000.0, 40_000.0)):
        premium_term = r.terms_sum["production"][c, :, TERMS["production"].index("dual_binding")]
        for i in QUARTERS:
            s = SEASON["production"][i % 4]
            premium = 0.25 * trend(x, "production", i)
            contract = s * asset * ramp(i + 1, 4) if mode == "contract_planting" else 0.0
            assert premium_term[i] == pytest.approx(max(premium - contract, 0.0), abs=ATOL), (x, i)
            expected = trend(x, "production", i) + max(premium, contract)
            assert r.income["production"][c, i, 0] == pytest.approx(expected, abs=ATOL), (x, i)
        if mode == "contract_planting" and x == 6_000.0:
            assert (premium_term[:2] > 0).all() and (premium_term[2:] == 0).all(), "premium − contract, then 0"


# ------------------------------------------------------------------------------------ §4.2 dual binding
def test_dual_binding_premium_ramps_from_each_households_binding_quarter():
    """Two willing unbound households, coverage 0 → 100% by 2023Q4 (S = 4 quarters): ranks 0 and ½ are bound at
    τ = t₀ and t₀ + 2 and earn π X_P s_P Γ_P R(t + 1 − τ; 2)."""
    pop = tiny(household(0, willing=True), household(1, willing=True, production=20_000.0))
    r = run_scenario(
        pop,
        scenario(dual_binding__coverage_target=1.0, dual_binding__target_quarter="2023Q4"),
    )
    first, second = order(pop, "bind")
    production = {"H0": 10_000.0, "H1": 20_000.0}
    for i in QUARTERS:
        premium = 0.25 * (
            trend(production[first], "production", i) * ramp(i + 1, 2)
            + trend(production[second], "production", i) * ramp(i + 1 - 2, 2)
        )
        expected = trend(30_000.0, "production", i) + premium
        assert r.result.income["production"][0, i, 0] == pytest.approx(expected, abs=ATOL), f"quarter {i}"
    np.testing.assert_allclose(r.result.coverage[0], [0.25, 0.5, 0.75] + [1.0] * 9)
    n11 = r.targets["N11"]
    assert n11.value == 1.0 and n11.met is True and n11.detail["coverage_base_year"] == 0.0


def test_a_coverage_target_below_the_current_coverage_binds_nobody():
    pop = tiny(household(0, willing=True, bound=True), household(1, willing=True))
    low = simulate(pop, scenario(dual_binding__coverage_target=0.2, assumptions__dual_binding_premium=0.6))
    np.testing.assert_allclose(low.coverage[0], 0.5)
    expected = [trend(20_000.0, "production", i) for i in QUARTERS]
    np.testing.assert_allclose(low.income["production"][0, :, 0], expected, atol=ATOL)


def test_bound_households_have_their_production_shocks_damped():
    """§5: Y_P = D·max(0, 1 + σ z (1 − b·D_b)): a base-year-bound household's deviation from D halves at damping
    0.5, an unbound one's does not move."""
    pop = tiny(household(0, willing=True, bound=True), household(1, county="乙县", willing=True))
    shocks = {"simulation__draws": 8, "assumptions__household_shock_sd": 0.2}
    damped = run(pop, **shocks, assumptions__dual_binding_damping=0.5)
    free = run(pop, **shocks, assumptions__dual_binding_damping=0.0)
    smooth = run(pop, simulation__draws=8)
    d = smooth.income["production"]
    np.testing.assert_allclose(
        damped.income["production"][0] - d[0], 0.5 * (free.income["production"][0] - d[0]), atol=ATOL
    )
    np.testing.assert_array_equal(damped.income["production"][1], free.income["production"][1])
    assert np.abs(free.income["production"][0] - d[0]).min() > 1, "the shocks must show"


# ------------------------------------------------------------------------------------- §4.4 microcredit
LOAN = 46_500.0
QUARTERS_BEFORE_RENEWED_LOANS_MATURE = range(9)  # a loan lasts 9 or 10 quarters: t₀ … t₀ + 8 are exact


def lending(loans_a_quarter: float) -> dict[str, float]:
    """New lending making that many 46,500-yuan loans a quarter in a one-county table (万元 a year)."""
    return {"microcredit__new_lending_10k_yuan": 4 * loans_a_quarter * LOAN / 1e4}


@pytest.fixture
def full_return(monkeypatch):
    """Every loan at the full return: the tiny tables below lend to most of their households, far beyond the
    published take-up, and test the lending itself; later borrowers' lower return has tests of its own."""
    monkeypatch.setattr(plan_engine, "new_borrower_return", lambda held_base, held_new, base: np.ones_like(held_new))


def nine_borrowers():
    """Nine willing borrowers of 46,500 yuan (ranks k/9 mature at t₀ + ⌊9.28 k / 9⌋ = t₀ + k), a willing household
    without a loan and an unwilling one."""
    rows = [household(i, willing=True, loan=LOAN) for i in range(9)]
    return tiny(*rows, household(9, willing=True), household(10))


@pytest.mark.parametrize(
    "loans_a_quarter, change",
    [
        (1.0, lambda i: 0.0),
        (2.0, lambda i: LOAN),
        (0.5, lambda i: -LOAN * (i // 2 + 1)),
        (0.0, lambda i: -LOAN * (i + 1)),
    ],
    ids=["at-the-maturing-rate", "more", "half", "none"],
)
def test_lending_renews_maturing_loans_first_and_acts_in_the_quarter_it_is_lent(loans_a_quarter, change, full_return):
    """§4.4: one of the nine loans matures each quarter from t₀. Lending one loan a quarter renews it: the stock
    and production stay as they were. Two a quarter also lend to the willing household without a loan at t₀ —
    the change acts from the quarter it is lent. Half a loan a quarter renews every other one (the half left
    over waits for the next quarter: a record is one loan), none lets the stock run off. The unwilling household
    never borrows. Production gains s_P · r_c · (O(t) − O(B)) with r_c = (1 − δ)(ρ − i) − δλ."""
    pop = nine_borrowers()
    r = run(pop, **lending(loans_a_quarter))
    for i in QUARTERS_BEFORE_RENEWED_LOANS_MATURE:
        expected = trend(110_000.0, "production", i) + SEASON["production"][i % 4] * THETA * change(i)
        assert r.income["production"][0, i, 0] == pytest.approx(expected, abs=ATOL), f"quarter {i}"
    new_borrower = yearly(r, pop, "H9") - plain()
    assert new_borrower[0] == pytest.approx(THETA * LOAN if loans_a_quarter == 2.0 else 0.0, abs=0.01)
    np.testing.assert_allclose(yearly(r, pop, "H10"), plain(), atol=0.01)


@pytest.mark.parametrize(
    "interest, default, loss, net_return",
    [(0.0, 0.03, 0.3, THETA), (0.02, 0.05, 0.5, 0.95 * 0.10 - 0.05 * 0.5)],
    ids=["defaults", "with-interest"],
)
def test_new_loans_go_to_the_next_willing_households_in_the_credit_line(
    interest, default, loss, net_return, full_return
):
    """An unwilling borrower of 30,000 yuan (first in the credit line, where borrowers stand first; its loan matures
    at t₀) and four willing households without loans; two loans a quarter. At t₀ the maturing loan is renewed at
    46,500 yuan and the other loan goes to the first willing household in line; at t₀ + 1 the next two, at t₀ + 2
    the last one. Each borrower's production gains s_P r_c (O(t) − O(B)) from the quarter it borrows."""
    pop = tiny(household(0, loan=30_000.0), *[household(i, willing=True) for i in range(1, 5)])
    r = run(
        pop,
        **lending(2.0),
        assumptions__microcredit_net_interest_rate=interest,
        assumptions__microcredit_default_rate=default,
        assumptions__microcredit_default_loss_share=loss,
    )
    line = order(pop, "credit")
    assert line[0] == "H0" and sorted(line[1:]) == ["H1", "H2", "H3", "H4"]
    lent = dict(zip(line, [0, 0, 1, 1, 2], strict=True))  # the quarter each household borrows
    for h, first in lent.items():
        added = LOAN - (30_000.0 if h == "H0" else 0.0)
        expected = net_return * added * sum(SEASON["production"][q] for q in range(first, 4))
        assert yearly(r, pop, h)[0] - plain()[0] == pytest.approx(expected, abs=0.01), h
    for i in QUARTERS_BEFORE_RENEWED_LOANS_MATURE:
        outstanding = LOAN * (1 + min(2 * i + 1, 4)) - 30_000.0  # H0's renewed loan and 1, 3, 4 new ones
        expected = trend(50_000.0, "production", i) + SEASON["production"][i % 4] * net_return * outstanding
        assert r.income["production"][0, i, 0] == pytest.approx(expected, abs=ATOL), f"quarter {i}"


def test_every_existing_borrower_matures_in_the_lines_order_willing_or_not():
    """An imported table may hold a borrower not marked willing: its loan still runs off in its turn (§4.4:
    existing borrowers mature evenly over T in the order of their key), not all at the end."""
    rows = [household(0, willing=True, loan=30_000.0), household(1, willing=True, loan=30_000.0)]
    pop = tiny(*rows, household(2, loan=30_000.0))
    r = run(pop)
    repaid = [1] * 3 + [2] * 3 + [3] * 6  # ranks 0, ⅓, ⅔ → t₀, t₀ + 3, t₀ + 6
    for i in QUARTERS:
        expected = trend(30_000.0, "production", i) - SEASON["production"][i % 4] * THETA * 30_000 * repaid[i]
        assert r.income["production"][0, i, 0] == pytest.approx(expected, abs=ATOL), f"quarter {i}"


FADE_WIDTH = 0.22  # population.microcredit_return_fade_width


def productive(share: float, base: float) -> float:
    """Borrowers at full return for a share of households with a loan: full up to the base share, then fading."""
    b = min(max(share - base, 0.0), FADE_WIDTH)
    return min(share, base) + b - b**2 / (2 * FADE_WIDTH)


@pytest.mark.parametrize(
    "held_base, held_new, share_base, factor",
    [
        (0.08, 0.02, 0.109, 1.0),  # within the base year's share: full return
        (0.109, 0.0, 0.109, 1.0),  # no new borrower
        (0.10, 0.05, 0.109, (productive(0.15, 0.109) - 0.10) / 0.05),
        (0.05, 0.10, 0.109, (productive(0.15, 0.109) - 0.05) / 0.10),  # new borrowers fill matured loans' places
        (0.109, 0.40, 0.109, (0.109 + FADE_WIDTH / 2 - 0.109) / 0.40),  # nothing beyond 10.9% + 22%
        (0.0, 0.20, 0.0, (0.20 - 0.20**2 / (2 * FADE_WIDTH)) / 0.20),  # a county without loans in the base year
        (0.40, 0.10, 0.40, 1 - 0.10 / (2 * FADE_WIDTH)),  # the fade starts at the county's own share, however high
    ],
)
def test_later_borrowers_earn_less(held_base, held_new, share_base, factor):
    """§4.4: the marginal loan earns the full return up to the county's base-year share of households with a loan,
    then a return falling linearly to nothing over 22% of households. Base-year borrowers keep the full return; new
    borrowers earn what is left: (P(share) − base-year borrowers holding a loan) / new borrowers holding one."""
    assert cal.value("population.microcredit_return_fade_width") == FADE_WIDTH
    got = plan_engine.new_borrower_return(np.array([[held_base]]), np.array([[held_new]]), np.array([[share_base]]))
    assert got[0, 0] == pytest.approx(factor, rel=1e-12)


@given(base=st.floats(0.0, 1.0), held=st.floats(0.0, 1.0), fewer=st.floats(0.0, 1.0), more=st.floats(0.0, 1.0))
@example(base=1 - 2**-53, held=1.0, fewer=0.0, more=0.5)  # a span of 10⁻¹⁶ once gave an average of 2
def test_more_new_borrowers_never_earn_more_each(base, held, fewer, more):
    """Property: new borrowers' return is between 0 and 1, and more of them never earn more each."""
    held = held * base  # base-year borrowers still holding a loan: at most the base year's share
    fewer, more = sorted((fewer * (1 - held), more * (1 - held)))
    got = plan_engine.new_borrower_return(np.array([held, held]), np.array([fewer, more]), np.array([base, base]))
    assert np.all((got >= 0) & (got <= 1 + 1e-12))
    assert got[1] <= got[0] + 1e-9


def test_ten_households_borrowing_beyond_the_take_up():
    """Ten willing households without loans, two loans a quarter: the county's share of borrowers is 20%, 40%, 60%
    at the end of 2023Q1–Q3 against none in the base year, and the new loans earn P(share)/share of the full return
    — 0.545, 0.275, 0.183. Production in 2023Q2 gains s_P · r_c · 4 loans · 0.275."""
    pop = tiny(*[household(i, willing=True) for i in range(10)])
    r = run(pop, **lending(2.0))
    plan = build_plan(pop, scenario(**lending(2.0)))
    p = [productive(share, 0.0) / share for share in (0.2, 0.4, 0.6)]
    np.testing.assert_allclose(plan.credit_factor_c[0, :3], p, rtol=1e-12)
    for i, loans in ((0, 2), (1, 4), (2, 6)):
        expected = 10 * trend(10_000.0, "production", i) + SEASON["production"][i] * THETA * loans * LOAN * p[i]
        assert r.income["production"][0, i, 0] == pytest.approx(expected, abs=ATOL), f"quarter {i}"


def test_base_year_borrowers_keep_the_full_return():
    """Nine base-year borrowers of 46,500 yuan and two households without a loan, lending two 10,000-yuan loans a
    quarter: renewed loans are smaller (the base-year borrowers lose 36,500 yuan each at the full return), and the
    new borrowers beyond the base year's 9/11 earn a fading return."""
    pop = nine_borrowers()
    changes = {**lending(2.0 * 10_000 / LOAN), "microcredit__average_loan_yuan": 10_000.0}
    plan = build_plan(pop, scenario(**changes))
    r = run(pop, **changes)
    existing = plan.loan_existing > 0
    for i in range(3):
        change = plan.loan_outstanding[:, i] - plan.loan_existing
        factor = np.where(existing, 1.0, plan.credit_factor_c[0, i])
        assert np.any(change[existing] < 0) and factor[existing].min() == 1.0
        expected = trend(110_000.0, "production", i) + SEASON["production"][i] * THETA * float((change * factor).sum())
        assert r.income["production"][0, i, 0] == pytest.approx(expected, abs=ATOL), f"quarter {i}"
    assert plan.credit_factor_c[0, 2] < 1.0


def test_a_table_without_loans_gains_the_whole_new_stock(small_population):
    """The issue's "Done when": the default table's loans are in steady state with 2022's lending, so lending at
    the 2022 level adds almost nothing; the same table without loans gains the new stock's return — in 2023
    r_c · Σ_q s_P(q) · 55,000 万元 · (q + 1) / 4 ≈ 4.4 million yuan at the full return, about 1.6 points of N1 —
    at new borrowers' return: its every loan is new, so the fade starts from its first borrower (§4.4)."""
    frame = small_population.to_frame()
    no_loans = population_from_frame(
        frame.assign(microcredit_yuan=0.0), "no loans", base_assistance=small_population.assistance_base
    )
    s = Scenario().with_changes(
        {"simulation.draws": 4, "simulation.max_standard_error": 0.0, "simulation.draw_assumptions": False}
    )
    with_loans = run_scenario(small_population, s)
    without = run_scenario(no_loans, s)
    full = THETA * 55_000e4 * sum(SEASON["production"][q] * (q + 1) / 4 for q in range(4))
    plan = build_plan(no_loans, s)
    faded = [
        float(np.sum(no_loans.weight * plan.loan_outstanding[:, q] * plan.credit_factor_c[no_loans.county, q]))
        for q in range(4)
    ]
    gained = THETA * sum(SEASON["production"][q] * faded[q] for q in range(4))
    base = with_loans.result.income_base["production"].sum()
    with_credit, without_credit = (
        x.targets["N1"].detail["decomposition"]["microcredit"] for x in (with_loans, without)
    )
    assert without_credit == pytest.approx(gained / base, rel=0.01)  # the decomposition carries the shocks
    # Each county lends whole records of 84 households, so it runs up to one record behind its amount; 1–5% of
    # households borrowing from none earn 89–98% of the full return (1 − share / (2 × 0.22)).
    assert 0.80 * full < gained < 0.98 * full
    # A sample's loan stock is the city's up to sampling error: "almost nothing" is a tenth of the new stock's gain.
    assert abs(with_credit) < 0.1 * without_credit, "steady state: lending at the 2022 level keeps the stock"
    n1_gap = without.targets["N1"].value - with_loans.targets["N1"].value
    assert n1_gap == pytest.approx(without_credit - with_credit, rel=0.05)
    assert n1_gap > 0.01


# ------------------------------------------------------------------------------- §4.5 flows with ceilings
@pytest.mark.parametrize(
    "poverty_share, farmers, reached",
    [(0.25, 10_000, 25), (0.5, 10_000, 50), (0.25, 100_000, 100)],
    ids=["N15", "half-poverty-alleviated", "beyond-the-market"],
)
def test_tourism_reaches_a_poverty_share_and_shares_a_market(poverty_share, farmers, reached):
    """100 households, programme_scale 1%: of N farmers η N / 100 are ours; they share S(η N ḡ / 100; M) with
    M = 2,000 万元 × 1% = 200,000 yuan; the base year's η·4,000 / 100 first in line lose their g^B."""
    pop = tiny(*[household(i) for i in range(100)], scale=0.01)
    r = run(
        pop,
        tourism__households_reached=farmers,
        assumptions__tourism_poverty_share=poverty_share,
        assumptions__tourism_gain_yuan=5_000.0,
        assumptions__tourism_market_cap_10k_yuan=2_000.0,
        assumptions__flow_ramp_quarters=2.0,
    )
    ours, ours_base = poverty_share * farmers / 100, poverty_share * 4_000 / 100
    g = ceiling(ours * 5_000, 200_000) / ours
    g_base = ceiling(ours_base * 5_000, 200_000) / ours_base
    assert reached * g <= 200_000, "the market is never paid more than its ceiling"
    per_year = reached * g - ours_base * g_base
    for i in QUARTERS:
        expected = trend(1_000_000.0, "production", i) + ramp(i + 1, 2) * SEASON["production"][i % 4] * per_year
        assert r.income["production"][0, i, 0] == pytest.approx(expected, abs=pop.n / 16), f"quarter {i}"
    line = order(pop, "tourism")
    pc = dict(zip(pop.household_id, r.household_pc_mean[:, 2] * 3, strict=True))
    untouched = plain()[2]
    assert pc[line[0]] - untouched == pytest.approx(g - g_base, abs=0.01), "first in line: reached both years"
    assert pc[line[reached - 1]] - untouched == pytest.approx(g, abs=0.01)
    if reached < 100:
        assert pc[line[reached]] == pytest.approx(untouched, abs=0.01)


def test_consumption_purchases_saturate_and_go_to_willing_households_by_production():
    """Purchases beyond the base year's, saturating at K = 100% of willing households' production (40,000 yuan):
    the county gains 0.15 × 10⁴ (S(P; K) − S(P^B; K)) a year, 1:3 between the two willing households."""
    rows = [household(0, willing=True), household(1, willing=True, production=30_000.0), household(2)]
    pop = tiny(*rows, scale=1e-4)
    purchases = {"assumptions__consumption_margin": 0.15, "assumptions__consumption_cap_share": 1.0}
    r = run(pop, consumption__purchases_10k_yuan=50_000.0, **purchases)
    per_year = 0.15 * 1e4 * (ceiling(5.0, 4.0) - ceiling(1.5, 4.0))
    for i in QUARTERS:
        expected = trend(50_000.0, "production", i) + SEASON["production"][i % 4] * per_year
        assert r.income["production"][0, i, 0] == pytest.approx(expected, abs=ATOL), f"quarter {i}"
    pc = dict(zip(pop.household_id, r.household_pc_mean[:, 0] * 3, strict=True))
    other = plain(production=0.0)[0]
    assert pc["H0"] - other - 10_000 * 1.12 == pytest.approx(per_year / 4, abs=0.01)
    assert pc["H1"] - other - 30_000 * 1.12 == pytest.approx(per_year * 3 / 4, abs=0.01)
    assert pc["H2"] == pytest.approx(other + 10_000 * 1.12, abs=0.01), "an unwilling household sells nothing"
    flooded = run(pop, consumption__purchases_10k_yuan=200_000.0, **purchases)
    most = 0.15 * 1e4 * (4.0 - ceiling(1.5, 4.0))
    assert term(flooded, "production", "consumption")[:4].sum() < most, "never more than the buyers can take"


def test_collective_payouts_are_capped_by_what_villages_earn_and_property_stays_above_zero():
    """Two villages earning 100,000 yuan, half payable: K = 10 万元. Scale 0.1%: the base year paid 0.4·S(2.5; K)
    万元, the scenario pays 0.6·S(20; K); the change is shared equally by the county's three households."""
    rows = [household(0), household(1), household(2, prop=5_000.0)]
    pop = tiny(*rows, scale=1e-3, villages=2.0)
    base = 0.4 * ceiling(2.5, 10.0)
    more = run(pop, collective__dividends_10k_yuan=20_000.0, collective__share_first_to_poverty_alleviated=0.6)
    each = (0.6 * ceiling(20.0, 10.0) - base) * 1e4 / 3
    for i in QUARTERS:
        expected = trend(7_000.0, "property", i) + 3 * each * SEASON["property"][i % 4]
        assert more.income["property"][0, i, 0] == pytest.approx(expected, abs=ATOL), f"quarter {i}"
    none = run(pop, collective__dividends_10k_yuan=0.0)
    cut = base * 1e4 / 3
    assert cut > 1_000 * 1.05**3, "the cut exceeds the small holders' property income"
    for i in QUARTERS:
        expected = max(trend(5_000.0, "property", i) - cut * SEASON["property"][i % 4], 0.0)
        assert none.income["property"][0, i, 0] == pytest.approx(expected, abs=ATOL), f"quarter {i}: floor at 0"


# -------------------------------------------------------------------------------------- §4.6 training
def test_training_reaches_a_poverty_share_of_trainees_once_each_in_line():
    """2 person-times a year, 50% ours: one trainee a year, among households with a worker, in the training line;
    each earns 1,500 yuan a year more from its year on, ramped over 2 quarters. No worker, no training."""
    rows = [household(i, size=2, workers=1) for i in range(3)]
    pop = tiny(*rows, household(3, size=2, workers=0))
    r = run(
        pop,
        training__person_times=2,
        assumptions__training_poverty_share=0.5,
        assumptions__training_wage_gain_yuan=1_500.0,
        assumptions__training_ramp_quarters=2.0,
    )
    line = order(pop, "training")
    assert "H3" not in line and len(line) == 3
    for i in QUARTERS:
        trained = sum(ramp(i + 1 - 4 * year, 2) for year in range(3))
        expected = trend(80_000.0, "wage", i) + 1_500 * trained * SEASON["wage"][i % 4]
        assert r.income["wage"][0, i, 0] == pytest.approx(expected, abs=ATOL), f"quarter {i}"
    pc = dict(zip(pop.household_id, r.household_pc_mean[:, 1] * 2, strict=True))
    assert pc[line[1]] - pc["H3"] == pytest.approx(1_500 * sum(SEASON["wage"][q] * ramp(q + 1, 2) for q in range(4)))


def test_no_training_trains_nobody():
    pop = tiny(*[household(i) for i in range(3)])
    r = run(pop, training__person_times=0, assumptions__training_wage_gain_yuan=6_000.0)
    np.testing.assert_allclose(r.income["wage"][0, :, 0], [trend(60_000.0, "wage", i) for i in QUARTERS], atol=ATOL)


# ------------------------------------------------------------------------------------ §4.7 safety net
LINE = 7_100.0
POOR = {"size": 1, "workers": 1, "wage": 2_000.0, "production": 1_000.0, "prop": 0.0, "transfer": 2_000.0}
NO_GROWTH = {f"assumptions__organic_growth_{k}": 0.0 for k in ("production", "wage", "property", "transfer")}


@pytest.mark.parametrize("covered, below_after", [(0.8, 1.0), (1.2, 0.0)])
def test_the_safety_net_pays_a_quarter_of_the_gap_as_job_wages_and_transfers(covered, below_after):
    """A one-person household living on 5,000 yuan a year (line 7,100): identified in every round, it is paid
    covered × 2,100 / 4 a quarter, half as public-welfare wages, half as transfers; before assistance it is below
    the line, after it is below only if the net covers less than the gap."""
    pop = tiny(household(0, **POOR))
    r = run_scenario(
        pop,
        scenario(
            **NO_GROWTH,
            safety_net__detection_rate=1.0,
            safety_net__gap_covered_share=covered,
            safety_net__public_welfare_job_share=0.5,
        ),
    )
    pay = covered * (LINE - 5_000) / 4
    res = r.result
    for i in QUARTERS:
        q = i % 4
        assert res.assistance[0, i, 0] == pytest.approx(pay, abs=ATOL)
        assert res.income["wage"][0, i, 0] == pytest.approx(2_000 * SEASON["wage"][q] + pay / 2, abs=ATOL)
        assert res.income["transfer"][0, i, 0] == pytest.approx(2_000 * SEASON["transfer"][q] + pay / 2, abs=ATOL)
    np.testing.assert_array_equal(res.assisted[0, :, 0], 1.0)
    np.testing.assert_array_equal(res.below_before[0, :, 0], 1.0)
    np.testing.assert_array_equal(res.below[0, :, 0], below_after)
    check = r.targets["below_line"]
    assert check.value == below_after and check.detail["share_before_assistance"] == 1.0
    assert check.detail["assistance_cost_10k_yuan"] == pytest.approx(4 * pay / 1e4, abs=1e-6)
    assert term(res, "wage", "safety_net")[0] == pytest.approx(pay / 2, abs=ATOL)


def yearly_quarters(x: dict[str, float], growth: dict[str, float], u: int) -> float:
    """Income before assistance in absolute quarter ``u`` (quarters before the base year repeat the base year)."""
    j = max(u // 4 - 2022, 0)
    return sum(v * SEASON[k][u % 4] * (1 + growth[k]) ** j for k, v in x.items())


@pytest.mark.parametrize("lag", [1, 3])
def test_the_safety_net_looks_back_four_quarters_ending_lag_quarters_ago(lag):
    """Wages growing 30% a year lift the household above the line during 2024: the net pays
    0.8 × max(0, 7,100 − Σ_{k<4} Y(t − L − k)) / 4 and stops L quarters after the four quarters clear the line."""
    x = {"wage": 3_000.0, "production": 1_000.0, "property": 0.0, "transfer": 2_000.0}
    growth = {"wage": 0.3, "production": 0.0, "property": 0.0, "transfer": 0.0}
    pop = tiny(household(0, **{**POOR, "wage": 3_000.0}))
    r = run(
        pop,
        **{**NO_GROWTH, "assumptions__organic_growth_wage": 0.3},
        safety_net__detection_rate=1.0,
        safety_net__gap_covered_share=0.8,
        safety_net__lag_quarters=lag,
    )
    t0 = 4 * 2023
    expected = [
        0.8 * max(LINE - sum(yearly_quarters(x, growth, t0 + i - lag - k) for k in range(4)), 0.0) / 4 for i in QUARTERS
    ]
    np.testing.assert_allclose(r.assistance[0, :, 0], expected, atol=ATOL)
    assert 0 < sum(p > 0 for p in expected) < 12, "the case must show the net stopping"


def test_a_household_is_identified_with_the_detection_rate_and_stays_identified():
    """Detection 0.5 a round: in draw d the household is paid from the first quarter its detection uniform (lane 3
    of the household stream) falls below 0.5, and every quarter after (it still has a gap)."""
    draws = 32
    pop = tiny(household(0, **POOR))
    r = run(
        pop, **NO_GROWTH, simulation__draws=draws, safety_net__detection_rate=0.5, safety_net__gap_covered_share=0.8
    )
    found = np.zeros(draws, bool)
    for i in QUARTERS:
        found |= uniform(household_words("H0", 4 * 2023 + i, draws), 3) < 0.5
        np.testing.assert_allclose(r.assistance[0, i], np.where(found, 0.8 * 2_100 / 4, 0.0), atol=ATOL)
    assert 0 < (r.assistance[0, 0] > 0).sum() < draws, "some draws find it at once, some later"


def test_the_base_years_assistance_is_re_tested_and_its_households_start_identified():
    """§4.7: the base year's assistance inside transfer income is taken out and re-tested, and the households that
    had it start identified — here with detection 0, so nobody else is ever found. H0 lived on 5,000 yuan and got
    2,300 (7,300 with it, above the line): before any assistance it is below, and it is paid 0.8 × 2,100 / 4 a
    quarter from 2023Q1, its need, not its old top-up. H1, as poor but never assisted, is not found. H2 had 500 of
    assistance but now lives on 7,500 yuan on its own: identified, it is paid nothing. Half is paid as wages."""
    rows = [
        household(0, **{**POOR, "transfer": 4_300.0}),
        household(1, **POOR),
        household(2, **{**POOR, "wage": 6_000.0, "transfer": 500.0 + 500.0}),
    ]
    pop = tiny(*rows, assistance=[2_300.0, 0.0, 500.0])
    r = run_scenario(
        pop,
        scenario(
            **NO_GROWTH,
            safety_net__detection_rate=0.0,
            safety_net__gap_covered_share=0.8,
            safety_net__public_welfare_job_share=0.5,
        ),
    )
    res, pay = r.result, 0.8 * 2_100 / 4
    np.testing.assert_allclose(res.assistance[0, :, 0], pay, atol=ATOL)
    np.testing.assert_array_equal(res.assisted[0, :, 0], 1.0)
    for i in QUARTERS:
        own_transfers = (2_000.0 + 2_000.0 + 500.0) * SEASON["transfer"][i % 4]  # without the base year's top-ups
        assert res.income["transfer"][0, i, 0] == pytest.approx(own_transfers + pay / 2, abs=ATOL), f"quarter {i}"
    np.testing.assert_allclose(yearly(res, pop, "H0"), 5_000.0 + 4 * pay, atol=0.01)
    np.testing.assert_allclose(yearly(res, pop, "H1"), 5_000.0, atol=0.01)
    np.testing.assert_allclose(yearly(res, pop, "H2"), 7_500.0, atol=0.01)
    np.testing.assert_array_equal(res.below_before[0, :, 0], 2.0)
    np.testing.assert_array_equal(res.below[0, :, 0], 2.0)
    check = r.targets["below_line"]
    assert check.detail["share_before_assistance"] == pytest.approx(2 / 3), "before any assistance"
    assert check.detail["assistance_cost_10k_yuan"] == pytest.approx(4 * pay / 1e4, abs=1e-6)


def test_a_component_absent_in_the_base_year_gives_numbers_not_nan():
    """A table without property income in the base year: growth is measured against nothing, yet every target
    and its decomposition stays a number (JSON without NaN)."""
    r = run_scenario(tiny(household(0, prop=0.0)), scenario())
    json.dumps({k: c.as_dict() for k, c in r.targets.items()}, allow_nan=False)


# ------------------------------------------------------------------------------------------ §5 shocks
def test_the_job_loss_chain_is_mean_one():
    """§5: J = (1 − κ)^[out] / (1 − u* κ) with u* = loss / (loss + find): a worker household's expected wage is
    its trend wage. Loss 0.2, find 0.3 (u* = 0.4), κ = 1: out of work earns nothing, in work 1/0.6 of the trend.
    400 households × 64 draws × 12 quarters: the mean is 1 within 0.01 (about four standard errors)."""
    rows = [household(i, workers=1) for i in range(400)] + [household(400, workers=0)]
    pop = tiny(*rows)
    r = run(
        pop,
        simulation__draws=64,
        assumptions__job_loss_rate=0.2,
        assumptions__job_find_rate=0.3,
        assumptions__job_loss_wage_share=1.0,
    )
    expected = np.array([trend(401 * 20_000.0, "wage", i) for i in QUARTERS])
    ratio = r.income["wage"][0].sum(axis=-1) / 64 / expected
    assert np.abs(ratio.mean() - 1) < 0.01, ratio
    assert (r.income["wage"][0].std(axis=-1) > 0).all(), "the chain must move wages"
    quiet = run(pop, simulation__draws=64)
    no_worker = r.household_pc_mean[list(pop.household_id).index("H400")] * 3
    assert no_worker == pytest.approx(quiet.household_pc_mean[-1] * 3, abs=0.01), "no worker, no job to lose"


def test_the_illness_factor_is_mean_one():
    """§5: I = (1 − λ[ill]) / (1 − pλ) on production and wages; p = 0.2, λ = 0.5 a quarter."""
    pop = tiny(*[household(i) for i in range(400)])
    r = run(pop, simulation__draws=64, assumptions__illness_rate=0.2, assumptions__illness_income_loss=0.5)
    for component in ("production", "wage"):
        expected = np.array(
            [trend(400 * {"production": 10_000.0, "wage": 20_000.0}[component], component, i) for i in QUARTERS]
        )
        ratio = r.income[component][0].mean(axis=-1) / expected
        assert np.abs(ratio.mean() - 1) < 0.005, (component, ratio)
        assert ratio.std() > 0, component


# ------------------------------------------------------------------------------ §8 falls, points, 五单式
def test_falling_share_points_lost_and_wudan_by_hand():
    """Four borrowers of 30,000 yuan in 甲县 and four households without loans in 乙县, no growth, no new lending:
    the loans mature at t₀, t₀+2, t₀+4, t₀+6 and each repaid household's production is below last year's
    year to date from then on. Points lost 0.5 × excess percentage points; 甲县's 2023 average ≥ 1: 五单式."""
    rows = [household(i, willing=True, loan=30_000.0) for i in range(4)]
    rows += [household(i, county="乙县", willing=True) for i in range(4, 8)]
    r = run_scenario(
        tiny(*rows),
        scenario(assumptions__organic_growth_production=0.0, targets__falling_share_max=0.2),
    )
    res = r.result
    falling = [1, 1, 2, 2, 2, 2, 3, 3, 1, 1, 1, 1]
    np.testing.assert_array_equal(res.falling[0, :, 0], falling)
    np.testing.assert_array_equal(res.falling[1, :, 0], 0.0)
    city = np.array(falling) / 8
    np.testing.assert_allclose(res.city_falling[:, 0], city)
    points = 0.5 * 100 * (np.array(falling) / 4 - city)
    np.testing.assert_allclose(res.points_lost[0, :, 0], points)
    np.testing.assert_array_equal(res.points_lost[1, :, 0], 0.0)
    assert points[:4].mean() == pytest.approx(9.375)
    n3, n4 = r.targets["N3"], r.targets["N4"]
    assert n3.value == pytest.approx(0.25) and n3.met is False and n3.probability == 0.0
    assert n3.detail["share_by_quarter"] == pytest.approx({f"2023Q{q + 1}": city[q] for q in range(4)})
    assert n3.detail["points_lost_by_county"] == pytest.approx({"甲县": 12.5, "乙县": 0.0})
    assert n4.value == 1.0 and n4.detail["counties"] == ["甲县"] and n4.met is False
    table = res.assessment_table()
    row = table[(table["quarter"] == "2023Q3") & (table["county"] == "甲县")].iloc[0]
    assert row["points_lost"] == pytest.approx(12.5) and row["excess_pp"] == pytest.approx(25.0)
    assert row["rank"] == 2 and bool(row["wudan"])


def test_n3_is_the_worst_quarter_of_the_year():
    """§10: N3 takes, per draw, the largest of the four quarters' city shares of falling households (the notice
    scores every quarter), not 2023Q4's. Two households with household shocks (sd 0.2) growing 5%: each falls in
    quarter q of draw d when its 2023 year-to-date production, X s_P 1.05 (1 + 0.2 z), is below the base year's
    simulated one (§1) — worked out here from the documented counter-based normals."""
    draws, sd, g = 64, 0.2, 0.05
    pop = tiny(household(0), household(1, production=20_000.0))
    r = run_scenario(
        pop,
        scenario(
            simulation__draws=draws,
            assumptions__household_shock_sd=sd,
            assumptions__organic_growth_production=g,
            targets__falling_share_max=0.4,
        ),
    )
    s = SEASON["production"]
    falls = np.zeros((4, draws))
    for h, x in (("H0", 10_000.0), ("H1", 20_000.0)):
        ytd_now = np.cumsum(
            [x * s[q] * (1 + g) * (1 + sd * household_normal(h, 4 * 2023 + q, draws)) for q in range(4)], 0
        )
        ytd_before = np.cumsum([x * s[q] * (1 + sd * household_normal(h, 4 * 2022 + q, draws)) for q in range(4)], 0)
        falls += ytd_now < ytd_before * (1 - 1e-5)
    share = falls / 2
    worst = share.max(axis=0)
    n3 = r.targets["N3"]
    np.testing.assert_array_equal(r.result.city_falling[:4], share)
    assert n3.value == pytest.approx(worst.mean())
    assert n3.probability == pytest.approx((worst <= 0.4).mean())
    assert n3.detail["share_by_quarter"] == pytest.approx({f"2023Q{q + 1}": share[q].mean() for q in range(4)})
    assert (worst > share[3]).any(), "the case must have draws whose worst quarter is not the fourth"


# --------------------------------------------------------------------------------------- §10 verdicts
def shocked(n: int = 40):
    """``n`` households with production shocks, growing just enough that N1 is met in about half the draws."""
    return tiny(*[household(i, willing=True) for i in range(n)])


SHOCKS = {
    "assumptions.household_shock_sd": 0.22,
    "assumptions.price_shock_sd": 0.06,
    "assumptions.organic_growth_production": 0.20,
}


def test_p_met_and_its_standard_error():
    """§10: P(met) = k / n over draws; its error √(p̃(1 − p̃)/n) with p̃ = (k + 1)/(n + 2), never 0."""
    r = run_scenario(shocked(), scenario().with_changes({**SHOCKS, "simulation.draws": 40}))
    growth = r.result.growth("production", 2023)
    n1 = r.targets["N1"]
    k = int((growth >= 0.2 - 1e-12).sum())
    assert 0 < k < 40 and n1.probability == k / 40 and n1.draws == 40
    p = (k + 1) / 42
    assert n1.p_met_se == pytest.approx(math.sqrt(p * (1 - p) / 40))
    assert p_met_standard_error(0.0, 40) == pytest.approx(math.sqrt((1 / 42) * (41 / 42) / 40))


def test_adaptive_draws_stop_at_the_error_target_and_keep_the_first_draws():
    """A verdict run starts with 32 draws and adds multiples of 32 new draws until every outcome's P(met) error
    is ≤ 0.05; its first 32 draws are exactly a run of 32, and the whole is exactly one run of as many draws."""
    s = scenario().with_changes({**SHOCKS, "simulation.draws": 32, "simulation.max_standard_error": 0.05})
    pop = shocked()
    r = run_scenario(pop, s)
    n = r.result.draws
    assert n > 32 and n % 32 == 0
    for key in ("N1", "N2", "N3", "N4", "below_line"):
        assert r.targets[key].p_met_se <= 0.05, key
    first = simulate(pop, s)
    whole = simulate(pop, s, draws=n)
    for k in INCOME_COMPONENTS:
        np.testing.assert_array_equal(r.result.income[k][..., :32], first.income[k])
        np.testing.assert_array_equal(r.result.income[k], whole.income[k])
        np.testing.assert_array_equal(r.result.terms_sum[k], whole.terms_sum[k])
    np.testing.assert_array_equal(r.result.falling, whole.falling)
    fewer = run_scenario(pop, s.with_changes({"simulation.max_standard_error": 0.0}))
    assert fewer.result.draws == 32, "an error target of 0 keeps the draws fixed"


def test_capacity_flags_say_when_a_lever_asks_more_than_the_city_can_absorb():
    """§10, at the scenario's own assumption values, each capacity in its lever's unit. A region of 1% of Qujing
    (programme_scale 0.01) whose four households, two of them willing with 10,000 yuan of production, live in one
    village: its levers are Qujing-sized amounts, of which it receives 1%."""
    rows = [household(i, willing=i < 2) for i in range(4)]
    pop = tiny(*rows, scale=0.01)
    market = {
        "assumptions.tourism_gain_yuan": 5_000.0,
        "assumptions.tourism_poverty_share": 0.25,
        "assumptions.tourism_market_cap_10k_yuan": 2_000.0,
        "assumptions.consumption_cap_share": 0.25,
        "assumptions.collective_income_per_village_yuan": 100_000.0,
        "assumptions.collective_payout_share_max": 0.5,
        "assumptions.training_poverty_share": 0.4,
        "funds.central_10k_yuan": 100.0,
        "funds.industry_share_central": 1.0,
        "linking.households_per_million_yuan": 100.0,
    }
    capacity = {  # the hand-worked capacity of each lever, and a value within it and one beyond it
        "tourism.households_reached": (2_000e4 / (5_000 * 0.25), 15_000, 17_000),  # M / (ḡ η) farmers
        "consumption.purchases_10k_yuan": (0.25 * 20_000 / 1e4 / 0.01, 45.0, 55.0),  # 万元 of Qujing's purchases
        "collective.dividends_10k_yuan": (100_000 * 0.5 / 1e4 / 0.01, 450.0, 550.0),
        "microcredit.new_lending_10k_yuan": (2.0, 300.0, 320.0),  # new loans over 3 years vs 2 willing
        "training.person_times": (4.0, 300, 400),  # trainees over 3 years vs 4 households with a worker
        "funds.central_10k_yuan": (4.0, 200.0, 300.0),  # asset links over 3 years (0.015 × F) vs 4 households
        "industry.support_per_household_yuan": (2.0, 2_000.0, 1_000.0),  # 3,000 yuan a year: packages vs 2 willing
    }
    paths = {"funds.central_10k_yuan": "linking.households_per_million_yuan"}
    for lever, (cap, within, beyond) in capacity.items():
        flags = {}
        for value in (within, beyond):
            run_ = run_scenario(pop, scenario().with_changes({**market, lever: value}))
            flags[value] = run_.capacity[paths.get(lever, lever)]
        assert flags[within].capacity == pytest.approx(cap), lever
        assert not flags[within].exceeded and flags[beyond].exceeded, (lever, flags)
    loans = run_scenario(pop, scenario().with_changes({**market, "microcredit.new_lending_10k_yuan": 320.0})).capacity
    assert loans["microcredit.new_lending_10k_yuan"].value == pytest.approx(320 * 1e4 / 46_500 * 0.01 * 3)


@pytest.mark.parametrize("lending, exceeded", [(140.0, False), (150.0, True)])
def test_lending_beyond_the_published_borrower_share_is_flagged(lending, exceeded):
    """§10: a year's lending L (万元, Qujing-sized; the region of 1% receives 1%) keeps L·10⁴/46,500 × 2.32 loans
    outstanding in steady state; Yunnan's published borrower share is 18% of households, here 0.18 × 4. So lending
    beyond 0.18 × 4 × 46,500 / 2.32 / 10⁴ / 0.01 = 144.3 万元 a year is flagged, in the lever's unit."""
    pop = tiny(*[household(i, willing=True) for i in range(4)], scale=0.01)
    run_ = run_scenario(pop, scenario().with_changes({"microcredit.new_lending_10k_yuan": lending}))
    flag = run_.capacity["microcredit.new_lending_10k_yuan:borrower_share"]
    assert flag.path == "microcredit.new_lending_10k_yuan" and flag.unit == "万元/年"
    assert flag.capacity == pytest.approx(0.18 * 4 * 46_500 / 2.32 / 1e4 / 0.01)
    assert flag.value == lending and flag.exceeded == exceeded
    assert not run_.capacity["microcredit.new_lending_10k_yuan"].exceeded, "4 willing households: 0.9 new loans"
    assert "18%" in flag.note_en and "18%" in flag.note_zh


def test_industry_funds_combine_the_three_sources_and_n5_to_n7_report_them():
    """§4.1: F = Σ funds × industry share = 130 万元; N5/N6 are the shares as set. N7 is an outcome: households
    linked per million yuan of industry funds, support recipients and asset-linked households together:
    L_S = 10⁴·0.3·130 / 5,000 = 78 packages, L_A = 2 per million × 0.5 × 130 / 100 = 1.3 households, so
    N7 = 79.3 / 1.3 = 61 households per million while the asset lever says 2: the floor of 10 is met by support."""
    pop = tiny(*[household(i, willing=True, weight=1_000.0) for i in range(2)])
    levers = {
        "funds.central_10k_yuan": 100.0,
        "funds.provincial_10k_yuan": 200.0,
        "funds.city_county_10k_yuan": 300.0,
        "funds.industry_share_central": 0.5,
        "funds.industry_share_provincial": 0.25,
        "funds.industry_share_city_county": 0.1,
        "linking.households_per_million_yuan": 2.0,
    }
    r = run_scenario(pop, scenario().with_changes(levers))
    n7 = r.targets["N7"]
    assert n7.detail["industry_funds_10k_yuan"] == pytest.approx(130.0)
    assert n7.detail["linked_households"] == pytest.approx(78.0 + 1.3)
    assert n7.detail["households_per_million_yuan_set"] == 2.0
    assert r.result.linked_by_county[0] == pytest.approx(79.3)
    assert n7.value == pytest.approx(61.0) and n7.met is True
    only_assets = run_scenario(pop, scenario().with_changes({**levers, **industry_split(0.0, 0.5)})).targets["N7"]
    assert only_assets.value == pytest.approx(1.0) and only_assets.met is False, "n_L × β_A = 1 per million"
    assert r.targets["N5"].value == 0.5 and r.targets["N5"].met is False
    assert r.targets["N6"].value == 0.25 and r.targets["N6"].met is False


# ------------------------------------------------------------------------- unchanged policy, every shock off
def baseline_levers() -> dict[str, float]:
    """Every programme at its base-year level ([programmes_2022]); support package and split at their defaults."""
    p = cal.programmes(2022)
    names = {
        "funds.central_10k_yuan": "central_10k_yuan",
        "funds.provincial_10k_yuan": "provincial_10k_yuan",
        "funds.city_county_10k_yuan": "city_county_10k_yuan",
        "funds.industry_share_central": "industry_share_central",
        "funds.industry_share_provincial": "industry_share_provincial",
        "funds.industry_share_city_county": "industry_share_city_county",
        "linking.households_per_million_yuan": "households_per_million_yuan",
        "dual_binding.coverage_target": "dual_binding_coverage",
        "microcredit.new_lending_10k_yuan": "microcredit_new_lending_10k_yuan",
        "tourism.households_reached": "tourism_households",
        "training.person_times": "training_person_times",
        "collective.dividends_10k_yuan": "collective_dividends_10k_yuan",
        "collective.share_first_to_poverty_alleviated": "collective_share_first",
        "consumption.purchases_10k_yuan": "consumption_purchases_10k_yuan",
    }
    return {path: p[name] for path, name in names.items()}


EVERY_SHOCK_OFF = {
    **QUIET,
    "assumptions.household_growth_sd": 0.0,
    "simulation.draws": 1,
    "simulation.draw_assumptions": False,
    "simulation.max_standard_error": 0.0,
}
FLOWS = {"production": ("household_support", "tourism", "consumption"), "wage": ("non_industry_funds",)}


@pytest.fixture(scope="module")
def quiet_baseline(small_population):
    """The base year's programmes continued on the 3,000-record sample, every shock off, 2023–2025."""
    s = Scenario().with_changes({**baseline_levers(), **EVERY_SHOCK_OFF})
    return s, simulate(small_population, s)


def test_the_baselines_flow_channels_add_nothing(quiet_baseline):
    """§3: a flow acts through its change against the base year, so continuing every flow at its base-year level
    adds 0 ± 10⁻³ of growth in every year: tourism, purchases, collective payouts and non-industry funds exactly
    (the same amounts), household support up to the sample's records (the line reaches whole records of 84
    households, the fade is spread by the exact number)."""
    _, r = quiet_baseline
    for component, flows in {**FLOWS, "property": ("collective",)}.items():
        for year in r.years:
            parts = growth_decomposition(r, component, year)
            for flow in flows:
                assert abs(parts[flow]) <= 1e-3, (component, year, flow, parts[flow])
                if flow != "household_support":
                    assert parts[flow] == 0.0, (component, year, flow)


def test_with_every_shock_off_nobody_falls_under_unchanged_policy_but_by_a_named_mechanism(
    small_population, quiet_baseline
):
    """§8 under the baseline with every shock, job loss, illness and own-growth spread off: a household's
    production falls only through a mechanism the model names. In 2023 only loans that end (or are renewed
    smaller) at maturity; from 2024 also last year's support recipients not supported again (their package
    fades to φ of its gain), land given up to a land-transfer link and contract assets failing. Switch those
    four off and nobody falls in any quarter."""
    s, r = quiet_baseline
    pop, plan = small_population, build_plan(small_population, s)

    def weighted(households: np.ndarray) -> np.ndarray:
        return np.bincount(pop.county, weights=pop.weight * households, minlength=pop.n_counties)[:, None]

    credit = (plan.loan_outstanding < plan.loan_existing[:, None]).any(axis=1)
    assets = plan.asset_mask != 0
    later = credit | (plan.support_mask != 0) | (assets & (plan.asset_mode == 1)) | (assets & (plan.asset_mode >= 2))
    falling = r.falling[..., 0]
    assert (falling[:, :4] <= weighted(credit) + 1e-6).all()
    assert (falling[:, 4:] <= weighted(later) + 1e-6).all()
    assert falling[:, :4].sum() > 0 and falling[:, 4:8].sum() > falling[:, :4].sum(), "the mechanisms are real"
    named_off = {
        "assumptions.microcredit_return_rate": 0.0,
        "assumptions.microcredit_default_rate": 0.0,
        "assumptions.support_gain_max_yuan": 0.0,
        "assumptions.land_forgone_yuan_per_mu": 0.0,
        "assumptions.asset_failure_rate": 0.0,
    }
    assert not simulate(pop, s.with_changes(named_off)).falling.any()


def test_n1_if_2022_repeats(small_population):
    """§11: N1's detail gives N1 had the year's organic rate been 2022's fitted one, (g₂₀₂₂ − g)/(1 + g) × (1 +
    organic share) from N1: with shocks off and channels that do not scale with the trend (tourism, loans) that
    is exactly the growth of the same run at g₂₀₂₂."""
    levers = {**baseline_levers(), **EVERY_SHOCK_OFF, "tourism.households_reached": 30_000}
    levers["assumptions.dual_binding_premium"] = 0.0  # a premium scales with the trend
    s = Scenario().with_changes({**levers, "simulation.end_quarter": "2023Q4"})
    rate_2022 = cal.value("fitted.organic_growth_production_2022")
    repeated = run_scenario(small_population, s.with_changes({"assumptions.organic_growth_production": rate_2022}))
    n1 = run_scenario(small_population, s).targets["N1"]
    assert n1.detail["if_2022_repeats"]["organic_rate"] == rate_2022
    # exact up to the fixed-point sums (1/16 yuan per record and quarter, a few yuan over a billion)
    assert n1.detail["if_2022_repeats"]["value"] == pytest.approx(repeated.targets["N1"].value, abs=1e-8)
    assert n1.detail["if_2022_repeats"]["value"] > n1.value + 0.05, "2022 was a year of recovery"


# ------------------------------------------------------------------------------------------- migration


def test_a_version_1_file_is_migrated_and_says_what_changed():
    """The shipped notice scenario as it was in schema 1 (fixtures/migration): its property and transfer rates are
    kept as they are (schema 2 has both again), the single industry return rate is dropped, and notes say so."""
    raw = tomllib.loads(
        (Path(__file__).parent / "fixtures" / "migration" / "notice_2023_schema1.toml").read_text("utf-8")
    )
    notes: list[str] = []
    s = scenario_from_dict(raw, notes)
    assert s.schema_version == 2
    assert (s.assumptions.organic_growth_property, s.assumptions.organic_growth_transfer) == (0.05, 0.03)
    assert s.tourism.households_reached == 10_000 and isinstance(s.tourism.households_reached, int)
    assert s.industry.household_support_share == 0.30, "fields new in schema 2 take their defaults"
    assert s.industry.support_per_household_yuan == 5_000.0 and s.assumptions.asset_min_yuan == 15_000.0
    assert any("industry_return_rate = 0.04" in n and "dropped" in n for n in notes), notes
    assert all("|" in n for n in notes), "every note in Chinese and English"
    assert raw["assumptions"]["industry_return_rate"] == 0.04, "the file's own mapping is left as it was"
    one_rate = scenario_from_dict({"schema_version": 1, "assumptions": {"organic_growth_transfer": 0.02}})
    assert one_rate.assumptions.organic_growth_transfer == 0.02
    assert one_rate.assumptions.organic_growth_property == 0.05, "the other rate takes its default"
