"""What a simulation returns, and the tables every front end reads from it.

Raw arrays are county × quarter × draw sums in yuan; tables are tidy pandas frames with a unit column and
mean / P10 / P50 / P90 over draws. "city" rows aggregate the nine counties (totals, then ratios).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np
import pandas as pd

from model.engine.capacity import merge_flags
from model.population.table import INCOME_COMPONENTS
from model.schema import calibration

HIST_BIN_YUAN = 500
HIST_BINS = 100
CITY = "全市"
POINTS_PER_PP = 0.5
POINTS_TOLERANCE = 1e-9  # points computed from shares carry rounding; 2.0 pp must cost exactly 1 point
PERCENTILES = (10, 50, 90)
COMPONENT_UNITS = "元/人"


def _stats(x: np.ndarray) -> dict[str, float]:
    """Mean and P10/P50/P90 over the last axis (draws)."""
    p10, p50, p90 = np.percentile(x, PERCENTILES, axis=-1)
    return {"mean": float(np.mean(x)), "p10": float(p10), "p50": float(p50), "p90": float(p90)}


@dataclass(frozen=True, eq=False)
class SimulationResult:
    """Raw outputs of :func:`model.engine.simulate.simulate`.

    Arrays are county × quarter × draw (or county × year × draw) in yuan or households, for the projected quarters
    only; ``terms_sum`` and the ``household_*_sum`` arrays are sums over draws, so that two results of the same
    scenario on different draws merge exactly (:meth:`extend`). Results of the same scenario and draws on disjoint
    counties merge too: :func:`combine` (one region) and :func:`concat` (regions side by side, e.g. the prefectures
    of a province, each county assessed within its own prefecture: ``groups``). A merged result keeps no
    per-household arrays, only their histogram (``hist_counts``); ``programme_scale`` is the sum of its regions'.
    """

    scenario: object
    population_label: str
    counties: tuple[str, ...]
    base_year: int
    quarters: list[str]
    years: list[int]
    households: np.ndarray
    persons: np.ndarray
    willing: np.ndarray
    income: dict[str, np.ndarray]
    income_base: dict[str, np.ndarray]
    falling: np.ndarray
    below: np.ndarray
    below_before: np.ndarray
    assistance: np.ndarray
    assisted: np.ndarray
    terms_sum: dict[str, np.ndarray]
    household_pc_sum: np.ndarray | None
    household_below_sum: np.ndarray | None
    household_weight: np.ndarray | None
    coverage: np.ndarray
    coverage_base: np.ndarray
    linked_by_county: np.ndarray
    asset_linked_by_county: np.ndarray  # the part of linked_by_county linked through assets (not support packages)
    allocation: np.ndarray
    feasibility: dict = field(default_factory=dict)
    programme_scale: float = 1.0
    groups: np.ndarray | None = None
    group_names: tuple[str, ...] = ()
    total_name: tuple[str, str] = (CITY, "city")
    hist_counts: np.ndarray | None = None

    def extend(self, other: SimulationResult) -> SimulationResult:
        """The result with ``other``'s draws appended (same scenario and population, further draws).

        Needs the per-household arrays (a merged result has only their histogram, which more draws would change).
        """
        if self.household_pc_sum is None or other.household_pc_sum is None:
            raise ValueError("a result without per-household arrays cannot be extended with more draws")

        def cat(x, y):
            return np.concatenate([x, y], axis=-1)

        return replace(
            self,
            income={k: cat(v, other.income[k]) for k, v in self.income.items()},
            falling=cat(self.falling, other.falling),
            below=cat(self.below, other.below),
            below_before=cat(self.below_before, other.below_before),
            assistance=cat(self.assistance, other.assistance),
            assisted=cat(self.assisted, other.assisted),
            terms_sum={k: v + other.terms_sum[k] for k, v in self.terms_sum.items()},
            household_pc_sum=self.household_pc_sum + other.household_pc_sum,
            household_below_sum=self.household_below_sum + other.household_below_sum,
        )

    @property
    def household_pc_mean(self) -> np.ndarray:
        """Per household and year: per-capita net income after assistance, mean over draws (yuan)."""
        return self.household_pc_sum / self.draws

    @property
    def household_p_below(self) -> np.ndarray:
        """Per household and year: share of draws below the monitoring line after assistance."""
        return self.household_below_sum / self.draws

    def without_households(self) -> SimulationResult:
        """The result with its per-household arrays replaced by their histogram (what travels between workers)."""
        return replace(
            self, household_pc_sum=None, household_below_sum=None, household_weight=None, hist_counts=self.hist
        )

    @cached_property
    def hist(self) -> np.ndarray:
        """Weighted households by bin of expected per-capita income after assistance, shape (year, bins)."""
        if self.hist_counts is not None:
            return self.hist_counts
        bins = np.minimum(self.household_pc_mean / HIST_BIN_YUAN, HIST_BINS).astype(np.int64)
        out = np.zeros((len(self.years), HIST_BINS + 1))
        for y in range(len(self.years)):
            out[y] = np.bincount(bins[:, y], weights=self.household_weight, minlength=HIST_BINS + 1)
        return out

    def decomposition(self, component: str, year: int) -> dict[str, float]:
        """Expected yuan of ``component`` in ``year`` by term (city), mean over draws; the terms add up to the total.

        ``trend`` is the base-year level grown organically, with the shocks' and clamping's share: subtracting the
        base-year level from it gives "organic growth", so growth splits exactly into organic + each channel.
        """
        idx = [i for i, q in enumerate(self.quarters) if q.startswith(str(year))]
        from model.engine.reference import TERMS  # the term names belong to the engine that computes them

        sums = self.terms_sum[component][:, idx].sum(axis=(0, 1)) / self.draws
        return dict(zip(TERMS[component], sums.tolist(), strict=True))

    # ------------------------------------------------------------------------------------- helpers
    @property
    def draws(self) -> int:
        """Number of Monte Carlo draws."""
        return self.falling.shape[-1]

    @property
    def reported_quarters(self) -> list[str]:
        """Quarters from the scenario's start quarter on (earlier ones are simulated but not reported)."""
        start = self.scenario.simulation.start_quarter
        return [q for q in self.quarters if q >= start]

    @property
    def reported_years(self) -> list[int]:
        """Complete years from the year of the scenario's start quarter on."""
        return [y for y in self.years if y >= int(self.scenario.simulation.start_quarter[:4])]

    def _q(self, quarter: str) -> int:
        return self.quarters.index(quarter)

    def annual(self, values: np.ndarray, year: int) -> np.ndarray:
        """A (county, quarter, draw) array summed over the quarters of ``year``: (county, draw)."""
        idx = [i for i, q in enumerate(self.quarters) if q.startswith(str(year))]
        return values[:, idx].sum(axis=1)

    def annual_income(self, component: str, year: int) -> np.ndarray:
        """County totals of a component in ``year``: shape (county, draw), yuan."""
        return self.annual(self.income[component], year)

    def growth(self, component: str, year: int, county: int | np.ndarray | None = None) -> np.ndarray:
        """Year-on-year growth of a component's total (share, per draw); ``county=None`` for the city.

        ``county`` may be an array of county indices: their total's growth.
        """
        return self.ytd_growth(component, f"{year}Q4", county)

    def ytd_income(self, component: str, quarter: str) -> np.ndarray:
        """County totals of a component from Q1 to ``quarter`` of its year: (county, draw), yuan.

        For 2022 (before the projection) the observed annual totals are spread by the calibrated seasonality.
        """
        year, q = int(quarter[:4]), int(quarter[-1])
        if year == self.base_year:
            share = float(np.sum(calibration.seasonality(component)[:q]))
            return np.repeat(self.income_base[component][:, None] * share, self.draws, axis=1)
        idx = [self._q(f"{year}Q{k}") for k in range(1, q + 1)]
        return self.income[component][:, idx].sum(axis=1)

    def ytd_growth(self, component: str, quarter: str, county: int | np.ndarray | None = None) -> np.ndarray:
        """Year-to-date growth against the same period a year earlier (share, per draw)."""
        now = self.ytd_income(component, quarter)
        before = self.ytd_income(component, f"{int(quarter[:4]) - 1}{quarter[4:]}")
        if county is None:
            return now.sum(axis=0) / np.maximum(before.sum(axis=0), 1e-9) - 1
        if isinstance(county, np.ndarray):
            return now[county].sum(axis=0) / np.maximum(before[county].sum(axis=0), 1e-9) - 1
        return now[county] / np.maximum(before[county], 1e-9) - 1

    @cached_property
    def city_falling(self) -> np.ndarray:
        """City share of households whose YTD production income fell, shape (quarter, draw)."""
        return self.falling.sum(axis=0) / self.households.sum()

    @cached_property
    def county_falling(self) -> np.ndarray:
        """Per-county share of falling households, shape (county, quarter, draw); 0 for a county without any."""
        households = np.broadcast_to(self.households[:, None, None], self.falling.shape)
        return np.divide(self.falling, households, out=np.zeros_like(self.falling), where=households > 0)

    @cached_property
    def group_falling(self) -> np.ndarray:
        """Share of falling households of each county's assessment group, shape (county, quarter, draw).

        The city for a city's counties; a county of a province is compared with its own prefecture (N3).
        """
        if self.groups is None:
            return np.broadcast_to(self.city_falling[None], self.falling.shape)
        n_groups = int(self.groups.max()) + 1
        falling = np.stack([self.falling[self.groups == g].sum(axis=0) for g in range(n_groups)])
        households = np.bincount(self.groups, weights=self.households, minlength=n_groups)
        return (falling / np.maximum(households, 1e-12)[:, None, None])[self.groups]

    @cached_property
    def points_lost(self) -> np.ndarray:
        """Assessment points each county loses (N3), shape (county, quarter, draw)."""
        excess_pp = (self.county_falling - self.group_falling) * 100
        return POINTS_PER_PP * np.maximum(excess_pp, 0)

    @cached_property
    def wudan(self) -> np.ndarray:
        """True where a county would fall under "五单式" management (N4), shape (county, quarter, draw)."""
        return self.points_lost >= self.scenario.targets.wudan_points_threshold - POINTS_TOLERANCE

    def mean_points(self, quarters: list[str]) -> np.ndarray:
        """Average points lost per quarter over ``quarters``, shape (county, draw)."""
        return self.points_lost[:, [self._q(q) for q in quarters]].mean(axis=1)

    def wudan_over(self, quarters: list[str]) -> np.ndarray:
        """N4's rule: the average points lost over ``quarters`` reach the "五单式" threshold, (county, draw)."""
        return self.mean_points(quarters) >= self.scenario.targets.wudan_points_threshold - POINTS_TOLERANCE

    def coverage_city(self, quarter: str) -> float:
        """City dual-binding coverage of willing households at the end of ``quarter`` (share 0–1).

        1.0 when no household is willing: nobody is left to bind (as :mod:`model.channels` counts it).
        """
        willing = self.willing.sum()
        return float((self.coverage[:, self._q(quarter)] * self.willing).sum() / willing) if willing > 0 else 1.0

    # ------------------------------------------------------------------------------------- tables
    def _counties(self) -> list[tuple[str, int]]:
        """(name, index) of the counties that have households.

        A household table covering fewer counties gets no rows (and no rank) for the others, not rows of 0 / 0.
        """
        return [(name, i) for i, name in enumerate(self.counties) if self.households[i] > 0]

    def _scopes(self) -> list[tuple[dict, int | np.ndarray | None]]:
        """The rows of a table: the whole result, then each group (a province's prefectures), then each county.

        Each comes with its key columns (``scope``, and ``region`` when grouped) and what it sums: None for the
        whole, an array of county indices for a group, one index for a county.
        """
        if self.groups is None:
            return [({"scope": CITY}, None), *(({"scope": name}, c) for name, c in self._counties())]
        total = self.total_name[0]
        out: list[tuple[dict, int | np.ndarray | None]] = [({"scope": total, "region": total}, None)]
        for g, name in enumerate(self.group_names):
            out.append(({"scope": name, "region": name}, np.flatnonzero(self.groups == g)))
        out.extend(({"scope": name, "region": self.group_names[self.groups[c]]}, c) for name, c in self._counties())
        return out

    @staticmethod
    def _part(values: np.ndarray, where: int | np.ndarray | None) -> np.ndarray:
        """``values`` (county first) summed over the whole (None), over some counties (array) or of one county."""
        if where is None:
            return values.sum(axis=0)
        if isinstance(where, np.ndarray):
            return values[where].sum(axis=0)
        return values[where]

    def quarterly_table(self) -> pd.DataFrame:
        """Per quarter, county and city: per-capita income and components, falling share."""
        rows = []
        for scope, c in self._scopes():
            persons = self._part(self.persons, c)
            for q in self.reported_quarters:
                i = self._q(q)
                total = 0
                for k in INCOME_COMPONENTS:
                    v = self._part(self.income[k][:, i], c) / persons
                    total = total + v
                    rows.append(
                        {**scope, "quarter": q, "metric": f"{k}_income_per_capita", "unit": "元/人/季度", **_stats(v)}
                    )
                rows.append(
                    {**scope, "quarter": q, "metric": "net_income_per_capita", "unit": "元/人/季度", **_stats(total)}
                )
                growth = self.ytd_growth("production", q, c)
                rows.append(
                    {
                        **scope,
                        "quarter": q,
                        "metric": "production_income_growth_ytd",
                        "unit": "share, year to date on a year earlier",
                        **_stats(growth),
                    }
                )
                if c is None:
                    share = self.city_falling[i]
                elif isinstance(c, np.ndarray):
                    share = self.falling[c, i].sum(axis=0) / self.households[c].sum()
                else:
                    share = self.county_falling[c, i]
                rows.append(
                    {
                        **scope,
                        "quarter": q,
                        "metric": "falling_production_share",
                        "unit": "share 0–1 of households",
                        **_stats(share),
                    }
                )
        return pd.DataFrame(rows)

    def annual_table(self) -> pd.DataFrame:
        """Per year, county and city: per-capita income by component, growth, share below the line."""
        rows = []
        for scope, c in self._scopes():
            persons = self._part(self.persons, c)
            households = self._part(self.households, c)
            for y in self.reported_years:
                total = 0
                for k in INCOME_COMPONENTS:
                    v = self._part(self.annual_income(k, y), c) / persons
                    total = total + v
                    rows.append(
                        {**scope, "year": y, "metric": f"{k}_income_per_capita", "unit": "元/人/年", **_stats(v)}
                    )
                rows.append(
                    {**scope, "year": y, "metric": "net_income_per_capita", "unit": "元/人/年", **_stats(total)}
                )
                for k in ("production", "property"):
                    rows.append(
                        {
                            **scope,
                            "year": y,
                            "metric": f"{k}_income_growth",
                            "unit": "share, year on year",
                            **_stats(self.growth(k, y, c)),
                        }
                    )
                yi = self.years.index(y)
                for metric, arr in (
                    ("below_monitoring_line_share_before_assistance", self.below_before),
                    ("below_monitoring_line_share", self.below),
                ):
                    b = self._part(arr[:, yi], c)
                    rows.append(
                        {
                            **scope,
                            "year": y,
                            "metric": metric,
                            "unit": "share 0–1 of households",
                            **_stats(b / households),
                        }
                    )
                cost = self._part(self.annual(self.assistance, y), c)
                rows.append(
                    {**scope, "year": y, "metric": "assistance_cost", "unit": "万元/年", **_stats(cost / 10_000)}
                )
        return pd.DataFrame(rows)

    def assessment_table(self) -> pd.DataFrame:
        """The quarterly county assessment (N3, N4), one row per reported quarter and county with households.

        Shares 0–1, excess in percentage points, points per quarter; means and P10/P90 over draws. Ranks are
        competition ranks (ties share the better rank), 1 = the lowest share falling; rows come quarter by
        quarter, best-ranked county first. Counties without households (a partial table) get no row. A province's
        counties are assessed within their prefecture (``region``): its share is ``city_share``, ranks are within
        it, and rows come quarter by quarter, prefecture by prefecture.
        """
        present = np.array([c for _, c in self._counties()], dtype=int)
        idx = [self._q(q) for q in self.reported_quarters]
        shares = self.county_falling[np.ix_(present, idx)].transpose(1, 0, 2)  # quarter × county × draw
        city = self.group_falling[np.ix_(present, idx)].transpose(1, 0, 2)
        points = self.points_lost[np.ix_(present, idx)].transpose(1, 0, 2)
        wudan = self.wudan[np.ix_(present, idx)].transpose(1, 0, 2).mean(axis=-1)
        falling = self.falling[np.ix_(present, idx)].transpose(1, 0, 2).mean(axis=-1)
        mean_share = shares.mean(axis=-1)
        group = np.zeros(len(present), dtype=int) if self.groups is None else self.groups[present]
        rank = np.zeros(mean_share.shape, dtype=int)
        for g in np.unique(group):
            rank[:, group == g] = pd.DataFrame(mean_share[:, group == g]).rank(axis=1, method="min").to_numpy(int)
        n_q, n_c = mean_share.shape
        columns = {
            "quarter": np.repeat(self.reported_quarters, n_c),
            "county": np.tile(np.asarray(self.counties, dtype=object)[present], n_q),
        }
        if self.groups is not None:
            columns["region"] = np.tile(np.asarray(self.group_names, dtype=object)[group], n_q)
        frame = pd.DataFrame(
            {
                **columns,
                "households": np.tile(self.households[present], n_q),
                "falling_households": falling.ravel(),
                "falling_share": mean_share.ravel(),
                "falling_share_p10": np.percentile(shares, 10, axis=-1).ravel(),
                "falling_share_p90": np.percentile(shares, 90, axis=-1).ravel(),
                "city_share": city.mean(axis=-1).ravel(),
                "excess_pp": ((shares - city) * 100).mean(axis=-1).ravel(),
                "points_lost": points.mean(axis=-1).ravel(),
                "points_lost_p90": np.percentile(points, 90, axis=-1).ravel(),
                "rank": rank.ravel(),
                "wudan_probability": wudan.ravel(),
                "wudan": (wudan >= 0.5).ravel(),
            }
        )
        order = np.lexsort((frame["rank"].to_numpy(), np.tile(group, n_q), np.repeat(np.arange(n_q), n_c)))
        return frame.iloc[order].reset_index(drop=True)


