"""The synthetic Yunnan province: sixteen prefectures, 129 counties, each county's households built where it runs.

Each prefecture is a :class:`Region` (its counties, their calibrated households and villages, and a
``programme_scale`` = its households / Qujing's calibrated households, so a Qujing scenario's city-wide amounts
scale to the prefecture; Qujing's own scale is exactly 1). The province's people (7.957 million) are shared among
counties by the rule in ``parameters/province.toml``; Qujing's nine counties keep their calibration, so Qujing
inside the province is exactly the embedded default population.

The province is never built whole: a :class:`CountyRef` (small, picklable) names one county with its region and
its generator spec, and :meth:`CountyRef.load` builds that county's households on whichever process needs them —
the same households everywhere, since the generator depends on the seed and the county's name only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from functools import cache

import numpy as np

from model.population.synth import (
    CountySpec,
    county_frame,
    county_specs,
    qujing_counties,
    qujing_region,
    region_frame,
    region_of,
)
from model.population.table import Population, Region, population_from_frame
from model.schema import calibration as cal
from model.schema import province as prov

COUNTY_LABEL = "{province}合成人口·{prefecture}{county}（{year}年校准）/ Synthetic {province_en} county ({year})"
MIN_COUNTY_HOUSEHOLDS = 20  # a miniature province keeps at least this many households per county


@dataclass(frozen=True, eq=False)
class Province:
    """Prefectures (regions) and the generator spec of every county, in the file's order."""

    name: str
    prefectures: tuple[Region, ...]
    counties: tuple[tuple[CountySpec, ...], ...]  # per prefecture, in the region's county order

    @property
    def n_counties(self) -> int:
        """County-level divisions in the province."""
        return sum(len(c) for c in self.counties)

    @property
    def households(self) -> int:
        """Households in the province."""
        return sum(s.households for specs in self.counties for s in specs)

    def county_refs(self, base_year: int = 2022) -> tuple[CountyRef, ...]:
        """One reference per county, prefecture by prefecture."""
        return tuple(
            CountyRef(region, spec, base_year, self.name)
            for region, specs in zip(self.prefectures, self.counties, strict=True)
            for spec in specs
        )

    def miniature(self, share: float) -> Province:
        """The same province with every county's households (and so every programme) times ``share``.

        For tests and quick looks: each type's count is rounded, a county keeps at least
        ``MIN_COUNTY_HOUSEHOLDS``; villages follow the households; income levels and names stay.
        """
        if not 0 < share <= 1:
            raise ValueError(f"share {share} must be in (0, 1]")
        per_village = cal.value("population.households_per_village")
        regions, counties = [], []
        for region, specs in zip(self.prefectures, self.counties, strict=True):
            small = []
            for s in specs:
                by_type = [round(k * share) for k in s.households_by_type]
                by_type[0] = max(by_type[0], MIN_COUNTY_HOUSEHOLDS - sum(by_type[1:]))
                villages = math.ceil(sum(by_type) / per_village)
                small.append(replace(s, households_by_type=tuple(by_type), villages=villages))
            counties.append(tuple(small))
            scale = region.programme_scale * sum(s.households for s in small) / region.calibrated_households.sum()
            regions.append(region_of(region.name, small, scale))
        return Province(self.name, tuple(regions), tuple(counties))


@dataclass(frozen=True)
class CountyRef:
    """One county of a province by reference: built on the process that simulates it."""

    region: Region
    spec: CountySpec
    base_year: int = 2022
    province: str = ""

    @property
    def county(self) -> str:
        """The county's name."""
        return self.spec.name

    @property
    def prefecture(self) -> str:
        """The county's prefecture (its region's name)."""
        return self.region.name

    def load(self) -> Population:
        """The county's households as a population of its prefecture's region (other counties empty)."""
        frame = county_frame(self.spec, self.base_year)
        label = COUNTY_LABEL.format(
            province=self.province,
            province_en=prov.name("en"),
            prefecture=self.prefecture,
            county=self.county,
            year=self.base_year,
        )
        return population_from_frame(frame, label, self.region, self.base_year)


def _largest_remainder(total: int, weights: np.ndarray) -> np.ndarray:
    """Whole numbers proportional to ``weights`` that add up to ``total`` exactly."""
    exact = total * weights / weights.sum()
    out = np.floor(exact).astype(np.int64)
    short = total - int(out.sum())
    out[np.argsort(-(exact - out), kind="stable")[:short]] += 1
    return out


def alleviated_households() -> dict[str, dict[str, int]]:
    """Poverty-alleviated households per prefecture and county (Qujing as calibrated, the rest by the split rule).

    The province's households are its people over the calibrated household size; the alleviated ones are what is
    left after the marginal and sudden-hardship households added on top (the calibrated monitored share and
    split). Outside Qujing they are shared among counties with weight ``split.former_poverty_county_weight`` for a
    former poverty county and 1 for another (province.toml).
    """
    split = cal.value("population.monitored_type_split")
    added = cal.value("population.monitored_share_of_people") * (split["marginal"] + split["sudden_hardship"])
    households = prov.value("province.people") / cal.value("population.people_per_household")
    qujing = {s.name: s.households_by_type[0] + s.households_by_type[1] for s in qujing_counties()}
    rest = round(households * (1 - added)) - sum(qujing.values())
    weight = prov.value("split.former_poverty_county_weight")
    others = [(p, c) for p in prov.prefectures() if p.name != qujing_region().name for c in p.counties]
    weights = np.array([weight if c in p.former_poverty else 1.0 for p, c in others])
    counts = _largest_remainder(rest, weights)
    out: dict[str, dict[str, int]] = {p.name: {} for p in prov.prefectures()}
    out[qujing_region().name] = qujing
    for (p, c), n in zip(others, counts, strict=True):
        out[p.name][c] = int(n)
    return out


@cache
def yunnan() -> Province:
    """The synthetic Yunnan province of ``parameters/province.toml`` and ``calibration.toml``."""
    alleviated = alleviated_households()
    qujing_households = qujing_region().calibrated_households.sum()
    regions, counties = [], []
    for p in prov.prefectures():
        if p.name == qujing_region().name:
            specs, region = qujing_counties(), qujing_region()
        else:
            specs = county_specs({c: alleviated[p.name][c] for c in p.counties}, p.former_poverty)
            region = region_of(p.name, specs, sum(s.households for s in specs) / qujing_households)
        regions.append(region)
        counties.append(specs)
    return Province(prov.name("zh"), tuple(regions), tuple(counties))


def prefecture_population(province: Province, prefecture: str, base_year: int = 2022) -> Population:
    """One prefecture's households built whole in this process (tests; a province run never does this)."""
    i = [r.name for r in province.prefectures].index(prefecture)
    frame = region_frame(province.counties[i], base_year)
    return population_from_frame(frame, prefecture, province.prefectures[i], base_year)
