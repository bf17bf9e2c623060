"""Every reproducer of issue 11 as a fixed example: hostile or careless scenario files, runaway work, strictness,
bounded messages. Each is refused with the project's own ScenarioError (a bounded, bilingual message naming the
field), never a Python exception; the command line exits 2 with one line and no traceback.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from model.cli import main as cli
from model.schema import budget, guard
from model.schema.scenario import (
    ScenarioError,
    default_scenario,
    dump_scenario_json,
    dump_scenario_toml,
    load_scenario,
    parse_scenario_bytes,
    parse_scenario_text,
)

ROOT = Path(__file__).resolve().parent.parent
NOTICE = ROOT / "scenarios" / "notice_2023.toml"
FULL_SCALE_HOUSEHOLDS = 252_514
MAX_MESSAGE_CHARS = 2_000

# name → (file name, bytes, words both the zh and the en message contain)
REPRODUCERS: dict[str, tuple[str, bytes, tuple[str, str]]] = {
    "5,000 nested arrays": ("x.toml", b"x = " + b"[" * 5000 + b"]" * 5000, ("嵌套超过 8 层", "nested deeper than 8")),
    "inline tables 3,000 deep": (
        "x.toml",
        b"x = " + b"{a = " * 3000 + b"1" + b"}" * 3000,
        ("嵌套超过 8 层", "nested deeper than 8"),
    ),
    "JSON 100,000 deep": ("x.json", b"[" * 100_000 + b"]" * 100_000, ("嵌套超过 8 层", "nested deeper than 8")),
    "schema_version of 5,000 digits": ("x.toml", b"schema_version = " + b"9" * 5000, ("超过 32 位", "longer than 32")),
    "JSON number of 5,000 digits": ("x.json", b'{"schema_version": ' + b"9" * 5000 + b"}", ("超过 32 位", "longer")),
    "hex integer of 5,000 digits": ("x.toml", b"schema_version = 0x" + b"f" * 5000, ("超过 32 位", "longer")),
    "section header 2,000 keys deep": (
        "x.toml",
        b"schema_version = 1\n[" + b".".join([b"a"] * 2000) + b"]\n",
        ("点分键超过 8 段", "dotted key of more than 8 parts"),
    ),
    "dotted key of 50,000 parts (tomllib takes quadratic time)": (
        "x.toml",
        b'"a".' * 50_000 + b"a = 1\n",
        ("点分键超过 8 段", "dotted key of more than 8 parts"),
    ),
    "section header 7 keys deep": (
        "x.toml",
        b"schema_version = 1\n[a.b.c.d.e.f.g]\n",
        ("表嵌套超过 6 层", "nested deeper than 6"),
    ),
    "string of 100,000 characters": (
        "x.toml",
        b'schema_version = 1\nname = "' + b"x" * 100_000 + b'"\n',
        ("文字超过 4,000", "longer than 4,000"),
    ),
    "1 MB file": ("x.toml", b"#" * (1024 * 1024 + 1), ("大于 1,024 KB", "larger than 1,024 KB")),
    "empty file": ("x.toml", b"", ("缺少 schema_version", "schema_version is missing")),
    "whitespace only": ("x.toml", b" \n\t\r\n ", ("缺少 schema_version", "schema_version is missing")),
    "comments only (cut before the data)": (
        "x.toml",
        NOTICE.read_bytes()[:150],
        ("缺少 schema_version", "schema_version is missing"),
    ),
    "cut inside a string": (
        "x.toml",
        NOTICE.read_bytes()[: NOTICE.read_bytes().index(b'name = "') + 10],
        ("语法错误", "syntax error"),
    ),
    "empty JSON": ("x.json", b"", ("语法错误", "syntax error")),
    "JSON without schema_version": ("x.json", b"{}", ("缺少 schema_version", "schema_version is missing")),
    "duplicate JSON keys": (
        "x.json",
        b'{"schema_version": 1, "name": "a", "name": "b"}',
        ("同一个键出现两次", "a key appears twice"),
    ),
    "JSON NaN": ("x.json", b'{"schema_version": 1, "assumptions": {"price_shock_sd": NaN}}', ("NaN", "NaN")),
    "fractional households reached": (
        "x.toml",
        b"schema_version = 1\n[tourism]\nhouseholds_reached = 0.5\n",
        ("应为整数", "a whole number"),
    ),
    "fractional person-times": (
        "x.toml",
        b"schema_version = 1\n[training]\nperson_times = 100.25\n",
        ("应为整数", "a whole number"),
    ),
    "not UTF-8": ("x.toml", "name = '曲靖'".encode("gbk"), ("不是 UTF-8", "not UTF-8")),
}


def _refused(name: str, raw: bytes) -> ScenarioError:
    with pytest.raises(ScenarioError) as refused:
        parse_scenario_bytes(raw, name)
    return refused.value


@pytest.mark.parametrize("case", sorted(REPRODUCERS))
def test_each_reproducer_is_refused_with_a_short_bilingual_message(case):
    name, raw, (zh_words, en_words) = REPRODUCERS[case]
    refused = _refused(name, raw)
    zh, en = refused.message("zh"), refused.message("en")
    assert zh_words in zh and en_words in en, (zh, en)
    assert len(zh) < MAX_MESSAGE_CHARS and len(en) < MAX_MESSAGE_CHARS


def test_brackets_digits_and_hashes_inside_names_do_not_count_against_the_limits():
    tricky = '[[[[[[[[[[ {{{{{{{{{{ 123456789012345678901234567890123456789 # "\'""" \\'
    scenario = default_scenario().with_changes({"name": tricky[:80], "description": tricky * 10})
    assert parse_scenario_text(dump_scenario_toml(scenario)) == scenario
    assert parse_scenario_text(dump_scenario_json(scenario), "json") == scenario


