"""Planners' own household tables: the import template, reading CSV/XLSX, row-by-row checks.

A planner exports households from the monitoring information system (Chinese headers, GBK or UTF-8 CSV, or
XLSX). This module turns such a file into a :class:`~model.population.Population` or refuses it with a report
that names the Excel row, the column, the value and what is wrong, in Chinese or English. Nothing is coerced:
a value is either read exactly as written or reported.

Personal data (names, ID-card numbers, phone numbers, addresses, bank accounts) is dropped by header as soon as
the header row is read: those columns are never kept, so their values never reach a report, a population or a
file. Household ids that are themselves ID-card or mobile numbers are refused without showing them, and a
column without a header is only checked for being empty, never shown.
All header, alias, boolean and problem tables live in this module's ``*_TABLE`` constants and nowhere else.
"""

from __future__ import annotations

import csv
import io
import re
import tomllib
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from model.io.spreadsheet import csv_bytes, write_csv, xlsx_bytes
from model.population.table import COLUMN_NAMES, HOUSEHOLD_TYPES, Population, PopulationError, population_from_frame
from model.schema.fieldspec import COUNTIES, COUNTY_NAMES_EN

RANGES_PATH = Path(__file__).resolve().parents[1] / "parameters" / "household_ranges.toml"
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_ROWS = 2_000_000
MAX_COLUMNS = 1_000  # the template has 15; each unknown header would be one more problem to report
MAX_XLSX_UNPACKED_BYTES = 1024**3  # a workbook is a zip: refuse one that would unpack beyond this
MODES = ("strict", "drop_bad_rows")
REPORT_CAP = 50
MAX_PROBLEMS_KEPT = 10_000  # problems listed in the downloadable report; beyond, only counted
DUPLICATE_ROWS_SHOWN = 3  # rows named for a duplicated household id
VALUE_SHOWN_CHARS = 40
FILENAME_SHOWN_CHARS = 80

# Column → (template header as the monitoring system writes it, accepted aliases). Headers are matched after
# _normalise_header (full-width brackets → ASCII, spaces and quotes removed, ASCII case folded), so
# "县(市、区)" and "县（市、区）" are the same header.
HEADER_TABLE: dict[str, tuple[str, tuple[str, ...]]] = {
    "household_id": ("户编码", ("户编号", "household_id", "household id")),
    "county": ("县（市、区）", ("县市区", "县", "county")),
    "village": ("行政村", ("村", "village")),
    "size": ("家庭人口数", ("家庭人口", "size", "household size")),
    "workers": ("劳动力人数", ("劳动力", "workers")),
    "type": ("户类型", ("type", "household type")),
    "industry_willing": ("是否有产业发展条件和意愿", ("industry_willing",)),
    "dual_bound": ("是否已“双绑”", ("是否已双绑", "dual_bound")),
    "microcredit_yuan": ("小额信贷余额（元）", ("小额信贷余额", "microcredit_yuan")),
    "transferable_land_mu": ("可流转土地（亩）", ("可流转土地", "transferable_land_mu")),
    "wage_income_2022": ("2022年工资性收入（元）", ("2022年工资性收入", "wage_income_2022")),
    "production_income_2022": ("2022年生产经营性净收入（元）", ("2022年生产经营性净收入", "production_income_2022")),
    "property_income_2022": ("2022年财产性收入（元）", ("2022年财产性收入", "property_income_2022")),
    "transfer_income_2022": ("2022年转移性收入（元）", ("2022年转移性收入", "transfer_income_2022")),
    "weight": ("权重", ("weight",)),
}
OPTIONAL_COLUMNS: frozenset[str] = frozenset({"weight"})

# Personal columns, dropped unread. A header is personal when it equals one of the exact names, or (Chinese
# headers) contains one of the keywords, so variants such as 户主身份证号码 or 户主联系电话 are caught too.
PERSONAL_TABLE: dict[str, tuple[str, ...]] = {
    "exact": (
        "name",
        "full name",
        "fullname",
        "householder",
        "householder name",
        "head of household",
        "head name",
        "id card",
        "idcard",
        "id_card",
        "id card number",
        "id number",
        "id_number",
        "id no",
        "id_no",
        "national id",
        "citizen id",
        "phone",
        "phone number",
        "phone_number",
        "mobile",
        "mobile phone",
        "telephone",
        "tel",
        "contact",
        "contact number",
        "address",
        "home address",
        "bank account",
        "bank card",
        "户主",
        "户主名",
    ),
    "keywords": (
        "姓名",
        "名字",
        "身份证",
        "证件号",
        "身份号码",
        "电话",
        "手机",
        "联系方式",
        "住址",
        "地址",
        "银行卡",
        "银行账",
        "账号",
        "卡号",
    ),
}

BOOLEAN_TABLE: dict[str, bool] = {
    "是": True,
    "否": False,
    "true": True,
    "false": False,
    "1": True,
    "0": False,
    "y": True,
    "n": False,
    "yes": True,
    "no": False,
}
COUNTY_TABLE: dict[str, str] = {
    **{c: c for c in COUNTIES},
    **{en.casefold(): zh for zh, en in COUNTY_NAMES_EN.items()},
}
TYPE_TABLE: dict[str, str] = {
    **{t: t for t in HOUSEHOLD_TYPES},
    "alleviated": "脱贫户",
    "unstable": "脱贫不稳定户",
    "marginal": "边缘易致贫户",
    "sudden hardship": "突发严重困难户",
}

