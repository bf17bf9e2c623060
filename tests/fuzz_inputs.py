"""Hypothesis strategies for hostile input at the three entrances: scenario files, share links, household tables.

Shared by the fuzz tests (a bounded, derandomized sample in CI) and ``bench/bench_fuzz.py`` (≥ 10,000 cases per
entrance). Each strategy mixes random bytes, mutations of real inputs (the shipped scenarios, the page's links, the
import template) and structured inputs built from the schema with hostile values, so most cases get past the first
check and reach the parser, the validator and the row checks.
"""

from __future__ import annotations

import base64
import io
import json
import tomllib
import zlib
from pathlib import Path

import tomli_w
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from model.io.household_files import HEADER_TABLE, PERSONAL_TABLE, template_example, template_headers
from model.io.spreadsheet import xlsx_text
from model.schema import fieldspec

ROOT = Path(__file__).resolve().parent.parent
SHIPPED_FILES = tuple(sorted((ROOT / "scenarios").glob("*.toml")))
PATHS = tuple(f.path for f in fieldspec.fields())
SECTIONS = tuple(s.name for s in fieldspec.sections())

CI = settings(
    derandomize=True,  # the same cases on every run: the suite cannot flake
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)

# Fragments that broke parsers, validators or spreadsheets somewhere, mixed into real inputs.
NASTY = (
    "[",
    "]",
    "{",
    "}",
    "{a = ",
    "[[",
    "]]",
    '"',
    "'",
    '"""',
    "'''",
    "\\",
    "#",
    "\n",
    "\r",
    "\t",
    "=",
    ".",
    ",",
    "nan",
    "inf",
    "-inf",
    "NaN",
    "Infinity",
    "1e308",
    "1e999",
    "-1e308",
    "1e-320",
    "0x" + "f" * 40,
    "9" * 40,
    "9" * 5000,
    "１２３",
    "٣",
    "\x00",
    "\ufeff",
    "＝",
    '=HYPERLINK("http://x"&A1)',
    "![t](http://127.0.0.1:9/b.png)",
    "**b**",
    "<script>",
    "true",
    "false",
    "1979-05-27T07:32:00Z",
    "schema_version = 1\n",
    "[funds]\n",
    "[a.a.a.a.a.a.a.a]\n",
)
NASTY_CELLS = (
    "",
    " ",
    "0",
    "1",
    "4",
    "2.5",
    "-1",
    "1,234",
    "１２３",
    "1e308",
    "1e307",
    "1e300",
    "1e-300",
    "1e999",
    "nan",
    "inf",
    "-inf",
    "是",
    "否",
    "Y",
    "麒麟区",
    "qilin",
    "昆明市",
    "脱贫户",
    "=cmd|' /C calc'!A0",
    "+1+1",
    "@SUM(A1)",
    "\t=1",
    '"',
    "a,b",
    "a\nb",
    "a\rb",
    "11010519491231002X",
    "13987654321",
    "x" * 300,
    "\x00",
)


def _mutate(raw: bytes, draw) -> bytes:
    """A few edits of ``raw``: cut, insert a nasty fragment, delete, repeat or flip a byte.

    The draws never depend on ``raw``'s length, so a strategy stays replayable when ``raw`` differs slightly
    between runs (openpyxl stamps the time into every workbook).
    """
    for _ in range(draw(st.integers(1, 4))):
        if not raw:
            raw = draw(st.sampled_from(NASTY)).encode("utf-8")
            continue
        at = draw(st.integers(0, 2**24)) % (len(raw) + 1)  # not bounded by len(raw): an XLSX's length varies
        how = draw(st.sampled_from(("cut", "insert", "delete", "repeat", "flip")))
        if how == "cut":
            raw = raw[:at]
        elif how == "insert":
            fragment = draw(st.sampled_from(NASTY)) * draw(st.sampled_from((1, 2, 9, 50, 3000)))
            raw = raw[:at] + fragment.encode("utf-8") + raw[at:]
        elif how == "delete":
            raw = raw[:at] + raw[at + draw(st.integers(1, 200)) :]
        elif how == "repeat":
            raw = raw[:at] + raw[at : at + 80] * draw(st.integers(2, 50)) + raw[at:]
        elif at < len(raw):
            raw = raw[:at] + bytes([raw[at] ^ draw(st.integers(1, 255))]) + raw[at + 1 :]
    return raw


_SCALARS = st.one_of(
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.text(max_size=100),
    st.sampled_from(NASTY),
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=8,
)


@st.composite
def _structured(draw) -> dict:
    """A mapping shaped like a scenario, with hostile values and keys."""
    data: dict = {}
    if draw(st.booleans()):
        data["schema_version"] = draw(st.one_of(st.integers(-3, 3), _SCALARS))
    for path in draw(st.lists(st.sampled_from(PATHS), max_size=6)):
        section, name = path.split(".")
        data.setdefault(section, {})[name] = draw(_VALUES)
    for key in draw(st.lists(st.one_of(st.sampled_from((*SECTIONS, "name", "description")), st.text(max_size=20)))):
        data[key] = draw(_VALUES)
    return data


def _toml(data: dict) -> bytes | None:
    try:
        return tomli_w.dumps(data).encode("utf-8")
    except (TypeError, ValueError):  # None, NaN keys and the like have no TOML form
        return None


