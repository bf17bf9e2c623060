"""Fixed assumptions with a range at the ends of it (model/analyses/fixed_ranges.py, docs/VALIDATION.md §4)."""

from __future__ import annotations

import pytest

from model.analyses import calibrate
from model.analyses import fixed_ranges as fr
from model.cli.main import main
from model.reports.validation import fixed_ranges_markdown
from model.schema import calibration as cal
from model.schema import fieldspec
from model.schema.scenario import load_scenario

CAPITAL = "population.project_capital_per_mu"
LAND = "population.transferable_land_mean"
COUNTIES = "population.county_households"
SEASONALITY = "income.seasonality"
LENDING_2022 = "programmes_2022.microcredit_new_lending_10k_yuan"
ROWS = (CAPITAL, LAND, COUNTIES, LENDING_2022)  # the rows the module's fixture runs (every row: docs/VALIDATION.md §4)


def _scenario(land_transfer: bool):
    """notice_2023 over 2023 at 8 fixed draws, its asset links all land transfers (or none) at 60 per million.

    60 households per million: a stake of 16,667 yuan, just above the least effective one (`asset_min_yuan`), farms
    2.1 mu at 8,000 yuan a mu and 0.56 mu at 30,000, against households' 1.5 mu on average: the bound binds.
    """
    modes = ("industry_participation", "land_transfer", "contract_planting", "contract_raising")
    shares = {m: float(land_transfer) if m == "land_transfer" else float(not land_transfer) / 3 for m in modes}
    return load_scenario("scenarios/notice_2023.toml").with_changes(
        {
            "linking.households_per_million_yuan": 60,
            **{f"linking.share_{m}": v for m, v in shares.items()},
            "simulation.draws": 8,
            "simulation.max_standard_error": 0.0,
            "simulation.end_quarter": "2023Q4",
        }
    )


def _figures(*keys: str):
    known = {f.key: f for f in fr.fixed_ranged_figures()}
    return tuple(known[k] for k in keys)


def _capital():
    return _figures(CAPITAL)


@pytest.fixture(scope="module")
def land_only():
    return fr.fixed_ranges(_scenario(land_transfer=True), sample=2_000, figures=_figures(*ROWS), backtest=False)


def test_every_figure_with_a_range_is_either_drawn_or_a_row_of_the_analysis():
    ranged = {f.key for f in fr.ranged_figures()}
    fixed = fr.fixed_ranged_figures()
    assert set(ROWS) <= {f.key for f in fixed}
    assert {f.key for f in fixed} == ranged - set(calibrate.SPREAD_FIGURES)
    assert set(calibrate.PROJECTION_INPUTS) <= {f.key for f in fixed}
    for f in fixed:
        if isinstance(f.value, dict):
            assert f.low.keys() == f.value.keys() == f.high.keys() and f.low != f.high, f.key
        else:
            assert f.low < f.value < f.high, f.key
        assert f.key in cal.figures() and not f.key.startswith("fitted."), "the analysis can set it"
        assert f.key not in fieldspec.by_path(), "a scenario field's range is drawn and in the sensitivity analysis"
    followers = {f for pairs in fr.FOLLOWS.values() for f, _ in pairs}
    assert set(fr.FOLLOWS) <= {f.key for f in fixed}
    assert "population.microcredit_share" in followers and "population.microcredit_share" not in ranged


def test_the_ranges_left_out_are_in_the_drawn_organic_growths_spread():
    ratio = cal.figures()[calibrate.RATIO]
    total = cal.figures()[calibrate.LONG_RUN]
    _, sd = calibrate.long_run_rate("production")
    assert sd > ratio.value * total.sd, "the ratio's range widens production's long-run spread"
    rho = cal.figures()[calibrate.PERSISTENCE]
    _, with_rho = calibrate.projection_prior(0.20, 0.04, "production")
    assert rho.half_width and with_rho > calibrate.projection_prior(0.05, 0.04, "production")[1]


