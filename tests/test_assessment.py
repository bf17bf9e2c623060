"""The quarterly county assessment (N3, N4, N20) on cases small enough to compute by hand.

The tiny population: twelve households in three counties, no shocks, so who falls is decided by one lever.
Consumption-assistance purchases drop to 0 from the base year's 15,000 万元. For so few households the county's
purchases are far above what buyers can take (capacity K_c = consumption_cap_share 0.25 × the county's willing
production W_c), so the base year's purchases were saturated at K_c and the cut takes away margin × K_c = 0.32 ×
0.25 × W_c: every willing household loses ℓ = 8% of its production income a year, in proportion to its
production, phased in over two quarters (half in Q1). Production grows organically by 5%. With the seasonality
s = (.15, .15, .25, .45), cumulative c = (.15, .30, .55, 1.0), a willing household's year-to-date production falls in
quarter k of 2023 when 1.05·c_k − 0.08·(c_k − 0.075) < c_k, i.e. c_k > 0.2: not in Q1, in Q2–Q4. Households
without the will never fall (+5%).

    麒麟区: two willing of four;  沾益区: four willing;  马龙区: one willing of four

Falling households (麒麟, 沾益, 马龙) and city share:  Q1 (0, 0, 0) 0/12;  Q2–Q4 (2, 4, 1) 7/12.
Points = 0.5 × max(0, county share − city share in percentage points):
    Q1: all 0
    Q2–Q4: 麒麟 50 − 58.33 → 0;  沾益 100 − 58.33 → 20.8333;  马龙 25 − 58.33 → 0
"""

from __future__ import annotations

import warnings
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from model.engine.run import run_scenario
from model.population.table import population_from_frame
from model.reports import assessment
from model.schema.fieldspec import COUNTIES
from model.schema.scenario import default_scenario

TINY = {
    "麒麟区": [(True, 30_000), (True, 60_000), (False, 30_000), (False, 30_000)],
    "沾益区": [(True, 30_000), (True, 30_000), (True, 75_000), (True, 100_000)],
    "马龙区": [(True, 100_000), (False, 20_000), (False, 20_000), (False, 20_000)],
}
NO_SHOCKS_NO_OTHER_CHANNELS = {
    "funds.central_10k_yuan": 0,
    "funds.provincial_10k_yuan": 0,
    "funds.city_county_10k_yuan": 0,
    "microcredit.new_lending_10k_yuan": 0,
    "tourism.households_reached": 4_000,
    "consumption.purchases_10k_yuan": 0,
    "simulation.draw_assumptions": False,
    "simulation.max_standard_error": 0.0,
    "assumptions.organic_growth_production": 0.05,
    "assumptions.flow_ramp_quarters": 2,
    "assumptions.consumption_margin": 0.32,
    "assumptions.consumption_cap_share": 0.25,
    "assumptions.support_gain_max_yuan": 0,
    "assumptions.dual_binding_premium": 0,
    "assumptions.price_shock_sd": 0,
    "assumptions.county_shock_sd": 0,
    "assumptions.village_shock_sd": 0,
    "assumptions.household_shock_sd": 0,
    "assumptions.wage_shock_sd": 0,
    "assumptions.illness_rate": 0,
    "assumptions.household_growth_sd": 0,
    "simulation.draws": 2,
    "simulation.end_quarter": "2023Q4",
}
QUARTERS = ["2023Q1", "2023Q2", "2023Q3", "2023Q4"]
# (麒麟, 沾益, 马龙) falling households per quarter, from the docstring
FALLING = {"2023Q1": (0, 0, 0), "2023Q2": (2, 4, 1), "2023Q3": (2, 4, 1), "2023Q4": (2, 4, 1)}
POINTS = {
    "2023Q1": (0.0, 0.0, 0.0),
    "2023Q2": (0.0, 125 / 6, 0.0),
    "2023Q3": (0.0, 125 / 6, 0.0),
    "2023Q4": (0.0, 125 / 6, 0.0),
}
RANKS = {"2023Q1": (1, 1, 1), "2023Q2": (2, 3, 1), "2023Q3": (2, 3, 1), "2023Q4": (2, 3, 1)}
THREE = ("麒麟区", "沾益区", "马龙区")


