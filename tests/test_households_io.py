"""The household importer: template round trip, encodings, every bad-row kind, both modes, and the CLI."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from model.cli.main import main
from model.io.household_files import (
    MODES,
    read_household_file,
    report_csv_bytes,
    report_xlsx_bytes,
    template_csv_bytes,
    template_headers,
    write_template,
)
from model.population.table import COLUMN_NAMES, PopulationError
from model.schema.fieldspec import COUNTIES, COUNTY_NAMES_EN
from model.schema.scenario import dump_scenario_toml, load_scenario
from tests.household_samples import HEAD, as_text, csv_bytes, good_frame, xlsx_bytes

ROOT = Path(__file__).resolve().parent.parent


def read(frame: pd.DataFrame, mode: str = "strict", lang: str = "en"):
    return read_household_file(csv_bytes(as_text(frame)), "households.csv", mode=mode, lang=lang)


# --- good files ------------------------------------------------------------------------------------------------


def test_template_round_trip_csv_and_xlsx(tmp_path):
    for suffix in (".csv", ".xlsx"):
        path = write_template(tmp_path / f"template{suffix}")
        outcome = read_household_file(path)
        assert not outcome.refused and outcome.kept_rows == 1 and outcome.problems == ()
        row = outcome.population.to_frame().iloc[0]
        assert row["county"] == COUNTIES[0] and row["size"] == 4 and bool(row["industry_willing"])

    template = pd.read_csv(tmp_path / "template.csv", dtype=str, encoding="utf-8-sig")
    assert list(template.columns) == template_headers()
    assert (tmp_path / "template.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    filled = pd.concat([template, as_text(good_frame()).assign(**{HEAD["weight"]: "1"})], ignore_index=True)
    (tmp_path / "filled.csv").write_bytes(csv_bytes(filled, "utf-8-sig"))
    outcome = read_household_file(tmp_path / "filled.csv")
    assert outcome.kept_rows == 25 and outcome.population.n == 25
    workbook = openpyxl.load_workbook(tmp_path / "template.xlsx")
    assert workbook.sheetnames == ["住户", "说明"]
    assert [c.value for c in workbook["住户"][1]] == template_headers()


def test_template_download_bytes_match_the_written_file(tmp_path):
    assert write_template(tmp_path / "t.csv").read_bytes() == template_csv_bytes()


def test_utf8_gbk_gb18030_and_xlsx_give_identical_populations():
    frame = good_frame()
    sources = {
        "utf8.csv": csv_bytes(as_text(frame), "utf-8"),
        "utf8bom.csv": csv_bytes(as_text(frame), "utf-8-sig"),
        "gbk.csv": csv_bytes(as_text(frame), "gbk"),
        "gb18030.csv": csv_bytes(as_text(frame), "gb18030"),
        "numbers.xlsx": xlsx_bytes(frame),
        "text.xlsx": xlsx_bytes(as_text(frame)),
    }
    outcomes = {name: read_household_file(raw, name) for name, raw in sources.items()}
    assert outcomes["gbk.csv"].encoding == "gb18030" and outcomes["utf8.csv"].encoding == "utf-8"
    frames = {name: o.population.to_frame() for name, o in outcomes.items()}
    first = frames["utf8.csv"]
    assert len(first) == 24
    for name, other in frames.items():
        pd.testing.assert_frame_equal(first, other, obj=name)
        assert outcomes[name].population.fingerprint == outcomes["utf8.csv"].population.fingerprint


@pytest.mark.parametrize("reader", ["calamine", "openpyxl"])
def test_both_xlsx_readers_give_the_csv_population(monkeypatch, reader):
    if reader == "calamine":
        pytest.importorskip("python_calamine")
    else:
        monkeypatch.setitem(sys.modules, "python_calamine", None)  # import fails: the openpyxl fallback runs
    frame = good_frame(12)
    typed = frame.copy()
    typed[HEAD["industry_willing"]] = typed[HEAD["industry_willing"]] == "是"  # Excel TRUE/FALSE cells
    typed[HEAD["wage_income_2022"]] = typed[HEAD["wage_income_2022"]].astype(object)
    typed.loc[0, HEAD["wage_income_2022"]] = "12345.67"  # a number stored as text
    frame.loc[0, HEAD["wage_income_2022"]] = 12345.67
    expected = read_household_file(csv_bytes(as_text(frame)), "h.csv").population.to_frame()
    got = read_household_file(xlsx_bytes(typed), "h.xlsx")
    assert not got.refused, got.report_text("en")
    pd.testing.assert_frame_equal(expected, got.population.to_frame())


def test_values_are_read_exactly_as_written():
    frame = good_frame(3)
    frame[HEAD["wage_income_2022"]] = ["12345.67", "0.1", "1e3"]
    pop = read(frame).population.to_frame().set_index("household_id")
    assert pop.loc["H00000", "wage_income_2022"] == 12345.67
    assert pop.loc["H00001", "wage_income_2022"] == 0.1
    assert pop.loc["H00002", "wage_income_2022"] == 1000.0


def test_english_headers_county_names_and_boolean_spellings_are_accepted():
    frame = as_text(good_frame(6))
    frame.columns = list(COLUMN_NAMES[:-1])
    frame["county"] = [
        COUNTY_NAMES_EN[c].upper() if i % 2 else COUNTY_NAMES_EN[c] for i, c in enumerate(frame["county"])
    ]
    frame["industry_willing"] = ["true", "FALSE", "1", "0", "Y", "n"]
    outcome = read(frame)
    assert not outcome.refused, outcome.report_text("en")
    pop = outcome.population.to_frame().set_index("household_id").sort_index()
    assert list(pop["industry_willing"]) == [True, False, True, False, True, False]
    assert list(pop["county"]) == list(good_frame(6)[HEAD["county"]])


def test_half_width_brackets_and_spaces_in_headers_match():
    frame = as_text(good_frame(3)).rename(columns={HEAD["microcredit_yuan"]: " 小额信贷余额(元) "})
    assert not read(frame).refused


def test_weight_column_is_optional_and_read_when_present():
    frame = as_text(good_frame(3))
    assert list(read(frame).population.weight) == [1.0, 1.0, 1.0]
    frame[HEAD["weight"]] = ["2.5", "1", "10"]
    pop = read(frame).population.to_frame().set_index("household_id").sort_index()
    assert list(pop["weight"]) == [2.5, 1.0, 10.0]


def test_blank_lines_are_skipped_and_keep_excel_row_numbers():
    text = csv_bytes(as_text(good_frame(3))).decode()
    lines = text.splitlines()
    lines.insert(2, "," * (len(HEAD) - 2))
    lines[3] = lines[3].replace("H00001", "")
    outcome = read_household_file("\n".join(lines).encode(), "x.csv", lang="en")
    assert outcome.refused
    assert [(p.row, p.kind) for p in outcome.problems] == [(4, "empty_cell")]


# --- bad rows --------------------------------------------------------------------------------------------------

BAD_CELLS = [
    ("county", "昆明市", "unknown_county"),
    ("county", "qilin district", "unknown_county"),
    ("type", "贫困户", "unknown_type"),
    ("wage_income_2022", "abc", "non_numeric"),
    ("wage_income_2022", "nan", "non_numeric"),
    ("production_income_2022", "inf", "non_numeric"),
    ("property_income_2022", "1,234", "thousands_separator"),
    ("transfer_income_2022", "-5", "negative"),
    ("microcredit_yuan", "-1", "negative"),
    ("size", "0", "size_below_1"),
    ("size", "2.5", "not_integer"),
    ("workers", "7", "workers_above_size"),
    ("village", "", "empty_cell"),
    ("wage_income_2022", "", "empty_cell"),
    ("industry_willing", "也许", "not_boolean"),
    ("household_id", "H00000", "duplicate_household"),
    ("household_id", "11010519491231002X", "id_looks_personal"),
    ("household_id", "13987654321", "id_looks_personal"),
]


@pytest.mark.parametrize(("column", "value", "kind"), BAD_CELLS)
def test_each_bad_cell_is_reported_at_its_row_and_column(column, value, kind):
    frame = as_text(good_frame(6))
    frame[HEAD["size"]] = "3"
    frame[HEAD["workers"]] = "1"
    frame.loc[2, HEAD[column]] = value  # Excel row 4: header is row 1, first data row is row 2
    strict = read(frame, "strict")
    assert strict.refused and strict.population is None
    rows = {(p.row, p.column, p.kind) for p in strict.problems}
    assert (4, HEAD[column], kind) in rows
    if kind == "duplicate_household":
        assert (2, HEAD[column], kind) in rows
        assert strict.bad_rows == (2, 4)
    else:
        assert strict.bad_rows == (4,)
    shown = strict.report.loc[strict.report["kind"] == kind, "value"].tolist()
    assert shown[-1] == ("" if kind == "id_looks_personal" else value)

    dropped = read(frame, "drop_bad_rows")
    assert not dropped.refused
    assert dropped.kept_rows == 6 - len(strict.bad_rows) == dropped.population.n
    assert dropped.bad_rows == strict.bad_rows
    kept_ids = set(dropped.population.household_id)
    assert "H00002" not in kept_ids and value not in kept_ids


def test_a_row_with_more_cells_than_the_header_is_bad():
    lines = csv_bytes(as_text(good_frame(4))).decode().splitlines()
    lines[3] += ",stray"  # Excel row 4
    for mode in MODES:
        outcome = read_household_file("\n".join(lines).encode(), "x.csv", mode=mode, lang="en")
        assert [(p.row, p.kind, p.value) for p in outcome.problems] == [(4, "extra_cells", "")]
        assert outcome.bad_rows == (4,)
    assert outcome.kept_rows == 3


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_filled_column_without_header_is_reported_by_letter(suffix):
    frame = as_text(good_frame(3))
    frame[""] = ["", "hidden note", ""]
    raw = xlsx_bytes(frame) if suffix == ".xlsx" else csv_bytes(frame)
    strict = read_household_file(raw, f"x{suffix}", lang="en")
    assert strict.refused
    assert [(p.row, p.column, p.value, p.kind, p.other) for p in strict.problems] == [
        (1, "O", "", "unnamed_column", "1")
    ]
    lenient = read_household_file(raw, f"x{suffix}", mode="drop_bad_rows")
    assert lenient.kept_rows == 3 and "hidden note" not in lenient.report.to_csv()
    frame[""] = ""
    empty = csv_bytes(frame) if suffix == ".csv" else xlsx_bytes(frame)
    assert not read_household_file(empty, f"x{suffix}").refused


def test_utf16_tab_separated_text_reads_like_csv():
    frame = as_text(good_frame(6))
    expected = read(frame).population.to_frame()
    outcome = read_household_file(frame.to_csv(index=False, sep="\t").encode("utf-16"), "unicode.txt")
    assert outcome.encoding == "utf-16"
    pd.testing.assert_frame_equal(expected, outcome.population.to_frame())


def test_household_codes_built_from_division_codes_are_not_taken_for_id_cards():
    frame = as_text(good_frame(12))
    frame[HEAD["household_id"]] = [f"5303021010010001{i:02d}" for i in range(12)]  # 18 digits, no birth date
    assert not read(frame).refused


def test_missing_required_column_refuses_in_both_modes():
    frame = as_text(good_frame(3)).drop(columns=[HEAD["workers"]])
    for mode in MODES:
        outcome = read(frame, mode)
        assert outcome.refused
        assert [(p.row, p.column, p.kind) for p in outcome.problems] == [(1, HEAD["workers"], "missing_column")]


def test_duplicate_column_refuses():
    frame = as_text(good_frame(3))
    frame.insert(1, "household_id", frame[HEAD["household_id"]])
    outcome = read(frame, "drop_bad_rows")
    assert outcome.refused and outcome.problems[0].kind == "duplicate_column"


def test_unknown_column_refuses_strict_and_is_listed_when_dropping():
    frame = as_text(good_frame(3))
    frame["备注"] = ["secret remark", "x", "y"]
    strict = read(frame, "strict")
    assert strict.refused
    assert [(p.row, p.column, p.value, p.kind) for p in strict.problems] == [(1, "备注", "", "unknown_column")]
    lenient = read(frame, "drop_bad_rows")
    assert lenient.kept_rows == 3 and lenient.bad_rows == ()
    assert lenient.problems[0].kind == "unknown_column"
    assert "secret remark" not in lenient.report.to_csv()


def test_several_problems_in_one_row_are_all_listed_in_row_order():
    frame = as_text(good_frame(4))
    frame.loc[3, HEAD["county"]] = "?"
    frame.loc[3, HEAD["size"]] = "x"
    frame.loc[1, HEAD["dual_bound"]] = "?"
    outcome = read(frame, "drop_bad_rows")
    assert [(p.row, p.kind) for p in outcome.problems] == [
        (3, "not_boolean"),
        (5, "unknown_county"),
        (5, "non_numeric"),
    ]
    assert outcome.kept_rows == 2


def test_all_rows_bad_refuses_even_when_dropping():
    frame = as_text(good_frame(3))
    frame[HEAD["size"]] = "0"
    outcome = read(frame, "drop_bad_rows")
    assert outcome.refused and outcome.problems[-1].kind == "no_valid_rows"


@pytest.mark.parametrize(
    ("raw", "name", "kind"),
    [
        (b"", "empty.csv", "missing_column"),
        (b"\xff\x00\x81\x30 not text", "bad.csv", "encoding"),
        (b"PK\x03\x04 damaged", "bad.xlsx", "unreadable_xlsx"),
        (b"a,b", "households.ods", "unsupported_format"),
    ],
)
def test_unusable_files_are_refused_with_a_message(raw, name, kind):
    outcome = read_household_file(raw, name, mode="drop_bad_rows")
    assert outcome.refused and outcome.problems[0].kind == kind
    assert outcome.report_text("zh") and outcome.report_text("en")


def test_header_only_file_has_no_rows():
    outcome = read_household_file(",".join(template_headers()).encode(), "h.csv")
    assert outcome.refused and outcome.problems[-1].kind == "no_rows"


def test_too_large_file_is_refused_before_reading(monkeypatch):
    import model.io.household_files as hio

    monkeypatch.setattr(hio, "MAX_FILE_BYTES", 100)
    outcome = read(good_frame(3))
    assert outcome.refused and outcome.problems[0].kind == "too_large"


def test_workbook_that_would_unpack_too_large_is_refused(monkeypatch):
    import model.io.household_files as hio

    monkeypatch.setattr(hio, "MAX_XLSX_UNPACKED_BYTES", 1000)
    outcome = read_household_file(xlsx_bytes(good_frame(3)), "x.xlsx")
    assert outcome.refused and outcome.problems[0].kind == "too_large"


def test_report_is_bilingual_and_downloadable():
    frame = as_text(good_frame(4))
    frame.loc[0, HEAD["county"]] = "昆明市"
    outcome = read_household_file(csv_bytes(frame), "h.csv", mode="drop_bad_rows", lang="zh")
    assert outcome.report["problem"].iloc[0].startswith("不是曲靖市")
    csv_report = pd.read_csv(io.BytesIO(report_csv_bytes(outcome, "zh")), encoding="utf-8-sig")
    assert list(csv_report.columns) == ["行", "列", "值", "问题"]
    assert csv_report.iloc[0].tolist()[:3] == [2, HEAD["county"], "昆明市"]
    xlsx_report = pd.read_excel(io.BytesIO(report_xlsx_bytes(outcome, "en")), engine="openpyxl")
    assert list(xlsx_report.columns) == ["row", "column", "value", "problem"]
    assert xlsx_report.iloc[0]["problem"].startswith("not a county")
    assert "row 2" in outcome.report_text("en") and "第 2 行" in outcome.report_text("zh")


def test_report_text_is_capped():
    frame = as_text(good_frame(24))
    frame[HEAD["county"]] = "?"
    text = read(frame, "strict").report_text("en", cap=5)
    assert text.splitlines()[-1] == "... and 19 more"
    assert len(text.splitlines()) == 1 + 5 + 1


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.sampled_from(list(range(6))), min_size=0, max_size=6),
    st.sampled_from([c for c, _, _ in BAD_CELLS if c not in ("household_id",)]),
)
def test_drop_mode_keeps_exactly_the_untouched_rows(bad_positions, column):
    frame = as_text(good_frame(6))
    frame[HEAD["size"]] = "3"
    frame[HEAD["workers"]] = "1"
    value = next(v for c, v, _ in BAD_CELLS if c == column)
    for pos in bad_positions:
        frame.loc[pos, HEAD[column]] = value
    outcome = read(frame, "drop_bad_rows")
    bad = sorted({p + 2 for p in bad_positions})
    if len(bad) == 6:
        assert outcome.refused
        return
    assert list(outcome.bad_rows) == bad
    assert sorted(outcome.population.household_id) == [f"H{p:05d}" for p in range(6) if p + 2 not in bad]
    untouched = frame[~frame.index.isin(bad_positions)].set_index(HEAD["household_id"]).sort_index()
    got = outcome.population.to_frame().set_index("household_id").sort_index()
    assert got["wage_income_2022"].tolist() == untouched[HEAD["wage_income_2022"]].astype(float).tolist()


# --- command line ----------------------------------------------------------------------------------------------


@pytest.fixture
def quick_scenario(tmp_path) -> Path:
    scenario = load_scenario(ROOT / "scenarios" / "baseline.toml").with_changes({"simulation.draws": 4})
    path = tmp_path / "quick.toml"
    path.write_text(dump_scenario_toml(scenario), encoding="utf-8")
    return path


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "model", *args], cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_cli_households_template_writes_both_formats(tmp_path):
    for suffix in (".csv", ".xlsx"):
        assert main(["households-template", str(tmp_path / f"t{suffix}")]) == 0
        assert read_household_file(tmp_path / f"t{suffix}").kept_rows == 1
    assert main(["households-template", str(tmp_path / "t.txt")]) == 2


def test_cli_run_with_households_json(tmp_path, quick_scenario, capsys):
    path = tmp_path / "good.csv"
    path.write_bytes(csv_bytes(as_text(good_frame()), "gbk"))
    assert main(["run", str(quick_scenario), "--households", str(path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["population"] == "good.csv"
    assert out["N1"]["value"] is not None


def test_cli_refused_file_exits_2_with_row_report_and_no_traceback(tmp_path, quick_scenario):
    frame = as_text(good_frame(6))
    frame.loc[1, HEAD["county"]] = "昆明市"
    frame.loc[4, HEAD["size"]] = "0"
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_bytes(frame))
    result = run_cli("--lang", "en", "run", str(quick_scenario), "--households", str(path), "--json")
    assert result.returncode == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert lines[0].startswith("error: bad.csv: refused (2 problem(s))")
    assert lines[1].startswith("row 3, 县（市、区） = '昆明市'") and lines[2].startswith("row 6, 家庭人口数 = '0'")


def test_cli_caps_a_long_report(tmp_path, quick_scenario, capsys):
    frame = pd.concat([as_text(good_frame(24))] * 3, ignore_index=True)
    frame[HEAD["household_id"]] = [f"X{i}" for i in range(len(frame))]
    frame[HEAD["county"]] = "?"
    path = tmp_path / "many.csv"
    path.write_bytes(csv_bytes(frame))
    assert main(["run", str(quick_scenario), "--households", str(path)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[-1] == "……另有 22 个问题"
    assert len(err) == 1 + 50 + 1


def test_cli_missing_household_file_exits_2(quick_scenario, capsys):
    assert main(["run", str(quick_scenario), "--households", "/nonexistent/households.csv"]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_load_household_file_raises_population_error_with_report(tmp_path):
    from model.io.household_files import HouseholdFileRefused, load_household_file

    frame = as_text(good_frame(3))
    frame.loc[0, HEAD["type"]] = "?"
    path = tmp_path / "x.csv"
    path.write_bytes(csv_bytes(frame))
    with pytest.raises(PopulationError) as info:
        load_household_file(path, lang="en")
    assert isinstance(info.value, HouseholdFileRefused)
    assert "row 2, 户类型 = '?'" in str(info.value)