def test_a_figure_is_set_inside_the_block_only_and_the_population_follows_it():
    shipped = fr.population(1_000)
    with fr.figure_at(LAND, 3.0):
        assert cal.value(LAND) == 3.0
        changed = fr.population(1_000)
        assert changed.fingerprint != shipped.fingerprint
        assert changed.transferable_land_mu.mean() > 1.5 * shipped.transferable_land_mu.mean()
    assert cal.value(LAND) == 1.5
    assert fr.population(1_000).fingerprint == shipped.fingerprint
    with pytest.raises(ValueError, match="fitted"), fr.figure_at("fitted.organic_growth_production", 0.1):
        pass
    with pytest.raises(ValueError, match="not a figure"), fr.figure_at("population.no_such_figure", 1.0):
        pass


def test_a_lower_capital_per_mu_rents_more_land_raising_property_and_lowering_production(land_only):
    assert [r.figure.key for r in land_only.rows] == list(ROWS)
    row = next(r for r in land_only.rows if r.figure.key == CAPITAL)
    assert row.low.value < row.default.value < row.high.value
    n1, n2 = ([p.outcomes[k].value for p in row.points] for k in ("N1", "N2"))
    assert n2[0] > n2[1] > n2[2], "rent for more land at 8,000 yuan a mu"
    assert n1[0] < n1[1] < n1[2], "more of the households' own farming given up"
    assert not any(p.population_changed for p in row.points), "the generator does not read it"
    assert land_only.draws == 8 and all(p.backtest_miss is None for p in row.points)
    for p in row.points:
        assert 0 <= p.outcomes["N2"].probability <= 1 and p.outcomes["N2"].p_met_se > 0


def test_without_land_transfer_links_the_capital_per_mu_changes_nothing():
    result = fr.fixed_ranges(_scenario(land_transfer=False), sample=2_000, figures=_capital(), backtest=False)
    (row,) = result.rows
    for key in fr.OUTPUTS:
        assert len({p.outcomes[key].value for p in row.points}) == 1, key


def test_the_table_has_one_row_per_fixed_figure_and_names_the_ranges_drawn_instead(land_only):
    text = fixed_ranges_markdown(land_only)
    rows = [line for line in text.splitlines() if line.startswith("| `")]
    assert len(rows) == len(land_only.rows)
    capital = next(line for line in rows if f"`{CAPITAL}`" in line)
    assert "| 8,000 → 19,000 → 30,000 |" in capital and "not run" in capital and "as shipped" in capital
    assert "N2 (≥ 18.0%)" in text.splitlines()[0]
    for f in land_only.in_spread:
        assert f"`{f.key}`" in text
    assert {f.key for f in land_only.in_spread} == {f.key for f in fr.ranged_figures()} & set(calibrate.SPREAD_FIGURES)
    assert "8 draws" in text and "sample of 2,000" in text


def test_the_command_refuses_a_sample_out_of_range(capsys):
    assert main(["fixed-ranges", "--sample", "499"]) == 2
    assert "500–252,514" in capsys.readouterr().err


def test_a_composite_figure_is_set_whole_at_each_end_and_the_population_follows_it(land_only):
    """The county split's ends move households between the former poverty counties, the city total kept."""
    split = cal.figures()[COUNTIES]
    shipped = fr.population()
    for end in (split.low, split.high):
        assert sum(end.values()) == sum(split.value.values())
        with fr.figure_at(COUNTIES, end):
            assert cal.value(COUNTIES) == end
            pop = fr.population()
            assert pop.fingerprint != shipped.fingerprint
            counts = dict(zip(pop.counties, pop.households_by_county(), strict=True))
            assert counts["宣威市"] / counts["师宗县"] == pytest.approx(end["宣威市"] / end["师宗县"], rel=0.02)
    assert cal.value(COUNTIES) == split.value
    row = next(r for r in land_only.rows if r.figure.key == COUNTIES)
    assert all(p.population_changed for p in (row.low, row.high))
    cell = next(line for line in fixed_ranges_markdown(land_only).splitlines() if f"`{COUNTIES}`" in line)
    assert "宣威市 62,702 → 71,061 → 79,422" in cell and "麒麟区" not in cell, "only the components that differ"


