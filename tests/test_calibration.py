"""The embedded population reproduces its calibration file, every figure says where it comes from, and the
generation is deterministic. Runs on the full default population (≈ 252,500 households): this is what it is about.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from model.population.synth import county_household_counts, default_population, generate_frame
from model.population.table import HOUSEHOLD_TYPES, INCOME_COMPONENTS, population_from_frame
from model.schema import calibration as cal
from model.schema import fieldspec
from model.schema.fieldspec import COUNTIES

ALLEVIATED = ("脱贫户", "脱贫不稳定户")  # poverty-alleviated households (counted in the calibrated county totals)
MONITORED = ("脱贫不稳定户", "边缘易致贫户", "突发严重困难户")


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return default_population().to_frame()


# ------------------------------------------------------------------------------------ provenance
def assert_provenance(figures: dict) -> None:
    """Every figure says its unit, year and source; an assumption never claims high confidence."""
    for key, fig in figures.items():
        for attr in ("unit", "year", "source"):
            assert isinstance(getattr(fig, attr), str) and getattr(fig, attr).strip(), (key, attr)
        assert fig.confidence in ("H", "M", "L"), key
        if fig.assumption:
            assert fig.confidence in ("M", "L"), f"{key}: an assumption cannot have high confidence"


def test_every_calibration_figure_has_unit_year_source_confidence():
    figures = cal.figures()
    assert len(figures) >= 25
    assert_provenance(figures)


def _same_shape(a, b) -> bool:
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(_same_shape(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b)
    return isinstance(b, int | float)


def test_every_assumption_states_its_range():
    """The guide's rule: a figure not published or derived is elicited with a range (docs/VALIDATION.md §4 runs it)."""
    assumptions = {k: f for k, f in cal.figures().items() if f.assumption}
    assert len(assumptions) >= 35
    for key, fig in assumptions.items():
        assert fig.stated_range is not None, f"{key}: an assumption states its range (half_width, or low and high)"
        low, high = fig.stated_range
        if isinstance(fig.value, dict):
            assert _same_shape(fig.value, low) and _same_shape(fig.value, high), f"{key}: whole alternatives"
            assert low != fig.value != high and low != high, key
        else:
            assert low < fig.value < high, key
        assert "range" in (fig.source + fig.note).lower(), f"{key}: says why the range is what it is"


@pytest.mark.parametrize("key", ["population.monitored_type_split", "income.seasonality"])
def test_the_ends_of_a_table_of_shares_are_shares_that_add_up(key):
    fig = cal.figures()[key]
    for table in (fig.low, fig.value, fig.high):
        rows = table.values() if key == "income.seasonality" else [list(table.values())]
        for shares in rows:
            assert sum(shares) == pytest.approx(1.0, abs=1e-9) and min(shares) >= 0, (key, shares)


def test_the_ends_of_the_county_split_keep_the_published_totals():
    fig = cal.figures()["population.county_households"]
    poor = cal.value("population.former_poverty_counties")
    for end in (fig.low, fig.high):
        assert sum(end.values()) == sum(fig.value.values())
        assert sum(end[c] for c in poor) == sum(fig.value[c] for c in poor)
        assert {c: n for c, n in end.items() if c not in poor} == {c: n for c, n in fig.value.items() if c not in poor}


def test_broken_calibration_file_is_refused_naming_the_key(tmp_path):
    path = tmp_path / "calibration.toml"
    path.write_text(
        '[population.people_per_household]\nvalue = 3.54\nunit = "persons"\nyear = "2020"\nsource = "x"\n',
        encoding="utf-8",
    )
    with pytest.raises(cal.CalibrationError, match=r"population\.people_per_household lacks confidence"):
        cal.figures(path)
    path.write_text(
        '[income.x]\nvalue = 1\nunit = "u"\nyear = "2022"\nsource = "s"\nconfidence = "high"\n', encoding="utf-8"
    )
    with pytest.raises(cal.CalibrationError, match=r"income\.x confidence must be H, M or L"):
        cal.figures(path)


def test_every_assumption_field_has_source_and_confidence():
    assumptions = [f for f in fieldspec.fields() if f.kind == "assumption"]
    assert len(assumptions) >= 20
    for spec in assumptions:
        assert spec.source and spec.source.strip(), spec.path
        assert spec.confidence in ("H", "M", "L"), spec.path
        assert spec.min <= spec.default <= spec.max, spec.path


