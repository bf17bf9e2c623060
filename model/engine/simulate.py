"""The simulation: every household × every draw, quarter by quarter.

Per quarter, the per-household terms of the income equations are computed once for the whole population
(vectors over households); the households × draws work (shocks, year-to-date sums, falls, the monitoring line)
then runs on blocks of rows inside one county, so that each block's sums belong to one county and its arrays
stay in the processor's cache. Blocks run on a small thread pool: numpy releases the GIL in the heavy parts.
BLAS is held to one thread meanwhile: its own spinning threads would otherwise take the cores the blocks need.
Only the loop over quarters is Python.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from threadpoolctl import threadpool_limits

from model.engine.assumptions import assumption_draws
from model.engine.channels import FIRST_QUARTER, TERMS, Channels, channel_of, thetas
from model.engine.result import HIST_BIN_YUAN, HIST_BINS, SimulationResult
from model.engine.shocks import common_shocks, household_bits, household_normals, household_table, wage_shocks
from model.population.table import INCOME_COMPONENTS, Population
from model.schema.fieldspec import COUNTIES
from model.schema.scenario import Scenario, quarter_index

BLOCK_ROWS = 8_192
FALL_TOLERANCE = 1e-5  # a year-to-date fall smaller than this share of last year's is float32 rounding, not a fall
OTHER = ("wage", "property", "transfer")


class _Block:
    """Households × draws state of one block of rows (one county) carried from quarter to quarter."""

    def __init__(
        self,
        pop: Population,
        seed: int,
        county: int,
        start: int,
        stop: int,
        draws: int,
        n_quarters: int,
        n_years: int,
        cumulative_season: np.ndarray,
    ):
        self.county, self.start, self.rows = county, start, slice(start, stop)
        n = stop - start
        self.weighted = not pop.unit_weights
        self.w32 = pop.weight[self.rows].astype(np.float32)
        self.size32 = pop.size[self.rows].astype(np.float32)[:, None]
        self.village = pop.village[self.rows]
        self.bits = household_bits(seed, start)
        last_year = pop.income_2022["production"][self.rows] * (1 - FALL_TOLERANCE)
        self.prev_ytd = [
            np.repeat((last_year * cumulative_season[q]).astype(np.float32)[:, None], draws, axis=1) for q in range(4)
        ]
        self.ytd = [np.zeros((n, draws), dtype=np.float32) for _ in range(4)]
        self.other_ytd = np.zeros((n, draws), dtype=np.float32)
        self.det = np.empty((n, draws), dtype=np.float32)
        self.shock = np.empty((n, draws), dtype=np.float32)
        self.scratch = np.empty((n, draws), dtype=np.float32)
        self.flags = np.empty((n, draws), dtype=bool)
        self.production = np.zeros((n_quarters, draws))
        self.falling = np.zeros((n_quarters, draws))
        self.below = np.zeros((n_years, draws))
        self.pc_mean = np.zeros((n, n_years))
        self.p_below = np.zeros((n, n_years))

    def _sum(self, x: np.ndarray) -> np.ndarray:
        """Weighted column sums over the block's households (a matrix-vector product: fast for few columns)."""
        return (self.w32 @ x).astype(np.float64)

    def quarter(self, i: int, t: int, q: Quarter) -> None:
        """Shocks applied to this block's rows of ``q.production`` (in place), year-to-date sums and falls."""
        rows = self.rows
        det, shock, scratch = self.det, self.shock, self.scratch
        np.matmul(q.production_base[rows], q.production_theta, out=det)
        np.maximum(det, 0, out=det)
        np.matmul(q.other_base[rows], q.other_theta, out=scratch)
        if t % 4 == 0:
            np.copyto(self.other_ytd, scratch)
        else:
            self.other_ytd += scratch
        household_normals(self.bits, det.shape[0], det.shape[1], table=q.normal_table, out=shock)
        if q.household_sd is not None:
            shock *= q.household_sd
        np.take(q.common, self.village, axis=0, out=scratch)
        shock += scratch
        if q.damping.ndim:
            np.multiply(q.bound[rows, None], q.damping, out=scratch)
            np.subtract(1, scratch, out=scratch)
            shock *= scratch
        else:
            shock *= (1 - q.bound[rows] * q.damping)[:, None]
        shock += 1
        np.maximum(shock, 0, out=shock)
        det *= shock
        quarter_of_year = t % 4
        ytd = self.ytd[quarter_of_year]
        if quarter_of_year == 0:
            np.copyto(ytd, det)
        else:
            np.add(self.ytd[quarter_of_year - 1], det, out=ytd)
        self.production[i] = self._sum(det)
        np.less(ytd, self.prev_ytd[quarter_of_year], out=self.flags)
        np.copyto(scratch, self.flags)
        self.falling[i] = self._sum(scratch)
        if quarter_of_year == 3:
            self.ytd, self.prev_ytd = self.prev_ytd, self.ytd

    def year_end(self, y: int, line: float) -> None:
        """Annual per-capita net income: share below the monitoring line and per-household means over draws.

        Called after the year's fourth quarter, when that year's year-to-date sums sit in ``prev_ytd``; lowers
        them by :data:`FALL_TOLERANCE` afterwards, ready to be next year's comparison.
        """
        per_capita, flags = self.scratch, self.flags
        np.add(self.other_ytd, self.prev_ytd[3], out=per_capita)
        for ytd in self.prev_ytd:
            ytd *= np.float32(1 - FALL_TOLERANCE)
        per_capita /= self.size32
        np.less(per_capita, line, out=flags)
        np.copyto(self.shock, flags)
        self.below[y] = self._sum(self.shock)
        self.pc_mean[:, y] = per_capita.mean(axis=1)
        self.p_below[:, y] = self.shock.mean(axis=1)


