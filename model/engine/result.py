"""What a simulation returns, and the tables every front end reads from it.

Raw arrays are county × quarter × draw sums in yuan; tables are tidy pandas frames with a unit column and
mean / P10 / P50 / P90 over draws. "city" rows aggregate the nine counties (totals, then ratios).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np
import pandas as pd

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
    scenario on different draws merge exactly (:meth:`extend`).
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
    household_pc_sum: np.ndarray
    household_below_sum: np.ndarray
    household_weight: np.ndarray
    coverage: np.ndarray
    coverage_base: np.ndarray
    linked_by_county: np.ndarray
    allocation: np.ndarray
    feasibility: dict = field(default_factory=dict)

    def extend(self, other: SimulationResult) -> SimulationResult:
        """The result with ``other``'s draws appended (same scenario and population, further draws)."""

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

    @cached_property
    def hist(self) -> np.ndarray:
        """Weighted households by bin of expected per-capita income after assistance, shape (year, bins)."""
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

    def growth(self, component: str, year: int, county: int | None = None) -> np.ndarray:
        """Year-on-year growth of a component's total (share, per draw); ``county=None`` for the city."""
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

    def ytd_growth(self, component: str, quarter: str, county: int | None = None) -> np.ndarray:
        """Year-to-date growth against the same period a year earlier (share, per draw)."""
        now = self.ytd_income(component, quarter)
        before = self.ytd_income(component, f"{int(quarter[:4]) - 1}{quarter[4:]}")
        if county is None:
            return now.sum(axis=0) / np.maximum(before.sum(axis=0), 1e-9) - 1
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
    def points_lost(self) -> np.ndarray:
        """Assessment points each county loses (N3), shape (county, quarter, draw)."""
        excess_pp = (self.county_falling - self.city_falling[None]) * 100
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

    def quarterly_table(self) -> pd.DataFrame:
        """Per quarter, county and city: per-capita income and components, falling share."""
        rows = []
        for scope, c in [(CITY, None), *self._counties()]:
            persons = self.persons.sum() if c is None else self.persons[c]
            for q in self.reported_quarters:
                i = self._q(q)
                total = 0
                for k in INCOME_COMPONENTS:
                    arr = self.income[k][:, i]
                    v = (arr.sum(axis=0) if c is None else arr[c]) / persons
                    total = total + v
                    rows.append(
                        {
                            "scope": scope,
                            "quarter": q,
                            "metric": f"{k}_income_per_capita",
                            "unit": "元/人/季度",
                            **_stats(v),
                        }
                    )
                rows.append(
                    {
                        "scope": scope,
                        "quarter": q,
                        "metric": "net_income_per_capita",
                        "unit": "元/人/季度",
                        **_stats(total),
                    }
                )
                growth = self.ytd_growth("production", q, c)
                rows.append(
                    {
                        "scope": scope,
                        "quarter": q,
                        "metric": "production_income_growth_ytd",
                        "unit": "share, year to date on a year earlier",
                        **_stats(growth),
                    }
                )
                share = self.city_falling[i] if c is None else self.county_falling[c, i]
                rows.append(
                    {
                        "scope": scope,
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
        for scope, c in [(CITY, None), *self._counties()]:
            persons = self.persons.sum() if c is None else self.persons[c]
            households = self.households.sum() if c is None else self.households[c]
            for y in self.reported_years:
                total = 0
                for k in INCOME_COMPONENTS:
                    arr = self.annual_income(k, y)
                    v = (arr.sum(axis=0) if c is None else arr[c]) / persons
                    total = total + v
                    rows.append(
                        {"scope": scope, "year": y, "metric": f"{k}_income_per_capita", "unit": "元/人/年", **_stats(v)}
                    )
                rows.append(
                    {"scope": scope, "year": y, "metric": "net_income_per_capita", "unit": "元/人/年", **_stats(total)}
                )
                for k in ("production", "property"):
                    rows.append(
                        {
                            "scope": scope,
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
                    b = arr[:, yi].sum(axis=0) if c is None else arr[c, yi]
                    rows.append(
                        {
                            "scope": scope,
                            "year": y,
                            "metric": metric,
                            "unit": "share 0–1 of households",
                            **_stats(b / households),
                        }
                    )
                cost = self.annual(self.assistance, y)
                rows.append(
                    {
                        "scope": scope,
                        "year": y,
                        "metric": "assistance_cost",
                        "unit": "万元/年",
                        **_stats((cost.sum(axis=0) if c is None else cost[c]) / 10_000),
                    }
                )
        return pd.DataFrame(rows)

    def assessment_table(self) -> pd.DataFrame:
        """The quarterly county assessment (N3, N4), one row per reported quarter and county with households.

        Shares 0–1, excess in percentage points, points per quarter; means and P10/P90 over draws. Ranks are
        competition ranks (ties share the better rank), 1 = the lowest share falling; rows come quarter by
        quarter, best-ranked county first. Counties without households (a partial table) get no row.
        """
        present = np.array([c for _, c in self._counties()], dtype=int)
        idx = [self._q(q) for q in self.reported_quarters]
        shares = self.county_falling[np.ix_(present, idx)].transpose(1, 0, 2)  # quarter × county × draw
        city = self.city_falling[idx]
        points = self.points_lost[np.ix_(present, idx)].transpose(1, 0, 2)
        wudan = self.wudan[np.ix_(present, idx)].transpose(1, 0, 2).mean(axis=-1)
        falling = self.falling[np.ix_(present, idx)].transpose(1, 0, 2).mean(axis=-1)
        mean_share = shares.mean(axis=-1)
        rank = pd.DataFrame(mean_share).rank(axis=1, method="min").to_numpy(int)
        n_q, n_c = mean_share.shape
        frame = pd.DataFrame(
            {
                "quarter": np.repeat(self.reported_quarters, n_c),
                "county": np.tile(np.asarray(self.counties, dtype=object)[present], n_q),
                "households": np.tile(self.households[present], n_q),
                "falling_households": falling.ravel(),
                "falling_share": mean_share.ravel(),
                "falling_share_p10": np.percentile(shares, 10, axis=-1).ravel(),
                "falling_share_p90": np.percentile(shares, 90, axis=-1).ravel(),
                "city_share": np.repeat(city.mean(axis=-1), n_c),
                "excess_pp": ((shares - city[:, None]) * 100).mean(axis=-1).ravel(),
                "points_lost": points.mean(axis=-1).ravel(),
                "points_lost_p90": np.percentile(points, 90, axis=-1).ravel(),
                "rank": rank.ravel(),
                "wudan_probability": wudan.ravel(),
                "wudan": (wudan >= 0.5).ravel(),
            }
        )
        order = np.lexsort((frame["rank"].to_numpy(), np.repeat(np.arange(n_q), n_c)))
        return frame.iloc[order].reset_index(drop=True)
