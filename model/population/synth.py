"""The embedded default population: synthetic households generated from ``parameters/calibration.toml``.

Deterministic (the calibration file's seed). Counts follow the calibrated county totals exactly; each income
component is rescaled so that the person-weighted city mean equals its calibrated per-capita value of the base
year. Household types are drawn jointly with income, as the monitoring rules assign them: the households with the
lowest income (and every household below the monitoring line before assistance) are the monitored ones; the base
year's assistance lifts those below the line to it, as Yunnan reports for the end of 2022. The same households
are generated for every base year (2021 for the back-test, 2022 for projections); only the levels differ.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd

from model.population.table import INCOME_COMPONENTS, Population, Region, population_from_frame
from model.schema import calibration as cal
from model.schema.fieldspec import COUNTIES

DEFAULT_LABEL = "内置默认人口（合成，{year}年校准）/ Embedded default population (synthetic, calibrated to {year})"
MAX_HOUSEHOLD_SIZE = 9
REGION_NAME = "曲靖市"
RISK_NOISE_SD = 0.3  # monitoring also flags risk that income alone does not show (illness, schooling, disability)
ASSISTED_MARGIN = 1.02  # assistance lifts a household a little above the line, not exactly onto it
RESCALE_ROUNDS = 6
NON_POVERTY_COUNTY_LEVEL = 1.10


@cache
def county_household_counts() -> dict[str, dict[str, int]]:
    """Households per county and type: calibrated poverty-alleviated counts plus the added monitored types."""
    alleviated = cal.value("population.county_households")
    monitored_share_people = cal.value("population.monitored_share_of_people")
    split = cal.value("population.monitored_type_split")
    added_share = split["marginal"] + split["sudden_hardship"]
    out = {}
    for county in COUNTIES:
        n_alleviated = int(alleviated[county])
        total = n_alleviated / (1 - monitored_share_people * added_share)
        monitored = monitored_share_people * total
        out[county] = {
            "脱贫户": n_alleviated - round(split["unstable_alleviated"] * monitored),
            "脱贫不稳定户": round(split["unstable_alleviated"] * monitored),
            "边缘易致贫户": round(split["marginal"] * monitored),
            "突发严重困难户": round(split["sudden_hardship"] * monitored),
        }
    return out


@cache
def qujing_region() -> Region:
    """Qujing's nine counties with their calibrated households and villages."""
    counts = county_household_counts()
    households = np.array([sum(counts[c].values()) for c in COUNTIES], dtype=float)
    per_village = cal.value("population.households_per_village")
    villages = np.maximum(1.0, np.ceil(households / per_village))
    return Region(REGION_NAME, COUNTIES, households, villages)


def _lognormal(rng: np.random.Generator, cv: float, n: int) -> np.ndarray:
    """Mean-one lognormal draws with coefficient of variation ``cv``."""
    sigma2 = np.log1p(cv**2)
    return rng.lognormal(-sigma2 / 2, np.sqrt(sigma2), n)


def monitoring_line(year: int) -> float:
    """The monitoring line the base year's assistance lifted households to (yuan per capita per year)."""
    return float(cal.value(f"income.line_{year}_yuan"))


def _assign_types(
    rng: np.random.Generator,
    county: np.ndarray,
    size: np.ndarray,
    per_capita: np.ndarray,
    assisted: np.ndarray,
    counts: dict,
) -> np.ndarray:
    """Household types per county: the lowest risk scores are monitored, every assisted household among them.

    The risk score is per-capita income times a mean-one lognormal (risks income does not show), ranked within
    households of the same size, so that monitored households are as large as the others (Yunnan: 904,000 people in
    252,000 monitored households, 3.6 a household, as for all 脱贫户); households that needed assistance to reach
    the line come first whatever their score, as the monitoring rules require. Among the monitored, the calibrated
    numbers of each monitored type are drawn at random.
    """
    htype = np.empty(len(county), dtype=object)
    score = per_capita * _lognormal(rng, RISK_NOISE_SD, len(county))
    quantile = np.empty(len(county))
    for c in COUNTIES:
        in_c = county == c
        for n in np.unique(size[in_c]):
            idx = np.flatnonzero(in_c & (size == n))
            quantile[idx] = (np.argsort(np.argsort(score[idx], kind="stable"), kind="stable") + 0.5) / len(idx)
    quantile = np.where(assisted, -1.0 / np.maximum(per_capita, 1.0), quantile)
    for c in COUNTIES:
        idx = np.flatnonzero(county == c)
        k = counts[c]
        n_monitored = k["脱贫不稳定户"] + k["边缘易致贫户"] + k["突发严重困难户"]
        order = idx[np.argsort(quantile[idx], kind="stable")]
        monitored = rng.permutation(order[:n_monitored])
        htype[order[n_monitored:]] = "脱贫户"
        a, b = k["脱贫不稳定户"], k["脱贫不稳定户"] + k["边缘易致贫户"]
        htype[monitored[:a]] = "脱贫不稳定户"
        htype[monitored[a:b]] = "边缘易致贫户"
        htype[monitored[b:]] = "突发严重困难户"
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