INTEGER_COLUMNS = ("size", "workers")
NUMBER_COLUMNS = (
    "microcredit_yuan",
    "transferable_land_mu",
    "wage_income_2022",
    "production_income_2022",
    "property_income_2022",
    "transfer_income_2022",
    "weight",
)
BOOLEAN_COLUMNS = ("industry_willing", "dual_bound")
# Column → (min, max) plausible values, from parameters/household_ranges.toml (min checked above 0 only).
with RANGES_PATH.open("rb") as _fh:
    RANGE_TABLE: dict[str, tuple[float, float]] = {
        col: (float(spec.get("min", 0)), float(spec["max"])) for col, spec in tomllib.load(_fh).items()
    }

# Problem kind → (zh, en) message; {allowed} and {other} are filled per problem.
PROBLEM_TABLE: dict[str, tuple[str, str]] = {
    "too_large": ("文件超过 {allowed}，请拆分后分别导入", "the file is larger than {allowed}; split it"),
    "too_many_rows": ("行数超过 {allowed}", "more than {allowed} rows"),
    "too_many_columns": ("列数超过 {allowed}", "more than {allowed} columns"),
    "unreadable_csv": (
        "无法按 CSV 读取（引号或分隔符不成对，或不是表格文本）",
        "cannot be read as CSV (unbalanced quotes or separators, or not table text)",
    ),
    "unreadable_xlsx": (
        "无法按 XLSX 读取（文件已损坏，或不是 Excel 工作簿）",
        "cannot be read as XLSX (damaged, or not an Excel workbook)",
    ),
    "cannot_open": ("无法打开文件（不存在或没有读取权限）", "cannot open the file (missing, or not readable)"),
    "encoding": (
        "无法识别文字编码（支持 UTF-8、GBK、GB18030）",
        "unknown text encoding (UTF-8, GBK, GB18030 accepted)",
    ),
    "unsupported_format": (
        "只接受 .csv、.xlsx 或 .txt（制表符分隔）文件",
        "only .csv, .xlsx or tab-separated .txt files are accepted",
    ),
    "no_rows": ("文件中没有住户数据行", "the file has no household rows"),
    "no_valid_rows": ("去掉有问题的行后没有剩余住户", "no household is left once the bad rows are left out"),
    "missing_column": ("缺少必需的列（应为“{allowed}”）", "required column missing (header “{allowed}”)"),
    "duplicate_column": ("同一列出现多次（与第 {other} 列重复）", "column appears twice (also column {other})"),
    "unnamed_column": (
        "该列没有列名，却有 {other} 个非空单元格；请填写模板中的列名或删除该列",
        "column without a header but with {other} filled cells; give it a template header or delete it",
    ),
    "extra_cells": (
        "本行单元格比表头多（可能有未加引号的逗号），各列数值可能错位",
        "more cells than the header (an unquoted comma?): the row's values may be shifted",
    ),
    "unknown_column": ("无法识别的列，请删除或改为模板中的列名", "unknown column; remove it or use a template header"),
    "empty_cell": ("必填项为空", "required cell is empty"),
    "non_numeric": ("不是数字（允许：{allowed}）", "not a number (allowed: {allowed})"),
    "thousands_separator": ("数字中有千位分隔符，请去掉逗号", "number has a thousands separator; remove the commas"),
    "negative": ("不能为负数（允许：{allowed}）", "must not be negative (allowed: {allowed})"),
    "implausible": (
        "超出合理范围 {allowed}，请检查是否多输或少输了数位",
        "outside the plausible range {allowed}; check for a digit too many or too few",
    ),
    "not_integer": ("应为整数（允许：{allowed}）", "must be a whole number (allowed: {allowed})"),
    "size_below_1": ("家庭人口数至少为 1", "household size must be at least 1"),
    "weight_not_positive": ("权重必须大于 0", "weight must be greater than 0"),
    "workers_above_size": ("劳动力人数超过家庭人口数（{other} 人）", "more workers than household members ({other})"),
    "not_boolean": ("应为 是/否（也可 true/false、1/0、Y/N）", "must be 是/否 (or true/false, 1/0, Y/N)"),
    "unknown_county": ("不是曲靖市的县（市、区）：应为 {allowed}", "not a county of Qujing: one of {allowed}"),
    "unknown_type": ("户类型应为 {allowed}", "household type must be one of {allowed}"),
    "duplicate_household": ("户编码重复（第 {other} 行）", "duplicate household id (rows {other})"),
    "id_looks_personal": (
        "户编码像身份证号或手机号，出于隐私保护不予导入",
        "household id looks like an ID-card or phone number; refused to protect personal data",
    ),
}
# Problems about the whole file: the file is refused in either mode.
FATAL_KINDS = frozenset(
    {
        "too_large",
        "too_many_rows",
        "too_many_columns",
        "unreadable_csv",
        "unreadable_xlsx",
        "cannot_open",
        "encoding",
        "unsupported_format",
        "no_rows",
        "no_valid_rows",
        "missing_column",
        "duplicate_column",
    }
)
# Problems about a column, not a row: strict mode refuses, drop_bad_rows imports without that column.
COLUMN_WARNINGS = frozenset({"unknown_column", "unnamed_column"})
UNNAMED = "#unnamed"
EXTRA = "#extra_cells"
REPORT_HEADERS = {"zh": ("行", "列", "值", "问题"), "en": ("row", "column", "value", "problem")}

