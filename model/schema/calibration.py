"""Calibration figures with their provenance, read from ``parameters/calibration.toml``."""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

CALIBRATION_PATH = Path(__file__).resolve().parents[1] / "parameters" / "calibration.toml"
REQUIRED_KEYS = ("value", "unit", "year", "source", "confidence")


@dataclass(frozen=True)
class Figure:
    """One calibration figure: the value and where it comes from."""

    key: str
    value: Any
    unit: str
    year: str
    source: str
    confidence: str
    assumption: bool = False
    note: str = ""
    sd: float | None = None  # fitted and derived figures: the standard deviation of the value
    half_width: float | None = None  # elicited figures: the half width of their symmetric range
    low: Any = None  # elicited figures: the ends of their range (a composite figure: two whole alternative values)
    high: Any = None

    @property
    def stated_range(self) -> tuple[Any, Any] | None:
        """The ends of the figure's stated range (``half_width`` or ``low``/``high``); None: none stated."""
        if self.half_width is not None:
            return self.value - self.half_width, self.value + self.half_width
        if self.low is not None and self.high is not None:
            return self.low, self.high
        return None


class CalibrationError(ValueError):
    """The calibration file is broken; the message names the key."""


def read_figures(path: Path, raw: dict[str, Any], groups: tuple[str, ...]) -> dict[str, Figure]:
    """The figures of ``groups`` (tables of ``raw``, read from ``path``), each checked for its provenance keys."""
    out: dict[str, Figure] = {}
    for group in groups:
        for name, entry in raw.get(group, {}).items():
            key = f"{group}.{name}"
            missing = [k for k in REQUIRED_KEYS if k not in entry]
            if missing:
                raise CalibrationError(f"{path.name}: {key} lacks {', '.join(missing)}")
            if entry["confidence"] not in ("H", "M", "L"):
                raise CalibrationError(f"{path.name}: {key} confidence must be H, M or L")
            extra = {k: entry.get(k) for k in ("sd", "half_width", "low", "high")}
            out[key] = Figure(key=key, **{k: v for k, v in entry.items() if k not in extra}, **extra)
    return out


@cache
def figures(path: Path = CALIBRATION_PATH) -> dict[str, Figure]:
    """Every figure keyed by dotted name, e.g. ``income.per_capita_net_2022``."""
    with path.open("rb") as fh:
        raw = tomllib.load(fh)
    return read_figures(path, raw, ("population", "income", "programmes_2022", "programmes_2021", "fitted"))


def value(key: str) -> Any:
    """The value of one figure."""
    return figures()[key].value


def programmes(year: int) -> dict[str, float]:
    """Every programme's level in a base year (``[programmes_<year>]``), keyed by name."""
    prefix = f"programmes_{year}."
    out = {k[len(prefix) :]: f.value for k, f in figures().items() if k.startswith(prefix)}
    if not out:
        raise CalibrationError(
            f"{CALIBRATION_PATH.name}: no [programmes_{year}] table (known base years: {base_years()})"
        )
    return out


def base_years() -> tuple[int, ...]:
    """The years whose programme levels are calibrated, i.e. the years a simulation may start from."""
    return tuple(sorted({int(k.split(".")[0].split("_")[1]) for k in figures() if k.startswith("programmes_")}))


def income_components(year: int) -> dict[str, float]:
    """Per-capita income by component in a base year (yuan per capita per year)."""
    return dict(value(f"income.components_{year}"))


def content_hash() -> str:
    """A short hash of the calibration and field files: results cached on disk are stale when it changes."""
    digest = hashlib.sha256()
    for path in sorted(CALIBRATION_PATH.parent.glob("*.toml")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@cache
def generator_seed() -> int:
    """The seed the embedded population is generated from."""
    with CALIBRATION_PATH.open("rb") as fh:
        return int(tomllib.load(fh)["generator"]["seed"])


def seasonality(component: str) -> tuple[float, float, float, float]:
    """Share of a component's annual amount arriving in Q1..Q4."""
    shares = tuple(float(x) for x in value("income.seasonality")[component])
    return shares  # type: ignore[return-value]
