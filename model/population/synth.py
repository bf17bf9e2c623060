"""Synthetic households generated from ``parameters/calibration.toml``, one county at a time.

The shared piece is :func:`county_frame`: a county's households from its calibrated counts, deterministic from
the generator seed and the county's name, so a county is the same whichever worker builds it and whichever other
counties are built with it (a province is built county by county on the workers, model/population/province.py).
The embedded default population is Qujing's nine counties. Counts follow the calibrated county totals exactly;
each income component of a county is rescaled to its calibrated per-capita value of the base year times the
county's income level, so the region's person-weighted mean is the calibrated one. Household types are drawn
jointly with income, as the monitoring rules assign them: the households with the lowest income (and every
household below the monitoring line before assistance) are the monitored ones; the base year's assistance lifts
those below the line to it, as Yunnan reports for the end of 2022. The same households are generated for every
base year (2021 for the back-test, 2022 for projections); only the levels differ.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

from model.population.table import (
    HOUSEHOLD_TYPES,
    INCOME_COMPONENTS,
    Population,
    Region,
    population_from_frame,
    text_keys,
    weighted_sample,
)
from model.schema import calibration as cal
from model.schema.fieldspec import COUNTIES

DEFAULT_LABEL = "内置默认人口（合成，{year}年校准）/ Embedded default population (synthetic, calibrated to {year})"
MAX_HOUSEHOLD_SIZE = 9
REGION_NAME = "曲靖市"
RISK_NOISE_SD = 0.3  # monitoring also flags risk that income alone does not show (illness, schooling, disability)
ASSISTED_MARGIN = 1.02  # assistance lifts a household a little above the line, not exactly onto it
RESCALE_ROUNDS = 6
NON_POVERTY_COUNTY_LEVEL = 1.10


@dataclass(frozen=True)
class CountySpec:
    """One county to generate: its households by type, its villages and its income level.

    ``households_by_type`` follows :data:`HOUSEHOLD_TYPES`; ``income_level`` is the county's per-capita income
    relative to its region's person-weighted mean (each component of the county's households is calibrated to
    the region's per-capita value times this level).
    """

    name: str
    households_by_type: tuple[int, int, int, int]
    villages: int
    income_level: float = 1.0

    @property
    def households(self) -> int:
        """All households of the county."""
        return sum(self.households_by_type)


def households_by_type(alleviated: int) -> tuple[int, int, int, int]:
    """A county's households by type from its calibrated poverty-alleviated households.

    The monitored share of people and the split of the three monitored types (calibration.toml) add the marginal
    and sudden-hardship households on top; the unstable alleviated ones are counted among the alleviated.
    """
    monitored_share_people = cal.value("population.monitored_share_of_people")
    split = cal.value("population.monitored_type_split")
    total = alleviated / (1 - monitored_share_people * (split["marginal"] + split["sudden_hardship"]))
    monitored = monitored_share_people * total
    unstable = round(split["unstable_alleviated"] * monitored)
    marginal, sudden = round(split["marginal"] * monitored), round(split["sudden_hardship"] * monitored)
    return (alleviated - unstable, unstable, marginal, sudden)


def county_specs(alleviated: Mapping[str, int], former_poverty: Collection[str]) -> tuple[CountySpec, ...]:
    """The counties of one region from their poverty-alleviated households (in the mapping's order).

    Former poverty counties have per-capita income ``income.former_poverty_county_level`` and the others
    ``NON_POVERTY_COUNTY_LEVEL``, relative to each other; levels are normalised so that the region's
    household-weighted mean level is 1, so the region's person-weighted mean income is the calibrated one (to
    the randomness of household sizes, ~10⁻⁵).
    """
    per_village = cal.value("population.households_per_village")
    poor_level = cal.value("income.former_poverty_county_level")
    counts = {c: households_by_type(int(a)) for c, a in alleviated.items()}
    totals = np.array([sum(k) for k in counts.values()], dtype=float)
    levels = np.array([poor_level if c in former_poverty else NON_POVERTY_COUNTY_LEVEL for c in counts])
    mean_level = float((totals * levels).sum() / totals.sum())
    return tuple(
        CountySpec(c, k, max(1, int(np.ceil(sum(k) / per_village))), float(level / mean_level))
        for (c, k), level in zip(counts.items(), levels, strict=True)
    )


@cache
def qujing_counties() -> tuple[CountySpec, ...]:
    """Qujing's nine counties as calibrated (calibration.toml)."""
    alleviated = cal.value("population.county_households")
    return county_specs({c: alleviated[c] for c in COUNTIES}, cal.value("population.former_poverty_counties"))


