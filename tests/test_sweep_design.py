"""Design files: the shipped designs load, each method gives the points it promises, bad files are refused clearly."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from model.schema import fieldspec
from model.sweep.design import DesignError, design_from_dict, factor_from_dict, load_design

ROOT = Path(__file__).resolve().parent.parent
DESIGNS = sorted((ROOT / "designs").glob("*.toml"))


def _design(tmp_path: Path, text: str):
    path = tmp_path / "design.toml"
    path.write_text(text, encoding="utf-8")
    return load_design(path)


GRID = 'method = "grid"\n[[vary]]\n'
CREDIT = 'field = "microcredit.new_lending_10k_yuan"\n'
BASE = f'base = "{(ROOT / "scenarios" / "notice_2023.toml").as_posix()}"\n'


@pytest.mark.parametrize("path", DESIGNS, ids=lambda p: p.name)
def test_every_shipped_design_loads_and_its_points_are_valid_scenarios(path):
    design = load_design(path)
    points = design.design_points()
    assert len(points) == design.size() >= 2
    for factor in design.factors:
        values = [p.values[factor.name] for p in points]
        for value in values:
            for field in factor.paths:
                spec = fieldspec.by_path()[field]
                if factor.values is None:
                    assert spec.min <= value <= spec.max
        assert points[0].scenario.value(factor.paths[0]) == values[0]


def test_the_latin_hypercube_puts_one_point_in_every_stratum_of_every_numeric_factor():
    design = load_design(ROOT / "designs" / "notice_lhs64.toml")
    rows = design.value_rows()
    assert len(rows) == 64
    for factor in design.factors:
        if factor.values is None:
            u = (np.array([r[factor.name] for r in rows]) - factor.low) / (factor.high - factor.low)
            strata = np.minimum((u * 64).astype(int), 63)
            assert len(set(strata)) >= 62, factor.name  # rounding to the field's precision may touch a boundary
        else:
            counts = [sum(r[factor.name] == v for r in rows) for v in factor.values]
            assert counts == [16] * 4
    assert design.value_rows() == rows  # the sampling seed makes it repeatable


def test_grid_is_every_combination_first_factor_outermost(tmp_path):
    design = _design(
        tmp_path,
        BASE
        + """method = "grid"
[[vary]]
field = "linking.households_per_million_yuan"
min = 10
max = 30
levels = 3
[[vary]]
field = "simulation.draw_assumptions"
[[vary]]
field = "dual_binding.target_quarter"
min = "2023Q2"
max = "2023Q3"
""",
    )
    rows = design.value_rows()
    assert len(rows) == design.size() == 3 * 2 * 2
    assert [r["linking.households_per_million_yuan"] for r in rows[:4]] == [10.0] * 4
    assert rows[0]["simulation.draw_assumptions"] is False and rows[2]["simulation.draw_assumptions"] is True
    assert [r["dual_binding.target_quarter"] for r in rows[:2]] == ["2023Q2", "2023Q3"]
    assert sorted({r["linking.households_per_million_yuan"] for r in rows}) == [10.0, 20.0, 30.0]


def test_several_fields_set_together_and_fixed_settings(tmp_path):
    design = _design(
        tmp_path,
        BASE
        + """method = "lhs"
points = 5
seed = 3
[settings]
"simulation.draws" = 4
[[vary]]
name = "industry_share"
fields = ["funds.industry_share_central", "funds.industry_share_provincial"]
min = 0.5
max = 0.9
""",
    )
    for point in design.design_points():
        s = point.scenario
        assert s.funds.industry_share_central == s.funds.industry_share_provincial == point.values["industry_share"]
        assert s.simulation.draws == 4


@pytest.mark.parametrize(
    ("method", "extra", "size"),
    [("morris", "trajectories = 3\nlevels = 4\n", 3 * (2 + 1)), ("sobol", "base_samples = 8\n", 8 * (2 + 2))],
)
def test_salib_designs_have_the_documented_number_of_points(tmp_path, method, extra, size):
    design = _design(
        tmp_path,
        BASE
        + f'method = "{method}"\n'
        + extra
        + """[[vary]]
