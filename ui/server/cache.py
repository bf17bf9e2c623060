"""What the page shares between reruns and browser sessions of one process: populations, results and previews.

Results are stored by *simulation key*: the population's fingerprint and the scenario's content without what
only names or judges a result — its name and description, the planner's target thresholds (``targets.*``) and
the first reported quarter (``simulation.start_quarter``; every quarter from 2023Q1 is simulated anyway). A
scenario that differs from a stored one only in those is never simulated again: its run is the stored result
relabelled with the new scenario, and the targets are evaluated on it with the new thresholds.

Each store is a least-recently-used map bounded in bytes of result arrays, safe to share between threads; the
runs relabelled from a result (one per name / thresholds / start quarter) live and die with it. A result being
computed by one thread is waited for, not computed again, by the others. ``st.cache_resource.clear()`` empties
everything.
"""

from __future__ import annotations

import json
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from typing import TypeVar

import numpy as np
import streamlit as st

from model.engine.result import SimulationResult
from model.engine.run import Run, run_scenario
from model.population import synth
from model.population.sample import PREVIEW_HOUSEHOLDS, thinned
from model.population.table import Population
from model.schema.scenario import Scenario
from ui.server import disk_cache

IMPORTED_POPULATION_KEY = "imported_population"
JUDGEMENT_ONLY = {"name": True, "description": True, "targets": True, "simulation": {"start_quarter"}}
MB = 1024 * 1024
FULL_RESULT_BYTES = 1_200 * MB  # ~12 MB per full-scale result (per-household means dominate): ~100 results
PREVIEW_RESULT_BYTES = 160 * MB  # ~1.6 MB per preview
VIEWS_PER_RESULT = 8
PREVIEW_DRAWS = 8
PREVIEW_SLOTS = 2  # previews computed at once in the process (2 cores); more would only queue inside numpy
QUICK_COST = PREVIEW_HOUSEHOLDS * PREVIEW_DRAWS  # records × draws: a scenario this small is run in full at once
IDENTITY_CACHE = 512

Key = tuple[str, str]
T = TypeVar("T")


def by_identity(function: Callable[..., T]) -> Callable[..., T]:
    """Cache ``function`` of immutable objects (scenarios, populations) by their identity, the last few hundred.

    Every rerun and poll of every session asks for the keys of the same few scenario objects; dumping a scenario
    to JSON each time would cost more than the rest of a poll.
    """
    entries: OrderedDict[tuple[int, ...], tuple[tuple, T]] = OrderedDict()
    lock = threading.Lock()

    def cached(*args: object) -> T:
        ids = tuple(map(id, args))
        with lock:
            hit = entries.get(ids)
            if hit is not None and all(a is b for a, b in zip(hit[0], args, strict=True)):
                entries.move_to_end(ids)
                return hit[1]
        value = function(*args)
        with lock:
            entries[ids] = (args, value)  # the arguments are kept, so their ids are not reused meanwhile
            while len(entries) > IDENTITY_CACHE:
                entries.popitem(last=False)
        return value

    return cached


@by_identity
def simulation_key(population: Population, scenario: Scenario) -> Key:
    """What is simulated: the population and the scenario's content, not its name, thresholds or start quarter."""
    content = scenario.model_dump(mode="json", exclude=JUDGEMENT_ONLY)
    return population.fingerprint, json.dumps(content, sort_keys=True, ensure_ascii=False)


@by_identity
def view_key(scenario: Scenario) -> str:
    """Everything about a scenario, for the relabelled runs of one result."""
    return json.dumps(scenario.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)


@by_identity
def quick_version(scenario: Scenario) -> Scenario:
    """The scenario with at most ``PREVIEW_DRAWS`` draws, kept fixed (what its preview simulates).

    Fixed: a preview is not a verdict (its cards say so, with their wide Monte Carlo error); growing its draws to
    the verdict's error target would make it cost what the full run does.
    """
    draws = min(PREVIEW_DRAWS, scenario.simulation.draws)
    return scenario.with_changes({"simulation.draws": draws, "simulation.max_standard_error": 0.0})


def relabelled(result: SimulationResult, scenario: Scenario) -> Run:
    """The run of ``scenario`` from a result simulated for a scenario with the same simulation key."""
    return Run(result if result.scenario == scenario else replace(result, scenario=scenario))


def result_bytes(result: SimulationResult) -> int:
    """Bytes held by a result's arrays."""
    total = 0
    for f in fields(result):
        value = getattr(result, f.name)
        arrays = value.values() if isinstance(value, dict) else [value]
        total += sum(a.nbytes for a in arrays if isinstance(a, np.ndarray))
    return total


@dataclass
class _Entry:
    result: SimulationResult
    nbytes: int
    views: OrderedDict[str, Run] = field(default_factory=OrderedDict)