def test_the_year_to_year_spread_re_derives_the_drawn_spread_and_moves_n1s_probability():
    """Its ends act through the projection's drawn sd (the 2022 fit held): a wider spread, a likelier 20% for N1."""
    (spread,) = fr.projection_spreads()
    assert spread.figure.key == calibrate.YEAR_TO_YEAR
    for rate, (low, shipped, high) in spread.sd.items():
        assert low < shipped < high, rate
        assert shipped == cal.figures()[f"fitted.organic_growth_{rate}"].sd, "as shipped, the [fitted] sd"
    sd_shipped = fieldspec.by_path()["assumptions.organic_growth_production"].spread["sd"]
    row = fr.fixed_ranges(_scenario(land_transfer=False), sample=2_000, figures=_figures(calibrate.YEAR_TO_YEAR))
    (row,) = row.rows
    probability = [p.outcomes["N1"].probability for p in row.points]
    assert probability[0] < probability[1] < probability[2], "N1's mean is below 20%: more spread, more draws above"
    assert fieldspec.by_path()["assumptions.organic_growth_production"].spread["sd"] == sd_shipped, "restored"


def test_a_follower_moves_with_its_figure_and_is_restored():
    lending, share = "programmes_2022.microcredit_new_lending_10k_yuan", "population.microcredit_share"
    coverage_2021 = "programmes_2021.dual_binding_coverage"
    with fr.figure_at(lending, 91_000):
        assert cal.value(share) == pytest.approx(0.109 * 91_000 / 55_000)
        assert (
            fr.population(2_000).borrowers_by_county().sum()
            > 1.5 * fr.population(2_000).households_by_county().sum() * 0.109
        )
    with fr.figure_at("programmes_2022.dual_binding_coverage", 0.65):
        assert cal.value(coverage_2021) == pytest.approx(0.55)
    assert (cal.value(share), cal.value(coverage_2021), cal.value(lending)) == (0.109, 0.70, 55_000)


def test_a_2022_level_moves_its_2021_twin_so_the_back_test_keeps_its_change():
    with fr.figure_at("programmes_2022.central_10k_yuan", 156_000):
        assert cal.value("programmes_2021.central_10k_yuan") == 156_000
    with fr.figure_at("programmes_2022.collective_dividends_10k_yuan", 4_000):
        assert cal.value("programmes_2021.collective_dividends_10k_yuan") == pytest.approx(2_000 * 4_000 / 2_500)
    with fr.figure_at("programmes_2021.central_10k_yuan", 117_000):
        assert cal.value("programmes_2022.central_10k_yuan") == 130_000, "a 2021 row varies the change only"


def test_a_figure_set_wrongly_leaves_the_calibration_as_shipped():
    shipped = dict(cal.figures())
    with pytest.raises(KeyError), fr.figure_at(calibrate.YEAR_TO_YEAR, {"production": 0.06}):
        pass
    assert cal.figures() == shipped


def test_the_derived_loan_share_is_the_steady_state_of_the_base_years_lending():
    stock_households = (
        cal.value("programmes_2022.microcredit_new_lending_10k_yuan")
        * 1e4
        * cal.value("population.microcredit_term_years")
        / cal.value("population.microcredit_average_loan")
    )
    assert stock_households / fr.population().n == pytest.approx(cal.value("population.microcredit_share"), abs=5e-4)


def test_the_noise_floor_row_regenerates_the_population_with_another_seed(land_only):
    assert land_only.noise_seed == cal.generator_seed() + 1 and land_only.noise_floor.population_changed
    text = fixed_ranges_markdown(land_only)
    noise = next(line for line in text.splitlines() if line.startswith("| (noise floor"))
    assert f"{cal.generator_seed():,} → {cal.generator_seed() + 1:,}" in noise
    assert not land_only.complete and text.count("**Partial table: the rows asked for (`--figure`), 4 in all.**") == 1


def test_the_command_runs_the_rows_asked_for_and_refuses_an_unknown_one(capsys):
    assert main(["fixed-ranges", "--figure", "population.no_such_figure"]) == 2
    err = capsys.readouterr().err
    assert "--figure population.no_such_figure" in err and CAPITAL in err
    assert main(["fixed-ranges", "--figure", "income.organic_persistence"]) == 2, "drawn, not a row"
    assert main(["fixed-ranges", "--figure", CAPITAL, "--write", "docs/VALIDATION.md"]) == 2
    assert "--write needs every row" in capsys.readouterr().err
