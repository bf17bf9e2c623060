"""The sensitivity analysis: its factors and ranges, a factor with no effect by construction gets no index, the
dominant one ranks first, the stored result is guarded, and the report writes its tables between markers."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from model.analyses import fixed_ranges as fr
from model.analyses import sensitivity as sa
from model.cli.main import main
from model.engine.draws import drawing_range
from model.reports.validation import (
    TEMPLATE,
    MarkerError,
    replace_section,
    sensitivity_markdown,
)
from model.schema import fieldspec
from model.schema.scenario import SHARE_GROUPS, dump_scenario_toml, load_scenario
from model.sweep.runner import InProcess

ROOT = Path(__file__).resolve().parent.parent
DOMINANT = "assumptions.organic_growth_production"
NO_EFFECT_ON_PRODUCTION = "assumptions.training_wage_gain_yuan"  # acts on wages only


@pytest.fixture(scope="module")
def scenario():
    return load_scenario(ROOT / "scenarios" / "notice_2023.toml")


def few_factors(scenario, names=(DOMINANT, NO_EFFECT_ON_PRODUCTION, "collective.dividends_10k_yuan")):
    return tuple(f for f in sa.all_factors(scenario) if f.name in names)


@pytest.fixture(scope="module")
def tiny_budget():
    return sa.with_budget(sa.default_budget(), trajectories=4, draws=2, base_samples=16, sobol_factors=2)


@pytest.fixture(scope="module")
def result(scenario, small_population, tiny_budget):
    return sa.run_sensitivity(scenario, small_population, InProcess(), tiny_budget, factors=few_factors(scenario))


# ------------------------------------------------------------------------------------------------ factors
def test_every_assumption_with_a_spread_varies_over_its_drawing_range_and_the_others_do_not(scenario):
    factors = {f.name: f for f in sa.assumption_factors(scenario)}
    for spec in fieldspec.section_fields("assumptions"):
        if not spec.drawn:
            assert spec.path not in factors, spec.path
            continue
        low, high = drawing_range(spec, float(scenario.value(spec.path)))
        assert (factors[spec.path].low, factors[spec.path].high) == (low, high)
        assert spec.min <= low < high <= spec.max
    assert "assumptions.industry_ramp_quarters" in factors, "build-up lags are uncertain too: drawn, so varied"


def test_every_lever_has_a_planning_range_inside_its_field_and_a_reason(scenario):
    levers = sa.lever_factors()
    assert len(levers) >= 20
    for f in levers:
        assert f.role == "lever"
        assert len(sa.lever_reason(f.name)) > 20, f.name
        if not f.listed:
            assert f.spec.min <= f.low < f.high <= f.spec.max, f.name
    assert len({f.name for f in sa.all_factors(scenario)}) == len(sa.all_factors(scenario))


def test_shares_are_varied_as_weights_and_always_add_up_to_one(scenario):
    factors = sa.lever_factors()
    values = {f.name: f.from_unit([1.0])[0] for f in factors}
    values["industry.household_support_share"] = 0.45
    point = sa.point_scenario(scenario, factors, values)
    for section, (names, _, _) in SHARE_GROUPS.items():
        assert sum(getattr(getattr(point, section), n) for n in names) == pytest.approx(1.0, abs=1e-9)
    # Raising one weight alone lowers the others in proportion.
    support = next(f for f in factors if f.name == "industry.household_support_share")
    alone = sa.point_scenario(scenario, [support], {support.name: 0.6})
    assert alone.industry.household_support_share == pytest.approx(0.6 / 1.3)
    ratio = alone.industry.collective_assets_share / alone.industry.infrastructure_share
    assert ratio == pytest.approx(scenario.industry.collective_assets_share / scenario.industry.infrastructure_share)


# ------------------------------------------------------------------------------------------------ the analysis
def test_the_result_has_its_shape(result, tiny_budget):
    k = 3
    assert result["morris"]["points"] == tiny_budget.trajectories * (k + 1)
    assert result["sobol"]["points"] == tiny_budget.base_samples * (tiny_budget.sobol_factors + 2)
    assert len(result["selected"]) == tiny_budget.sobol_factors == len(result["sobol"]["factors"])
    for key in sa.OUTPUTS:
        assert {r["factor"] for r in result["morris"]["indices"][key]} == {f["factor"] for f in result["factors"]}
        for r in result["morris"]["indices"][key]:
            assert r["mu_star"] >= 0 and r["mu_star_conf"] >= 0 and math.isfinite(r["sigma"])
        for r in result["sobol"]["indices"][key]:
            assert {"S1", "S1_conf", "ST", "ST_conf"} <= set(r)
        assert result["morris"]["noise"][key]["point_se_median"] >= 0
    assert json.loads(json.dumps(result, allow_nan=False)) == result
    assert sa.parse_result(json.dumps(result).encode()) == result


def test_a_factor_without_effect_gets_zero_and_the_dominant_one_ranks_first(result):
    for key in ("N1", "N3"):
        morris = {r["factor"]: r for r in result["morris"]["indices"][key]}
        assert morris[NO_EFFECT_ON_PRODUCTION]["mu_star"] == 0.0, key  # production income never sees it
        assert sa.ranking(result, key)[0]["factor"] == DOMINANT
    sobol = {r["factor"]: r for r in result["sobol"]["indices"]["N1"]}
    assert sobol[DOMINANT]["ST"] > 0.8
    if NO_EFFECT_ON_PRODUCTION in sobol:
        assert sobol[NO_EFFECT_ON_PRODUCTION]["ST"] == pytest.approx(0.0, abs=1e-12)
    sentence = sa.depends_mostly_on(result, "N1", "zh")
    assert sentence.startswith("N1 的结论主要取决于：生产经营收入自然增长率")
    assert "depends mostly on" in sa.depends_mostly_on(result, "N1", "en")


def test_the_sample_check_compares_the_rankings(scenario, small_population, tiny_budget):
    from model.population.table import weighted_sample

    sample = weighted_sample(small_population, 1_000)
    budget = sa.with_budget(tiny_budget, base_samples=4)
    out = sa.run_sensitivity(scenario, small_population, InProcess(), budget, sample, few_factors(scenario))
    assert out["sobol"]["population"] == sample.label
    assert out["ranking_check"]["N1"]["same_first"] is True
    assert out["ranking_check"]["N1"]["spearman_mu_star"] > 0


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"\xff\xfe", "not UTF-8 JSON"),
        (b"[1, 2]", "version"),
        (json.dumps({"version": 99}).encode(), "version"),
        (json.dumps({"version": 1}).encode(), "missing"),
        (b"x" * (sa.MAX_RESULT_BYTES + 1), "over 5 MB"),
    ],
)
def test_a_broken_stored_result_is_refused_with_a_bilingual_message(data, words):
    with pytest.raises(sa.SensitivityError) as exc:
        sa.parse_result(data)
    assert words in exc.value.message("en") and "敏感性分析结果无法读取" in exc.value.message("zh")


def test_a_stored_result_with_a_non_finite_index_is_refused(result):
    broken = json.loads(json.dumps(result))
    broken["sobol"]["indices"]["N2"][0]["ST"] = None
    with pytest.raises(sa.SensitivityError, match="finite"):
        sa.parse_result(json.dumps(broken).encode())


# ------------------------------------------------------------------------------------------------ the command
def test_the_command_writes_the_json_the_page_reads(tmp_path, monkeypatch, scenario, small_population, capsys):
    monkeypatch.setattr("model.cli.sensitivity.default_population", lambda: small_population)
    factors = few_factors(scenario)
    monkeypatch.setattr(sa, "all_factors", lambda base: factors)
    monkeypatch.setattr(sa, "RESULTS_DIR", tmp_path / "stored")
    path = tmp_path / "mine.toml"
    path.write_text(dump_scenario_toml(scenario), encoding="utf-8")
    args = ["sensitivity", str(path), "--workers", "0", "--trajectories", "2", "--draws", "1"]
    args += ["--base-samples", "4", "--sobol-factors", "2", "--sample", "0"]
    assert main(["--lang", "en", *args]) == 0
    printed = capsys.readouterr()
    assert "N1's verdict depends mostly on" in printed.out and "Morris screening" in printed.err
    stored = sa.stored_results()
    assert [p.name for p in stored] == ["mine.json"]
    data = sa.parse_result(stored[0].read_bytes())
    assert data["budget"]["trajectories"] == 2 and data["budget"]["sample_households"] == 0
    assert main([*args, "--json", "--out", str(tmp_path / "x.json")]) == 0
    assert json.loads(capsys.readouterr().out)["selected"] == data["selected"]


def test_the_command_refuses_a_budget_out_of_range(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["sensitivity", "scenarios/notice_2023.toml", "--trajectories", "1"])
    assert exc.value.code == 2 and "2–200" in capsys.readouterr().err


# ------------------------------------------------------------------------------------------------ the report
def test_sections_are_replaced_between_their_markers_and_the_prose_kept():
    text = "intro\n<!-- backtest:start -->\nold\n<!-- backtest:end -->\nafter\n"
    out = replace_section(text, "backtest", "| new |")
    assert out == "intro\n<!-- backtest:start -->\n| new |\n<!-- backtest:end -->\nafter\n"
    assert replace_section(out, "backtest", "| new |") == out
    with pytest.raises(MarkerError):
        replace_section(text, "sensitivity", "x")
    for name in ("backtest", "fitted", "seeds", "fixed_ranges", "sensitivity"):
        assert f"<!-- {name}:start -->" in TEMPLATE and f"<!-- {name}:end -->" in TEMPLATE


def test_the_report_command_writes_every_table_into_the_document(tmp_path, result, monkeypatch):
    stored = tmp_path / "result.json"
    stored.write_text(json.dumps(result), encoding="utf-8")
    doc = tmp_path / "VALIDATION.md"
    doc.write_text(TEMPLATE.replace("(To be written: what the back-test", "Hand-written prose. (What"), "utf-8")
    args = ["validation-report", "--write", str(doc), "--sensitivity-result", str(stored), "--backtest-sample", "500"]
    capital = tuple(f for f in fr.fixed_ranged_figures() if f.key == "population.project_capital_per_mu")
    monkeypatch.setattr(fr, "fixed_ranged_figures", lambda: capital)  # one row: the table's every row is §4's job
    assert main(args) == 0
    text = doc.read_text(encoding="utf-8")
    assert "Hand-written prose." in text
    backtest = text.split("<!-- backtest:start -->")[1].split("<!-- backtest:end -->")[0]
    assert "| 2022 growth of production/operating income" in backtest and "draws" in backtest
    sensitivity = text.split("<!-- sensitivity:start -->")[1].split("<!-- sensitivity:end -->")[0]
    assert "N1's verdict depends mostly on" in sensitivity and "`assumptions.organic_growth_production`" in sensitivity
    assert sensitivity_markdown(result) in text
    fitted = text.split("<!-- fitted:start -->")[1].split("<!-- fitted:end -->")[0]
    assert "`fitted.organic_growth_production_2022`" in fitted and "persistence ρ" in fitted
    seeds = text.split("<!-- seeds:start -->")[1].split("<!-- seeds:end -->")[0]
    rows = [line for line in seeds.splitlines() if line.startswith("| ") and line[2].isdigit()]
    assert [row.split("|")[1].strip() for row in rows] == ["1", "2", "3"]
    assert "combined standard errors" in seeds and "sample of 500" in seeds
    fixed = text.split("<!-- fixed_ranges:start -->")[1].split("<!-- fixed_ranges:end -->")[0]
    assert "| `population.project_capital_per_mu` |" in fixed and "sample of 500" in fixed