def tiny_population():
    rows = []
    for county, households in TINY.items():
        for i, (willing, production) in enumerate(households):
            rows.append(
                {
                    "household_id": f"{county}-{i}",
                    "county": county,
                    "village": "一村",
                    "size": 3,
                    "workers": 2,
                    "type": "脱贫户",
                    "industry_willing": willing,
                    "dual_bound": False,
                    "microcredit_yuan": 0.0,
                    "transferable_land_mu": 0.0,
                    "wage_income_2022": 10_000.0,
                    "production_income_2022": production,
                    "property_income_2022": 500.0,
                    "transfer_income_2022": 2_000.0,
                }
            )
    return population_from_frame(pd.DataFrame(rows), "十二户测试人口")


@pytest.fixture(scope="module")
def tiny_run():
    scenario = default_scenario().with_changes(NO_SHOCKS_NO_OTHER_CHANNELS)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # the six empty counties divide 0 by 0 in the model
        return run_scenario(tiny_population(), scenario)


@pytest.fixture(scope="module")
def tiny_table(tiny_run):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return tiny_run.result.assessment_table()


# ------------------------------------------------------------------------------------- hand-computed
@pytest.mark.parametrize("quarter", QUARTERS)
def test_hand_computed_falls_shares_points_and_ranks(tiny_table, quarter):
    rows = tiny_table[tiny_table["quarter"] == quarter].set_index("county")
    assert sorted(rows.index) == sorted(THREE)  # the six counties without households are not assessed
    city = sum(FALLING[quarter]) / 12
    for k, county in enumerate(THREE):
        row = rows.loc[county]
        assert row["households"] == 4
        assert row["falling_households"] == FALLING[quarter][k]
        assert row["falling_share"] == pytest.approx(FALLING[quarter][k] / 4)
        assert row["falling_share_p10"] == row["falling_share_p90"] == pytest.approx(FALLING[quarter][k] / 4)
        assert row["city_share"] == pytest.approx(city)
        assert row["excess_pp"] == pytest.approx((FALLING[quarter][k] / 4 - city) * 100)
        assert row["points_lost"] == pytest.approx(POINTS[quarter][k])
        assert row["points_lost_p90"] == pytest.approx(POINTS[quarter][k])
        assert row["rank"] == RANKS[quarter][k]
        flagged = POINTS[quarter][k] >= 1.0  # default threshold: 1 point a quarter
        assert row["wudan"] == flagged
        assert row["wudan_probability"] == (1.0 if flagged else 0.0)


def test_rows_come_quarter_by_quarter_best_rank_first(tiny_table):
    assert tiny_table["quarter"].tolist() == [q for q in QUARTERS for _ in range(3)]
    # the Q1 tie (nobody falls) keeps the canonical county order and every county shares rank 1
    q1 = tiny_table[tiny_table["quarter"] == "2023Q1"]
    assert q1["county"].tolist() == ["麒麟区", "沾益区", "马龙区"] and q1["rank"].tolist() == [1, 1, 1]
    q2 = tiny_table[tiny_table["quarter"] == "2023Q2"]
    assert q2["county"].tolist() == ["马龙区", "麒麟区", "沾益区"] and q2["rank"].tolist() == [1, 2, 3]


def test_agrees_with_the_models_assessment_table(tiny_run, tiny_table):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        model = tiny_run.result.assessment_table()
    model = model[model["county"].isin(THREE)]
    merged = tiny_table.merge(model, on=["quarter", "county"], suffixes=("", "_model"))
    assert len(merged) == 12
    for column in (
        "falling_share",
        "falling_share_p10",
        "falling_share_p90",
        "city_share",
        "excess_pp",
        "points_lost",
        "points_lost_p90",
        "wudan_probability",
        "wudan",
    ):
        np.testing.assert_allclose(merged[column].astype(float), merged[f"{column}_model"].astype(float))