@st.composite
def scenario_files(draw) -> tuple[str, bytes]:
    """(file name, bytes) of a hostile scenario upload, TOML or JSON."""
    kind = draw(st.sampled_from(("bytes", "text", "mutated", "toml", "json", "deep")))
    name = draw(st.sampled_from(("s.toml", "s.json", "S.JSON", "s.txt")))
    if kind == "bytes":
        return name, draw(st.binary(max_size=3000))
    if kind == "text":
        return name, draw(st.text(max_size=600)).encode("utf-8")
    if kind == "mutated":
        source = draw(st.sampled_from(SHIPPED_FILES)).read_bytes()
        if name.lower().endswith(".json"):
            source = json.dumps(tomllib.loads(source.decode())).encode()
        return name, _mutate(source, draw)
    if kind == "deep":
        opener, closer = draw(st.sampled_from((("[", "]"), ("{a=", "}"), ('{"a":', "}"), ("[{", "}]"))))
        n = draw(st.sampled_from((1, 7, 8, 9, 100, 999, 1001, 5000, 100_000)))
        tail = closer * draw(st.sampled_from((0, n, n - 1)))
        return name, f"x = {opener * n}1{tail}".encode()
    data = draw(_structured())
    if kind == "toml":
        raw = _toml(data)
        return "s.toml", raw if raw is not None else json.dumps(data, default=str).encode()
    return "s.json", json.dumps(data, default=str).encode()


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


@st.composite
def link_params(draw) -> dict[str, str]:
    """The query parameters of a hostile share link: old one-scenario form, comparison form, or noise."""
    kind = draw(st.sampled_from(("old", "comparison", "payload", "noise")))
    text = st.one_of(st.text(max_size=60), st.sampled_from(NASTY))
    if kind == "old":
        keys = st.one_of(st.sampled_from((*PATHS, "base", "name", "description", "lang")), st.text(max_size=30))
        return draw(st.dictionaries(keys, text, max_size=8))
    if kind == "noise":
        return {"compare": draw(st.one_of(text, st.text(alphabet="1z.-_=ABCxyz09+/", max_size=200)))}
    if kind == "payload":
        raw = draw(st.binary(max_size=400))
    else:
        slots = draw(
            st.lists(
                st.fixed_dictionaries(
                    {
                        "base": st.one_of(st.sampled_from(("baseline", "notice_2023", "policy_floor")), text),
                        "changes": st.dictionaries(st.one_of(st.sampled_from(PATHS), text), _VALUES, max_size=4),
                    }
                ),
                max_size=5,
            )
        )
        content = {"active": draw(st.one_of(st.integers(-2, 5), _SCALARS)), "slots": slots}
        raw = _mutate(json.dumps(content, default=str).encode(), draw) if draw(st.booleans()) else b""
        raw = raw or json.dumps(content, default=str).encode()
    deflate = draw(st.booleans())
    return {"compare": ("1z." + _b64(zlib.compress(raw))) if deflate else ("1." + _b64(raw))}


_HEADERS = (*template_headers(), *(aliases[0] for _, aliases in HEADER_TABLE.values()), *PERSONAL_TABLE["keywords"])


@st.composite
def _grid(draw) -> list[list[object]]:
    """A header row and data rows: mostly the template's columns, cells valid or hostile."""
    header = list(template_headers())
    for _ in range(draw(st.integers(0, 3))):
        edit = draw(st.sampled_from(("drop", "add", "swap")))
        at = draw(st.integers(0, max(len(header) - 1, 0)))
        if edit == "drop" and header:
            header.pop(at)
        elif edit == "add":
            header.insert(at, draw(st.one_of(st.sampled_from(_HEADERS), st.sampled_from(NASTY_CELLS))))
        elif len(header) > 1:
            header[at], header[-1] = header[-1], header[at]
    example = template_example()
    rows = []
    for i in range(draw(st.integers(0, 12))):
        row: list[object] = []
        for column in header:
            if draw(st.integers(0, 19)) == 0:
                row.append(draw(st.one_of(st.sampled_from(NASTY_CELLS), st.text(max_size=12), st.floats())))
            else:
                row.append(f"H{i}" if column == template_headers()[0] else example.get(column, "1"))
        rows.append(row[: draw(st.sampled_from((len(row), len(row), max(len(row) - 1, 0))))])
    return [header, *rows]


def _csv(grid: list[list[object]], delimiter: str) -> str:
    def cell(value: object) -> str:
        text = str(value)
        return '"' + text.replace('"', '""') + '"' if any(c in text for c in f'"\n\r{delimiter}') else text

    return "\n".join(delimiter.join(cell(v) for v in row) for row in grid) + "\n"


def _xlsx(grid: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in grid:
        sheet.append([v if isinstance(v, int | float) and v == v else xlsx_text(str(v)) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@st.composite
def household_files(draw, xlsx: bool = True) -> tuple[str, bytes]:
    """(file name, bytes) of a hostile household upload: CSV (UTF-8, GB18030, tab-separated), XLSX or noise."""
    kinds = ("csv", "csv", "tsv", "mutated_csv", "bytes") + (("xlsx", "mutated_xlsx") if xlsx else ())
    kind = draw(st.sampled_from(kinds))
    if kind == "bytes":
        return draw(st.sampled_from(("h.csv", "h.xlsx", "h.txt", "h.xls"))), draw(st.binary(max_size=2000))
    grid = draw(_grid())
    if kind in ("xlsx", "mutated_xlsx"):
        raw = _xlsx(grid)
        return "h.xlsx", _mutate(raw, draw) if kind == "mutated_xlsx" else raw
    text = _csv(grid, "\t" if kind == "tsv" else ",")
    raw = text.encode(draw(st.sampled_from(("utf-8", "utf-8-sig", "gb18030"))), "replace")
    return ("h.txt" if kind == "tsv" else "h.csv"), _mutate(raw, draw) if kind == "mutated_csv" else raw