def test_published_facts_are_the_ones_of_the_sources():
    """Spot checks against /work/shared/CALIBRATION.md (the numbers quoted there, not re-derived here)."""
    assert cal.value("population.people_per_household") == 3.54
    assert cal.value("income.per_capita_net_2022") == 14_147
    assert cal.value("income.per_capita_net_2021") == 12_267
    parts = cal.value("income.components_2022")
    assert (parts["wage"], parts["production"]) == (9_409, 3_120)
    assert parts["property"] + parts["transfer"] == 1_618
    assert sum(parts.values()) == cal.value("income.per_capita_net_2022")
    assert cal.value("population.microcredit_average_loan") == 46_500
    assert sorted(cal.value("population.former_poverty_counties")) == sorted(
        ["宣威市", "会泽县", "富源县", "罗平县", "师宗县"]
    )


def test_county_table_adds_up_to_the_published_totals():
    counts = cal.value("population.county_households")
    assert set(counts) == set(COUNTIES)
    assert sum(counts.values()) == cal.value("population.poverty_alleviated_households")
    non_poverty = [c for c in COUNTIES if c not in cal.value("population.former_poverty_counties")]
    assert sum(counts[c] for c in non_poverty) == 24_797  # 扶贫志 p.204
    assert counts["麒麟区"] >= 3_405


def test_seasonality_shares_add_up_to_one():
    for component in INCOME_COMPONENTS:
        shares = cal.seasonality(component)
        assert len(shares) == 4 and all(s > 0 for s in shares)
        assert sum(shares) == pytest.approx(1.0, abs=1e-12), component


# ----------------------------------------------------------------------------- the generated table
def test_household_counts_by_county_and_type_are_exact(frame):
    expected = county_household_counts()
    got = frame.groupby(["county", "type"]).size()
    for county in COUNTIES:
        for htype in HOUSEHOLD_TYPES:
            assert got.get((county, htype), 0) == expected[county][htype], (county, htype)
        alleviated = sum(expected[county][t] for t in ALLEVIATED)
        assert alleviated == cal.value("population.county_households")[county], county


def test_weights_add_up_to_real_household_and_person_counts():
    pop = default_population()
    expected = county_household_counts()
    by_county = pop.households_by_county()
    for i, county in enumerate(COUNTIES):
        assert by_county[i] == sum(expected[county].values())
    assert pop.weight.sum() == sum(sum(v.values()) for v in expected.values())
    assert pop.persons_by_county().sum() == pytest.approx(float(pop.size.sum()))


def test_weighted_sample_weights_up_to_the_city(small_population):
    full = default_population()
    assert small_population.weight.sum() == pytest.approx(full.weight.sum(), rel=1e-12)
    assert small_population.households_by_county().sum() == pytest.approx(full.n, rel=1e-12)
    # each sampled record keeps its own base-year assistance (the safety net re-tests it)
    position = {h: i for i, h in enumerate(full.household_id)}
    rows = [position[h] for h in small_population.household_id]
    np.testing.assert_array_equal(small_population.assistance_base, full.assistance_base[rows])
    assert small_population.assistance_base.sum() > 0


def test_monitored_share(frame):
    target = cal.value("population.monitored_share_of_people")
    monitored = frame["type"].isin(MONITORED)
    assert monitored.mean() == pytest.approx(target, abs=2e-4)  # household counts are rounded per county
    # Types are drawn within household sizes, but every household needing assistance must be monitored and those are
    # mostly small households without a worker: the people share is about one point under the household share.
    people_share = frame.loc[monitored, "size"].sum() / frame["size"].sum()
    assert target - 0.015 < people_share < target
    split = cal.value("population.monitored_type_split")
    n_monitored = monitored.sum()
    for htype, key in zip(MONITORED, ("unstable_alleviated", "marginal", "sudden_hardship"), strict=True):
        assert (frame["type"] == htype).sum() / n_monitored == pytest.approx(split[key], abs=1e-3)


def test_people_and_workers_per_household(frame):
    # Sizes are 1 + Poisson(mean − 1) capped at 9: the expected size is a little under the calibrated mean, and
    # the sample mean is within four standard errors of it.
    mean = cal.value("population.people_per_household")
    k = np.arange(0, 200)
    poisson = np.exp(k * np.log(mean - 1) - (mean - 1) - np.cumsum(np.log(np.maximum(k, 1))))
    expected = float((np.minimum(1 + k, 9) * poisson).sum())
    assert expected == pytest.approx(mean, abs=0.002)
    assert frame["size"].mean() == pytest.approx(expected, abs=4 * frame["size"].std() / np.sqrt(len(frame)))
    assert frame["size"].min() >= 1 and frame["size"].max() <= 9
    assert (frame["workers"] <= frame["size"]).all() and (frame["workers"] >= 0).all()
    assert frame["workers"].sum() / frame["size"].sum() == pytest.approx(
        cal.value("population.workers_per_person"), abs=0.005
    )


