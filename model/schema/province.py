"""The province's structure with its provenance, read from ``parameters/province.toml``.

Prefectures and their counties, which counties are former poverty counties, the province's people and the rule
that shares them among counties. Figures are checked like calibration.toml's (value, unit, year, source,
confidence); the household counts themselves are worked out in :mod:`model.population.province`.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from model.schema.calibration import CalibrationError, Figure, read_figures

PROVINCE_PATH = Path(__file__).resolve().parents[1] / "parameters" / "province.toml"
FIGURE_GROUPS = ("province", "split", "prefectures", "former_poverty")


@dataclass(frozen=True)
class PrefectureSpec:
    """One prefecture-level division: its county-level divisions in code order and its former poverty counties."""

    name: str
    counties: tuple[str, ...]
    former_poverty: frozenset[str]


@cache
def _raw(path: Path = PROVINCE_PATH) -> dict[str, Any]:
    with path.open("rb") as fh:
        return tomllib.load(fh)


@cache
def figures(path: Path = PROVINCE_PATH) -> dict[str, Figure]:
    """Every figure keyed by dotted name, e.g. ``province.people`` or ``prefectures.昆明市``."""
    return read_figures(path, _raw(path), FIGURE_GROUPS)


def value(key: str) -> Any:
    """The value of one figure."""
    return figures()[key].value


def name(lang: str = "zh") -> str:
    """The province's name in ``lang``."""
    raw = _raw()
    return raw["name"] if lang == "zh" else raw["name_en"]


@cache
def prefectures(path: Path = PROVINCE_PATH) -> tuple[PrefectureSpec, ...]:
    """Every prefecture in file order, checked: county names unique in the province, former poverty ones among them."""
    figs = figures(path)
    out, seen = [], set()
    for key, figure in figs.items():
        if not key.startswith("prefectures."):
            continue
        prefecture = key.split(".", 1)[1]
        counties = tuple(figure.value)
        former = figs.get(f"former_poverty.{prefecture}")
        if former is None:
            raise CalibrationError(f"{path.name}: former_poverty.{prefecture} is missing")
        unknown = sorted(set(former.value) - set(counties))
        repeated = sorted(set(counties) & seen) + sorted({c for c in counties if counties.count(c) > 1})
        if unknown or repeated:
            raise CalibrationError(
                f"{path.name}: {prefecture}: former poverty counties not among its counties {unknown}, "
                f"county names repeated {repeated}"
            )
        seen.update(counties)
        out.append(PrefectureSpec(prefecture, counties, frozenset(former.value)))
    return tuple(out)