@dataclass(frozen=True)
class Quarter:
    """Everything the blocks share in one quarter (read-only for them)."""

    production_base: np.ndarray
    production_theta: np.ndarray
    other_base: np.ndarray
    other_theta: np.ndarray
    bound: np.ndarray
    common: np.ndarray
    normal_table: np.ndarray
    household_sd: np.ndarray | None
    damping: np.ndarray


def _blocks(
    pop: Population, seed: int, draws: int, n_quarters: int, n_years: int, cum_season: np.ndarray
) -> list[_Block]:
    out = []
    for c, (a, b) in enumerate(pop.county_slices):
        out += [
            _Block(pop, seed, c, s, min(s + BLOCK_ROWS, b), draws, n_quarters, n_years, cum_season)
            for s in range(a, b, BLOCK_ROWS)
        ]
    return out


def county_sums(pop: Population, values: np.ndarray) -> np.ndarray:
    """Weighted sums of the rows of ``values`` (households × k) by county, shape (9, k)."""
    out = np.zeros((len(COUNTIES), values.shape[1]))
    for c, (start, stop) in enumerate(pop.county_slices):
        if stop > start:
            out[c] = pop.weight[start:stop] @ values[start:stop]
    return out


def _worker_count() -> int:
    return max(1, min(4, os.cpu_count() or 1))


