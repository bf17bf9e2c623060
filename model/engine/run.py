"""One call for every front end: a population and a scenario in, a result with its targets out.

A verdict run starts with the scenario's draws and adds draws until every outcome's probability of meeting its
target has a Monte Carlo standard error ≤ ``simulation.max_standard_error`` (0 keeps the draws fixed), up to the
schema's largest draw count. Counter-based random numbers make the added draws new ones: the first ``n`` draws of
a longer run are exactly the draws of a run of ``n``. A population of 80,000 records or more runs a fixed
10,000-household sample beside it, and its P(met) is the two-level estimate of model/engine/two_level.py: the same
error from far fewer draws of all households.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import pandas as pd

from model.engine import two_level
from model.engine.capacity import CapacityFlag
from model.engine.plan import Plan, build_plan
from model.engine.result import SimulationResult
from model.engine.simulate import simulate
from model.engine.targets import (
    OUTCOME_KEYS,
    TargetCheck,
    contributions_table,
    evaluate_targets,
    met_draws,
    outcome_draws,
)
from model.population.table import Population
from model.schema import fieldspec
from model.schema.budget import check_work_budget
from model.schema.budget import max_draws as budget_draws
from model.schema.scenario import Scenario

DRAW_STEP = 32  # draws are added in multiples of this


@dataclass(frozen=True, eq=False)
class Run:
    """A simulated scenario with its target checks."""

    result: SimulationResult

    @property
    def scenario(self) -> Scenario:
        """The scenario that was run."""
        return self.result.scenario

    @property
    def population_label(self) -> str:
        """Which population the result is for."""
        return self.result.population_label

    @cached_property
    def targets(self) -> dict[str, TargetCheck]:
        """Every target of the notice checked on this run."""
        return evaluate_targets(self.result)

    @property
    def capacity(self) -> dict[str, CapacityFlag]:
        """Levers against what the city can absorb (flagged when exceeded)."""
        return self.result.feasibility

    @cached_property
    def contributions(self) -> pd.DataFrame:
        """Per year and channel: yuan per capita added; yuan per 万元 of funds."""
        return contributions_table(self.result)


def draws_needed(checks: dict[str, TargetCheck], standard_error: float) -> int:
    """Draws that bring every outcome's P(met) standard error to ``standard_error``, at the current estimates."""
    need = 0
    for key in OUTCOME_KEYS:
        check = checks.get(key)
        if check is None or check.probability is None or check.draws is None:
            continue
        p = (check.probability * check.draws + 1) / (check.draws + 2)
        need = max(need, math.ceil(p * (1 - p) / standard_error**2))
    return DRAW_STEP * math.ceil(need / DRAW_STEP)


def max_draws() -> int:
    """The schema's largest draw count (the work budget may lower it)."""
    return int(fieldspec.by_path()["simulation.draws"].max)


def grow_draws(
    scenario: Scenario,
    result: SimulationResult,
    more: Callable[[SimulationResult, int], SimulationResult],
    households: int | None = None,
) -> SimulationResult:
    """Add draws to ``result`` until every outcome's P(met) standard error is small enough.

    ``more(result, wanted)`` returns the result with draws up to ``wanted`` (new draws only: counter-based random
    numbers keep the ones it has). One loop for a run in this process and a province run on Dask workers.
    ``households`` (a run in one process) keeps the added draws within the work budget.
    """
    target = scenario.simulation.max_standard_error
    ceiling = max_draws() if households is None else min(max_draws(), budget_draws(scenario, households))
    ceiling = max(ceiling, scenario.simulation.draws)
    while target > 0 and result.draws < ceiling:
        wanted = min(draws_needed(evaluate_targets(result), target), ceiling)
        if wanted <= result.draws:
            break
        result = more(result, wanted)
    return result


def run_scenario(
    pop: Population,
    scenario: Scenario,
    progress: Callable[[float], None] | None = None,
    held: frozenset[str] = frozenset(),
    threads: int | None = None,
    sample_draws: int | None = None,
) -> Run:
    """Simulate ``scenario`` on ``pop``, adding draws until the verdicts' standard errors are small enough.

    A run beyond the work budget is refused (ScenarioError) before any work; added draws stay within it. A large
    population's verdict runs its draws on a fixed sample of the households as well, and its P(met) is the
    two-level estimate (model/engine/two_level.py): the same error from far fewer draws of all households.

    ``progress(fraction)`` is called as blocks finish (it may raise to cancel); a run that grows its draws
    reports each batch against the draws known so far, so the fraction can step back once. ``threads`` caps the
    engine's threads (None: every core; Dask workers pass 1). ``sample_draws`` with fixed draws (no error
    target): a two-level run at exactly the scenario's draws and these draws of the sample (common random numbers
    with a verdict run of those draws).
    """
    check_work_budget(scenario, pop.n)
    plan = build_plan(pop, scenario)  # who each channel reaches: the same for every batch of draws
    grows = scenario.simulation.max_standard_error > 0
    sample = two_level.control_sample(pop) if grows or sample_draws else None
    if sample is not None:
        fixed = None if grows else (scenario.simulation.draws, max(sample_draws, scenario.simulation.draws))
        return Run(_two_level_run(pop, sample, scenario, plan, progress, held, threads, fixed))

    def more(result: SimulationResult, wanted: int) -> SimulationResult:
        have = result.draws

        def batch_progress(f: float) -> None:
            if progress is not None:
                progress((have + f * (wanted - have)) / wanted)

        return _with_draws(pop, scenario, plan, result, wanted, batch_progress, held, threads)

    first = simulate(pop, scenario, progress=progress, held=held, threads=threads, plan=plan)
    return Run(grow_draws(scenario, first, more, pop.n))