@pytest.mark.parametrize("component", INCOME_COMPONENTS)
def test_per_capita_components_are_exact_to_a_thousandth(frame, component):
    per_capita = frame[f"{component}_income_2022"].sum() / frame["size"].sum()
    assert per_capita == pytest.approx(cal.value("income.components_2022")[component], rel=1e-3)
    assert (frame[f"{component}_income_2022"] >= 0).all()


def test_net_income_per_capita_is_the_published_level(frame):
    total = sum(frame[f"{k}_income_2022"].sum() for k in INCOME_COMPONENTS) / frame["size"].sum()
    assert total == pytest.approx(cal.value("income.per_capita_net_2022"), rel=1e-3)


def test_programme_shares(frame):
    willing = frame["industry_willing"]
    assert willing.mean() == pytest.approx(cal.value("population.industry_willing_share"), abs=0.005)
    assert frame.loc[willing, "dual_bound"].mean() == pytest.approx(
        cal.programmes(2022)["dual_binding_coverage"], abs=0.005
    )
    assert not (frame["dual_bound"] & ~willing).any()
    borrowers = frame["microcredit_yuan"] > 0
    assert borrowers.mean() == pytest.approx(cal.value("population.microcredit_share"), abs=0.005)
    assert not (borrowers & ~willing).any()
    loans = frame.loc[borrowers, "microcredit_yuan"]
    assert loans.between(10_000, 50_000).all()  # the scheme's ceiling is 50,000 yuan
    # Clipping at the 50,000 ceiling pulls the mean ≈ 0.4% under the calibrated 46,500.
    assert loans.mean() == pytest.approx(cal.value("population.microcredit_average_loan"), rel=5e-3)
    assert frame["transferable_land_mu"].mean() == pytest.approx(
        cal.value("population.transferable_land_mean"), rel=0.02
    )


def test_villages_have_about_the_calibrated_size(frame):
    per_village = frame.groupby(["county", "village"]).size()
    assert per_village.mean() == pytest.approx(cal.value("population.households_per_village"), rel=0.05)


def test_income_levels_follow_county_and_type(frame):
    net = sum(frame[f"{k}_income_2022"] for k in INCOME_COMPONENTS)
    per_capita = net / frame["size"]
    former = frame["county"].isin(cal.value("population.former_poverty_counties"))
    assert per_capita[former].mean() < per_capita[~former].mean()
    by_type = per_capita.groupby(frame["type"]).mean()
    assert all(by_type[t] < by_type["脱贫户"] for t in MONITORED)


def test_no_stable_household_starts_below_the_line_and_none_is_below_after_assistance():
    frame = generate_frame()
    per_capita = sum(frame[f"{k}_income_2022"] for k in INCOME_COMPONENTS) / frame["size"]
    line = cal.value("income.line_2022_yuan")
    assert (per_capita >= line).all()  # Yunnan: none below 7,000 after assistance at the end of 2022
    assisted = frame.attrs["base_year_assistance"] > 0
    assert assisted.mean() > 0.03  # the base year's assistance lifted a few percent of households to the line
    assert not (assisted & (frame["type"] == "脱贫户")).any()  # the monitoring rules: they are all monitored
    before = per_capita - frame.attrs["base_year_assistance"] / frame["size"]
    assert (before[frame["type"] == "脱贫户"] >= line).all()
    no_worker = frame["workers"] == 0
    assert frame.loc[no_worker, "wage_income_2022"].mean() < frame.loc[~no_worker, "wage_income_2022"].mean()
    production = frame["production_income_2022"]
    assert production[~frame["industry_willing"]].mean() < production[frame["industry_willing"]].mean()


# ----------------------------------------------------------------------------------- determinism
def test_generation_is_deterministic_and_seeded():
    a, b = generate_frame(), generate_frame()
    pd.testing.assert_frame_equal(a, b)
    other = generate_frame(seed=cal.generator_seed() + 1)
    assert len(other) == len(a)  # counts do not depend on the seed
    assert not np.array_equal(other["production_income_2022"].to_numpy(), a["production_income_2022"].to_numpy())


def test_population_round_trips_through_its_table(frame):
    pop = default_population()
    again = population_from_frame(frame, pop.label)
    assert again.fingerprint == pop.fingerprint
    shuffled = population_from_frame(frame.sample(frac=1.0, random_state=3), pop.label)
    for k in INCOME_COMPONENTS:
        assert shuffled.income_2022[k].sum() == pytest.approx(pop.income_2022[k].sum(), rel=1e-12)
    assert shuffled.households_by_county().tolist() == pop.households_by_county().tolist()
