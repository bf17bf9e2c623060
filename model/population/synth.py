"""The embedded default population: synthetic households generated from ``parameters/calibration.toml``.

Deterministic (the calibration file's seed). Counts follow the calibrated county totals exactly; each income
component is rescaled so that the person-weighted city mean equals its calibrated per-capita value.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd

from model.population.table import HOUSEHOLD_TYPES, INCOME_COMPONENTS, Population, population_from_frame
from model.schema import calibration as cal
from model.schema.fieldspec import COUNTIES

DEFAULT_LABEL = "内置默认人口（合成，2022年校准）/ Embedded default population (synthetic, calibrated to 2022)"
MAX_HOUSEHOLD_SIZE = 9


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


def _lognormal(rng: np.random.Generator, cv: float, n: int) -> np.ndarray:
    """Mean-one lognormal draws with coefficient of variation ``cv``."""
    sigma2 = np.log1p(cv**2)
    return rng.lognormal(-sigma2 / 2, np.sqrt(sigma2), n)


def generate_frame(seed: int | None = None) -> pd.DataFrame:
    """The default household table (documented columns of :mod:`model.population`)."""
    rng = np.random.default_rng(cal.generator_seed() if seed is None else seed)
    counts = county_household_counts()
    county, htype = [], []
    for c in COUNTIES:
        for t in HOUSEHOLD_TYPES:
            county += [c] * counts[c][t]
            htype += [t] * counts[c][t]
    county = np.asarray(county, dtype=object)
    htype = np.asarray(htype, dtype=object)
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
    bound = willing & (rng.random(n) < cal.value("population.dual_bound_share_of_willing"))
    borrow_p = cal.value("population.microcredit_share") / cal.value("population.industry_willing_share")
    borrower = willing & (rng.random(n) < borrow_p)
    loan_mean = cal.value("population.microcredit_average_loan")
    loan = np.where(borrower, np.clip(rng.normal(loan_mean, 3_000, n), 10_000, 50_000), 0.0)
    land = np.round(rng.gamma(1.5, cal.value("population.transferable_land_mean") / 1.5, n), 1)

    former = set(cal.value("population.former_poverty_counties"))
    county_level = np.where(np.isin(county, list(former)), cal.value("income.former_poverty_county_level"), 1.10)
    type_levels = cal.value("income.type_level")
    type_key = {
        "脱贫户": "alleviated",
        "脱贫不稳定户": "unstable_alleviated",
        "边缘易致贫户": "marginal",
        "突发严重困难户": "sudden_hardship",
    }
    type_level = np.array([type_levels[type_key[t]] for t in htype])
    level = county_level * type_level * size
    dispersion = cal.value("income.dispersion")
    targets = cal.value("income.components_2022")
    no_worker = cal.value("income.no_worker_households")
    people = size.sum()
    incomes = {}
    for k in INCOME_COMPONENTS:
        raw = level * _lognormal(rng, dispersion[k], n)
        if k == "production":
            raw = raw * np.where(willing, 1.0, cal.value("income.production_without_industry_condition"))
        if k in no_worker:
            raw = raw * np.where(workers > 0, 1.0, no_worker[k])
        incomes[k] = np.round(raw * targets[k] * people / raw.sum(), 2)

    return pd.DataFrame(
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


@cache
def default_population() -> Population:
    """The embedded default population, built once per process."""
    return population_from_frame(generate_frame(), DEFAULT_LABEL)
