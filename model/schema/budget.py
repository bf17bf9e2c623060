"""The work budget: how much simulation one request may ask for, checked before any work starts.

A run costs time in proportion to households × draws × simulated quarters and memory in proportion to
households × draws (the engine keeps every household's state for every draw). Both ceilings are data
(``[budget]`` in ``parameters/scenario_fields.toml``); :func:`check_work_budget` is a pure function of the
scenario, the number of household records and the number of runs a request makes (sweep points), so the page,
the command line, goal seeking and the engine all ask the same question.
"""

from __future__ import annotations

from dataclasses import dataclass

from model.schema import fieldspec
from model.schema.scenario import Problem, Scenario, ScenarioError, quarter_index


@dataclass(frozen=True)
class Work:
    """What a request asks of the engine."""

    households: int
    draws: int
    quarters: int
    points: int

    @property
    def household_draw_quarters(self) -> int:
        """The time measure: households × draws × quarters × points."""
        return self.households * self.draws * self.quarters * self.points

    @property
    def household_draws(self) -> int:
        """The memory measure of one run: households × draws."""
        return self.households * self.draws


def simulated_quarters(scenario: Scenario) -> int:
    """Quarters the engine simulates: from the first quarter a scenario may start (2023Q1) to its end quarter."""
    first = fieldspec.by_path()["simulation.start_quarter"].min
    return quarter_index(scenario.simulation.end_quarter) - quarter_index(first) + 1


def work_of(scenario: Scenario, households: int, points: int = 1) -> Work:
    """The work of ``points`` runs of ``scenario`` on ``households`` records."""
    return Work(int(households), scenario.simulation.draws, simulated_quarters(scenario), int(points))


def max_draws(scenario: Scenario, households: int, points: int = 1) -> int:
    """The most draws that fit the budget for this population, horizon and number of runs (0 when none does)."""
    budget = fieldspec.budget()
    households = max(int(households), 1)
    by_time = budget.max_household_draw_quarters // (households * simulated_quarters(scenario) * max(int(points), 1))
    return int(min(by_time, budget.max_household_draws // households))


def check_work_budget(scenario: Scenario, households: int, points: int = 1) -> None:
    """Raise :class:`ScenarioError` naming ``simulation.draws`` when the request is beyond the budget.

    ``households`` is the number of records simulated (not the weighted count); ``points`` the number of runs of
    this scenario the request makes (1 for a plain run; the evaluations of a search or the cells of a frontier).
    """
    budget = fieldspec.budget()
    work = work_of(scenario, households, points)
    fits = max_draws(scenario, households, points)
    if work.household_draw_quarters > budget.max_household_draw_quarters:
        zh = (
            f"计算量 {work.households:,} 户 × {work.draws:,} 次 × {work.quarters} 个季度"
            f"{f' × {work.points} 次运行' if work.points > 1 else ''} = {work.household_draw_quarters:,}，"
            f"超过每次请求上限 {budget.max_household_draw_quarters:,}（户·次·季度）；"
            f"请减少抽样次数（此人口与期间最多 {fits:,} 次）或提前 simulation.end_quarter"
        )
        en = (
            f"the work {work.households:,} households × {work.draws:,} draws × {work.quarters} quarters"
            f"{f' × {work.points} runs' if work.points > 1 else ''} = {work.household_draw_quarters:,} is beyond "
            f"the ceiling of {budget.max_household_draw_quarters:,} household·draw·quarters per request; use "
            f"fewer draws (at most {fits:,} for this population and horizon) or an earlier simulation.end_quarter"
        )
    elif work.household_draws > budget.max_household_draws:
        zh = (
            f"内存需求 {work.households:,} 户 × {work.draws:,} 次 = {work.household_draws:,}，超过每次运行上限 "
            f"{budget.max_household_draws:,}（户·次）；此人口最多 {fits:,} 次抽样"
        )
        en = (
            f"the memory {work.households:,} households × {work.draws:,} draws = {work.household_draws:,} is "
            f"beyond the ceiling of {budget.max_household_draws:,} household·draws per run; at most {fits:,} "
            "draws for this population"
        )
    else:
        return
    raise ScenarioError([Problem("simulation.draws", work.draws, "custom", f"{zh}|{en}")])