# ASCII digits only: full-width １２３ would pass a Unicode \d and then fail to convert.
_NUMBER_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$", re.ASCII)
_THOUSANDS_RE = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$", re.ASCII)
_ID_CARD_RE = re.compile(r"^\d{17}[\dXx]$", re.ASCII)
_MOBILE_RE = re.compile(r"^1[3-9]\d{9}$", re.ASCII)


@dataclass(frozen=True)
class RowProblem:
    """One thing wrong: Excel row (header = 1; 0 = the whole file), header and value as written, problem kind."""

    row: int
    column: str
    value: str
    kind: str
    allowed: str = ""
    other: str = ""

    def message(self, lang: str) -> str:
        """The problem in ``lang`` ("zh" or "en")."""
        zh, en = PROBLEM_TABLE[self.kind]
        return (zh if lang == "zh" else en).format(allowed=self.allowed, other=self.other)

    def line(self, lang: str) -> str:
        """One line for a terminal: row, column, value, problem."""
        if self.row == 0:
            head = "文件" if lang == "zh" else "file"
        else:
            head = f"第 {self.row} 行" if lang == "zh" else f"row {self.row}"
        where = f"{head}, {self.column}" if self.column else head
        value = f" = {self.value!r}" if self.value else ""
        return f"{where}{value}: {self.message(lang)}"


@dataclass(frozen=True)
class ImportOutcome:
    """What came of one file: the population (None when refused) and every problem found.

    ``kept_rows`` counts the households imported; ``bad_rows`` are the Excel row numbers left out (or that made
    a strict import refuse the file); ``dropped_personal_columns`` are the personal headers removed unread.
    """

    population: Population | None
    problems: tuple[RowProblem, ...]
    dropped_personal_columns: tuple[str, ...]
    kept_rows: int
    bad_rows: tuple[int, ...]
    mode: str
    filename: str
    encoding: str = ""
    lang: str = "zh"
    not_listed: int = 0
    report: pd.DataFrame = field(default=None, repr=False)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        """Fill ``report`` (row, column, value, kind, problem) in the outcome's language."""
        if self.report is None:
            object.__setattr__(self, "report", report_frame(self.problems, self.lang))

    @property
    def problem_count(self) -> int:
        """Every problem found, including those beyond :data:`MAX_PROBLEMS_KEPT` that are not listed."""
        return len(self.problems) + self.not_listed

    @property
    def refused(self) -> bool:
        """True when no population came out of the file."""
        return self.population is None

    def report_text(self, lang: str | None = None, cap: int = REPORT_CAP) -> str:
        """The report as lines, a summary first, capped at ``cap`` problem lines with "... and N more"."""
        lang = lang or self.lang
        lines = [summary_line(self, lang)]
        lines += [p.line(lang) for p in self.problems[:cap]]
        if self.problem_count > cap:
            rest = self.problem_count - min(cap, len(self.problems))
            lines.append(f"……另有 {rest:,} 个问题" if lang == "zh" else f"... and {rest:,} more")
        return "\n".join(lines)


class HouseholdFileRefused(PopulationError):
    """A refused household file; the message is the row report, one problem per line."""

    def __init__(self, outcome: ImportOutcome, lang: str = "zh") -> None:
        super().__init__(outcome.report_text(lang))
        self.outcome = outcome


def summary_line(outcome: ImportOutcome, lang: str) -> str:
    """One line: accepted or refused, households kept, rows left out, personal columns dropped."""
    personal = len(outcome.dropped_personal_columns)
    if lang == "zh":
        head = (
            f"{outcome.filename}：已拒绝（{outcome.problem_count:,} 个问题）"
            if outcome.refused
            else f"{outcome.filename}：已导入 {outcome.kept_rows:,} 户，剔除 {len(outcome.bad_rows):,} 行"
        )
        return head + (f"；已删除 {personal} 个个人信息列" if personal else "")
    head = (
        f"{outcome.filename}: refused ({outcome.problem_count:,} problem(s))"
        if outcome.refused
        else f"{outcome.filename}: imported {outcome.kept_rows:,} households, {len(outcome.bad_rows):,} rows left out"
    )
    return head + (f"; {personal} personal columns dropped unread" if personal else "")


