"""The scenario schema: every kind of refusal names the field, the value and the allowed range (zh and en);
newer files say so; saving then loading gives the identical scenario in TOML and JSON.

Broken files live one per kind under tests/fixtures/scenarios/ (the OpenFisca way): each is listed in BROKEN with
the field its first problem must name, the kind of problem and fragments both messages must contain.
"""

from __future__ import annotations

import json
import math
import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from model.schema import fieldspec
from model.schema.scenario import (
    SHARE_GROUPS,
    Scenario,
    ScenarioError,
    dump_scenario_json,
    dump_scenario_toml,
    load_scenario,
    parse_scenario_bytes,
    parse_scenario_text,
    quarter_index,
    scenario_from_dict,
)

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures" / "scenarios"
SHIPPED = sorted((ROOT / "scenarios").glob("*.toml"))

# file → (field named, kind, fragments in the zh message, fragments in the en message)
BROKEN: dict[str, tuple[str, str, tuple[str, ...], tuple[str, ...]]] = {
    "unknown_field.toml": (
        "funds.industry_share_centrall",
        "unknown",
        ("未知字段", "funds.industry_share_centrall"),
        ("unknown field", "funds.industry_share_centrall"),
    ),
    "unknown_section.toml": ("subsidies", "unknown", ("未知字段", "subsidies"), ("unknown field", "subsidies")),
    "wrong_type_text.toml": (
        "funds.central_10k_yuan",
        "type",
        ("funds.central_10k_yuan", "中央财政衔接资金", '"130000"', "类型不对", "数字"),
        ("funds.central_10k_yuan", "Central connection funds", '"130000"', "wrong type", "a number"),
    ),
    "wrong_type_bool.toml": (
        "tourism.households_reached",
        "type",
        ("tourism.households_reached", "true", "类型不对"),
        ("tourism.households_reached", "true", "wrong type", "a whole number"),
    ),
    "wrong_type_fraction_for_int.toml": (
        "simulation.draws",
        "type",
        ("simulation.draws", "12.5", "整数"),
        ("simulation.draws", "12.5", "a whole number"),
    ),
    "wrong_type_quarter.toml": (
        "dual_binding.target_quarter",
        "type",
        ("dual_binding.target_quarter", '"2023-12"', "2023Q4"),
        ("dual_binding.target_quarter", '"2023-12"', "a quarter such as"),
    ),
    "out_of_range.toml": (
        "funds.industry_share_central",
        "range",
        ("funds.industry_share_central", "1.2", "超出允许范围", "0 – 1"),
        ("funds.industry_share_central", "1.2", "outside the allowed range", "0 – 1"),
    ),
    "out_of_range_negative.toml": (
        "microcredit.new_lending_10k_yuan",
        "range",
        ("microcredit.new_lending_10k_yuan", "-5.0", "0 – 150,000", "万元"),
        ("microcredit.new_lending_10k_yuan", "-5.0", "0 – 150,000", "万元"),
    ),
    "out_of_range_quarter.toml": (
        "simulation.end_quarter",
        "range",
        ("simulation.end_quarter", "2031Q1", "2022Q1 – 2030Q4"),
        ("simulation.end_quarter", "2031Q1", "2022Q1 – 2030Q4"),
    ),
    "not_a_number.toml": (
        "assumptions.asset_failure_rate",
        "range",
        ("assumptions.asset_failure_rate", "nan", "0 – 0.3"),
        ("assumptions.asset_failure_rate", "nan", "0 – 0.3"),
    ),
    "linking_shares_sum.toml": (
        "linking",
        "custom",
        ("linking", "1.3000", "应为 1"),
        ("linking", "1.3000", "must add up to 1"),
    ),
    "county_shares_unknown.toml": (
        "funds.county_shares",
        "custom",
        ("funds.county_shares", "昆明市", "麒麟区"),
        ("funds.county_shares", "unknown county 昆明市", "麒麟区"),
    ),
    "county_shares_sum.toml": (
        "funds.county_shares",
        "custom",
        ("funds.county_shares", "0.7000", "应为 1"),
        ("funds.county_shares", "0.7000", "must add up to 1"),
    ),
    "horizon_reversed.toml": (
        "simulation",
        "custom",
        ("2023Q4", "2024Q1", "早于"),
        ("end_quarter 2023Q4", "start_quarter 2024Q1"),
    ),
    "section_not_table.toml": ("funds", "custom", ("funds", "表"), ("funds", "must be a table")),
    "newer_version.toml": (
        "schema_version",
        "version",
        ("格式版本 7", "请升级软件"),
        ("schema_version 7", "newer", "update the program"),
    ),
    "not_toml.toml": ("(file)", "syntax", ("文件无法读取", "line"), ("cannot be read", "line")),
    "not_utf8.toml": ("(file)", "syntax", ("UTF-8",), ("not UTF-8",)),
    "unknown_field.json": (
        "funds.industry_share_centrall",
        "unknown",
        ("funds.industry_share_centrall",),
        ("funds.industry_share_centrall",),
    ),
    "out_of_range.json": (
        "simulation.draws",
        "range",
        ("simulation.draws", "5000", "1 – 1,000"),
        ("simulation.draws", "5000", "1 – 1,000"),
    ),
    "not_json.json": ("(file)", "syntax", ("文件无法读取",), ("cannot be read",)),
}


