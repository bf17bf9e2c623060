"""The simulation: every household × every draw, quarter by quarter, from the base year to the horizon.

The plan (who each channel reaches) is built once per scenario; the per-draw tables once per batch of draws; then
blocks of households of one county run all their quarters (model/engine/reference.py, or the compiled kernel when
present) and hand back exact fixed-point sums, which are added up by county. Only loops over blocks, quarters and
counties are Python. ``first_draw`` lets a caller add draws to a run without changing the draws it has.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from model.engine.capacity import capacity_flags
from model.engine.draws import assumption_draws, tables
from model.engine.plan import Plan, build_plan
from model.engine.reference import COUNT_SCALE, MONEY_SCALE, TERMS, Shared, simulate_block
from model.engine.result import SimulationResult
from model.engine.rng import STREAM_HOUSEHOLD, STREAM_START, stream_key
from model.engine.shocks import common_shocks, wage_shocks
from model.population.table import INCOME_COMPONENTS, Population
from model.schema import calibration
from model.schema.scenario import Scenario, quarter_label

BLOCK_ROWS = 4_096


def _blocks(pop: Population, rows: int = BLOCK_ROWS) -> list[slice]:
    """Row ranges of at most ``rows`` households, each inside one county."""
    return [slice(s, min(s + rows, b)) for a, b in pop.county_slices for s in range(a, b, rows)]


def shared_inputs(plan: Plan, a: dict[str, np.ndarray], draw_index: np.ndarray) -> Shared:
    """The per-run tables every block reads."""
    pop, scenario = plan.pop, plan.scenario
    seed = scenario.simulation.seed
    quarters = np.arange(plan.base_quarter, plan.last_quarter + 1, dtype=np.uint64)
    return Shared(
        common=common_shocks(pop, seed, quarters, draw_index, a),
        wage_shock=wage_shocks(pop, seed, quarters, draw_index, a["wage_shock_sd"]),
        draw_index=draw_index,
        household_stream=stream_key(seed, STREAM_HOUSEHOLD),
        start_stream=stream_key(seed, STREAM_START),
        seasonality={k: np.asarray(calibration.seasonality(k)) for k in INCOME_COMPONENTS},
        line=scenario.simulation.monitoring_line_yuan,
        safety=scenario.safety_net.model_dump(),
    )


def simulate(
    pop: Population,
    scenario: Scenario,
    progress: Callable[[float], None] | None = None,
    draws: int | None = None,
    first_draw: int = 0,
    block_rows: int = BLOCK_ROWS,
    held: frozenset[str] = frozenset(),
    threads: int | None = None,
) -> SimulationResult:
    """Project every household's income under ``scenario``; pure apart from the optional progress callback.

    ``draws`` (default: the scenario's) draws numbered from ``first_draw``; ``held`` names assumptions kept at the
    scenario's value even when assumptions are drawn. The progress callback gets the share done after each block;
    it may raise to cancel the run.
    """
    draws = scenario.simulation.draws if draws is None else draws
    plan = build_plan(pop, scenario)
    draw_index = np.arange(first_draw, first_draw + draws, dtype=np.uint64)
    a = assumption_draws(scenario, draws, first_draw, held)
    dt = tables(plan, a)
    shared = shared_inputs(plan, a, draw_index)
    n_c, n_q, n_y = pop.n_counties, len(plan.projected_quarters), plan.n_vintages
    income = {k: np.zeros((n_c, n_q, draws), np.int64) for k in INCOME_COMPONENTS}
    sums = {name: np.zeros((n_c, n_q, draws), np.int64) for name in ("falling", "assistance", "assisted")}
    below = {name: np.zeros((n_c, n_y, draws), np.int64) for name in ("before", "after")}
    terms = {k: np.zeros((n_c, n_q, len(v)), np.int64) for k, v in TERMS.items()}
    pc_sum = np.zeros((pop.n, n_y))
    below_sum = np.zeros((pop.n, n_y))
    blocks = _blocks(pop, block_rows)
    workers = max(1, threads or os.cpu_count() or 1)
    pool = ThreadPoolExecutor(max_workers=workers)  # numpy releases the GIL; integer sums add in any order
    try:
        futures = [pool.submit(simulate_block, plan, dt, shared, rows) for rows in blocks]
        for done, (rows, future) in enumerate(zip(blocks, futures, strict=True), start=1):
            _add_block(pop, rows, future.result(), income, terms, sums, below, pc_sum, below_sum)
            if progress is not None:
                progress(done / len(blocks))
    finally:
        pool.shutdown(cancel_futures=True)  # a progress callback that raises stops the blocks not yet started
    return _result(plan, income, sums, below, terms, pc_sum, below_sum)


def _add_block(pop, rows, out, income, terms, sums, below, pc_sum, below_sum) -> None:
    """Add one block's exact sums into the county arrays."""
    c = int(pop.county[rows.start])
    for k in INCOME_COMPONENTS:
        income[k][c] += out.income[k]
        terms[k][c] += out.terms[k]
    sums["falling"][c] += out.falling
    sums["assistance"][c] += out.assistance
    sums["assisted"][c] += out.assisted
    below["before"][c] += out.below_before
    below["after"][c] += out.below_after
    pc_sum[rows] = out.pc_income_sum
    below_sum[rows] = out.below_sum


def _result(plan: Plan, income, sums, below, terms, pc_sum, below_sum) -> SimulationResult:
    pop, scenario = plan.pop, plan.scenario
    n_c = pop.n_counties
    quarters = plan.projected_quarters
    years = sorted({t // 4 for t in quarters if t % 4 == 3})
    first_year = plan.first_quarter // 4
    year_idx = [y - first_year for y in years]
    money, count = 1 / MONEY_SCALE, 1 / COUNT_SCALE
    return SimulationResult(
        scenario=scenario,
        population_label=pop.label,
        counties=pop.counties,
        base_year=pop.base_year,
        quarters=[quarter_label(t) for t in quarters],
        years=years,
        households=pop.households_by_county(),
        persons=pop.persons_by_county(),
        willing=np.bincount(pop.county, weights=pop.weight * pop.industry_willing, minlength=n_c),
        income={k: v * money for k, v in income.items()},
        income_base={
            k: np.bincount(pop.county, weights=pop.weight * v, minlength=n_c) for k, v in pop.income_base.items()
        },
        falling=sums["falling"] * count,
        below=below["after"][:, year_idx] * count,
        below_before=below["before"][:, year_idx] * count,
        assistance=sums["assistance"] * money,
        assisted=sums["assisted"] * count,
        terms_sum={k: v * money for k, v in terms.items()},
        household_pc_sum=pc_sum[:, year_idx],
        household_below_sum=below_sum[:, year_idx],
        household_weight=pop.weight,
        coverage=np.stack([plan.coverage(t) for t in quarters], axis=1),
        coverage_base=plan.coverage_now,
        linked_by_county=plan.linked_c,
        allocation=plan.allocation,
        feasibility=capacity_flags(plan),
        programme_scale=pop.region.programme_scale,
    )
