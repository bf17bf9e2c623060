"""What every panel of the page receives: language, population and the runs on screen."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from model.engine.run import Run
from model.population.table import Population
from model.schema.scenario import Scenario
from ui.language.i18n import t


@dataclass(frozen=True)
class PageContext:
    """The page's state for one rerun, read-only for panels.

    ``runs`` maps each scenario slot's display name to its run, in slot order; ``active`` is the slot being
    edited; ``run_cached`` gives the full run of a scenario on ``population`` through the page's cache,
    simulating it in the calling thread when missing. ``previews`` names the slots whose run is still a quick
    preview (few draws on a sample of the households) while their full run computes in the background: a panel
    that offers a result for keeps (a brief, a workbook) should wait for the full run.
    """

    lang: str
    population: Population
    runs: dict[str, Run]
    active: str
    run_cached: Callable[[Scenario], Run]
    previews: frozenset[str] = field(default_factory=frozenset)

    def t(self, key: str, **values: object) -> str:
        """Translated text in the page's language."""
        return t(key, self.lang, **values)

    def is_preview(self, name: str) -> bool:
        """True when slot ``name`` shows a preview, not yet its full run."""
        return name in self.previews

    @property
    def active_run(self) -> Run:
        """The run of the scenario being edited."""
        return self.runs[self.active]