COUNTY_ARRAYS = (
    "households",
    "persons",
    "willing",
    "falling",
    "below",
    "below_before",
    "assistance",
    "assisted",
    "linked_by_county",
    "asset_linked_by_county",
)
COUNTY_DICTS = ("income", "income_base", "terms_sum")


def _same_run(results: Sequence[SimulationResult]) -> None:
    """Refuse results that are not of one scenario's same quarters and draws."""
    first = results[0]
    for r in results[1:]:
        if r.quarters != first.quarters or r.draws != first.draws or r.base_year != first.base_year:
            raise ValueError("results to merge must cover the same quarters and draws from the same base year")


def _merged_arrays(results: Sequence[SimulationResult], join) -> dict:
    """Every county array of ``results`` joined by ``join`` (a list of arrays → one), households' arrays dropped."""
    first = results[0]
    out = {name: join([getattr(r, name) for r in results]) for name in COUNTY_ARRAYS}
    for name in COUNTY_DICTS:
        out[name] = {k: join([getattr(r, name)[k] for r in results]) for k in getattr(first, name)}
    return {
        **out,
        "household_pc_sum": None,
        "household_below_sum": None,
        "household_weight": None,
        "hist_counts": sum((r.hist for r in results[1:]), start=first.hist),
    }


def combine(parts: Sequence[SimulationResult], label: str | None = None) -> SimulationResult:
    """One region's result from results on disjoint counties of it (each county's households in one part).

    Every county array is the part's own (the other parts hold zeros there), so the merge is exact; the
    per-household arrays stay with the parts and only their histograms are added.
    """
    _same_run(parts)
    first = parts[0]
    if any(p.counties != first.counties for p in parts):
        raise ValueError("parts to combine must be of the same region")
    present = np.stack([p.households > 0 for p in parts])
    if (present.sum(axis=0) > 1).any():
        raise ValueError("a county's households must all be in one part")
    owner = np.argmax(present, axis=0)  # the part holding each county (the first when none does)
    counties = range(len(first.counties))
    return replace(
        first,
        population_label=label if label is not None else first.population_label,
        **_merged_arrays(parts, lambda arrays: sum(arrays[1:], start=arrays[0])),
        coverage=np.stack([parts[o].coverage[c] for c, o in zip(counties, owner, strict=True)]),
        coverage_base=np.array([parts[o].coverage_base[c] for c, o in zip(counties, owner, strict=True)]),
        feasibility=merge_flags([p.feasibility for p in parts], same_region=True),
    )


