"""What every panel of the page receives: language, population and the runs on screen."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from model.engine.run import Run
from model.population.table import Population
from model.schema.scenario import Scenario
from ui.i18n import t


@dataclass(frozen=True)
class PageContext:
    """The page's state for one rerun, read-only for panels.

    ``runs`` maps each scenario slot's display name to its run, in slot order; ``active`` is the slot being
    edited; ``run_cached`` simulates a scenario on ``population`` through the page's cache (use it for extra
    runs such as goal seeking, so repeated reruns cost nothing).
    """

    lang: str
    population: Population
    runs: dict[str, Run]
    active: str
    run_cached: Callable[[Scenario], Run]

    def t(self, key: str, **values: object) -> str:
        """Translated text in the page's language."""
        return t(key, self.lang, **values)

    @property
    def active_run(self) -> Run:
        """The run of the scenario being edited."""
        return self.runs[self.active]
