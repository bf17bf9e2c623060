"""The run each scenario slot shows: its full run when ready, else a marked preview while the full run computes.

A slot whose full run is stored (a shipped scenario, a value seen before, a change of thresholds or names only)
shows it at once. Otherwise the slot shows a preview — the same scenario with few draws on a sample of the
households, ~50 ms — and the session asks the background queue (:mod:`ui.server.jobs`) for the full run; what it asked
for before and no longer shows is dropped there. Cheap to call on every rerun and poll: everything is cached.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from model.engine.run import Run
from model.population.table import Population
from ui.server.cache import Key, current_population, full_run, preview_run, simulation_key
from ui.server.jobs import JobStatus, full_runs
from ui.session.state import Slot, slots

SHOWN_PREVIEWS = "runs.shown_previews"


@dataclass(frozen=True)
class SlotRun:
    """What one slot shows: ``run`` is the full run when ``final``, else a preview of it."""

    run: Run
    key: Key
    final: bool
    status: JobStatus | None = None  # the full run's progress while the preview is shown


def session_owner() -> str:
    """Who waits for full runs: this browser session."""
    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else "no-session"


def slot_runs(population: Population, shown: list[Slot], owner: str) -> dict[str, SlotRun]:
    """Every slot's run by slot name, in slot order; full runs still missing are asked for in the background."""
    out: dict[str, SlotRun] = {}
    waiting: dict[str, Slot] = {}
    for slot in shown:
        key = simulation_key(population, slot.scenario)
        run = full_run(population, slot.scenario)
        if run is None:
            waiting[slot.name] = slot
        else:
            out[slot.name] = SlotRun(run, key, final=True)
    previews = {name: preview_run(population, slot.scenario) for name, slot in waiting.items()}
    keys = {name: simulation_key(population, slot.scenario) for name, slot in waiting.items()}
    queue = full_runs()
    queue.want(owner, {keys[name]: (population, slot.scenario) for name, slot in waiting.items()})
    for name, run in previews.items():
        out[name] = SlotRun(run, keys[name], final=False, status=queue.status(keys[name]))
    return {slot.name: out[slot.name] for slot in shown}


def current_slot_runs() -> dict[str, SlotRun]:
    """:func:`slot_runs` for this session's slots and population (what fragments call on their own reruns)."""
    return slot_runs(current_population(), slots(), session_owner())


def waiting_keys(runs: dict[str, SlotRun]) -> set[Key]:
    """Simulation keys of the slots showing a preview."""
    return {r.key for r in runs.values() if not r.final}


def remember_shown(runs: dict[str, SlotRun]) -> None:
    """Note which previews the page shows, so the poll knows when a refined value is there to show."""
    st.session_state[SHOWN_PREVIEWS] = waiting_keys(runs)


def shown_previews() -> set[Key]:
    """Simulation keys whose previews the page shows now."""
    return st.session_state.get(SHOWN_PREVIEWS, set())
