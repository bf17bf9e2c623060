"""The scenario's fields as data, read once from ``parameters/scenario_fields.toml``.

The page, the validator, the file writer and the docs all read the same :class:`FieldSpec` objects, so a unit,
a range or a label is written down exactly once.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

SPEC_PATH = Path(__file__).resolve().parents[1] / "parameters" / "scenario_fields.toml"

COUNTIES: tuple[str, ...] = ("麒麟区", "沾益区", "马龙区", "宣威市", "富源县", "罗平县", "师宗县", "陆良县", "会泽县")
COUNTY_NAMES_EN: dict[str, str] = {
    "麒麟区": "Qilin",
    "沾益区": "Zhanyi",
    "马龙区": "Malong",
    "宣威市": "Xuanwei",
    "富源县": "Fuyuan",
    "罗平县": "Luoping",
    "师宗县": "Shizong",
    "陆良县": "Luliang",
    "会泽县": "Huize",
}


@dataclass(frozen=True)
class FieldSpec:
    """One scenario field: where it lives, what it means and what values it may take."""

    section: str
    name: str
    type: str
    default: Any
    unit: str
    label_zh: str
    label_en: str
    kind: str
    min: Any = None
    max: Any = None
    step: float | None = None
    notice_id: str | None = None
    floor: float | None = None
    target: float | None = None
    source: str | None = None
    confidence: str | None = None
    spread: dict | None = None

    @property
    def drawn(self) -> bool:
        """True for an assumption that is drawn per Monte Carlo draw (it has a spread)."""
        return self.spread is not None

    @property
    def path(self) -> str:
        """Dotted path as used in messages and share links, e.g. ``funds.industry_share_central``."""
        return f"{self.section}.{self.name}"

    def label(self, lang: str) -> str:
        """The one-line label in ``lang`` ("zh" or "en")."""
        return self.label_zh if lang == "zh" else self.label_en

    def allowed(self) -> str:
        """The allowed range as text, the same in both languages."""
        if self.type == "bool":
            return "true / false"
        if self.type == "county_shares":
            return "0–1"
        return f"{_fmt(self.min)} – {_fmt(self.max)}"


@dataclass(frozen=True)
class SectionSpec:
    """A group of fields; ``channel`` names the notice's channel the page groups it under."""

    name: str
    label_zh: str
    label_en: str
    channel: str

    def label(self, lang: str) -> str:
        """The section's label in ``lang``."""
        return self.label_zh if lang == "zh" else self.label_en


def _fmt(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


@cache
def _raw() -> dict[str, Any]:
    with SPEC_PATH.open("rb") as fh:
        return tomllib.load(fh)


@cache
def schema_version() -> int:
    """The schema version this code writes and reads."""
    return int(_raw()["schema_version"])


@dataclass(frozen=True)
class WorkBudget:
    """The most work one request may ask for (``[budget]`` in the field table)."""

    max_household_draw_quarters: int
    max_household_draws: int


@cache
def budget() -> WorkBudget:
    """The work budget per request."""
    return WorkBudget(**_raw()["budget"])


@cache
def sections() -> tuple[SectionSpec, ...]:
    """Every section in file order."""
    return tuple(SectionSpec(name=k, **v) for k, v in _raw()["sections"].items())


@cache
def fields() -> tuple[FieldSpec, ...]:
    """Every field in file order."""
    out = []
    for section, members in _raw()["fields"].items():
        for name, spec in members.items():
            spec = dict(spec)
            notice = spec.pop("notice", {}) or {}
            fitted = spec.pop("default_from", None)
            if fitted is not None:
                spec["default"] = _fitted(fitted).value
            spread = spec.get("spread")
            if spread and "sd_from" in spread:
                spec["spread"] = {"kind": spread["kind"], "sd": _fitted(spread["sd_from"]).sd}
            out.append(
                FieldSpec(
                    section=section,
                    name=name,
                    notice_id=notice.get("id"),
                    floor=notice.get("floor"),
                    target=notice.get("target"),
                    **spec,
                )
            )
    return tuple(out)


def _fitted(key: str):
    """A fitted figure of the calibration file (imported here: the calibration never imports the field table)."""
    from model.schema import calibration

    return calibration.figures()[key]


@cache
def by_path() -> dict[str, FieldSpec]:
    """Fields keyed by dotted path."""
    return {f.path: f for f in fields()}


def section_fields(section: str) -> tuple[FieldSpec, ...]:
    """The fields of one section, in file order."""
    return tuple(f for f in fields() if f.section == section)
