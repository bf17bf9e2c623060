"""What the page keeps between reruns: the population (shared, read-only) and finished runs.

Runs are kept in one process-wide store keyed by (population fingerprint, scenario content without its name),
so a slider change recomputes only the edited scenario, renaming a scenario recomputes nothing, and the shipped
scenarios are simulated once for every visitor. ``st.cache_resource.clear()`` empties both.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import replace

import streamlit as st

from model.engine.run import Run, run_scenario
from model.population import synth
from model.population.table import Population
from model.schema.scenario import Scenario

IMPORTED_POPULATION_KEY = "imported_population"
MAX_RUNS = 24  # one full-scale simulation holds ~12 MB of per-household arrays; renamed entries share them


@st.cache_resource(show_spinner=False)
def default_population() -> Population:
    """The embedded default population (built once per process)."""
    return synth.default_population()


def current_population() -> Population:
    """The population the page simulates: the imported one when the import panel has set it, else the default."""
    imported = st.session_state.get(IMPORTED_POPULATION_KEY)
    return imported if isinstance(imported, Population) else default_population()


def scenario_key(population: Population, scenario: Scenario) -> tuple[str, str]:
    """Cache key: what is simulated, not what it is called."""
    content = scenario.model_dump(exclude={"name", "description"})
    return population.fingerprint, json.dumps(content, sort_keys=True, ensure_ascii=False)


class RunStore:
    """A small least-recently-used store of runs, safe to share between sessions."""

    def __init__(self, capacity: int = MAX_RUNS):
        self.capacity = capacity
        self._runs: OrderedDict[tuple[str, ...], Run] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[str, ...]) -> Run | None:
        """The stored run, refreshed as most recently used, or None."""
        with self._lock:
            run = self._runs.get(key)
            if run is not None:
                self._runs.move_to_end(key)
            return run

    def put(self, key: tuple[str, ...], run: Run) -> None:
        """Store a run, dropping the least recently used beyond capacity."""
        with self._lock:
            self._runs[key] = run
            self._runs.move_to_end(key)
            while len(self._runs) > self.capacity:
                self._runs.popitem(last=False)


@st.cache_resource(show_spinner=False)
def run_store() -> RunStore:
    """The process-wide run store."""
    return RunStore()


def is_cached(population: Population, scenario: Scenario) -> bool:
    """True when the run is already stored (no simulation needed)."""
    return run_store().get(scenario_key(population, scenario)) is not None


def run_cached(population: Population, scenario: Scenario, progress: Callable[[float], None] | None = None) -> Run:
    """The run of ``scenario`` on ``population``, simulated only when no run of the same content is stored.

    A scenario that differs from a stored one only by name or description reuses its arrays under its own name,
    so ``run.scenario`` is always exactly the scenario asked for.
    """
    store = run_store()
    key = scenario_key(population, scenario)
    named_key = (*key, scenario.name, scenario.description)
    run = store.get(named_key)
    if run is not None:
        return run
    simulated = store.get(key)
    if simulated is None:
        simulated = run_scenario(population, scenario, progress=progress)
        store.put(key, simulated)
    run = simulated if simulated.scenario == scenario else Run(replace(simulated.result, scenario=scenario))
    store.put(named_key, run)
    return run
