"""Long work in a session's own script thread (goal seeking, the frontier, sweeps): progress and a Cancel button.

Clicking Cancel — or moving any lever — makes Streamlit stop the running script at its next element update. The
work's progress callback updates the bar (also once per simulated quarter, through the engine's ``progress``
callback), so the exception Streamlit raises there stops the work within one quarter of one run: it passes
through the engine (a progress callback may raise to cancel a run) and nothing half-done is kept. The simulations
take a slot of :func:`ui.server.jobs.heavy_slots`, so however many planners search at once the server runs a bounded
number of full-size simulations.

Use::

    work = LongWork("seek.run", lang)            # draws the bar and the Cancel button
    answer = search(..., progress=work.update)   # work.update(fraction, text=None); work.tick for engine runs
    work.done()                                  # removes both
    show_cancelled("seek.run", lang)             # on the next rerun: says the work was cancelled
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from model.engine.result import SimulationResult
from model.engine.run import run_scenario
from model.population.table import Population
from model.schema.scenario import Scenario
from ui.language.i18n import t
from ui.server.jobs import heavy_slots

CANCELLED = "long_work.cancelled"


def _cancel(key: str) -> None:
    st.session_state[CANCELLED] = key


def show_cancelled(key: str, lang: str) -> None:
    """After a cancelled piece of work ``key``: say so once."""
    if st.session_state.get(CANCELLED) == key:
        del st.session_state[CANCELLED]
        st.info(t("work.cancelled", lang))


class LongWork:
    """A progress bar with a Cancel button for work of ``key`` (the button's key is ``{key}.cancel``)."""

    def __init__(self, key: str, lang: str, text: str | None = None):
        self.lang = lang
        self.text = text or t("work.running", lang)
        self.fraction = 0.0
        self._holder = st.empty()
        with self._holder.container():
            self._bar = st.progress(0.0, text=self.text)
            st.button(
                t("work.cancel", lang), key=f"{key}.cancel", on_click=_cancel, args=(key,), icon=":material/stop:"
            )

    def update(self, fraction: float, text: str | None = None) -> None:
        """Show ``fraction`` (0–1) done and, optionally, what is being done."""
        self.fraction = min(max(float(fraction), 0.0), 1.0)
        if text is not None:
            self.text = text
        self._bar.progress(self.fraction, text=self.text)

    def tick(self, _fraction: float = 0.0) -> None:
        """An engine progress callback: a point where a Cancel stops the work."""
        self._bar.progress(self.fraction, text=self.text)

    def runner(self, population: Population) -> Callable[[Scenario], SimulationResult]:
        """Simulate a scenario on ``population`` within a heavy slot, cancellable at every quarter."""

        def run(scenario: Scenario) -> SimulationResult:
            with heavy_slots():
                return run_scenario(population, scenario, progress=self.tick).result

        return run

    def done(self) -> None:
        """Remove the bar and the button."""
        self._holder.empty()
