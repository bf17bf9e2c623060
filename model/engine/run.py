"""One call for every front end: a population and a scenario in, a result with its targets out."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import pandas as pd

from model.engine.result import SimulationResult
from model.engine.simulate import simulate
from model.engine.targets import TargetCheck, contributions_table, evaluate_targets
from model.population.table import Population
from model.schema.budget import check_work_budget
from model.schema.scenario import Scenario


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

    @cached_property
    def contributions(self) -> pd.DataFrame:
        """Per year and channel: yuan per capita added; yuan per 万元 of funds."""
        return contributions_table(self.result)


def run_scenario(pop: Population, scenario: Scenario, progress: Callable[[float], None] | None = None) -> Run:
    """Simulate ``scenario`` on ``pop``; a run beyond the work budget is refused (ScenarioError) before any work."""
    check_work_budget(scenario, pop.n)
    return Run(simulate(pop, scenario, progress=progress))