def report_frame(problems: tuple[RowProblem, ...] | list[RowProblem], lang: str = "zh") -> pd.DataFrame:
    """The row report as a table: row, column, value, kind (machine key), problem (in ``lang``)."""
    return pd.DataFrame(
        {
            "row": pd.Series([p.row for p in problems], dtype="int64"),
            "column": pd.Series([p.column for p in problems], dtype=object),
            "value": pd.Series([p.value for p in problems], dtype=object),
            "kind": pd.Series([p.kind for p in problems], dtype=object),
            "problem": pd.Series([p.message(lang) for p in problems], dtype=object),
        }
    )


def report_download_frame(outcome: ImportOutcome, lang: str) -> pd.DataFrame:
    """The report with headers in ``lang`` for a planner's download (no machine column).

    When more problems were found than listed, a last line says how many more.
    """
    df = report_frame(outcome.problems, lang)[["row", "column", "value", "problem"]]
    if outcome.not_listed:
        rest = f"……另有 {outcome.not_listed:,} 个问题未列出" if lang == "zh" else f"... {outcome.not_listed:,} more"
        df = pd.concat([df.astype(object), pd.DataFrame([["", "", "", rest]], columns=df.columns)], ignore_index=True)
    df.columns = list(REPORT_HEADERS["zh" if lang == "zh" else "en"])
    return df


def report_csv_bytes(outcome: ImportOutcome, lang: str) -> bytes:
    """The report as UTF-8 CSV with a BOM, so Excel shows Chinese; cells from the file never start a formula."""
    return csv_bytes(report_download_frame(outcome, lang))


def report_xlsx_bytes(outcome: ImportOutcome, lang: str) -> bytes:
    """The report as an XLSX workbook; cells from the file are stored as text, never as formulas."""
    return xlsx_bytes({"report": report_download_frame(outcome, lang)})


# --- the template ----------------------------------------------------------------------------------------------


def template_headers() -> list[str]:
    """The template's headers in the documented column order."""
    return [HEADER_TABLE[c][0] for c in COLUMN_NAMES]


def template_example() -> dict[str, str]:
    """One filled example row, valid as written (so a template read back is a one-household population)."""
    example = {
        "household_id": "530302000001",
        "county": COUNTIES[0],
        "village": "示例村",
        "size": "4",
        "workers": "2",
        "type": HOUSEHOLD_TYPES[0],
        "industry_willing": "是",
        "dual_bound": "否",
        "microcredit_yuan": "50000",
        "transferable_land_mu": "2.5",
        "wage_income_2022": "28000",
        "production_income_2022": "9000",
        "property_income_2022": "600",
        "transfer_income_2022": "4200",
        "weight": "1",
    }
    return {HEADER_TABLE[c][0]: example[c] for c in COLUMN_NAMES}


def template_notes() -> pd.DataFrame:
    """One row per column: header, English name, unit, required, accepted values (the XLSX notes sheet)."""
    from model.population.table import COLUMNS

    rows = []
    for col in COLUMNS:
        header, aliases = HEADER_TABLE[col.name]
        rows.append(
            {
                "列名 header": header,
                "英文列名 English name": col.name,
                "别名 aliases": "、".join(aliases),
                "单位 unit": col.unit,
                "必填 required": (
                    "否 no：整列可删除（每户记 1）；保留则每行必填 / "
                    "column may be deleted (1 each); if kept, fill every row"
                )
                if col.name in OPTIONAL_COLUMNS
                else "是 yes",
                "说明 description": col.description,
            }
        )
    rows.append(
        {
            "列名 header": "是/否",
            "英文列名 English name": "booleans",
            "别名 aliases": "、".join(BOOLEAN_TABLE),
            "单位 unit": "",
            "必填 required": "",
            "说明 description": "accepted spellings of yes/no",
        }
    )
    rows.append(
        {
            "列名 header": "个人信息 personal data",
            "英文列名 English name": "dropped",
            "别名 aliases": "、".join(PERSONAL_TABLE["keywords"]),
            "单位 unit": "",
            "必填 required": "",
            "说明 description": "columns with these headers are deleted unread on import",
        }
    )
    return pd.DataFrame(rows)


def write_template(path: str | Path) -> Path:
    """Write the empty template with one example row: ``.csv`` (UTF-8 with BOM) or ``.xlsx`` (with notes)."""
    path = Path(path)
    frame = pd.DataFrame([template_example()], columns=template_headers())
    suffix = path.suffix.lower()
    if suffix == ".csv":
        write_csv(frame, path)
    elif suffix == ".xlsx":
        path.write_bytes(template_xlsx_bytes())
    else:
        raise PopulationError("the template is written as .csv or .xlsx")
    return path


def template_csv_bytes() -> bytes:
    """The template as CSV bytes (UTF-8 with BOM) for a download button."""
    return csv_bytes(pd.DataFrame([template_example()], columns=template_headers()))


def template_xlsx_bytes() -> bytes:
    """The template as XLSX bytes: sheet 住户 (headers + example row, all cells text) and sheet 说明 (notes)."""
    households = pd.DataFrame([template_example()], columns=template_headers())
    return xlsx_bytes({"住户": households, "说明": template_notes()})


# --- reading ---------------------------------------------------------------------------------------------------


