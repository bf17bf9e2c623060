"""A smaller, reweighted population for quick previews of a scenario.

The preview of a scenario (shown while its full run is computed) simulates every ``k``-th household of each
county instead of all of them. Rows are sorted by county then village, so a systematic sample within a county is
also spread over its villages. Weights are scaled per county so that each county's weighted household count is
exactly the full population's, within willing and unwilling households apart: county totals, the money allocated by
households and the N7 count of linked households stay the same; only the spread between households is sampled.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace

import numpy as np

from model.population.table import Population

PREVIEW_HOUSEHOLDS = 32_768
PER_HOUSEHOLD = (
    "household_id",
    "county",
    "village",
    "size",
    "workers",
    "type_code",
    "industry_willing",
    "dual_bound",
    "microcredit_yuan",
    "transferable_land_mu",
)
OPTIONAL_PER_HOUSEHOLD = ("household_key", "base_assistance")  # a table may not have them (an import)


def _read_only(array: np.ndarray) -> np.ndarray:
    array.flags.writeable = False
    return array


def thinning_step(pop: Population, households: int = PREVIEW_HOUSEHOLDS) -> int:
    """Every how many records the sample keeps so that it has about ``households`` records (1: all of them)."""
    return max(1, -(-pop.n // max(1, households)))


def thinned(pop: Population, households: int = PREVIEW_HOUSEHOLDS) -> Population:
    """About ``households`` records of ``pop``, every k-th of each county, reweighted to the same county totals.

    Returns ``pop`` itself when it is already that small. The sample's fingerprint names the parent and the step.
    """
    step = thinning_step(pop, households)
    if step == 1:
        return pop
    rows = np.concatenate([np.arange(start, stop, step) for start, stop in pop.county_slices])
    county = pop.county[rows]
    weight = pop.weight[rows].astype(np.float64)
    # Reweighted within county × willing: each county keeps its households and its willing households (support
    # packages and the credit line reach only these), so the previews' money and linked households are exact.
    cell = 2 * county + pop.industry_willing[rows]
    cells = 2 * len(pop.counties)
    full = np.bincount(2 * pop.county + pop.industry_willing, weights=pop.weight, minlength=cells)
    sampled = np.bincount(cell, weights=weight, minlength=cells)
    scale = np.divide(full, sampled, out=np.zeros_like(full), where=sampled > 0)
    weight = weight * scale[cell]
    present = [name for name in OPTIONAL_PER_HOUSEHOLD if getattr(pop, name) is not None]
    per_row = {name: _read_only(getattr(pop, name)[rows]) for name in (*PER_HOUSEHOLD, *present)}
    income = {k: _read_only(v[rows]) for k, v in pop.income_2022.items()}
    bounds = np.searchsorted(county, np.arange(len(pop.counties) + 1))
    digest = hashlib.sha256(f"{pop.fingerprint}/every {step}".encode()).hexdigest()[:16]
    return replace(
        pop,
        **per_row,
        weight=_read_only(weight),
        income_2022=income,
        county_slices=tuple((int(bounds[i]), int(bounds[i + 1])) for i in range(len(pop.counties))),
        label=f"{pop.label} (1/{step})",
        fingerprint=digest,
    )
