"""The command line: the targets table, ``--json``, ``--out`` CSV files, ``compare``, and every bad-input path
(exit status 2, one line on standard error naming the problem, never a traceback).

Good runs go through :func:`model.cli.main` in process on the small weighted sample (fast); one end-to-end run
goes through ``python -m model`` on the embedded population with two draws.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from model.cli import common as cli_common
from model.cli import main as cli
from model.schema.scenario import dump_scenario_toml, load_scenario

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures" / "scenarios"
JSON_KEYS = ("N1", "N2", "N3", "N5", "N6", "N7", "N11")
CHECK_FIELDS = ("value", "target", "unit", "met")


def _python_m_model(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "model", *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


@pytest.fixture()
def quick_scenarios(tmp_path):
    """The baseline and the notice's scenario with 4 draws, written as files."""
    paths = []
    for name in ("baseline", "notice_2023"):
        s = load_scenario(ROOT / "scenarios" / f"{name}.toml").with_changes({"simulation.draws": 4})
        path = tmp_path / f"{name}.toml"
        path.write_text(dump_scenario_toml(s), encoding="utf-8")
        paths.append(path)
    return paths


@pytest.fixture()
def small_cli(monkeypatch, small_population):
    """The CLI running on the 3,000-household sample instead of the embedded population."""
    monkeypatch.setattr(cli_common, "default_population", lambda: small_population)
    return cli.main


# ------------------------------------------------------------------------------------------ good runs
def test_run_prints_every_target_in_a_table(small_cli, small_population, quick_scenarios, capsys):
    assert small_cli(["run", str(quick_scenarios[1])]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].startswith(f"{load_scenario(quick_scenarios[1]).name} — {small_population.label}, ")
    assert lines[0].endswith(" draws")
    for key in cli.TABLE_KEYS:
        assert any(line.startswith(key + " ") for line in lines), key
    assert "达标" in out and "结论" in out


def test_run_table_in_english(small_cli, quick_scenarios, capsys):
    assert small_cli(["--lang", "en", "run", str(quick_scenarios[0])]) == 0
    out = capsys.readouterr().out
    assert "verdict" in out and ("not met" in out or " met" in out)