@cache
def county_household_counts() -> dict[str, dict[str, int]]:
    """Households per county and type: calibrated poverty-alleviated counts plus the added monitored types."""
    return {s.name: dict(zip(HOUSEHOLD_TYPES, s.households_by_type, strict=True)) for s in qujing_counties()}


def region_of(name: str, specs: Sequence[CountySpec], programme_scale: float = 1.0) -> Region:
    """The region of ``specs``: its counties, their calibrated households and villages."""
    return Region(
        name,
        tuple(s.name for s in specs),
        np.array([s.households for s in specs], dtype=float),
        np.array([s.villages for s in specs], dtype=float),
        programme_scale,
    )


@cache
def qujing_region() -> Region:
    """Qujing's nine counties with their calibrated households and villages."""
    return region_of(REGION_NAME, qujing_counties())


def _lognormal(rng: np.random.Generator, cv: float, n: int) -> np.ndarray:
    """Mean-one lognormal draws with coefficient of variation ``cv``."""
    sigma2 = np.log1p(cv**2)
    return rng.lognormal(-sigma2 / 2, np.sqrt(sigma2), n)


def monitoring_line(year: int) -> float:
    """The monitoring line the base year's assistance lifted households to (yuan per capita per year)."""
    return float(cal.value(f"income.line_{year}_yuan"))


def _assign_types(
    rng: np.random.Generator, size: np.ndarray, per_capita: np.ndarray, assisted: np.ndarray, counts: tuple
) -> np.ndarray:
    """Household types of one county: the lowest risk scores are monitored, every assisted household among them.

    The risk score is per-capita income times a mean-one lognormal (risks income does not show), ranked within
    households of the same size, so that monitored households are as large as the others (Yunnan: 904,000 people in
    252,000 monitored households, 3.6 a household, as for all 脱贫户); households that needed assistance to reach
    the line come first whatever their score, as the monitoring rules require. Among the monitored, the calibrated
    numbers of each monitored type are drawn at random.
    """
    htype = np.empty(len(size), dtype=object)
    score = per_capita * _lognormal(rng, RISK_NOISE_SD, len(size))
    quantile = np.empty(len(size))
    for n in np.unique(size):
        idx = np.flatnonzero(size == n)
        quantile[idx] = (np.argsort(np.argsort(score[idx], kind="stable"), kind="stable") + 0.5) / len(idx)
    quantile = np.where(assisted, -1.0 / np.maximum(per_capita, 1.0), quantile)
    _, unstable, marginal, sudden = counts
    n_monitored = unstable + marginal + sudden
    order = np.argsort(quantile, kind="stable")
    monitored = rng.permutation(order[:n_monitored])
    htype[order[n_monitored:]] = HOUSEHOLD_TYPES[0]
    htype[monitored[:unstable]] = HOUSEHOLD_TYPES[1]
    htype[monitored[unstable : unstable + marginal]] = HOUSEHOLD_TYPES[2]
    htype[monitored[unstable + marginal :]] = HOUSEHOLD_TYPES[3]
    return htype