def test_every_fixture_file_is_listed():
    assert sorted(p.name for p in FIXTURES.iterdir()) == sorted(BROKEN)


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_file_is_refused_naming_the_field(name):
    field, kind, zh_parts, en_parts = BROKEN[name]
    with pytest.raises(ScenarioError) as info:
        load_scenario(FIXTURES / name)
    problems = info.value.problems
    assert len(problems) == 1, [p.message("en") for p in problems]
    assert problems[0].field == field
    assert problems[0].kind == kind
    zh, en = info.value.message("zh"), info.value.message("en")
    for part in zh_parts:
        assert part in zh, (part, zh)
    for part in en_parts:
        assert part in en, (part, en)
    assert "\n" not in zh and "\n" not in en


@pytest.mark.parametrize("name", sorted(n for n in BROKEN if n.endswith(".toml")))
def test_uploaded_bytes_are_refused_the_same_way(name):
    raw = (FIXTURES / name).read_bytes()
    with pytest.raises(ScenarioError) as info:
        parse_scenario_bytes(raw, name)
    assert info.value.problems[0].field == BROKEN[name][0]


def test_every_problem_is_reported_not_just_the_first():
    text = (
        "schema_version = 1\n[funds]\nindustry_share_central = 2.0\nindustry_share_provincial = -1.0\n"
        "[tourism]\nhouseholds_reached = 'x'\n"
    )
    with pytest.raises(ScenarioError) as info:
        parse_scenario_text(text)
    fields = sorted(p.field for p in info.value.problems)
    assert fields == ["funds.industry_share_central", "funds.industry_share_provincial", "tourism.households_reached"]
    assert len(info.value.message("zh").splitlines()) == 3


def test_missing_file_is_a_scenario_error():
    with pytest.raises(ScenarioError) as info:
        load_scenario(FIXTURES / "does_not_exist.toml")
    assert info.value.problems[0].kind == "syntax"
    assert "does_not_exist.toml" in str(info.value.problems[0].value)


@pytest.mark.parametrize("spec", [f for f in fieldspec.fields() if f.type in ("float", "int")], ids=lambda f: f.path)
def test_every_numeric_field_refuses_just_outside_its_range(spec):
    step = 1 if spec.type == "int" else max(abs(spec.max) * 1e-3, 1e-3)
    for bad in (spec.min - step, spec.max + step):
        bad = int(bad) if spec.type == "int" else float(bad)
        if spec.path == "simulation.seed" and bad < 0:
            bad = -1
        with pytest.raises(ScenarioError) as info:
            Scenario().with_changes({spec.path: bad})
        (problem,) = info.value.problems
        assert (problem.field, problem.kind, problem.value) == (spec.path, "range", bad)
        assert spec.allowed() in info.value.message("zh") and spec.allowed() in info.value.message("en")
    if spec.path.rsplit(".", 1)[0] not in SHARE_GROUPS:  # shares of a group must also add up to 1
        edge = Scenario().with_changes({spec.path: spec.max})
        assert edge.value(spec.path) == spec.max


