"""Personal data in a planner's export (names, ID-card numbers, phones) never reaches any output.

The file carries distinctive fake values; every output the import path can produce is searched for them: CLI
stdout/stderr (accepted and refused), the ``--out`` tables, the JSON, the template, the row report (CSV, XLSX,
text), the population and its table.
"""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from model.io.household_files import (
    is_personal_header,
    read_household_file,
    report_csv_bytes,
    report_xlsx_bytes,
    template_csv_bytes,
    template_xlsx_bytes,
    write_template,
)
from model.schema.scenario import dump_scenario_toml, load_scenario
from tests.household_samples import as_text, good_frame

ROOT = Path(__file__).resolve().parent.parent

PERSONAL = {
    "户主姓名": ["甄士隐测试", "贾雨村测试", "林黛玉测试", "薛宝钗测试", "王熙凤测试", "史湘云测试"],
    "公民身份号码": [f"5303021949123100{i}X" for i in range(6)],
    "联系电话": [f"1398765432{i}" for i in range(6)],
    "Name": [
        "Zhenshiyin Testname",
        "Jiayucun Testname",
        "Lin Testname",
        "Xue Testname",
        "Wang Testname",
        "Shi Testname",
    ],
    "ID card": [f"ZZID{i}77777" for i in range(6)],
    "Mobile Phone": [f"+86-555-0199-{i}" for i in range(6)],
    "户主身份证号码": [f"4401061990010{i}8888" for i in range(6)],
}
SECRETS = [value for values in PERSONAL.values() for value in values]


def export_with_personal_data(bad_row: bool = False) -> pd.DataFrame:
    frame = as_text(good_frame(6))
    for position, (header, values) in enumerate(PERSONAL.items()):
        frame.insert(min(position * 2, len(frame.columns)), header, values)
    if bad_row:
        frame.loc[2, "县（市、区）"] = "昆明市"
    return frame


def assert_no_secret(data: bytes | str, where: str) -> None:
    texts = [data] if isinstance(data, str) else [data.decode("utf-8", "replace"), data.decode("gb18030", "replace")]
    for text in texts:
        for secret in SECRETS:
            assert secret not in text, f"{secret!r} found in {where}"
    raw = data if isinstance(data, bytes) else data.encode("utf-8")
    for secret in SECRETS:
        assert secret.encode("utf-8") not in raw and secret.encode("gb18030") not in raw, where


def assert_no_secret_in_file(path: Path) -> None:
    raw = path.read_bytes()
    assert_no_secret(raw, str(path))
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                assert_no_secret(archive.read(name), f"{path}!{name}")


@pytest.fixture
def quick_scenario(tmp_path) -> Path:
    scenario = load_scenario(ROOT / "scenarios" / "baseline.toml").with_changes({"simulation.draws": 2})
    path = tmp_path / "quick.toml"
    path.write_text(dump_scenario_toml(scenario), encoding="utf-8")
    return path


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "model", *args], cwd=ROOT, capture_output=True, timeout=120)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gbk"])
def test_personal_columns_are_dropped_and_never_reach_any_cli_output(tmp_path, quick_scenario, encoding):
    source = tmp_path / "export.csv"
    source.write_bytes(export_with_personal_data().to_csv(index=False).encode(encoding))
    out_dir = tmp_path / "out"
    text_run = run_cli("run", str(quick_scenario), "--households", str(source), "--out", str(out_dir))
    json_run = run_cli("--lang", "en", "run", str(quick_scenario), "--households", str(source), "--json")
    compare = run_cli("compare", str(quick_scenario), str(quick_scenario), "--households", str(source))
    for name, result in {"run": text_run, "run --json": json_run, "compare": compare}.items():
        assert result.returncode == 0, result.stderr.decode()
        assert_no_secret(result.stdout, f"{name} stdout")
        assert_no_secret(result.stderr, f"{name} stderr")
    written = sorted(out_dir.iterdir())
    assert len(written) >= 5
    for path in written:
        assert_no_secret_in_file(path)


def test_refused_file_report_never_shows_personal_data(tmp_path, quick_scenario):
    source = tmp_path / "export.xlsx"
    export_with_personal_data(bad_row=True).to_excel(source, index=False)
    result = run_cli("run", str(quick_scenario), "--households", str(source), "--json")
    assert result.returncode == 2
    assert "昆明市" in result.stderr.decode()
    assert_no_secret(result.stdout, "stdout")
    assert_no_secret(result.stderr, "stderr")


@pytest.mark.parametrize("mode", ["strict", "drop_bad_rows"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_report_and_population_carry_no_personal_data(tmp_path, mode, lang):
    raw = io.BytesIO()
    export_with_personal_data(bad_row=True).to_excel(raw, index=False)
    outcome = read_household_file(raw.getvalue(), "export.xlsx", mode=mode, lang=lang)
    assert set(outcome.dropped_personal_columns) == set(PERSONAL)
    assert outcome.refused == (mode == "strict")
    assert not any(p.column in PERSONAL for p in outcome.problems)
    assert_no_secret(outcome.report.to_csv(), "report frame")
    assert_no_secret(outcome.report_text(lang), "report text")
    assert_no_secret(repr(outcome.problems), "problems")
    (tmp_path / "report.csv").write_bytes(report_csv_bytes(outcome, lang))
    (tmp_path / "report.xlsx").write_bytes(report_xlsx_bytes(outcome, lang))
    assert_no_secret_in_file(tmp_path / "report.csv")
    assert_no_secret_in_file(tmp_path / "report.xlsx")
    if outcome.population is not None:
        table = outcome.population.to_frame()
        assert not set(PERSONAL) & set(table.columns)
        assert_no_secret(table.to_csv(), "population table")
        assert_no_secret(repr(outcome.population), "population repr")
        assert outcome.kept_rows == 5


def test_template_carries_no_personal_columns(tmp_path):
    for name, data in {"t.csv": template_csv_bytes(), "t.xlsx": template_xlsx_bytes()}.items():
        (tmp_path / name).write_bytes(data)
        assert_no_secret_in_file(tmp_path / name)
    header = pd.read_csv(write_template(tmp_path / "w.csv"), encoding="utf-8-sig").columns
    assert not any(is_personal_header(h) for h in header)


@pytest.mark.parametrize(
    "header",
    [
        "姓名",
        "户主姓名",
        "name",
        "NAME",
        "身份证号",
        "证件号码",
        "公民身份号码",
        "ID card",
        "id_card",
        "联系电话",
        "手机号码",
        "电话",
        "phone",
        "Phone Number",
        "户主身份证号码",
        "银行卡号",
        "家庭住址",
    ],
)
def test_personal_header_variants_are_recognised(header):
    assert is_personal_header(header)


@pytest.mark.parametrize("header", ["户编码", "县（市、区）", "行政村", "家庭人口数", "2022年工资性收入（元）", "备注"])
def test_ordinary_headers_are_not_personal(header):
    assert not is_personal_header(header)
