"""The simulation: every household × every draw, quarter by quarter.

The work is split into blocks of rows inside one county (so each block's sums belong to one county and fit in
the processor's cache) and blocks run on a small thread pool; numpy releases the GIL in the heavy parts.
Only the loop over quarters is Python; everything inside it is array arithmetic over households × draws.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from model.assumptions import assumption_draws
from model.channels import FIRST_QUARTER, TERMS, Channels, channel_of, thetas
from model.fieldspec import COUNTIES
from model.population import INCOME_COMPONENTS, Population
from model.result import HIST_BIN_YUAN, HIST_BINS, SimulationResult
from model.scenario import Scenario, quarter_index
from model.shocks import common_shocks, household_normals, wage_shocks

BLOCK_ROWS = 32768
OTHER = ("wage", "property", "transfer")


@dataclass(frozen=True)
class _Block:
    county: int
    start: int
    stop: int


@dataclass
class _BlockOut:
    county: int
    rows: slice
    production: np.ndarray
    other: np.ndarray
    falling: np.ndarray
    below: np.ndarray
    hist: np.ndarray
    pc_mean: np.ndarray
    p_below: np.ndarray
    base_sums: dict[str, np.ndarray]


def _blocks(pop: Population) -> list[_Block]:
    out = []
    for c, (a, b) in enumerate(pop.county_slices):
        out += [_Block(c, s, min(s + BLOCK_ROWS, b)) for s in range(a, b, BLOCK_ROWS)]
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
    theta = [thetas(t, a) for t in quarters]
    common = common_shocks(
        sim.seed, quarters, draws, pop.village_county, a["price_shock_sd"], a["price_shock_persistence"],
        a["county_shock_sd"], a["village_shock_sd"],
    )
    wage_factor = 1 + wage_shocks(sim.seed, quarters, draws, a["wage_shock_sd"])
    household_sd = a["household_shock_sd"].astype(np.float32)
    theta32 = [th["production"].astype(np.float32) for th in theta]
    damping = a["dual_binding_damping"].astype(np.float32)
    line = sim.monitoring_line_yuan

    def run_block(block: _Block) -> _BlockOut:
        rows = slice(block.start, block.stop)
        n = block.stop - block.start
        w = pop.weight[rows]
        w32 = w.astype(np.float32)
        size32 = pop.size[rows].astype(np.float32)[:, None]
        village = pop.village[rows]
        cum_season = np.cumsum(channels.seasonality["production"])
        prev_ytd = [np.repeat((pop.income_2022["production"][rows] * cum_season[q])[:, None].astype(np.float32),
                              draws, axis=1) for q in range(4)]
        ytd = np.zeros((n, draws), dtype=np.float32)
        det = np.empty((n, draws), dtype=np.float32)
        shock = np.empty((n, draws), dtype=np.float32)
        scratch = np.empty((n, draws), dtype=np.float32)
        flags = np.empty((n, draws), dtype=bool)
        year_bases: list[np.ndarray] = []
        year_thetas: list[np.ndarray] = []
        hist_weights = None if pop.unit_weights else np.repeat(w, draws)
        out = _BlockOut(
            county=block.county, rows=rows,
            production=np.zeros((len(quarters), draws)),
            other=np.zeros((len(quarters), len(OTHER), draws)),
            falling=np.zeros((len(quarters), draws)),
            below=np.zeros((len(years), draws)),
            hist=np.zeros((len(years), HIST_BINS + 1)),
            pc_mean=np.zeros((n, len(years))),
            p_below=np.zeros((n, len(years))),
            base_sums={k: np.zeros((len(quarters), len(terms))) for k, terms in TERMS.items()},
        )
        for i, t in enumerate(quarters):
            q = t % 4
            base = channels.bases(t, rows)
            for k in TERMS:
                out.base_sums[k][i] = w @ base[k]
            np.matmul(base["production"].astype(np.float32), theta32[i], out=det)
            np.maximum(det, 0, out=det)
            household_normals(sim.seed, block.start, t, n, draws, out=shock)
            shock *= household_sd
            np.take(common[i], village, axis=0, out=scratch)
            shock += scratch
            np.multiply.outer(channels.bound(t, rows).astype(np.float32), damping, out=scratch)
            np.subtract(1, scratch, out=scratch)
            shock *= scratch
            shock += 1
            np.maximum(shock, 0, out=shock)
            det *= shock
            if q == 0:
                ytd[...] = 0
                year_bases.clear()
                year_thetas.clear()
            ytd += det
            out.production[i] = w32 @ det
            np.less(ytd, prev_ytd[q], out=flags)
            np.copyto(scratch, flags)
            out.falling[i] = w32 @ scratch
            np.copyto(prev_ytd[q], ytd)
            for j, k in enumerate(OTHER):
                th = theta[i][k] * wage_factor[i] if k == "wage" else theta[i][k]
                out.other[i, j] = out.base_sums[k][i] @ th
                year_bases.append(base[k])
                year_thetas.append(th)
            if q == 3:
                y = years.index(t // 4)
                per_capita = scratch
                np.matmul(np.concatenate(year_bases, axis=1).astype(np.float32),
                          np.concatenate(year_thetas).astype(np.float32), out=per_capita)
                per_capita += ytd
                per_capita /= size32
                np.less(per_capita, line, out=flags)
                np.copyto(shock, flags)
                out.below[y] = w32 @ shock
                out.pc_mean[:, y] = per_capita.mean(axis=1)
                out.p_below[:, y] = shock.mean(axis=1)
                per_capita *= 1 / HIST_BIN_YUAN
                np.minimum(per_capita, HIST_BINS, out=per_capita)
                out.hist[y] = np.bincount(per_capita.astype(np.int32).ravel(), weights=hist_weights,
                                          minlength=HIST_BINS + 1)
        return out

    blocks = _blocks(pop)
    n_threads = threads or _worker_count()
    outs: list[_BlockOut] = []
    with ThreadPoolExecutor(max_workers=n_threads) as pool:
        for done, block_out in enumerate(pool.map(run_block, blocks), start=1):
            outs.append(block_out)
            if progress is not None:
                progress(done / len(blocks))
    return _collect(pop, scenario, channels, a, quarters, years, outs, theta)


def _collect(pop, scenario, channels, a, quarters, years, outs, theta) -> SimulationResult:
    draws = scenario.simulation.draws
    n_c = len(COUNTIES)
    income = {k: np.zeros((n_c, len(quarters), draws)) for k in INCOME_COMPONENTS}
    falling = np.zeros((n_c, len(quarters), draws))
    below = np.zeros((n_c, len(years), draws))
    hist = np.zeros((len(years), HIST_BINS + 1))
    pc_mean = np.zeros((pop.n, len(years)))
    p_below = np.zeros((pop.n, len(years)))
    for o in outs:
        income["production"][o.county] += o.production
        for j, k in enumerate(OTHER):
            income[k][o.county] += o.other[:, j]
        falling[o.county] += o.falling
        below[o.county] += o.below
        hist += o.hist / draws
        pc_mean[o.rows] = o.pc_mean
        p_below[o.rows] = o.p_below
    return SimulationResult(
        scenario=scenario,
        population_label=pop.label,
        quarters=[f"{t // 4}Q{t % 4 + 1}" for t in quarters],
        years=years,
        households=pop.households_by_county(),
        persons=pop.persons_by_county(),
        willing=np.bincount(pop.county, weights=pop.weight * pop.industry_willing, minlength=n_c),
        income=income,
        income_2022={k: np.bincount(pop.county, weights=pop.weight * v, minlength=n_c)
                     for k, v in pop.income_2022.items()},
        falling=falling,
        below=below,
        hist=hist,
        household_pc_mean=pc_mean,
        household_p_below=p_below,
        contributions=_contributions(outs, a, quarters),
        coverage=np.stack([channels.coverage(t) for t in quarters], axis=1),
        coverage_2022=channels.coverage_now,
        linked_by_county=channels.linked_by_county,
        allocation=channels.allocation,
    )


def _contributions(outs: list[_BlockOut], a: dict, quarters: list[int]) -> dict[str, np.ndarray]:
    """Expected yuan per county and quarter that each channel adds, at the mean assumption values.

    Shocks are mean-one, so a term's expectation is its (weighted, county-summed) base times its mean
    multiplier; the organic trend's contribution is its growth over 2022.
    """
    mean_a = {k: v.mean(keepdims=True) for k, v in a.items()}
    sums = {k: np.zeros((len(COUNTIES), len(quarters), len(terms))) for k, terms in TERMS.items()}
    for o in outs:
        for k in TERMS:
            sums[k][o.county] += o.base_sums[k]
    out: dict[str, np.ndarray] = {}
    for i, t in enumerate(quarters):
        th = thetas(t, mean_a)
        for k, terms in TERMS.items():
            for j, term in enumerate(terms):
                name = "organic" if term == "trend" else channel_of(term)
                multiplier = th[k][j, 0] - 1 if term == "trend" else th[k][j, 0]
                arr = out.setdefault(name, np.zeros((len(COUNTIES), len(quarters))))
                arr[:, i] += sums[k][:, i, j] * multiplier
    return out