def test_defaults_are_inside_their_ranges_and_make_a_valid_scenario():
    s = Scenario()
    for spec in fieldspec.fields():
        assert s.value(spec.path) == spec.default or spec.type == "county_shares"
        if spec.type in ("float", "int"):
            assert spec.min <= spec.default <= spec.max, spec.path
        if spec.type == "quarter":
            assert quarter_index(spec.min) <= quarter_index(spec.default) <= quarter_index(spec.max)


def test_scenario_is_frozen():
    s = Scenario()
    with pytest.raises(Exception):  # noqa: B017 - pydantic raises its own ValidationError for frozen models
        s.funds.central_10k_yuan = 1.0  # type: ignore[misc]


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_scenarios_round_trip_toml_and_json(path, tmp_path):
    s = load_scenario(path)
    toml_text = dump_scenario_toml(s)
    assert parse_scenario_text(toml_text) == s
    json_text = dump_scenario_json(s)
    assert parse_scenario_text(json_text, "json") == s
    (tmp_path / "a.toml").write_text(toml_text, encoding="utf-8")
    (tmp_path / "a.json").write_text(json_text, encoding="utf-8")
    assert load_scenario(tmp_path / "a.toml") == s == load_scenario(tmp_path / "a.json")
    assert dump_scenario_toml(load_scenario(tmp_path / "a.toml")) == toml_text
    assert json.loads(json_text)["schema_version"] == fieldspec.schema_version()


def test_saved_file_comments_every_field_with_unit_and_range():
    text = dump_scenario_toml(Scenario())
    for spec in fieldspec.fields():
        if spec.type == "county_shares":
            assert f"[{spec.section}.{spec.name}]" in text
            continue
        line = next(x for x in text.splitlines() if x.startswith(f"{spec.name} = "))
        assert spec.unit in line and spec.allowed() in line, line


def test_county_shares_and_bom_round_trip(tmp_path):
    shares = {"宣威市": 0.5, "会泽县": 0.3, "麒麟区": 0.2}
    s = Scenario().with_changes({"funds.county_shares": shares, "name": '测试 "引号"', "description": "两行\n说明"})
    path = tmp_path / "s.toml"
    path.write_bytes(b"\xef\xbb\xbf" + dump_scenario_toml(s).encode("utf-8"))
    back = load_scenario(path)
    assert back == s and back.funds.county_shares == shares


finite = st.floats(allow_nan=False, allow_infinity=False)


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_round_trip_of_arbitrary_valid_values(data):
    changes = {}
    for spec in fieldspec.fields():
        if spec.type == "float" and spec.section not in SHARE_GROUPS:
            changes[spec.path] = data.draw(st.floats(spec.min, spec.max, allow_nan=False), label=spec.path)
        elif spec.type == "int":
            changes[spec.path] = data.draw(st.integers(spec.min, spec.max), label=spec.path)
        elif spec.type == "bool":
            changes[spec.path] = data.draw(st.booleans(), label=spec.path)
    changes["simulation.start_quarter"] = "2023Q1"
    s = Scenario().with_changes(changes)
    assert parse_scenario_text(dump_scenario_toml(s)) == s
    assert parse_scenario_text(dump_scenario_json(s), "json") == s


def test_with_changes_validates_and_leaves_the_original_untouched():
    s = Scenario()
    t = s.with_changes({"funds.industry_share_central": 0.7, "simulation.draws": 4})
    assert (t.funds.industry_share_central, t.simulation.draws) == (0.7, 4)
    assert s.funds.industry_share_central == fieldspec.by_path()["funds.industry_share_central"].default
    with pytest.raises(ScenarioError) as info:
        s.with_changes({"funds.industry_share_central": 7.0})
    assert info.value.problems[0].field == "funds.industry_share_central"
    with pytest.raises(ScenarioError) as info:
        s.with_changes({"funds.no_such_lever": 1.0})
    assert info.value.problems[0].kind == "unknown" and "funds.no_such_lever" in info.value.message("en")
    with pytest.raises(ScenarioError) as info:
        s.with_changes({"nowhere.x": 1.0})
    assert info.value.problems[0].field == "nowhere.x"
    with pytest.raises(ScenarioError):
        s.with_changes({"simulation.draws": "8"})
    with pytest.raises(ScenarioError):
        s.with_changes({"funds.central_10k_yuan": math.inf})


