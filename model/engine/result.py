"""What a simulation returns, and the tables every front end reads from it.

Raw arrays are county × quarter × draw sums in yuan; tables are tidy pandas frames with a unit column and
mean / P10 / P50 / P90 over draws. "city" rows aggregate the nine counties (totals, then ratios).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from model.population.table import INCOME_COMPONENTS
from model.schema import calibration
from model.schema.fieldspec import COUNTIES

BASE_YEAR = 2022
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
    """Raw outputs of :func:`model.engine.simulate` (arrays are county × quarter × draw unless noted)."""

    scenario: object
    population_label: str
    quarters: list[str]
    years: list[int]
    households: np.ndarray
    persons: np.ndarray
    willing: np.ndarray
    income: dict[str, np.ndarray]
    income_2022: dict[str, np.ndarray]
    falling: np.ndarray
    below: np.ndarray
    hist: np.ndarray
    household_pc_mean: np.ndarray
    household_p_below: np.ndarray
    contributions: dict[str, np.ndarray]
    coverage: np.ndarray
    coverage_2022: np.ndarray
    linked_by_county: np.ndarray
    allocation: np.ndarray

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

    def annual_income(self, component: str, year: int) -> np.ndarray:
        """County totals of a component in ``year``: shape (county, draw), yuan."""
        idx = [i for i, q in enumerate(self.quarters) if q.startswith(str(year))]
        return self.income[component][:, idx].sum(axis=1)

    def growth(self, component: str, year: int, county: int | None = None) -> np.ndarray:
        """Year-on-year growth of a component's total (share, per draw); ``county=None`` for the city."""
        return self.ytd_growth(component, f"{year}Q4", county)

    def ytd_income(self, component: str, quarter: str) -> np.ndarray:
        """County totals of a component from Q1 to ``quarter`` of its year: (county, draw), yuan.

        For 2022 (before the projection) the observed annual totals are spread by the calibrated seasonality.
        """
        year, q = int(quarter[:4]), int(quarter[-1])
        if year == BASE_YEAR:
            share = float(np.sum(calibration.seasonality(component)[:q]))
            return np.repeat(self.income_2022[component][:, None] * share, self.draws, axis=1)
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
        return [(name, i) for i, name in enumerate(COUNTIES) if self.households[i] > 0]

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
                b = self.below[:, yi].sum(axis=0) if c is None else self.below[c, yi]
                rows.append(
                    {
                        "scope": scope,
                        "year": y,
                        "metric": "below_monitoring_line_share",
                        "unit": "share 0–1 of households",
                        **_stats(b / households),
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
                "county": np.tile(np.asarray(COUNTIES, dtype=object)[present], n_q),
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