def test_the_year_end_n3_and_n4_checks_match_the_hand_computation(tiny_run):
    n3 = tiny_run.targets["N3"]
    assert n3.value == pytest.approx(7 / 12)
    assert n3.detail["points_lost_by_county"]["沾益区"] == pytest.approx(125 / 6)
    # N4: average points per quarter in 2023: 麒麟 0, 沾益 (0 + 3 × 20.83) / 4 = 15.63, 马龙 0
    assert tiny_run.targets["N4"].detail["counties"] == ["沾益区"]


def test_period_points_averages_the_reviewed_quarters(tiny_run, tiny_table):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        half = assessment.period_points(tiny_run.result, ["2023Q1", "2023Q2"]).set_index("county")
        year = assessment.period_points(tiny_run.result, QUARTERS).set_index("county")
    assert half.loc["麒麟区", "mean_points"] == 0
    assert half.loc["沾益区", "mean_points"] == pytest.approx((0 + 125 / 6) / 2)
    assert half.loc["马龙区", "mean_points"] == 0
    assert half["quarters"].iloc[0] == "2023Q1–2023Q2"
    assert year.loc["沾益区", "mean_points"] == pytest.approx(3 * 125 / 6 / 4)
    probabilities = tiny_run.targets["N4"].detail["probability_by_county"]
    for county in THREE:
        assert year.loc[county, "flag_probability"] == probabilities[county]
    assert assessment.period_points(tiny_run.result, ["2022Q1", "2022Q2"]).empty  # not simulated


@pytest.mark.parametrize(
    ("quarter", "key", "year", "reviewed"),
    [
        ("2024Q1", "review.Q1", "2023", ["2023Q1", "2023Q2", "2023Q3", "2023Q4"]),
        ("2023Q3", "review.Q3", "2023", ["2023Q1", "2023Q2"]),
        ("2023Q2", "review.other", "2023", ["2023Q1", "2023Q2"]),
        ("2025Q4", "review.other", "2025", ["2025Q1", "2025Q2", "2025Q3", "2025Q4"]),
    ],
)
def test_what_each_dispatch_meeting_reviews(quarter, key, year, reviewed):
    assert assessment.review_period(quarter) == (key, year, reviewed)


# ------------------------------------------------------------------------------------- draws, built directly
def _with_falls(result, falling_by_county: dict[str, list[list[float]]], households: dict[str, float]):
    """The tiny result with its falling households (county → quarter × draw) and household counts replaced."""
    n_q, draws = len(result.quarters), len(next(iter(falling_by_county.values()))[0])
    falling = np.zeros((len(COUNTIES), n_q, draws))
    counts = np.zeros(len(COUNTIES))
    for county, rows in falling_by_county.items():
        falling[COUNTIES.index(county)] = rows
        counts[COUNTIES.index(county)] = households[county]
    scenario = result.scenario.with_changes({"simulation.draws": draws})
    return replace(result, falling=falling, households=counts, scenario=scenario)


def test_points_are_the_mean_over_draws_of_the_points_of_each_draw(tiny_run):
    # Two counties of 100 households; draw 1: A 13 %, B 7 % (city 10 %); draw 2: A 7 %, B 13 %.
    # Excess of A: +3 pp and −3 pp → mean excess 0, but points (1.5 + 0) / 2 = 0.75 per quarter.
    result = _with_falls(
        tiny_run.result, {"麒麟区": [[13.0, 7.0]] * 4, "沾益区": [[7.0, 13.0]] * 4}, {"麒麟区": 100, "沾益区": 100}
    )
    table = result.assessment_table()
    q1 = table[table["quarter"] == "2023Q1"].set_index("county")
    assert q1.loc["麒麟区", "excess_pp"] == pytest.approx(0)
    assert q1.loc["麒麟区", "points_lost"] == pytest.approx(0.75)
    assert q1.loc["沾益区", "points_lost"] == pytest.approx(0.75)
    assert q1.loc["麒麟区", "points_lost_p90"] == pytest.approx(1.35)  # linear between 0 and 1.5
    assert q1.loc["麒麟区", "falling_share_p90"] == pytest.approx(0.124)  # linear between 7 % and 13 %
    assert q1.loc["麒麟区", "falling_households"] == pytest.approx(10)
    # 1.5 points in one draw of two reach the default threshold (1.0): probability 0.5, so flagged
    assert q1.loc["麒麟区", "wudan_probability"] == 0.5 and q1.loc["麒麟区", "wudan"]
    assert q1.loc["麒麟区", "rank"] == q1.loc["沾益区", "rank"] == 1