def _normalise_header(text: object) -> str:
    s = "" if text is None else str(text)
    s = s.replace("\ufeff", "").replace("（", "(").replace("）", ")")
    for quote in ("“", "”", '"', "'", "‘", "’"):
        s = s.replace(quote, "")
    return "".join(s.split()).casefold()


_HEADER_LOOKUP: dict[str, str] = {
    _normalise_header(name): col for col, (header, aliases) in HEADER_TABLE.items() for name in (header, *aliases)
}
_PERSONAL_EXACT = frozenset(_normalise_header(h) for h in PERSONAL_TABLE["exact"])


def is_personal_header(header: object) -> bool:
    """True when a header names personal data (see :data:`PERSONAL_TABLE`)."""
    norm = _normalise_header(header)
    if norm in _HEADER_LOOKUP:
        return False
    return norm in _PERSONAL_EXACT or any(k in norm for k in PERSONAL_TABLE["keywords"])


@dataclass
class _Columns:
    """The header row split into kept, personal and unknown columns (positions are 0-based)."""

    kept: dict[int, str] = field(default_factory=dict)
    written: dict[str, str] = field(default_factory=dict)
    personal: list[str] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    unnamed: list[int] = field(default_factory=list)
    width: int = 0

    def read_positions(self) -> list[int]:
        """Positions to read: the known columns, and the headerless ones (checked for content only)."""
        return sorted([*self.kept, *self.unnamed])

    def frame_names(self) -> list[str]:
        """Frame column names for :meth:`read_positions`."""
        return [self.kept.get(p, f"{UNNAMED}{p}") for p in self.read_positions()]


def _classify_header(header: list[object]) -> _Columns:
    if len(header) > MAX_COLUMNS:
        raise _TooManyColumns
    out = _Columns(width=len(header))
    seen: dict[str, int] = {}
    for pos, raw in enumerate(header):
        full = "" if raw is None else str(raw).replace("\ufeff", "").strip()
        written = _shorten(full)  # as shown in reports; the whole header is classified
        if not written:
            out.unnamed.append(pos)
            continue
        if is_personal_header(full):
            out.personal.append(written)
            continue
        col = _HEADER_LOOKUP.get(_normalise_header(full))
        if col is None:
            out.problems.append(RowProblem(1, written, "", "unknown_column"))
        elif col in seen:
            out.problems.append(RowProblem(1, written, "", "duplicate_column", other=str(seen[col] + 1)))
        else:
            seen[col] = pos
            out.kept[pos] = col
            out.written[col] = written
    for col in COLUMN_NAMES:
        if col not in seen and col not in OPTIONAL_COLUMNS:
            out.problems.append(RowProblem(1, HEADER_TABLE[col][0], "", "missing_column", allowed=HEADER_TABLE[col][0]))
    return out


def _decode(raw: bytes) -> tuple[str, str]:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16"), "utf-16"
    try:
        return raw.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    return raw.decode("gb18030"), "gb18030"


def _read_csv(raw: bytes) -> tuple[list[str], pd.DataFrame, _Columns, str]:
    text, encoding = _decode(raw)
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    header = next(csv.reader(io.StringIO(first_line), delimiter=delimiter), [])
    cols = _classify_header(header)
    positions = cols.read_positions()
    frame = (
        pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            header=0,
            usecols=positions,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=False,
            engine="c",
        )
        if positions
        else pd.DataFrame()
    )
    frame.columns = cols.frame_names()
    if len(frame):
        # pandas drops cells beyond the header when reading selected columns: count each record's cells.
        widths = np.fromiter((len(r) for r in csv.reader(io.StringIO(text), delimiter=delimiter)), np.int64)
        frame[EXTRA] = widths[1 : len(frame) + 1] > len(header)
    return header, frame, cols, encoding


def _xlsx_cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 2**53 else repr(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _read_xlsx(raw: bytes) -> tuple[list[object], pd.DataFrame, _Columns]:
    rows = _xlsx_rows(raw)
    try:
        header = list(next(rows, ()))
        cols = _classify_header(header)
        positions = cols.read_positions()
        columns: list[list[str]] = [[] for _ in positions]
        extra: list[bool] = []
        for count, row in enumerate(rows, start=1):
            if count > MAX_ROWS:
                raise _TooManyRows
            width = len(row)
            for cells, p in zip(columns, positions, strict=True):
                cells.append(_xlsx_cell_text(row[p] if p < width else None))
            extra.append(width > cols.width and any(v not in (None, "") for v in row[cols.width :]))
    finally:
        rows.close()
    frame = pd.DataFrame(dict(zip(cols.frame_names(), columns, strict=True)), dtype=object)
    frame[EXTRA] = np.array(extra, dtype=bool)
    return header, frame, cols


def _xlsx_rows(raw: bytes) -> Iterator[Sequence[object]]:
    """Rows of the first sheet from A1 on: python-calamine when installed (about 10x faster), else openpyxl.

    Both give the same cell values for what :func:`_xlsx_cell_text` distinguishes (numbers, text, booleans).
    """
    try:
        from python_calamine import CalamineWorkbook
    except ImportError:
        yield from _openpyxl_rows(raw)
        return
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(raw))
    try:
        sheet = workbook.get_sheet_by_index(0)
        first_row, first_col = sheet.start or (0, 0)
        for _ in range(first_row):
            yield ()
        pad = (None,) * first_col
        for row in sheet.iter_rows():
            yield (*pad, *row) if first_col else row
    finally:
        workbook.close()


