"""The validated, frozen scenario and its TOML / JSON files.

The scenario type is built from the field table in :mod:`model.fieldspec`; validation is done by pydantic in
strict mode (no bool for a number, no text for a number, no NaN), and every refusal is turned into a
:class:`ScenarioError` whose lines name the field, the value and the allowed range in Chinese or English.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomli_w
from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model, field_validator, model_validator

from model.schema import fieldspec, guard
from model.schema.fieldspec import COUNTIES, FieldSpec
from model.schema.guard import InputRefused, shorten
from model.schema.migrate import migrate

QUARTER_RE = re.compile(r"^(\d{4})Q([1-4])$")
MAX_NAME = 80
MAX_DESCRIPTION = 2_000
MAX_FILE_BYTES = 1024 * 1024  # scenario files are ~6 kB; refused before decoding beyond this
MAX_PROBLEMS_SHOWN = 12  # a message lists at most this many problems, then says how many more
# Top-level keys outside the field table: (type, allowed values as text, the same in both languages).
_TOP_LEVEL = {
    "schema_version": ("int", f"1 – {fieldspec.schema_version()}"),
    "name": ("str", f"≤ {MAX_NAME} characters"),
    "description": ("str", f"≤ {MAX_DESCRIPTION:,} characters"),
}
LINK_MODE_FIELDS = (
    "share_industry_participation",
    "share_land_transfer",
    "share_contract_planting",
    "share_contract_raising",
)
INDUSTRY_SPLIT_FIELDS = ("household_support_share", "collective_assets_share", "infrastructure_share")
# Sections whose listed shares must add up to 1, with how the message names them.
SHARE_GROUPS: dict[str, tuple[tuple[str, ...], str, str]] = {
    "linking": (LINK_MODE_FIELDS, "四种联结方式占比", "the four linking shares"),
    "industry": (INDUSTRY_SPLIT_FIELDS, "产业资金三类用途占比", "the three uses of industry funds"),
}


def quarter_index(text: str) -> int:
    """``"2023Q1"`` → 2023 * 4 + 0: an integer that orders quarters."""
    m = QUARTER_RE.match(text)
    if not m:
        raise ValueError(text)
    return int(m.group(1)) * 4 + int(m.group(2)) - 1


def quarter_label(index: int) -> str:
    """Inverse of :func:`quarter_index`."""
    return f"{index // 4}Q{index % 4 + 1}"


# --------------------------------------------------------------------------------------------- errors
@dataclass(frozen=True)
class Problem:
    """One reason a scenario was refused."""

    field: str
    value: Any
    kind: str
    detail: str = ""

    def message(self, lang: str = "zh") -> str:
        """The problem as one line in ``lang``; the field and the value are shown at most 60 characters long."""
        spec = fieldspec.by_path().get(self.field)
        field = shorten(self.field)
        label = f"{field}（{spec.label(lang)}）" if spec and lang == "zh" else field
        if spec and lang != "zh":
            label = f"{field} ({spec.label_en})"
        value = _show(self.value)
        unit = (f"（{spec.unit}）" if zh_lang(lang) else f" ({spec.unit})") if spec else ""
        allowed = spec.allowed() if spec else _TOP_LEVEL.get(self.field, ("", ""))[1]
        kind = spec.type if spec else _TOP_LEVEL.get(self.field, ("", ""))[0]
        zh = lang == "zh"
        if self.kind == "unknown":
            return (
                f"未知字段 {field}（不在方案格式中，请检查拼写）"
                if zh
                else (f"unknown field {field} (not part of the scenario format; check the spelling)")
            )
        if self.kind == "missing":
            return (
                f"缺少 {field}（应为 {allowed}）：文件可能为空、被截断或不是方案文件"
                if zh
                else f"{field} is missing (expected {allowed}): the file may be empty, truncated or not a scenario"
            )
        if self.kind == "range":
            return (
                f"{label} 的值 {value} 超出允许范围 {allowed}{unit}"
                if zh
                else (f"{label}: value {value} is outside the allowed range {allowed}{unit}")
            )
        if self.kind == "type":
            return (
                f"{label} 的值 {value} 类型不对，应为{_type_zh(kind)}"
                if zh
                else (f"{label}: value {value} has the wrong type, expected {_type_en(kind)}")
            )
        if self.kind == "version":
            return (
                f"方案文件的格式版本 {value} 比本软件支持的版本 {fieldspec.schema_version()} 新，请升级软件"
                if zh
                else f"the file's schema_version {value} is newer than this program's "
                f"{fieldspec.schema_version()}: update the program"
            )
        zh_detail, _, en_detail = self.detail.partition("|")
        if self.kind == "syntax":
            return f"文件无法读取：{zh_detail}" if zh else f"the file cannot be read: {en_detail or zh_detail}"
        return f"{label}：{zh_detail}" if zh else f"{label}: {en_detail or zh_detail}"


class ScenarioError(ValueError):
    """A scenario file or value was refused; ``problems`` says why, field by field."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(self.message("en"))

    def message(self, lang: str = "zh") -> str:
        """The problems, one per line, in ``lang`` (at most :data:`MAX_PROBLEMS_SHOWN`, then how many more)."""
        lines = [p.message(lang) for p in self.problems[:MAX_PROBLEMS_SHOWN]]
        rest = len(self.problems) - MAX_PROBLEMS_SHOWN
        if rest > 0:
            lines.append(f"……另有 {rest:,} 个问题" if lang == "zh" else f"... and {rest:,} more problems")
        return "\n".join(lines)

    @classmethod
    def from_refusal(cls, refusal: InputRefused, field: str = "(file)") -> ScenarioError:
        """A text refused by :mod:`model.schema.guard` as a scenario refusal."""
        return cls([Problem(field, None, "syntax", f"{refusal.zh}|{refusal.en}")])