class ResultStore:
    """Simulation results by simulation key, least recently used dropped beyond ``max_bytes``; thread-safe."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self._entries: OrderedDict[Key, _Entry] = OrderedDict()
        self._computing: dict[Key, threading.Event] = {}
        self._lock = threading.Lock()

    @property
    def nbytes(self) -> int:
        """Bytes of result arrays held now."""
        with self._lock:
            return sum(e.nbytes for e in self._entries.values())

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def __contains__(self, key: Key) -> bool:
        with self._lock:
            return key in self._entries

    def result(self, key: Key) -> SimulationResult | None:
        """The stored result, refreshed as most recently used, or None."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            self._entries.move_to_end(key)
            return entry.result

    def put(self, key: Key, result: SimulationResult) -> None:
        """Store a result, dropping the least recently used beyond the byte bound (never the one just stored)."""
        with self._lock:
            self._entries[key] = _Entry(result, result_bytes(result))
            self._entries.move_to_end(key)
            total = sum(e.nbytes for e in self._entries.values())
            while total > self.max_bytes and len(self._entries) > 1:
                _, dropped = self._entries.popitem(last=False)
                total -= dropped.nbytes

    def run(self, key: Key, scenario: Scenario) -> Run | None:
        """The run of ``scenario`` from the stored result of ``key`` (relabelled once, then reused), or None."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            self._entries.move_to_end(key)
            label = view_key(scenario)
            run = entry.views.get(label)
            if run is None:
                run = relabelled(entry.result, scenario)
                entry.views[label] = run
                while len(entry.views) > VIEWS_PER_RESULT:
                    entry.views.popitem(last=False)
            entry.views.move_to_end(label)
            return run

    def run_or_compute(self, key: Key, scenario: Scenario, compute: Callable[[], SimulationResult]) -> Run:
        """The run of ``scenario``; computes the result when missing, once even when several threads ask at once."""
        while True:
            run = self.run(key, scenario)
            if run is not None:
                return run
            with self._lock:
                waiting = self._computing.get(key)
                if waiting is None:
                    done = self._computing[key] = threading.Event()
            if waiting is not None:
                waiting.wait()
                continue
            try:
                self.put(key, compute())
            finally:
                with self._lock:
                    del self._computing[key]
                done.set()


@st.cache_resource(show_spinner=False)
def run_store() -> ResultStore:
    """The process-wide store of full (verdict) results."""
    return ResultStore(FULL_RESULT_BYTES)


@st.cache_resource(show_spinner=False)
def preview_store() -> ResultStore:
    """The process-wide store of previews (few draws on a sample of the households)."""
    return ResultStore(PREVIEW_RESULT_BYTES)


@st.cache_resource(show_spinner=False)
def preview_slots() -> threading.BoundedSemaphore:
    """How many previews or quick runs may compute at once in the process."""
    return threading.BoundedSemaphore(PREVIEW_SLOTS)


@st.cache_resource(show_spinner=False)
def default_population() -> Population:
    """The embedded default population: from the disk cache when its content key matches, else built (once)."""
    return disk_cache.population(synth.default_population)


def current_population() -> Population:
    """The population the page simulates: the imported one when the import panel has set it, else the default."""
    imported = st.session_state.get(IMPORTED_POPULATION_KEY)
    return imported if isinstance(imported, Population) else default_population()


_samples: weakref.WeakKeyDictionary[Population, Population] = weakref.WeakKeyDictionary()
_samples_lock = threading.Lock()


def preview_population(population: Population) -> Population:
    """The sample of ``population`` previews run on, built once and kept as long as the population is."""
    with _samples_lock:
        sample = _samples.get(population)
        if sample is None:
            sample = _samples[population] = thinned(population)
        return sample


def is_quick(population: Population, scenario: Scenario) -> bool:
    """True when the full run costs no more than a preview (a small population or few draws)."""
    return population.n * scenario.simulation.draws <= QUICK_COST


def _computed(population: Population, scenario: Scenario) -> Callable[[], SimulationResult]:
    def compute() -> SimulationResult:
        with preview_slots():
            return run_scenario(population, scenario).result

    return compute


def full_run(population: Population, scenario: Scenario) -> Run | None:
    """The stored full run of ``scenario``; a quick one is computed now; None while a long one is not done."""
    key = simulation_key(population, scenario)
    if is_quick(population, scenario):
        return run_store().run_or_compute(key, scenario, _computed(population, scenario))
    return run_store().run(key, scenario)


def preview_run(population: Population, scenario: Scenario) -> Run:
    """A quick preview of ``scenario``: at most PREVIEW_DRAWS draws on a sample of the households (~50 ms)."""
    sample = preview_population(population)
    quick = quick_version(scenario)
    return preview_store().run_or_compute(simulation_key(sample, quick), quick, _computed(sample, quick))