def _openpyxl_rows(raw: bytes) -> Iterator[Sequence[object]]:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    try:
        yield from workbook.worksheets[0].iter_rows(values_only=True)
    finally:
        workbook.close()


class _TooManyRows(Exception):
    pass


class _TooManyColumns(Exception):
    pass


def _refused(
    filename: str,
    mode: str,
    lang: str,
    problems: list[RowProblem],
    personal: list[str] | None = None,
    encoding: str = "",
) -> ImportOutcome:
    return ImportOutcome(None, tuple(problems), tuple(personal or ()), 0, (), mode, filename, encoding, lang)


def read_household_file(
    source: str | Path | bytes, filename: str | None = None, mode: str = "strict", lang: str = "zh"
) -> ImportOutcome:
    """Read a CSV (UTF-8/GBK/GB18030) or XLSX household table and check every row.

    ``mode="strict"`` refuses the file when any row (or unknown column) has a problem; ``"drop_bad_rows"``
    imports the good rows and lists the bad ones. Problems about the whole file (missing columns, unreadable,
    too large) refuse it in either mode. Never raises for bad content: the outcome says what happened.
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}")
    if isinstance(source, bytes):
        raw = source
        filename = filename or "upload"
    else:
        path = Path(source)
        filename = filename or path.name
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                return _refused(filename, mode, lang, [RowProblem(0, "", "", "too_large", allowed="50 MB")])
            raw = path.read_bytes()
        except OSError:
            return _refused(filename, mode, lang, [RowProblem(0, "", "", "cannot_open")])
    if len(raw) > MAX_FILE_BYTES:
        return _refused(filename, mode, lang, [RowProblem(0, "", "", "too_large", allowed="50 MB")])
    suffix = Path(filename).suffix.lower()
    filename = _shorten(filename, FILENAME_SHOWN_CHARS)
    encoding = ""
    text_table = suffix in (".csv", ".txt")
    try:
        if text_table:
            _, frame, cols, encoding = _read_csv(raw)
        elif suffix in (".xlsx", ".xlsm"):
            if _unpacked_size(raw) > MAX_XLSX_UNPACKED_BYTES:
                return _refused(filename, mode, lang, [RowProblem(0, "", "", "too_large", allowed="1 GB")])
            _, frame, cols = _read_xlsx(raw)
            encoding = "xlsx"
        else:
            return _refused(filename, mode, lang, [RowProblem(0, "", "", "unsupported_format")])
    except _TooManyRows:
        return _refused(filename, mode, lang, [RowProblem(0, "", "", "too_many_rows", allowed=f"{MAX_ROWS:,}")])
    except _TooManyColumns:
        return _refused(filename, mode, lang, [RowProblem(0, "", "", "too_many_columns", allowed=f"{MAX_COLUMNS:,}")])
    except UnicodeDecodeError:
        return _refused(filename, mode, lang, [RowProblem(0, "", "", "encoding")])
    except Exception:  # pandas, csv (a cell over its 131,072-character limit), zip, XML, calamine: many kinds
        kind = "unreadable_csv" if text_table else "unreadable_xlsx"
        return _refused(filename, mode, lang, [RowProblem(0, "", "", kind)])
    return _check(frame, cols, filename, mode, lang, encoding)


def read_household_modes(raw: bytes, filename: str, lang: str = "zh") -> dict[str, ImportOutcome]:
    """The outcome of ``raw`` in each of :data:`MODES`, so a caller can keep both and drop the bytes.

    The file is checked a second time only when strict mode refused it for its rows or columns; otherwise both
    modes have the same outcome.
    """
    strict = read_household_file(raw, filename, mode="strict", lang=lang)
    if strict.population is not None or any(p.kind in FATAL_KINDS for p in strict.problems):
        return {"strict": strict, "drop_bad_rows": replace(strict, mode="drop_bad_rows")}
    return {"strict": strict, "drop_bad_rows": read_household_file(raw, filename, mode="drop_bad_rows", lang=lang)}


def _unpacked_size(raw: bytes) -> int:
    """Bytes a workbook's zip would unpack to (0 when it is not a zip: the reader then reports it unreadable)."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            return sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        return 0