def test_an_integral_count_written_as_a_decimal_still_loads():
    scenario = parse_scenario_text("schema_version = 1\n[tourism]\nhouseholds_reached = 12000.0\n")
    assert scenario.tourism.households_reached == 12_000 and isinstance(scenario.tourism.households_reached, int)
    assert "households_reached = 12000  #" in dump_scenario_toml(scenario)


def test_schema_version_is_required_and_every_other_problem_is_still_listed():
    refused = _refused("x.toml", b"[funds]\nindustry_share_central = 2.0\n")
    assert [p.field for p in refused.problems] == ["schema_version", "funds.industry_share_central"]


def test_values_are_echoed_at_most_60_characters_and_problems_at_most_12():
    refused = _refused("x.toml", b'schema_version = 1\nname = "' + "长".encode() * 3000 + b'"\n')
    assert len(refused.message("zh")) < 200
    refused = _refused("x.toml", b'schema_version = "' + "长".encode() * 3000 + b'"\n')
    assert len(refused.message("zh")) < 200 and "长" * 50 + "…" in refused.message("zh")
    many = "schema_version = 1\n" + "".join(f"unknown_{i} = 1\n" for i in range(500))
    refused = _refused("x.toml", many.encode())
    lines = refused.message("en").splitlines()
    assert len(lines) == 13 and lines[-1] == "... and 488 more problems"
    long_key = _refused("x.toml", b"schema_version = 1\n" + b"k" * 50_000 + b" = 1\n")
    assert len(long_key.message("en")) < 200


def test_the_limits_are_checked_before_parsing():
    with pytest.raises(guard.InputRefused):
        guard.check_text("x = " + "[" * 9)
    guard.check_text("x = " + "[" * 8 + "]" * 8)
    with pytest.raises(guard.InputRefused):
        guard.check_structure({"a": {"b": {"c": {"d": {"e": {"f": 1}}}}}} | {"g": [[[[[[1]]]]]]})


# ------------------------------------------------------------------------------------------ the work budget
def test_the_budget_is_data_and_the_default_run_is_well_inside_it():
    ceiling = budget.fieldspec.budget()
    assert ceiling.max_household_draw_quarters == 2_000_000_000
    work = budget.work_of(default_scenario(), FULL_SCALE_HOUSEHOLDS)
    # 64 draws over 2022Q1 (the base year is simulated too: N3 compares with it) to 2025Q4, 16 quarters
    assert work.household_draw_quarters == FULL_SCALE_HOUSEHOLDS * 64 * 16
    budget.check_work_budget(default_scenario(), FULL_SCALE_HOUSEHOLDS)


