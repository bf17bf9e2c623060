"""One call for every front end: a population and a scenario in, a result with its targets out.

A verdict run starts with the scenario's draws and adds draws until every outcome's probability of meeting its
target has a Monte Carlo standard error ≤ ``simulation.max_standard_error`` (0 keeps the draws fixed), up to the
schema's largest draw count. Counter-based random numbers make the added draws new ones: the first ``n`` draws of
a longer run are exactly the draws of a run of ``n``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import pandas as pd

from model.engine.capacity import CapacityFlag
from model.engine.plan import build_plan
from model.engine.result import SimulationResult
from model.engine.simulate import simulate
from model.engine.targets import OUTCOME_KEYS, TargetCheck, contributions_table, evaluate_targets
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
) -> Run:
    """Simulate ``scenario`` on ``pop``, adding draws until the verdicts' standard errors are small enough.

    A run beyond the work budget is refused (ScenarioError) before any work; added draws stay within it.

    ``progress(fraction)`` is called as blocks finish (it may raise to cancel); a run that grows its draws
    reports each batch against the draws known so far, so the fraction can step back once. ``threads`` caps the
    engine's threads (None: every core; Dask workers pass 1).
    """
    check_work_budget(scenario, pop.n)
    plan = build_plan(pop, scenario)  # who each channel reaches: the same for every batch of draws

    def more(result: SimulationResult, wanted: int) -> SimulationResult:
        have = result.draws

        def batch_progress(f: float) -> None:
            if progress is not None:
                progress((have + f * (wanted - have)) / wanted)

        extra = simulate(
            pop,
            scenario,
            progress=batch_progress,
            draws=wanted - have,
            first_draw=have,
            held=held,
            threads=threads,
            plan=plan,
        )
        return result.extend(extra)

    first = simulate(pop, scenario, progress=progress, held=held, threads=threads, plan=plan)
    return Run(grow_draws(scenario, first, more, pop.n))