def concat(
    regions: Sequence[SimulationResult], total_name: tuple[str, str], label: str, group_names: Sequence[str]
) -> SimulationResult:
    """Regions side by side (a province's prefectures): their counties one after another, each region a group.

    A county is assessed within its own region (``groups``); totals are over all regions; ``total_name`` (zh, en)
    names the whole, e.g. ("全省", "province").
    """
    _same_run(regions)
    if any(r.groups is not None for r in regions):
        raise ValueError("regions to concatenate must not be groups already")

    def cat(arrays: list[np.ndarray]) -> np.ndarray:
        return np.concatenate(arrays, axis=0)

    return replace(
        regions[0],
        population_label=label,
        counties=tuple(c for r in regions for c in r.counties),
        **_merged_arrays(regions, cat),
        coverage=cat([r.coverage for r in regions]),
        coverage_base=cat([r.coverage_base for r in regions]),
        allocation=cat([r.allocation for r in regions]),
        feasibility=merge_flags(
            [r.feasibility for r in regions], same_region=False, scales=[r.programme_scale for r in regions]
        ),
        programme_scale=float(sum(r.programme_scale for r in regions)),
        groups=np.repeat(np.arange(len(regions)), [len(r.counties) for r in regions]),
        group_names=tuple(group_names),
        total_name=total_name,
    )
