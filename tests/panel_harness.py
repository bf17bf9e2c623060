"""One page holding one panel, on the 3,000-household sample: what the panels' AppTest scripts draw."""

from __future__ import annotations

import importlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def render_panel(module: str, draws: int) -> None:
    """Draw ``module``'s panel for the notice's scenario with ``draws`` draws (session keys ``test_*``)."""
    import streamlit as st

    from model.engine.run import run_scenario
    from model.population.synth import sample_population
    from model.schema.scenario import load_scenario
    from ui.draw.context import PageContext

    if "test_population" not in st.session_state:
        pop = sample_population(3_000)  # the tests' small_population: the panel and a direct call see the same
        scenario = load_scenario(ROOT / "scenarios" / "notice_2023.toml").with_changes({"simulation.draws": draws})
        st.session_state["test_population"] = pop
        st.session_state["test_run"] = run_scenario(pop, scenario)
    run = st.session_state["test_run"]
    importlib.import_module(module).render(
        PageContext(
            lang=st.session_state.get("test_lang", "zh"),
            population=st.session_state["test_population"],
            runs={run.scenario.name: run},
            active=run.scenario.name,
            run_cached=lambda s: run_scenario(st.session_state["test_population"], s),
        )
    )


def started(script):
    """An AppTest of ``script`` after its first run, which must not raise."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(script, default_timeout=60)
    at.run()
    assert not at.exception
    return at


def charts(at) -> list:
    """Every Altair chart on the page."""
    return [*at.get("vega_lite_chart"), *at.get("arrow_vega_lite_chart")]