def simulate(
    pop: Population,
    scenario: Scenario,
    progress: Callable[[float], None] | None = None,
    threads: int | None = None,
) -> SimulationResult:
    """Project every household's income under ``scenario``; pure apart from the optional progress callback."""
    sim = scenario.simulation
    draws = sim.draws
    quarters = list(range(FIRST_QUARTER, quarter_index(sim.end_quarter) + 1))
    years = sorted({t // 4 for t in quarters if t % 4 == 3})
    channels = Channels.build(pop, scenario)
    a = assumption_draws(scenario, draws)
    common = common_shocks(
        sim.seed,
        quarters,
        draws,
        pop.village_county,
        a["price_shock_sd"],
        a["price_shock_persistence"],
        a["county_shock_sd"],
        a["village_shock_sd"],
    )
    wage_factor = 1 + wage_shocks(sim.seed, quarters, draws, a["wage_shock_sd"])
    blocks = _blocks(pop, sim.seed, draws, len(quarters), len(years), np.cumsum(channels.seasonality["production"]))
    n_c = len(COUNTIES)
    base_sums = {k: np.zeros((n_c, len(quarters), len(terms))) for k, terms in TERMS.items()}
    other_income = np.zeros((len(OTHER), n_c, len(quarters), draws))
    damping = a["dual_binding_damping"]
    damping = np.float32(damping[0]) if np.all(damping == damping[0]) else damping.astype(np.float32)
    table, household_sd = household_table(a["household_shock_sd"])
    line = sim.monitoring_line_yuan
    base = None
    with ThreadPoolExecutor(max_workers=threads or _worker_count()) as pool, threadpool_limits(1, user_api="blas"):
        for i, t in enumerate(quarters):
            base = channels.bases(t, out=base)
            theta = thetas(t, a)
            for k, b in base.items():
                base_sums[k][:, i] = county_sums(pop, b)
            other_thetas = []
            for j, k in enumerate(OTHER):
                th = theta[k] * wage_factor[i] if k == "wage" else theta[k]
                other_income[j, :, i] = base_sums[k][:, i] @ th
                other_thetas.append(th)
            shared = Quarter(
                production_base=base["production"],
                production_theta=theta["production"].astype(np.float32),
                other_base=np.concatenate([base[k] for k in OTHER], axis=1),
                other_theta=np.concatenate(other_thetas).astype(np.float32),
                bound=channels.bound(t),
                common=common[i],
                normal_table=table,
                household_sd=household_sd,
                damping=damping,
            )
            list(pool.map(lambda blk, i=i, t=t, shared=shared: blk.quarter(i, t, shared), blocks))
            if t % 4 == 3:
                y = years.index(t // 4)
                list(pool.map(lambda blk, y=y: blk.year_end(y, line), blocks))
            if progress is not None:
                progress((i + 1) / len(quarters))
    return _collect(pop, scenario, channels, a, quarters, years, blocks, base_sums, other_income)


def _collect(pop, scenario, channels, a, quarters, years, blocks, base_sums, other_income) -> SimulationResult:
    draws = scenario.simulation.draws
    n_c = len(COUNTIES)
    income = {k: np.zeros((n_c, len(quarters), draws)) for k in INCOME_COMPONENTS}
    for j, k in enumerate(OTHER):
        income[k] = other_income[j]
    falling = np.zeros((n_c, len(quarters), draws))
    below = np.zeros((n_c, len(years), draws))
    pc_mean = np.zeros((pop.n, len(years)))
    p_below = np.zeros((pop.n, len(years)))
    for blk in blocks:
        income["production"][blk.county] += blk.production
        falling[blk.county] += blk.falling
        below[blk.county] += blk.below
        pc_mean[blk.rows] = blk.pc_mean
        p_below[blk.rows] = blk.p_below
    return SimulationResult(
        scenario=scenario,
        population_label=pop.label,
        quarters=[f"{t // 4}Q{t % 4 + 1}" for t in quarters],
        years=years,
        households=pop.households_by_county(),
        persons=pop.persons_by_county(),
        willing=np.bincount(pop.county, weights=pop.weight * pop.industry_willing, minlength=n_c),
        income=income,
        income_2022={
            k: np.bincount(pop.county, weights=pop.weight * v, minlength=n_c) for k, v in pop.income_2022.items()
        },
        falling=falling,
        below=below,
        hist=_expected_income_histogram(pop, pc_mean),
        household_pc_mean=pc_mean,
        household_p_below=p_below,
        contributions=_contributions(base_sums, a, quarters),
        coverage=np.stack([channels.coverage(t) for t in quarters], axis=1),
        coverage_2022=channels.coverage_now,
        linked_by_county=channels.linked_by_county,
        allocation=channels.allocation,
    )


def _expected_income_histogram(pop: Population, pc_mean: np.ndarray) -> np.ndarray:
    """Weighted households by bin of expected (mean over draws) per-capita income, shape (year, bins)."""
    bins = np.minimum(pc_mean / HIST_BIN_YUAN, HIST_BINS).astype(np.int64)
    out = np.zeros((pc_mean.shape[1], HIST_BINS + 1))
    for y in range(pc_mean.shape[1]):
        out[y] = np.bincount(bins[:, y], weights=pop.weight, minlength=HIST_BINS + 1)
    return out


def _contributions(base_sums: dict[str, np.ndarray], a: dict, quarters: list[int]) -> dict[str, np.ndarray]:
    """Expected yuan per county and quarter that each channel adds, at the mean assumption values.

    Shocks are mean-one, so a term's expectation is its (weighted, county-summed) base times its mean
    multiplier; the organic trend's contribution is its growth over 2022.
    """
    mean_a = {k: v.mean(keepdims=True) for k, v in a.items()}
    out: dict[str, np.ndarray] = {}
    for i, t in enumerate(quarters):
        th = thetas(t, mean_a)
        for k, terms in TERMS.items():
            for j, term in enumerate(terms):
                name = "organic" if term == "trend" else channel_of(term)
                multiplier = th[k][j, 0] - 1 if term == "trend" else th[k][j, 0]
                arr = out.setdefault(name, np.zeros((len(COUNTIES), len(quarters))))
                arr[:, i] += base_sums[k][:, i, j] * multiplier
    return out