def test_changes_from_lists_exactly_the_changed_paths():
    base = Scenario()
    assert base.changes_from(base) == {}
    changes = {
        "funds.industry_share_central": 0.55,
        "tourism.households_reached": 12_345,
        "simulation.draw_assumptions": False,
    }
    other = base.with_changes(changes)
    assert other.changes_from(base) == changes
    assert base.with_changes(other.changes_from(base)) == other
    notice = load_scenario(ROOT / "scenarios" / "notice_2023.toml")
    assert base.with_changes(notice.changes_from(base)).flat() == notice.flat()


def test_integral_number_for_a_decimal_field_is_accepted_unchanged():
    s = parse_scenario_text("schema_version = 1\n[funds]\ncentral_10k_yuan = 130001\n")
    assert s.funds.central_10k_yuan == 130_001.0 and isinstance(s.funds.central_10k_yuan, float)


def test_flat_covers_every_field_once():
    flat = Scenario().flat()
    assert list(flat) == [f.path for f in fieldspec.fields()]


@pytest.mark.parametrize(
    "text, field, zh_part, en_part",
    [
        ("schema_version = 0", "schema_version", "1 – 2", "allowed range 1 – 2"),
        ('schema_version = "1"', "schema_version", "整数", "a whole number"),
        ("schema_version = 1\nname = 5", "name", "文本", "expected text"),
        ('schema_version = 1\nname = "' + "长" * 81 + '"', "name", "最多 80 个字符", "at most 80 characters"),
        ('schema_version = 1\ndescription = ["a"]', "description", "文本", "expected text"),
    ],
)
def test_top_level_keys_are_refused_with_their_own_type_and_range(text, field, zh_part, en_part):
    with pytest.raises(ScenarioError) as info:
        parse_scenario_text(text)
    assert info.value.problems[0].field == field
    assert zh_part in info.value.message("zh") and en_part in info.value.message("en")
    assert "county" not in info.value.message("en")


# ------------------------------------------------------------------------------------------ migration
V1_FILE = """schema_version = 1
name = "旧方案"

[tourism]
households_reached = 12000.0

[assumptions]
industry_return_rate = 0.05
organic_growth_property = 0.05
organic_growth_transfer = 0.03
"""


def test_a_version_1_file_is_migrated_and_every_change_is_said():
    notes: list[str] = []
    s = scenario_from_dict(tomllib.loads(V1_FILE), notes)
    assert s.schema_version == fieldspec.schema_version()
    assert s.tourism.households_reached == 12_000 and isinstance(s.tourism.households_reached, int)
    assert (s.assumptions.organic_growth_property, s.assumptions.organic_growth_transfer) == (0.05, 0.03)
    text = "\n".join(notes)
    assert "industry_return_rate = 0.05" in text and "dropped" in text and "已删除" in text
    assert len(notes) == 2


def test_a_version_1_file_with_a_fractional_count_is_refused():
    with pytest.raises(ScenarioError) as info:
        scenario_from_dict(tomllib.loads(V1_FILE.replace("12000.0", "12000.5")))
    assert info.value.problems[0].field == "tourism.households_reached"


def test_the_uses_of_industry_funds_must_add_up_to_one():
    with pytest.raises(ScenarioError) as info:
        Scenario().with_changes({"industry.household_support_share": 0.5})
    assert "must add up to 1" in info.value.message("en") and "应为 1" in info.value.message("zh")


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_scenarios_use_the_current_default_assumptions(path):
    """After a recalibration, scripts/refresh_scenarios.py brings the shipped files' assumptions up to date."""
    assert load_scenario(path).assumptions == Scenario().assumptions, (
        f"{path.name} lags behind the calibrated defaults: run .venv/bin/python scripts/refresh_scenarios.py"
    )