def zh_lang(lang: str) -> bool:
    """True when messages should be in Chinese."""
    return lang == "zh"


def _show(value: Any) -> str:
    """A value as a message quotes it: JSON-like, at most 60 characters."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int) and value.bit_length() > 128:  # str() of a huge integer is slow or refused
        return f"{'-' if value < 0 else ''}≈2^{value.bit_length() - 1}"
    if isinstance(value, str):
        return shorten(json.dumps(shorten(value), ensure_ascii=False))
    if isinstance(value, dict | list):
        return shorten(json.dumps(value, ensure_ascii=False, default=str))
    return shorten(str(value))


def _type_zh(kind: str) -> str:
    names = {"float": "数字", "int": "整数", "bool": "true 或 false", "quarter": '季度，如 "2023Q4"', "str": "文本"}
    return names.get(kind, "表（county = 比例）")


def _type_en(kind: str) -> str:
    names = {
        "float": "a number",
        "int": "a whole number",
        "bool": "true or false",
        "quarter": 'a quarter such as "2023Q4"',
        "str": "text",
    }
    return names.get(kind, "a table of county = share")


# ---------------------------------------------------------------------------------------- the models
_CONFIG = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)


def _python_type(spec: FieldSpec) -> Any:
    return {"float": float, "int": int, "bool": bool, "quarter": str, "str": str}.get(spec.type, dict[str, float])


def _field(spec: FieldSpec) -> Any:
    kwargs: dict[str, Any] = {"description": f"{spec.label_en} [{spec.unit}]"}
    if spec.type in ("float", "int"):
        kwargs.update(ge=spec.min, le=spec.max)
    if spec.type == "county_shares":
        return Field(default_factory=dict, **kwargs)
    default = float(spec.default) if spec.type == "float" else spec.default
    return Field(default=default, **kwargs)


def _quarter_validator(section_specs: tuple[FieldSpec, ...]):
    names = [s.name for s in section_specs if s.type == "quarter"]
    if not names:
        return {}

    def check(cls, value: str, info):
        spec = fieldspec.by_path()[f"{cls.__name__}.{info.field_name}"]
        if not QUARTER_RE.match(value):
            raise ValueError("type")
        if not quarter_index(spec.min) <= quarter_index(value) <= quarter_index(spec.max):
            raise ValueError("range")
        return value

    return {"quarters": field_validator(*names)(check)}


def _county_shares_validator(section_specs: tuple[FieldSpec, ...]):
    if not any(s.type == "county_shares" for s in section_specs):
        return {}

    def check(cls, value: dict[str, float]):
        unknown = [k for k in value if k not in COUNTIES]
        if unknown:
            raise ValueError(
                f"未知县（市、区）{', '.join(unknown)}；可用：{'、'.join(COUNTIES)}"
                f"|unknown county {', '.join(unknown)}; allowed: {', '.join(COUNTIES)}"
            )
        if any(not 0 <= v <= 1 for v in value.values()):
            raise ValueError("range")
        if value and abs(sum(value.values()) - 1) > 1e-6:
            raise ValueError(
                f"各县比例之和为 {sum(value.values()):.4f}，应为 1|the county shares add up to "
                f"{sum(value.values()):.4f}, they must add up to 1"
            )
        return value

    return {"county_shares_check": field_validator("county_shares")(check)}


def _whole_number_validator(section_specs: tuple[FieldSpec, ...]):
    """Whole-number fields take ``3`` and ``3.0``; ``3.5`` stays a number of the wrong type.

    Files and links written while a count (households reached, person-times) was a decimal field still load.
    """
    names = [s.name for s in section_specs if s.type == "int"]
    if not names:
        return {}

    def whole(cls, value: Any) -> Any:
        if isinstance(value, float) and value.is_integer() and abs(value) < 2**63:
            return int(value)
        return value

    return {"whole_numbers": field_validator(*names, mode="before")(whole)}


def _build_section(name: str) -> type[BaseModel]:
    specs = fieldspec.section_fields(name)
    validators = {**_quarter_validator(specs), **_county_shares_validator(specs), **_whole_number_validator(specs)}
    if name in SHARE_GROUPS:
        validators["shares_add_up"] = model_validator(mode="after")(_shares_add_up)
    if name == "simulation":
        validators["horizon_ordered"] = model_validator(mode="after")(_horizon_ordered)
    model = create_model(
        name,
        __config__=_CONFIG,
        __doc__=f"Scenario section [{name}].",
        __validators__=validators,
        **{s.name: (_python_type(s), _field(s)) for s in specs},
    )
    return model


def _shares_add_up(self):
    names, zh, en = SHARE_GROUPS[type(self).__name__]
    total = sum(getattr(self, n) for n in names)
    if abs(total - 1) > 1e-6:
        raise ValueError(f"{zh}之和为 {total:.4f}，应为 1|{en} add up to {total:.4f}, they must add up to 1")
    return self


def _horizon_ordered(self):
    if quarter_index(self.end_quarter) < quarter_index(self.start_quarter):
        raise ValueError(
            f"结束季度 {self.end_quarter} 早于起始季度 {self.start_quarter}|end_quarter {self.end_quarter} "
            f"is before start_quarter {self.start_quarter}"
        )
    return self


SECTION_MODELS: dict[str, type[BaseModel]] = {s.name: _build_section(s.name) for s in fieldspec.sections()}


class _ScenarioBase(BaseModel):
    model_config = _CONFIG

    def value(self, path: str) -> Any:
        """The value at a dotted path such as ``funds.industry_share_central``."""
        section, name = path.split(".", 1)
        return getattr(getattr(self, section), name)

    def flat(self) -> dict[str, Any]:
        """Every field by dotted path (name and description excluded)."""
        return {f.path: self.value(f.path) for f in fieldspec.fields()}

    def with_changes(self, changes: Mapping[str, Any]) -> Scenario:
        """A new validated scenario with ``changes`` (dotted path → value) applied; ``self`` is untouched."""
        data = self.model_dump()
        for path, value in changes.items():
            if path in ("name", "description"):
                data[path] = value
                continue
            section, _, name = path.partition(".")
            if section not in data or not isinstance(data[section], dict):
                raise ScenarioError([Problem(path, value, "unknown")])
            data[section][name] = value
        return scenario_from_dict(data)

    def changes_from(self, base: Scenario) -> dict[str, Any]:
        """The dotted paths whose values differ from ``base`` (for share links)."""
        mine, theirs = self.flat(), base.flat()
        return {k: v for k, v in mine.items() if v != theirs[k]}

    @property
    def quarters(self) -> list[str]:
        """The projected quarters, e.g. ``["2023Q1", ..., "2025Q4"]``."""
        a = quarter_index(self.simulation.start_quarter)
        b = quarter_index(self.simulation.end_quarter)
        return [quarter_label(i) for i in range(a, b + 1)]


Scenario = create_model(
    "Scenario",
    __base__=_ScenarioBase,
    __doc__="A complete, validated, immutable scenario: levers, planner thresholds, settings and assumptions.",
    schema_version=(int, Field(default=fieldspec.schema_version(), ge=1)),
    name=(str, Field(default="方案", max_length=MAX_NAME)),
    description=(str, Field(default="", max_length=MAX_DESCRIPTION)),
    **{name: (model, Field(default_factory=model)) for name, model in SECTION_MODELS.items()},
)


# ------------------------------------------------------------------------------------------- parsing
def scenario_from_dict(data: Mapping[str, Any], notes: list[str] | None = None) -> Scenario:
    """Validate a plain mapping (as read from TOML or JSON) into a :class:`Scenario`.

    A file of an older ``schema_version`` is migrated first; what the migration changed is appended to ``notes``
    (bilingual "zh|en" lines) when a list is given.
    """
    if not isinstance(data, Mapping):
        raise ScenarioError([Problem("(file)", None, "syntax", "顶层应为一个表|the top level must be a table")])
    try:
        guard.check_structure(dict(data))
    except InputRefused as refusal:
        raise ScenarioError.from_refusal(refusal) from None
    version = data.get("schema_version")
    if isinstance(version, int) and not isinstance(version, bool) and version > fieldspec.schema_version():
        raise ScenarioError([Problem("schema_version", version, "version")])
    problems = [] if "schema_version" in data else [Problem("schema_version", None, "missing")]
    if isinstance(version, int) and not isinstance(version, bool) and version < fieldspec.schema_version():
        data, steps = migrate(data, fieldspec.schema_version())
        if notes is not None:
            notes += steps
    try:
        scenario = Scenario.model_validate({"schema_version": fieldspec.schema_version(), **data})
    except ValidationError as exc:
        problems += _problems(exc, data)
    if problems:
        raise ScenarioError(problems)
    return scenario


def _lookup(data: Any, loc: tuple) -> Any:
    for key in loc:
        try:
            data = data[key]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _problems(exc: ValidationError, data: Mapping[str, Any]) -> list[Problem]:
    out = []
    for err in exc.errors(include_url=False):
        loc = tuple(str(x) for x in err["loc"])
        path = ".".join(loc[:2]) if loc and loc[0] in SECTION_MODELS else ".".join(loc)
        value = _lookup(data, err["loc"]) if err["type"] != "missing" else None
        etype = err["type"]
        if etype == "extra_forbidden":
            out.append(Problem(".".join(loc), value, "unknown"))
        elif etype in ("greater_than_equal", "less_than_equal", "finite_number", "greater_than", "less_than"):
            out.append(Problem(path, value, "range"))
        elif etype == "value_error":
            msg = str(err["ctx"].get("error", "")) if err.get("ctx") else ""
            kind = msg if msg in ("type", "range") else "custom"
            out.append(Problem(path if len(loc) > 1 else loc[0] if loc else "(file)", value, kind, msg))
        elif etype == "string_too_long":
            limit = (err.get("ctx") or {}).get("max_length", "?")
            out.append(
                Problem(
                    path, value, "custom", f"文本过长，最多 {limit} 个字符|text too long: at most {limit} characters"
                )
            )
        elif etype == "model_type" and len(loc) == 1 and loc[0] in SECTION_MODELS:
            out.append(Problem(loc[0], value, "custom", "应为一个表 [section]|must be a table [section]"))
        else:
            out.append(Problem(path, value, "type"))
    return out


def parse_scenario_text(text: str, fmt: str = "toml") -> Scenario:
    """Parse TOML (default) or JSON text into a validated scenario; raises only :class:`ScenarioError`.

    Nesting, numbers and strings are limited before parsing (:mod:`model.schema.guard`); an empty or
    comment-only file is refused for its missing ``schema_version``.
    """
    try:
        data = guard.load_json(text) if fmt == "json" else guard.load_toml(text)
    except InputRefused as refusal:
        raise ScenarioError.from_refusal(refusal) from None
    return scenario_from_dict(data)


def parse_scenario_bytes(raw: bytes, filename: str = "scenario.toml") -> Scenario:
    """The guarded entrance for scenario files: whatever the bytes, a scenario or a :class:`ScenarioError`.

    Size first, then UTF-8 (with or without BOM), then TOML or JSON by the file name's extension, then
    validation.
    """
    if len(raw) > MAX_FILE_BYTES:
        raise ScenarioError(
            [
                Problem(
                    "(file)",
                    None,
                    "syntax",
                    f"文件大于 {MAX_FILE_BYTES // 1024:,} KB（{len(raw):,} 字节）|larger than "
                    f"{MAX_FILE_BYTES // 1024:,} KB ({len(raw):,} bytes)",
                )
            ]
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ScenarioError(
            [
                Problem(
                    "(file)",
                    None,
                    "syntax",
                    f"不是 UTF-8 文本（第 {exc.start} 字节）|not UTF-8 text (byte {exc.start})",
                )
            ]
        ) from None
    fmt = "json" if filename.lower().endswith(".json") else "toml"
    return parse_scenario_text(text, fmt)


def load_scenario(path: str | Path) -> Scenario:
    """Read a scenario file (``.toml`` or ``.json``)."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        reason = shorten(exc.strerror or type(exc).__name__)
        raise ScenarioError(
            [Problem("(file)", str(path), "syntax", f"无法打开（{reason}）|cannot open it ({reason})")]
        ) from None
    return parse_scenario_bytes(raw, path.name)