def generate_frame(seed: int | None = None, base_year: int = 2022) -> pd.DataFrame:
    """The default household table of ``base_year`` (documented columns of :mod:`model.population.table`)."""
    rng = np.random.default_rng(cal.generator_seed() if seed is None else seed)
    counts = county_household_counts()
    county = np.asarray([c for c in COUNTIES for _ in range(sum(counts[c].values()))], dtype=object)
    n = len(county)

    mean_size = cal.value("population.people_per_household")
    size = np.minimum(1 + rng.poisson(mean_size - 1, n), MAX_HOUSEHOLD_SIZE)
    workers = rng.binomial(size, cal.value("population.workers_per_person"))

    per_village = cal.value("population.households_per_village")
    village = np.empty(n, dtype=object)
    for c in COUNTIES:
        idx = np.flatnonzero(county == c)
        n_villages = max(1, int(np.ceil(len(idx) / per_village)))
        village[idx] = [f"{c}第{v + 1:03d}村" for v in rng.integers(0, n_villages, len(idx))]

    willing = rng.random(n) < cal.value("population.industry_willing_share")
    bind_u = rng.random(n)
    bound = willing & (bind_u < cal.programmes(base_year)["dual_binding_coverage"])
    borrow_p = cal.value("population.microcredit_share") / cal.value("population.industry_willing_share")
    borrower = willing & (rng.random(n) < borrow_p)
    loan_mean = cal.value("population.microcredit_average_loan")
    loan = np.where(borrower, np.clip(rng.normal(loan_mean, 3_000, n), 10_000, 50_000), 0.0)
    land = np.round(rng.gamma(1.5, cal.value("population.transferable_land_mean") / 1.5, n), 1)

    former = set(cal.value("population.former_poverty_counties"))
    county_level = np.where(
        np.isin(county, list(former)), cal.value("income.former_poverty_county_level"), NON_POVERTY_COUNTY_LEVEL
    )
    level = county_level * size
    dispersion = cal.value("income.dispersion")
    no_worker = cal.value("income.no_worker_households")
    raw = {}
    for k in INCOME_COMPONENTS:
        raw[k] = level * _lognormal(rng, dispersion[k], n)
        if k == "production":
            raw[k] = raw[k] * np.where(willing, 1.0, cal.value("income.production_without_industry_condition"))
        if k in no_worker:
            raw[k] = raw[k] * np.where(workers > 0, 1.0, no_worker[k])
    incomes, assistance = _calibrated_incomes(raw, size, cal.income_components(base_year), monitoring_line(base_year))
    per_capita_before = (sum(incomes.values()) - assistance) / size
    htype = _assign_types(rng, county, size, per_capita_before, assistance > 0, counts)

    frame = pd.DataFrame(
        {
            "household_id": [f"QJ{i:07d}" for i in range(n)],
            "county": county,
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
    frame.attrs["base_year_assistance"] = assistance  # yuan a year in transfer income (not a table column)
    return frame


@cache
def default_population(base_year: int = 2022) -> Population:
    """The embedded default population of ``base_year`` (2022, or 2021 for the back-test), built once per process."""
    frame = generate_frame(base_year=base_year)
    label = DEFAULT_LABEL.format(year=base_year)
    return population_from_frame(frame, label, qujing_region(), base_year, frame.attrs["base_year_assistance"])


def weighted_sample(households: int, base_year: int = 2022, random_state: int = 1) -> Population:
    """A random sample of the default population, each record weighted up to the city's household count.

    City totals keep their scale (a ratio like growth or a share below the line is estimated with sampling error
    only); for quick runs in tests, scripts and analyses that need many runs.
    """
    frame = generate_frame(base_year=base_year)
    part = frame.sample(households, random_state=random_state).copy()
    part["weight"] = len(frame) / households
    assistance = frame.attrs["base_year_assistance"][part.index.to_numpy()]
    label = f"{DEFAULT_LABEL.format(year=base_year)} — sample of {households:,}"
    return population_from_frame(part, label, qujing_region(), base_year, assistance)