field = "assumptions.dual_binding_premium"
min = 0.1
max = 0.4
[[vary]]
field = "dual_binding.target_quarter"
values = ["2023Q1", "2023Q2", "2023Q3", "2023Q4"]
""",
    )
    rows = design.value_rows()
    assert len(rows) == design.size() == size
    assert all(0.1 <= r["assumptions.dual_binding_premium"] <= 0.4 for r in rows)


@pytest.mark.parametrize(
    ("text", "zh_part", "en_part"),
    [
        ('method = "grid"\n[[vary]]\nfield = "funds.no_such_field"\nmin = 1\nmax = 2\n', "未知字段", "unknown field"),
        (
            GRID + CREDIT + "min = 1\nmax = 900000\nlevels = 2\n",
            "超出字段允许范围 0 – 150,000",
            "outside the field's allowed range 0 – 150,000",
        ),
        (
            'method = "lhs"\npoints = 4\n[[vary]]\nfield = "dual_binding.target_quarter"\nvalues = ["2040Q1"]\n',
            "2022Q1 – 2030Q4",
            "2022Q1 – 2030Q4",
        ),
        (
            'method = "grid"\npoints = 4\n[[vary]]\nfield = "simulation.draw_assumptions"\n',
            "不适用于方法",
            "does not apply",
        ),
        ('method = "anneal"\n[[vary]]\nfield = "simulation.draw_assumptions"\n', "可用方法", "allowed: grid"),
        (
            'method = "grid"\n[[vary]]\nfield = "microcredit.new_lending_10k_yuan"\nmin = 1\nmax = 2\n',
            "levels",
            "levels",
        ),
        ('method = "lhs"\npoints = 1\n[[vary]]\nfield = "simulation.draw_assumptions"\n', "2–20,000", "2–20,000"),
        (
            'method = "grid"\n[settings]\n"simulation.draws" = 4\n'
            '[[vary]]\nfield = "simulation.draws"\nvalues = [1, 2]\n',
            "固定设置",
            "fixed setting",
        ),
        ('method = "grid"\n[[vary]]\nfield = "tourism.households_reached"\nvalues = [1, 1]\n', "重复", "repeat"),
        ('method = "grid"\n[[vary]]\nfield = "funds.county_shares"\nvalues = [1]\n', "不能变化", "cannot vary"),
        ('method = "grid"\ndesign_version = 9\n[[vary]]\nfield = "simulation.draw_assumptions"\n', "版本", "version"),
        ('method = "grid"\n', "[[vary]]", "[[vary]]"),
        ("method = \n", "无法读取", "cannot be read"),
    ],
)
def test_a_bad_design_is_refused_with_a_bilingual_message_naming_the_key(tmp_path, text, zh_part, en_part):
    with pytest.raises(DesignError) as caught:
        _design(tmp_path, BASE + text)
    assert zh_part in caught.value.message("zh")
    assert en_part in caught.value.message("en")


def test_a_point_the_scenario_rules_refuse_is_named(tmp_path):
    with pytest.raises(DesignError) as caught:
        _design(
            tmp_path,
            BASE + 'method = "grid"\n[[vary]]\nfield = "linking.share_land_transfer"\nvalues = [0.2, 0.5]\n',
        ).design_points()
    assert "point 1" in caught.value.message("en") and "add up to" in caught.value.message("en")


def test_a_missing_base_scenario_is_refused(tmp_path):
    with pytest.raises(DesignError) as caught:
        _design(tmp_path, 'base = "nowhere.toml"\nmethod = "grid"\n[[vary]]\nfield = "simulation.draw_assumptions"\n')
    assert "base" in caught.value.message("en")


@pytest.mark.parametrize(
    "table",
    [
        {"field": "microcredit.new_lending_10k_yuan", "min": 1000, "max": 5000, "levels": 3},
        {"field": "simulation.draws", "min": 2, "max": 9},
        {"field": "dual_binding.target_quarter", "min": "2023Q2", "max": "2024Q1"},
        {"field": "simulation.draw_assumptions"},
        {
            "name": "shares",
            "fields": ["funds.industry_share_central", "funds.industry_share_city_county"],
            "values": [0.5, 0.7],
        },
    ],
)
def test_a_factor_written_with_the_results_reads_back_the_same(table):
    factor = factor_from_dict(table, "vary[0]")
    assert factor_from_dict(factor.as_dict(), "vary[0]") == factor


def test_a_design_can_be_built_around_a_scenario_in_memory(tmp_path):
    from model.schema.scenario import default_scenario

    design = design_from_dict(
        {"method": "grid", "vary": [{"field": "simulation.draw_assumptions"}]}, base=default_scenario()
    )
    assert design.size() == 2 and design.base_path == ""