@pytest.mark.parametrize(
    ("changes", "points", "words"),
    [
        # 2e9 // (252,514 households × 36 quarters, 2022Q1–2030Q4) = 220 draws
        ({"simulation.draws": 1000, "simulation.end_quarter": "2030Q4"}, 1, "at most 220 for this population"),
        ({"simulation.draws": 300, "simulation.end_quarter": "2030Q4"}, 1, "simulation.end_quarter"),
        ({"simulation.draws": 400, "simulation.end_quarter": "2023Q1"}, 1, "80,000,000 household·draws"),
        ({"simulation.draws": 100, "simulation.end_quarter": "2023Q4"}, 25, "× 25 runs"),
    ],
)
def test_runaway_requests_are_refused_naming_the_draws_and_the_ceiling(changes, points, words):
    scenario = default_scenario().with_changes(changes)
    with pytest.raises(ScenarioError) as refused:
        budget.check_work_budget(scenario, FULL_SCALE_HOUSEHOLDS, points)
    assert refused.value.problems[0].field == "simulation.draws"
    assert words in refused.value.message("en")
    assert "simulation.draws" in refused.value.message("zh")


def test_the_most_draws_that_fit_are_accepted_and_one_more_is_not():
    scenario = default_scenario().with_changes({"simulation.end_quarter": "2030Q4"})
    most = budget.max_draws(scenario, FULL_SCALE_HOUSEHOLDS)
    budget.check_work_budget(scenario.with_changes({"simulation.draws": most}), FULL_SCALE_HOUSEHOLDS)
    with pytest.raises(ScenarioError):
        budget.check_work_budget(scenario.with_changes({"simulation.draws": most + 1}), FULL_SCALE_HOUSEHOLDS)


def test_the_engine_refuses_a_run_beyond_the_budget_before_any_work(small_population, monkeypatch):
    from model.engine import run

    monkeypatch.setattr(run, "simulate", lambda *a, **k: pytest.fail("simulated a refused run"))
    scenario = default_scenario().with_changes({"simulation.draws": 1000})
    monkeypatch.setattr(budget.fieldspec, "budget", lambda: budget.fieldspec.WorkBudget(1_000_000, 1_000_000))
    with pytest.raises(ScenarioError):
        run.run_scenario(small_population, scenario)


# ------------------------------------------------------------------------------------------ the command line
def _python_m_model(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "model", *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_cli_refuses_the_runaway_scenario_before_simulating(tmp_path):
    runaway = load_scenario(NOTICE).with_changes({"simulation.draws": 1000, "simulation.end_quarter": "2030Q4"})
    path = tmp_path / "runaway.toml"
    path.write_text(dump_scenario_toml(runaway), encoding="utf-8")
    proc = _python_m_model("--lang", "en", "run", str(path))
    assert proc.returncode == cli.EXIT_BAD_INPUT and proc.stdout == ""
    assert "Traceback" not in proc.stderr and len(proc.stderr.splitlines()) == 1
    assert "simulation.draws" in proc.stderr and "2,000,000,000" in proc.stderr


@pytest.mark.parametrize("case", ["empty file", "whitespace only", "comments only (cut before the data)"])
def test_cli_refuses_empty_and_truncated_files(case, tmp_path, capsys):
    name, raw, (zh_words, _) = REPRODUCERS[case]
    path = tmp_path / name
    path.write_bytes(raw)
    assert cli.main(["run", str(path)]) == cli.EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert zh_words in err and len(err.splitlines()) == 1


def test_cli_stderr_stays_short_for_a_megabyte_of_bad_values(tmp_path, capsys):
    path = tmp_path / "big.json"
    path.write_text(json.dumps({"schema_version": 1, "name": "x" * 900_000}), encoding="utf-8")
    assert cli.main(["run", str(path)]) == cli.EXIT_BAD_INPUT
    assert len(capsys.readouterr().err) < MAX_MESSAGE_CHARS