def _plain_number(value: float) -> str:
    """1000000.0 → "1,000,000"; 0.01 → "0.01"."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:g}"


def _column_letter(position: int) -> str:
    """Excel's column name for a 0-based position: 0 → A, 25 → Z, 26 → AA."""
    letters = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _check(frame: pd.DataFrame, cols: _Columns, filename: str, mode: str, lang: str, encoding: str) -> ImportOutcome:
    problems = list(cols.problems)
    if any(p.kind in FATAL_KINDS for p in problems):
        return _refused(filename, mode, lang, problems, cols.personal, encoding)
    extra = frame.pop(EXTRA).to_numpy(bool) if EXTRA in frame.columns else np.zeros(len(frame), bool)
    frame = frame.apply(lambda s: s.astype(str).str.strip()).reset_index(drop=True)
    for name in [c for c in frame.columns if c.startswith(UNNAMED)]:
        filled_cells = int((frame.pop(name) != "").sum())
        if filled_cells:
            position = int(name[len(UNNAMED) :])
            problems.append(RowProblem(1, _column_letter(position), "", "unnamed_column", other=str(filled_cells)))
    excel_rows = np.arange(len(frame)) + 2
    blank = ((frame == "").all(axis=1).to_numpy() if len(frame.columns) else np.ones(len(frame), bool)) & ~extra
    frame, excel_rows, extra = frame.loc[~blank].reset_index(drop=True), excel_rows[~blank], extra[~blank]
    if len(frame) > MAX_ROWS:
        return _refused(
            filename,
            mode,
            lang,
            [RowProblem(0, "", "", "too_many_rows", allowed=f"{MAX_ROWS:,}")],
            cols.personal,
            encoding,
        )
    if len(frame) == 0:
        return _refused(filename, mode, lang, [*problems, RowProblem(0, "", "", "no_rows")], cols.personal, encoding)

    found: list[_Found] = []

    def flag(
        mask: np.ndarray, col: str, kind: str, allowed: str = "", other: np.ndarray | str = "", show_value: bool = True
    ) -> None:
        if mask.any():
            found.append(_Found(mask, col, kind, allowed, other, show_value))

    flag(extra, EXTRA, "extra_cells", show_value=False)
    for col in frame.columns:
        flag((frame[col] == "").to_numpy(), col, "empty_cell")
    filled = {col: (frame[col] != "").to_numpy() for col in frame.columns}

    parsed: dict[str, np.ndarray] = {}
    for col in (*INTEGER_COLUMNS, *NUMBER_COLUMNS):
        if col not in frame.columns:
            continue
        text = frame[col]
        is_number = text.str.fullmatch(_NUMBER_RE).to_numpy(bool)
        thousands = text.str.fullmatch(_THOUSANDS_RE).to_numpy(bool)
        allowed = "≥ 1" if col == "size" else "> 0" if col == "weight" else "≥ 0"
        flag(filled[col] & thousands, col, "thousands_separator")
        flag(filled[col] & ~is_number & ~thousands, col, "non_numeric", allowed)
        values = pd.to_numeric(text.where(is_number, "nan"), errors="coerce").to_numpy(np.float64)
        flag(is_number & (values < 0), col, "negative", allowed)
        low, high = RANGE_TABLE[col]
        implausible = is_number & ((values > high) | ((values > 0) & (values < low)))
        flag(implausible, col, "implausible", f"{_plain_number(low if col != 'size' else 1)} – {_plain_number(high)}")
        if col in INTEGER_COLUMNS:
            flag(is_number & (values >= 0) & (values != np.floor(values)), col, "not_integer", allowed)
        parsed[col] = values
    size, workers = parsed["size"], parsed["workers"]
    flag((size >= 0) & (size < 1), "size", "size_below_1")
    if "weight" in parsed:
        flag(parsed["weight"] == 0, "weight", "weight_not_positive")
    plausible_size = (size >= 1) & (size <= RANGE_TABLE["size"][1])
    flag(
        plausible_size & (workers >= 0) & (workers > size),
        "workers",
        "workers_above_size",
        other=np.char.mod("%d", np.where(plausible_size, size, 0)),
    )
    booleans = {}
    for col in BOOLEAN_COLUMNS:
        mapped = frame[col].str.casefold().map(BOOLEAN_TABLE)
        flag(filled[col] & mapped.isna().to_numpy(), col, "not_boolean")
        booleans[col] = mapped
    county = _lookup(frame["county"], COUNTY_TABLE)
    flag(filled["county"] & county.isna().to_numpy(), "county", "unknown_county", "、".join(COUNTIES))
    htype = _lookup(frame["type"], TYPE_TABLE)
    flag(filled["type"] & htype.isna().to_numpy(), "type", "unknown_type", "、".join(HOUSEHOLD_TYPES))

    ids = frame["household_id"]
    personal_id = _looks_personal(ids)
    flag(personal_id, "household_id", "id_looks_personal", show_value=False)
    dup = filled["household_id"] & ~personal_id & ids.duplicated(keep=False).to_numpy()
    if dup.any():
        other = np.full(len(frame), "", dtype=object)
        other[dup] = _duplicate_rows(ids[dup].to_numpy(), excel_rows[dup])
        flag(dup, "household_id", "duplicate_household", other=other)

    listed, not_listed = _expand(found, frame, excel_rows, cols)
    problems += listed
    bad = np.zeros(len(frame), bool)
    for f in found:
        bad |= f.mask
    bad_rows = tuple(int(r) for r in excel_rows[bad])
    strict_refuse = mode == "strict" and (bad.any() or any(p.kind in COLUMN_WARNINGS for p in problems))
    if strict_refuse:
        return ImportOutcome(
            None, tuple(problems), tuple(cols.personal), 0, bad_rows, mode, filename, encoding, lang, not_listed
        )
    if bad.all():
        problems.append(RowProblem(0, "", "", "no_valid_rows"))
        return ImportOutcome(
            None, tuple(problems), tuple(cols.personal), 0, (), mode, filename, encoding, lang, not_listed
        )
    good = ~bad
    table = pd.DataFrame(
        {
            "household_id": frame["household_id"][good].to_numpy(),
            "county": county[good].to_numpy(),
            "village": frame["village"][good].to_numpy(),
            "size": size[good].astype(np.int64),
            "workers": workers[good].astype(np.int64),
            "type": htype[good].to_numpy(),
            **{c: booleans[c][good].to_numpy(bool) for c in BOOLEAN_COLUMNS},
            **{c: parsed[c][good] for c in NUMBER_COLUMNS if c in parsed},
        }
    )
    kept = int(good.sum())
    population = population_from_frame(table, filename)
    return ImportOutcome(
        population, tuple(problems), tuple(cols.personal), kept, bad_rows, mode, filename, encoding, lang, not_listed
    )