def _calibrated_incomes(
    raw: dict[str, np.ndarray], size: np.ndarray, targets: dict[str, float], line: float
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Incomes rescaled to the per-capita targets with the base year's assistance in transfer income.

    Households below the line after rescaling get a transfer lifting them to ``line`` × ASSISTED_MARGIN; the rest
    of transfer income is scaled down so that the transfer target still holds, which may push a household below:
    a few rounds settle it. Returns the incomes and the assistance per household (yuan a year, in transfer).
    """
    people = size.sum()
    scaled = {k: raw[k] * targets[k] * people / raw[k].sum() for k in INCOME_COMPONENTS}
    base_transfer = scaled["transfer"]
    assistance = np.zeros(len(size))
    others = scaled["wage"] + scaled["production"] + scaled["property"]
    for _ in range(RESCALE_ROUNDS):
        per_capita = (others + base_transfer + assistance) / size
        gap = np.maximum(line * ASSISTED_MARGIN - per_capita, 0.0) * size
        assistance = assistance + np.where(per_capita < line, gap, 0.0)
        factor = (targets["transfer"] * people - assistance.sum()) / base_transfer.sum()
        base_transfer = base_transfer * factor
    scaled["transfer"] = base_transfer + assistance
    return {k: np.round(v, 2) for k, v in scaled.items()}, assistance


def county_rng(county: str, seed: int | None = None) -> np.random.Generator:
    """The generator of one county: a function of the generator seed and the county's name only.

    So a county's households are the same whichever worker builds them and whichever other counties are built.
    """
    key = int(text_keys([county])[0])
    return np.random.default_rng(np.random.SeedSequence([cal.generator_seed() if seed is None else seed, key]))


def county_frame(spec: CountySpec, base_year: int = 2022, seed: int | None = None) -> pd.DataFrame:
    """One county's household table of ``base_year`` (documented columns of :mod:`model.population.table`).

    Deterministic from the generator seed and the county's name; household ids are ``<county>-<serial>``, unique
    across a province. ``attrs["base_year_assistance"]`` holds the base year's assistance per household (yuan a
    year in transfer income; not a table column).
    """
    rng = county_rng(spec.name, seed)
    n = spec.households
    mean_size = cal.value("population.people_per_household")
    size = np.minimum(1 + rng.poisson(mean_size - 1, n), MAX_HOUSEHOLD_SIZE)
    workers = rng.binomial(size, cal.value("population.workers_per_person"))
    village_names = np.array([f"{spec.name}第{v + 1:03d}村" for v in range(spec.villages)], dtype=object)
    village = village_names[rng.integers(0, spec.villages, n)]

    willing = rng.random(n) < cal.value("population.industry_willing_share")
    bind_u = rng.random(n)
    bound = willing & (bind_u < cal.programmes(base_year)["dual_binding_coverage"])
    borrow_p = cal.value("population.microcredit_share") / cal.value("population.industry_willing_share")
    borrower = willing & (rng.random(n) < borrow_p)
    loan_mean = cal.value("population.microcredit_average_loan")
    loan = np.where(borrower, np.clip(rng.normal(loan_mean, 3_000, n), 10_000, 50_000), 0.0)
    land = np.round(rng.gamma(1.5, cal.value("population.transferable_land_mean") / 1.5, n), 1)

    dispersion = cal.value("income.dispersion")
    no_worker = cal.value("income.no_worker_households")
    raw = {}
    for k in INCOME_COMPONENTS:
        raw[k] = size * _lognormal(rng, dispersion[k], n)
        if k == "production":
            raw[k] = raw[k] * np.where(willing, 1.0, cal.value("income.production_without_industry_condition"))
        if k in no_worker:
            raw[k] = raw[k] * np.where(workers > 0, 1.0, no_worker[k])
    targets = {k: v * spec.income_level for k, v in cal.income_components(base_year).items()}
    incomes, assistance = _calibrated_incomes(raw, size, targets, monitoring_line(base_year))
    per_capita_before = (sum(incomes.values()) - assistance) / size
    htype = _assign_types(rng, size, per_capita_before, assistance > 0, spec.households_by_type)

    frame = pd.DataFrame(
        {
            "household_id": spec.name + "-" + pd.Series(np.arange(n)).astype(str).str.zfill(6),
            "county": spec.name,
            "village": village,
            "size": size,
            "workers": workers,
            "type": htype,
            "industry_willing": willing,
            "dual_bound": bound,
            "microcredit_yuan": np.round(loan, 0),
            "transferable_land_mu": land,
            **{f"{k}_income_2022": v for k, v in incomes.items()},
            "weight": 1.0,
        }
    )
    frame.attrs["base_year_assistance"] = assistance
    return frame


def region_frame(specs: Sequence[CountySpec], base_year: int = 2022, seed: int | None = None) -> pd.DataFrame:
    """The household tables of ``specs`` one after another (``attrs["base_year_assistance"]`` likewise)."""
    parts = [county_frame(s, base_year, seed) for s in specs]
    assistance = np.concatenate([p.attrs.pop("base_year_assistance") for p in parts])
    frame = pd.concat(parts, ignore_index=True)
    frame.attrs["base_year_assistance"] = assistance
    return frame


def generate_frame(seed: int | None = None, base_year: int = 2022) -> pd.DataFrame:
    """The default household table of ``base_year``: Qujing's nine counties, each generated on its own."""
    return region_frame(qujing_counties(), base_year, seed)


@cache
def default_population(base_year: int = 2022, generator_seed: int | None = None) -> Population:
    """The embedded default population of ``base_year`` (2022, or 2021 for the back-test), built once per process.

    ``generator_seed`` (default: calibration.toml's) draws another population from the same calibration: how much
    regenerating alone moves a result (docs/VALIDATION.md §4's noise floor).
    """
    frame = generate_frame(seed=generator_seed, base_year=base_year)
    label = DEFAULT_LABEL.format(year=base_year)
    return population_from_frame(frame, label, qujing_region(), base_year, frame.attrs["base_year_assistance"])


def sample_population(
    households: int, base_year: int = 2022, seed: int = 1, generator_seed: int | None = None
) -> Population:
    """A weighted sample of the default population: ``households`` records standing for all of them.

    City totals keep their scale (a ratio like growth or a share below the line is estimated with sampling error
    only). For quick runs: tests, the back-test's ``--sample``, the sensitivity analysis's Sobol' stage.
    """
    return weighted_sample(default_population(base_year, generator_seed), households, seed)