def test_run_json_has_value_target_unit_met_for_each_key(small_cli, quick_scenarios, capsys):
    assert small_cli(["run", str(quick_scenarios[1]), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["scenario"] == load_scenario(quick_scenarios[1]).name
    for key in JSON_KEYS:
        for field in CHECK_FIELDS:
            assert field in doc[key], (key, field)
        assert isinstance(doc[key]["met"], bool)
        assert isinstance(doc[key]["value"], float)
    assert doc["N1"]["target"] == 0.2 and doc["N2"]["target"] == 0.18
    assert doc["N3"]["comparison"] == "<=" and doc["N3"]["target"] == 0.25
    assert doc["N5"]["value"] == 0.6 and doc["N5"]["met"] is True


def test_run_out_writes_csv_tables_excel_can_open(small_cli, quick_scenarios, tmp_path, capsys):
    out = tmp_path / "result"
    assert small_cli(["run", str(quick_scenarios[1]), "--out", str(out)]) == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == ["annual.csv", "assessment.csv", "contributions.csv", "quarterly.csv", "targets.csv"]
    for path in out.iterdir():
        assert path.read_bytes().startswith(b"\xef\xbb\xbf"), path.name  # BOM: Excel reads UTF-8
    targets = pd.read_csv(out / "targets.csv", encoding="utf-8-sig")
    assert set(JSON_KEYS) <= set(targets["key"])
    assessment = pd.read_csv(out / "assessment.csv", encoding="utf-8-sig")
    assert len(assessment) == 9 * 12 and set(assessment["quarter"]) >= {"2023Q1", "2025Q4"}
    annual = pd.read_csv(out / "annual.csv", encoding="utf-8-sig")
    assert sorted(annual["year"].unique()) == [2023, 2024, 2025]
    assert {"unit", "mean", "p10", "p90"} <= set(annual.columns)


def test_compare_side_by_side(small_cli, quick_scenarios, capsys):
    assert small_cli(["compare", *map(str, quick_scenarios)]) == 0
    out = capsys.readouterr().out
    names = [load_scenario(p).name for p in quick_scenarios]
    assert all(n in out.splitlines()[0] for n in names)
    assert any(line.startswith("N5 >= 60.0%") for line in out.splitlines())


def test_compare_json(small_cli, quick_scenarios, capsys):
    assert small_cli(["compare", "--json", *map(str, quick_scenarios)]) == 0
    doc = json.loads(capsys.readouterr().out)
    names = [load_scenario(p).name for p in quick_scenarios]
    assert list(doc) == names
    assert doc[names[0]]["N5"]["value"] == 0.525 and doc[names[1]]["N5"]["value"] == 0.6


def test_python_m_model_end_to_end_on_the_embedded_population(tmp_path):
    s = load_scenario(ROOT / "scenarios" / "notice_2023.toml").with_changes({"simulation.draws": 2})
    path = tmp_path / "notice.toml"
    path.write_text(dump_scenario_toml(s), encoding="utf-8")
    proc = _python_m_model("run", str(path), "--json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert set(JSON_KEYS) <= set(doc)
    assert "Embedded default population" in doc["population"]


# ------------------------------------------------------------------------------------------ bad input
BAD_FILES = {
    "missing file": ("does_not_exist.toml", "does_not_exist.toml"),
    "not TOML": ("not_toml.toml", "cannot be read"),
    "not UTF-8": ("not_utf8.toml", "UTF-8"),
    "unknown field": ("unknown_field.toml", "funds.industry_share_centrall"),
    "wrong type": ("wrong_type_text.toml", "funds.central_10k_yuan"),
    "out of range": ("out_of_range.toml", "funds.industry_share_central"),
    "newer version": ("newer_version.toml", "schema_version 7"),
    "JSON unknown field": ("unknown_field.json", "funds.industry_share_centrall"),
    "JSON out of range": ("out_of_range.json", "simulation.draws"),
    "not JSON": ("not_json.json", "cannot be read"),
    "a folder": (".", "cannot be read"),
}


def _assert_refused(proc: subprocess.CompletedProcess, *fragments: str) -> None:
    assert proc.returncode == cli.EXIT_BAD_INPUT, (proc.returncode, proc.stderr)
    assert "Traceback" not in proc.stderr
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_run_refuses_a_bad_file_with_one_line(case):
    name, fragment = BAD_FILES[case]
    proc = _python_m_model("--lang", "en", "run", str(FIXTURES / name))
    _assert_refused(proc, fragment)


def test_the_message_is_in_chinese_by_default():
    proc = _python_m_model("run", str(FIXTURES / "out_of_range.toml"))
    _assert_refused(proc, "funds.industry_share_central", "超出允许范围", "0 – 1")


def test_compare_refuses_if_any_file_is_bad():
    proc = _python_m_model(
        "--lang", "en", "compare", str(ROOT / "scenarios" / "baseline.toml"), str(FIXTURES / "out_of_range.toml")
    )
    _assert_refused(proc, "out_of_range.toml", "funds.industry_share_central", "0 – 1")


def test_several_problems_stay_on_one_line(tmp_path):
    path = tmp_path / "two.toml"
    path.write_text(
        "schema_version = 1\n[funds]\nindustry_share_central = 2.0\n[simulation]\ndraws = 0\n", encoding="utf-8"
    )
    proc = _python_m_model("run", str(path))
    _assert_refused(proc, "funds.industry_share_central", "simulation.draws")


def test_usage_errors_exit_2_without_traceback():
    for args in (["run"], ["no-such-command"], ["run", "a.toml", "--no-such-flag"]):
        proc = _python_m_model(*args)
        assert proc.returncode == 2 and "Traceback" not in proc.stderr


def test_missing_household_file_is_bad_input(quick_scenarios):
    """A refused household table may list several rows (the importer's report), but never a traceback."""
    proc = _python_m_model("run", str(quick_scenarios[0]), "--households", "no_such_households.csv")
    assert proc.returncode == cli.EXIT_BAD_INPUT and "Traceback" not in proc.stderr and proc.stdout == ""
    assert "no_such_households.csv" in proc.stderr.splitlines()[0]