# ------------------------------------------------------------------------------------------- writing
def dump_scenario_toml(scenario: Scenario, header: str | None = None) -> str:
    """The scenario as a commented TOML file; every field is written, with its unit, range and label."""
    lines = []
    head = header if header is not None else (scenario.description or scenario.name)
    for line in head.splitlines():
        lines.append(f"# {line}".rstrip())
    lines.append("# 曲靖市脱贫人口增收模拟方案 / Qujing household-income scenario. Units and ranges in the comments.")
    lines.append("")
    lines.append(tomli_w.dumps({"schema_version": scenario.schema_version}).strip())
    lines.append(tomli_w.dumps({"name": scenario.name}).strip())
    lines.append(tomli_w.dumps({"description": scenario.description}).strip())
    for section in fieldspec.sections():
        lines.append("")
        lines.append(f"[{section.name}]  # {section.label_zh} / {section.label_en}")
        for spec in fieldspec.section_fields(section.name):
            value = scenario.value(spec.path)
            if spec.type == "county_shares":
                continue
            text = tomli_w.dumps({spec.name: value}).strip()
            lines.append(f"{text}  # {spec.label_zh}; {spec.unit}; {spec.allowed()}")
        for spec in fieldspec.section_fields(section.name):
            if spec.type == "county_shares":
                shares = scenario.value(spec.path)
                lines.append("")
                lines.append(f"[{section.name}.{spec.name}]  # {spec.label_zh}")
                if shares:
                    lines.append(tomli_w.dumps(dict(shares)).strip())
    return "\n".join(lines) + "\n"


def dump_scenario_json(scenario: Scenario) -> str:
    """The scenario as JSON (same content as the TOML file)."""
    return json.dumps(scenario.model_dump(), ensure_ascii=False, indent=2)


def default_scenario() -> Scenario:
    """The notice's 2023 settings with default assumptions (every field at its default)."""
    return Scenario()


def is_finite_number(value: Any) -> bool:
    """True for an int or float that is not bool, NaN or infinite."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