@dataclass(frozen=True)
class _Found:
    """One check's failing rows (mask over the data rows) with what to say about them."""

    mask: np.ndarray
    column: str
    kind: str
    allowed: str
    other: np.ndarray | str
    show_value: bool


def _lookup(values: pd.Series, table: dict[str, str]) -> pd.Series:
    """Exact match in ``table`` first, then ASCII-case-folded (for English aliases); NaN when neither."""
    found = values.map(table)
    missing = found.isna().to_numpy()
    if missing.any():
        found[missing] = values[missing].str.casefold().map(table).to_numpy()
    return found


def _looks_personal(ids: pd.Series) -> np.ndarray:
    """Household ids that are ID-card numbers (birth date 1900 on and check digit valid) or mobile numbers.

    Both checks together keep codes built from administrative-division numbers (户编码) from being mistaken.
    """
    mobile = ids.str.fullmatch(_MOBILE_RE).to_numpy(bool)
    card = ids.str.fullmatch(_ID_CARD_RE).to_numpy(bool).copy()
    if card.any():
        text = ids[card].str.upper()
        born = pd.to_datetime(text.str.slice(6, 14), format="%Y%m%d", errors="coerce")
        plausible = (born.dt.year >= 1900).to_numpy(bool)
        digits = text.to_numpy(str).astype("U18").view("U1").reshape(-1, 18)
        body = digits[:, :17].astype(np.int64)
        expected = np.array(list("10X98765432"))[(body * _ID_CARD_WEIGHTS).sum(axis=1) % 11]
        card[np.flatnonzero(card)] = plausible & (expected == digits[:, 17])
    return mobile | card


_ID_CARD_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])


def _expand(
    found: list[_Found], frame: pd.DataFrame, excel_rows: np.ndarray, cols: _Columns
) -> tuple[list[RowProblem], int]:
    """The first :data:`MAX_PROBLEMS_KEPT` problems by row, then by the file's column order, and how many more.

    Selected on arrays before any problem object is built: a 3 MB file of 100,000 bad rows has 1.5 million bad
    cells, which as objects would take gigabytes.
    """
    order = {c: i for i, c in enumerate(frame.columns)}
    positions = [np.flatnonzero(f.mask) for f in found]
    if not positions:
        return [], 0
    index = np.concatenate(positions)
    check = np.concatenate([np.full(len(p), j) for j, p in enumerate(positions)])
    column_order = np.concatenate(
        [np.full(len(p), order.get(f.column, -1)) for f, p in zip(found, positions, strict=True)]
    )
    chosen = np.lexsort((column_order, excel_rows[index]))[:MAX_PROBLEMS_KEPT]
    out = []
    for i, j in zip(index[chosen], check[chosen], strict=True):
        f = found[j]
        shown = _shorten(str(frame[f.column].iat[i])) if f.show_value and f.column in frame.columns else ""
        other = f.other[i] if isinstance(f.other, np.ndarray) else f.other
        out.append(RowProblem(int(excel_rows[i]), cols.written.get(f.column, ""), shown, f.kind, f.allowed, str(other)))
    return out, len(index) - len(out)


def _duplicate_rows(ids: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """For each row of a duplicated id, the first Excel rows holding that id ("2, 5, 9, …"), never all of them."""
    series = pd.Series(rows.astype(str))
    group = series.groupby(ids)
    first = series[group.cumcount().to_numpy() < DUPLICATE_ROWS_SHOWN]
    listed = first.groupby(ids[first.index.to_numpy()]).agg(", ".join)
    more = group.size() > DUPLICATE_ROWS_SHOWN
    listed[more[more].index] += ", …"
    return pd.Series(ids).map(listed).to_numpy(object)


def _shorten(value: str, limit: int = VALUE_SHOWN_CHARS) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


def load_household_file(path: str | Path, lang: str = "zh") -> Population:
    """The population in a household file, strict mode; raises :class:`HouseholdFileRefused` with the report."""
    outcome = read_household_file(path, mode="strict", lang=lang)
    if outcome.population is None:
        raise HouseholdFileRefused(outcome, lang)
    return outcome.population
