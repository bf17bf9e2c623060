"""The simulation: every household × every draw, quarter by quarter, from the base year to the horizon.

The plan (who each channel reaches) is built once per scenario; the per-draw tables once per batch of draws; then
row ranges of households run all their quarters — through the compiled kernel (model/engine/kernel.py) or, with
``engine="reference"``, the numpy reference (model/engine/reference.py, which tests compare the kernel with) —
and hand back exact fixed-point sums by county. Only loops over row ranges, quarters and counties are Python.
``first_draw`` lets a caller add draws to a run without changing the draws it has.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from model.engine.capacity import capacity_flags
from model.engine.draws import DrawTables, assumption_draws, tables
from model.engine.kernel import KernelRun
from model.engine.plan import Plan, build_plan
from model.engine.reference import COUNT_SCALE, MONEY_SCALE, BlockSums, Shared, empty_sums, simulate_block
from model.engine.result import SimulationResult
from model.engine.rng import STREAM_HOUSEHOLD, STREAM_START, stream_key
from model.engine.shocks import common_shocks, wage_shocks
from model.population.table import INCOME_COMPONENTS, Population
from model.schema import calibration
from model.schema.scenario import Scenario, quarter_label

BLOCK_ROWS = {"kernel": 32_768, "reference": 4_096}  # households per block (kernel: per call, progress step)
ENGINES = tuple(BLOCK_ROWS)


def _blocks(pop: Population, rows: int) -> list[slice]:
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


class ReferenceRun:
    """One simulation through the numpy reference, block by block (each block inside one county)."""

    def __init__(self, plan: Plan, dt: DrawTables, shared: Shared) -> None:
        self.plan, self.dt, self.shared = plan, dt, shared
        pop, draws = plan.pop, len(shared.draw_index)
        self.sums = empty_sums((pop.n_counties,), len(plan.projected_quarters), plan.n_vintages, draws, pop.n)

    def run(self, rows: slice) -> None:
        """Simulate one block and add it to its county."""
        c, sums = int(self.plan.pop.county[rows.start]), self.sums
        out = simulate_block(self.plan, self.dt, self.shared, rows)
        for k in INCOME_COMPONENTS:
            sums.income[k][c] += out.income[k]
            sums.terms[k][c] += out.terms[k]
        for name in ("falling", "assistance", "assisted", "below_before", "below_after"):
            getattr(sums, name)[c] += getattr(out, name)
        sums.pc_income_sum[rows] = out.pc_income_sum
        sums.below_sum[rows] = out.below_sum

    def totals(self) -> BlockSums:
        """The run's sums by county."""
        return self.sums


def simulate(
    pop: Population,
    scenario: Scenario,
    progress: Callable[[float], None] | None = None,
    draws: int | None = None,
    first_draw: int = 0,
    block_rows: int | None = None,
    engine: str = "kernel",
    threads: int | None = None,
    held: frozenset[str] = frozenset(),
    plan: Plan | None = None,
) -> SimulationResult:
    """Project every household's income under ``scenario``; pure apart from the optional progress callback.

    ``draws`` (default: the scenario's) draws numbered from ``first_draw``; ``held`` names assumptions kept at the
    scenario's value even when assumptions are drawn. Households run in blocks of
    ``block_rows`` (default: the engine's) inside one county; the progress callback gets the share done after
    each block and may raise to cancel the run. ``engine``: "kernel" (compiled) or "reference" (numpy).
    ``threads``: the kernel's threads (default all cores; a Dask worker running tasks side by side passes 1).
    Results are the same, bit for bit, whatever the block size and thread count. ``plan``: the scenario's plan
    when the caller has it already (a run adding draws), else built here.
    """
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES}, not {engine!r}")
    draws = scenario.simulation.draws if draws is None else draws
    plan = build_plan(pop, scenario) if plan is None else plan
    draw_index = np.arange(first_draw, first_draw + draws, dtype=np.uint64)
    a = assumption_draws(scenario, draws, first_draw, held)
    dt = tables(plan, a)
    shared = shared_inputs(plan, a, draw_index)
    run = KernelRun(plan, dt, shared, threads) if engine == "kernel" else ReferenceRun(plan, dt, shared)
    blocks = _blocks(pop, block_rows or BLOCK_ROWS[engine])
    for done, rows in enumerate(blocks, start=1):
        run.run(rows)
        if progress is not None:
            progress(done / len(blocks))
    return _result(plan, run.totals())


def _result(plan: Plan, sums: BlockSums) -> SimulationResult:
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
        income={k: v * money for k, v in sums.income.items()},
        income_base={
            k: np.bincount(pop.county, weights=pop.weight * v, minlength=n_c) for k, v in pop.income_base.items()
        },
        falling=sums.falling * count,
        below=sums.below_after[:, year_idx] * count,
        below_before=sums.below_before[:, year_idx] * count,
        assistance=sums.assistance * money,
        assisted=sums.assisted * count,
        terms_sum={k: v * money for k, v in sums.terms.items()},
        household_pc_sum=sums.pc_income_sum[:, year_idx],
        household_below_sum=sums.below_sum[:, year_idx],
        household_weight=pop.weight,
        coverage=np.stack([plan.coverage(t) for t in quarters], axis=1),
        coverage_base=plan.coverage_now,
        linked_by_county=plan.linked_c,
        asset_linked_by_county=plan.asset_households_c,
        allocation=plan.allocation,
        feasibility=capacity_flags(plan),
        programme_scale=pop.region.programme_scale,
    )
