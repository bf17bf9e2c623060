"""The synthetic province: its published structure, counties built on their own, and a province run that gives
the same tables in this process, on one Dask worker and on two."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from model.engine.plan import industry_funds_10k_yuan
from model.engine.result import combine
from model.engine.run import run_scenario
from model.engine.simulate import simulate
from model.population.province import Province, prefecture_population, yunnan
from model.population.synth import (
    county_frame,
    default_population,
    generate_frame,
    qujing_counties,
    qujing_region,
    region_of,
)
from model.schema import calibration as cal
from model.schema import province as prov
from model.schema.fieldspec import COUNTIES
from model.schema.scenario import dump_scenario_toml, load_scenario
from model.sweep.cluster import dask_client
from model.sweep.province import run_province, start_county
from model.sweep.runner import InProcess, OnDask
from tests.test_calibration import assert_provenance

ROOT = Path(__file__).resolve().parent.parent
PREFECTURES = (
    *("昆明市", "曲靖市", "玉溪市", "保山市", "昭通市", "丽江市", "普洱市", "临沧市"),
    *("楚雄州", "红河州", "文山州", "西双版纳州", "大理州", "德宏州", "怒江州", "迪庆州"),
)


def tiny_province(counties_per_prefecture: int = 2, share: float = 0.002) -> Province:
    """Three prefectures of the miniature province, the first counties of each (a few hundred households)."""
    mini = yunnan().miniature(share)
    regions, counties = [], []
    for region, specs in zip(mini.prefectures, mini.counties, strict=True):
        if region.name not in ("曲靖市", "大理州", "迪庆州"):
            continue
        kept = specs[:counties_per_prefecture]
        scale = region.programme_scale * sum(s.households for s in kept) / region.calibrated_households.sum()
        regions.append(region_of(region.name, kept, scale))
        counties.append(kept)
    return Province("测试省", tuple(regions), tuple(counties))


@pytest.fixture(scope="module")
def scenario():
    changes = {"simulation.draws": 4, "simulation.max_standard_error": 0.0, "simulation.end_quarter": "2024Q4"}
    return load_scenario(ROOT / "scenarios" / "notice_2023.toml").with_changes(changes)


# ------------------------------------------------------------------------------------------------ the data
def test_every_province_figure_has_its_provenance():
    figures = prov.figures()
    assert len(figures) >= 2 * 16 + 5
    assert_provenance(figures)


def test_the_structure_has_the_published_counts():
    prefectures = prov.prefectures()
    assert tuple(p.name for p in prefectures) == PREFECTURES
    assert len(prefectures) == prov.value("province.prefecture_divisions") == 16
    assert sum(len(p.counties) for p in prefectures) == prov.value("province.county_divisions") == 129
    assert sum(len(p.former_poverty) for p in prefectures) == prov.value("province.former_poverty_county_count") == 88
    qujing = next(p for p in prefectures if p.name == "曲靖市")
    assert qujing.counties == COUNTIES
    assert qujing.former_poverty == set(cal.value("population.former_poverty_counties"))


def test_the_province_holds_its_people_and_qujing_as_calibrated():
    province = yunnan()
    people = prov.value("province.people") / cal.value("population.people_per_household")
    assert province.households == pytest.approx(people, abs=200)  # rounding per county and type
    monitored = sum(sum(s.households_by_type[1:]) for specs in province.counties for s in specs)
    assert monitored == pytest.approx(prov.value("province.monitored_households"), rel=0.03)
    qujing = province.prefectures[1]
    assert qujing is qujing_region() and qujing.programme_scale == 1.0
    assert province.counties[1] == qujing_counties()
    total_scale = sum(r.programme_scale for r in province.prefectures)
    assert total_scale == pytest.approx(province.households / qujing_region().calibrated_households.sum())
    for region, specs in zip(province.prefectures, province.counties, strict=True):
        assert region.counties == tuple(s.name for s in specs)
        assert region.calibrated_households.sum() == sum(s.households for s in specs)
        weights = region.calibrated_households
        assert np.average([s.income_level for s in specs], weights=weights) == pytest.approx(1.0, rel=1e-12)


def test_a_former_poverty_county_holds_more_households_than_another_of_its_prefecture():
    province = yunnan()
    weight = prov.value("split.former_poverty_county_weight")
    dali = province.counties[PREFECTURES.index("大理州")]
    former = prov.prefectures()[PREFECTURES.index("大理州")].former_poverty
    poor = [s.households for s in dali if s.name in former]
    other = [s.households for s in dali if s.name not in former]
    assert np.mean(poor) / np.mean(other) == pytest.approx(weight, rel=0.01)


# ------------------------------------------------------------------------------------------------ counties
def test_a_county_is_the_same_whatever_is_built_with_it():
    specs = qujing_counties()
    alone = county_frame(specs[4])
    frame = generate_frame()
    within = frame[frame["county"] == specs[4].name].reset_index(drop=True)
    pd.testing.assert_frame_equal(alone, within)
    assert alone["household_id"].str.startswith(f"{specs[4].name}-").all()


def test_household_ids_are_unique_across_the_province():
    mini = yunnan().miniature(0.002)
    ids = pd.Series(np.concatenate([county_frame(r.spec)["household_id"].to_numpy() for r in mini.county_refs()]))
    assert ids.is_unique and len(ids) == mini.households


def test_qujing_inside_the_province_is_the_default_population():
    ref = yunnan().county_refs()[len(prov.prefectures()[0].counties) + 4]  # 富源县, Qujing's fifth county
    county = ref.load()
    default = default_population()
    start, stop = default.county_slices[COUNTIES.index(ref.county)]
    assert ref.region is default.region
    np.testing.assert_array_equal(county.household_key, default.household_key[start:stop])
    np.testing.assert_array_equal(county.income_base["production"], default.income_base["production"][start:stop])


def test_a_prefecture_simulated_county_by_county_equals_the_prefecture_simulated_whole(scenario):
    province = yunnan().miniature(0.003)
    whole = run_scenario(prefecture_population(province, "楚雄州"), scenario).result
    refs = [r for r in province.county_refs() if r.prefecture == "楚雄州"]
    parts = combine([simulate(r.load(), scenario).without_households() for r in refs])
    for k in whole.income:
        np.testing.assert_array_equal(parts.income[k], whole.income[k])
        np.testing.assert_array_equal(parts.terms_sum[k], whole.terms_sum[k])
    for name in ("falling", "below", "below_before", "assistance", "coverage", "linked_by_county", "hist"):
        np.testing.assert_array_equal(getattr(parts, name), getattr(whole, name), err_msg=name)
    pd.testing.assert_frame_equal(parts.assessment_table(), whole.assessment_table())
    pd.testing.assert_frame_equal(parts.annual_table(), whole.annual_table())
    assert {k: c.value for k, c in parts.feasibility.items()} == {k: c.value for k, c in whole.feasibility.items()}
    assert {k: c.capacity for k, c in parts.feasibility.items()} == pytest.approx(
        {k: c.capacity for k, c in whole.feasibility.items()}
    )


# ------------------------------------------------------------------------------------------------ the run
@pytest.fixture(scope="module")
def here(scenario):
    return run_province(tiny_province(), scenario, InProcess())


def test_province_totals_are_sums_of_counties_and_each_county_is_assessed_within_its_prefecture(here, scenario):
    result, province = here.result, tiny_province()
    summaries = [start_county(r, scenario.model_dump(), frozenset(), None).result for r in province.county_refs()]
    production = sum(s.annual_income("production", 2023).sum(axis=0) for s in summaries)
    base = sum(s.income_base["production"].sum() for s in summaries)
    np.testing.assert_allclose(here.targets["N1"].value, np.mean(production / base - 1), rtol=1e-12)
    table = result.assessment_table()
    assert set(table["region"]) == {r.name for r in province.prefectures}
    q = table[table["quarter"] == "2023Q4"]
    for region, rows in q.groupby("region"):
        shares = rows["falling_households"].sum() / rows["households"].sum()
        assert rows["city_share"].iloc[0] == pytest.approx(shares, rel=1e-9), region
        assert rows["rank"].min() == 1 and rows["rank"].max() <= len(rows), region
    annual = result.annual_table()
    assert annual["scope"].iloc[0] == "全省" and {"region"} <= set(annual.columns)
    assert set(annual["scope"]) >= {r.name for r in province.prefectures} | set(result.counties)
    assert here.targets["N3"].label_zh.startswith("全省")
    # N7 is an outcome: the counties' linked households over the prefectures' industry funds (each its scale's share)
    industry_million = industry_funds_10k_yuan(scenario) * sum(r.programme_scale for r in province.prefectures) / 100
    linked = sum(float(s.linked_by_county.sum()) for s in summaries)
    assert here.targets["N7"].value == pytest.approx(linked / industry_million, rel=1e-9)


def test_one_worker_and_two_workers_give_the_in_process_tables_exactly(here, scenario):
    province = tiny_province()
    for workers in (1, 2):
        with dask_client(workers=workers) as client:
            assert len(client.scheduler_info()["workers"]) == workers
            remote = run_province(province, scenario, OnDask(client))
        for table in ("quarterly_table", "annual_table", "assessment_table"):
            pd.testing.assert_frame_equal(getattr(remote.result, table)(), getattr(here.result, table)())
        np.testing.assert_array_equal(remote.result.hist, here.result.hist)
        assert {k: c.as_dict() for k, c in remote.targets.items()} == {k: c.as_dict() for k, c in here.targets.items()}


def test_more_draws_are_added_where_the_counties_are(scenario):
    grown = scenario.with_changes({"simulation.draws": 4, "simulation.max_standard_error": 0.2})
    province = tiny_province(1)
    run = run_province(province, grown, InProcess())
    assert run.result.draws > 4
    fixed = scenario.with_changes({"simulation.draws": run.result.draws})
    again = run_province(province, fixed, InProcess())
    pd.testing.assert_frame_equal(run.result.annual_table(), again.result.annual_table())
    np.testing.assert_array_equal(run.result.hist, again.result.hist)


def test_merge_refuses_counties_in_two_parts(scenario):
    ref = tiny_province(1).county_refs()[0]
    part = simulate(ref.load(), scenario).without_households()
    with pytest.raises(ValueError, match="one part"):
        combine([part, part])
    with pytest.raises(ValueError, match="cannot be extended"):
        part.extend(part)


def test_the_province_command_prints_json_and_writes_the_tables(tmp_path, scenario):
    out = tmp_path / "tables"
    path = tmp_path / "scenario.toml"
    path.write_text(dump_scenario_toml(scenario.with_changes({"simulation.draws": 2})), encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "model", "province", str(path), "--share", "0.001", "--workers", "0", "--json",
         "--out", str(out)],
        capture_output=True, text=True, cwd=ROOT, timeout=900,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["counties"] == 129 and len(data["prefectures"]) == 16
    assert {"N1", "N2", "N3", "N4", "below_line", "N7"} <= set(data)
    assert 0 <= data["N3"]["p_met"] <= 1 and data["draws"] == 2
    assessment = pd.read_csv(out / "assessment.csv", encoding="utf-8-sig")
    assert assessment["region"].nunique() == 16 and assessment["county"].nunique() == 129
    assert {"targets.csv", "quarterly.csv", "annual.csv", "contributions.csv"} <= {p.name for p in out.iterdir()}


def test_the_province_command_refuses_a_bad_share():
    proc = subprocess.run(
        [sys.executable, "-m", "model", "province", str(ROOT / "scenarios" / "baseline.toml"), "--share", "2"],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 2 and "0.001–1" in proc.stderr