@settings(max_examples=40, deadline=None)
@given(
    households=st.lists(st.integers(1, 500), min_size=2, max_size=5),
    shares=st.lists(st.floats(0, 1), min_size=10, max_size=10),
)
def test_assessment_invariants(tiny_run, households, shares):
    counties = COUNTIES[: len(households)]
    falls = {c: [[round(n * shares[k])]] * 4 for k, (c, n) in enumerate(zip(counties, households, strict=True))}
    result = _with_falls(tiny_run.result, falls, dict(zip(counties, households, strict=True)))
    table = result.assessment_table()
    q = table[table["quarter"] == "2023Q1"]
    weights = q["households"] / q["households"].sum()
    assert (q["falling_share"] * weights).sum() == pytest.approx(q["city_share"].iloc[0])
    assert (q["points_lost"] >= 0).all()
    np.testing.assert_allclose(q["points_lost"], 0.5 * np.maximum(q["excess_pp"], 0), atol=1e-9)
    assert q["rank"].min() == 1
    assert (q["falling_share"].diff().dropna() >= 0).all()  # best rank first
    best = q[q["rank"] == 1]
    assert (best["points_lost"] == 0).all()  # the lowest share is never above the city share
    assert (q["wudan"] == (q["points_lost"] >= result.scenario.targets.wudan_points_threshold)).all()


# ------------------------------------------------------------------------------------- views and charts
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_page_table_has_units_in_every_header_and_shares_in_percent(tiny_run, lang):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        view = assessment.assessment_view(tiny_run.result, "2023Q3", lang)
    assert len(view) == 3
    share = assessment.label("falling_share", lang)
    assert share in view.columns and "%" in share
    assert ("结果" in share) if lang == "zh" else ("result" in share)
    assert view[share].tolist() == [25.0, 50.0, 100.0]
    points = assessment.label("points_lost", lang)
    assert view[points].tolist() == [0.0, 0.0, 20.83]
    county = assessment.label("county", lang)
    expected = ["马龙区", "麒麟区", "沾益区"] if lang == "zh" else ["Malong", "Qilin", "Zhanyi"]
    assert view[county].tolist() == expected
    flag = assessment.label("wudan", lang)
    assert view[flag].tolist() == (["否", "否", "是"] if lang == "zh" else ["no", "no", "yes"])
    for key in assessment.PAGE_COLUMNS:
        if assessment.COLUMNS[key][2] in ("share", "pp", "points", "count", "flag"):
            header = assessment.label(key, lang)
            assert any(
                u in header
                for u in ("%", "百分点", "percentage points", "分", "points", "户", "households", "是/否", "yes/no")
            ), header


def test_an_unreported_quarter_is_refused_with_the_range(tiny_run):
    with pytest.raises(ValueError, match="2023Q1–2023Q4"):
        assessment.quarter_assessment(tiny_run.result, "2024Q1")


@pytest.mark.parametrize("quarter", ["2023Q2", None])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_charts_send_one_row_per_county_and_quarter(tiny_run, quarter, lang):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        spec = assessment.assessment_chart(tiny_run.result, lang, quarter).to_dict()
    rows = [r for data in spec["datasets"].values() for r in data]
    assert 0 < len(rows) <= 3 * 4 * 2 + 4
    if quarter is not None:
        assert [r["city_share"] for r in rows] == pytest.approx([7 / 12] * len(rows))
        titles = str(spec)
        assert quarter in titles