def _with_draws(
    pop: Population,
    scenario: Scenario,
    plan: Plan,
    result: SimulationResult | None,
    wanted: int,
    progress: Callable[[float], None],
    held: frozenset[str],
    threads: int | None,
) -> SimulationResult:
    """``result`` (None: no draws yet) with draws up to ``wanted``: only the new draws are simulated."""
    have = 0 if result is None else result.draws
    extra = simulate(
        pop, scenario, progress=progress, draws=wanted - have, first_draw=have, held=held, threads=threads, plan=plan
    )
    return extra if result is None else result.extend(extra)


def _two_level_run(
    pop: Population,
    sample: Population,
    scenario: Scenario,
    plan: Plan,
    progress: Callable[[float], None] | None,
    held: frozenset[str],
    threads: int | None,
    fixed: tuple[int, int] | None = None,
) -> SimulationResult:
    """Draws of all households and at least as many of the sample, added to until every two-level error is met.

    ``fixed`` (draws, sample draws): exactly these, nothing added. The result carries the sample's outcomes as its
    control. Progress is the share of the work (households ×
    draws of both runs) planned so far: it steps back when a round plans more.
    """
    plans = {id(pop): plan, id(sample): build_plan(sample, scenario)}
    target = scenario.simulation.max_standard_error
    ceiling = max(scenario.simulation.draws, min(max_draws(), budget_draws(scenario, pop.n)))
    sample_ceiling = max(ceiling, min(two_level.MAX_SAMPLE_DRAWS, budget_draws(scenario, sample.n)))
    runs: dict[int, SimulationResult] = {}
    done = 0

    def extend(population: Population, wanted: int, planned: int) -> None:
        nonlocal done
        current = runs.get(id(population))
        have = 0 if current is None else current.draws
        if wanted <= have:
            return
        before = done

        def report(f: float) -> None:
            if progress is not None:
                progress((before + f * (wanted - have) * population.n) / planned)

        runs[id(population)] = _with_draws(
            population, scenario, plans[id(population)], current, wanted, report, held, threads
        )
        done += (wanted - have) * population.n

    wanted = scenario.simulation.draws
    sample_wanted = min(max(2 * two_level.SAMPLE_STEP, wanted), sample_ceiling)
    if fixed is not None:
        wanted, sample_wanted = fixed
    while True:
        planned = done + sum(
            max(0, want - (runs[id(p)].draws if id(p) in runs else 0)) * p.n
            for p, want in ((pop, wanted), (sample, sample_wanted))
        )
        extend(pop, wanted, planned)
        extend(sample, sample_wanted, planned)
        result, sample_result = runs[id(pop)], runs[id(sample)]
        if fixed is not None:
            break
        parts = _two_level_parts(result, sample_result)
        wanted, sample_wanted = two_level.draws_for(parts, target, two_level.cost_ratio(pop.n, sample.n), DRAW_STEP)
        wanted = min(wanted, ceiling)
        sample_wanted = min(max(sample_wanted, wanted), sample_ceiling)
        if wanted <= result.draws and sample_wanted <= sample_result.draws:
            break
    controls = {key: o.values for key, o in outcome_draws(sample_result).items() if key in two_level.OUTCOMES}
    return result.with_control(controls, sample.n)


def _two_level_parts(result: SimulationResult, sample_result: SimulationResult) -> list[two_level.TwoLevel]:
    """Each outcome's estimate from a run of all households and one of the sample (plain where it has no control)."""
    controls = outcome_draws(sample_result)
    out = []
    for key, o in outcome_draws(result).items():
        met_all = met_draws(o.values, o.target, o.comparison)
        if key in two_level.OUTCOMES:
            out.append(two_level.estimate(met_all, met_draws(controls[key].values, o.target, o.comparison)))
        else:
            out.append(two_level.plain(met_all))
    return out
