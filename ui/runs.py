"""Simulate the scenarios on screen, showing progress for the ones not simulated yet."""

from __future__ import annotations

import streamlit as st

from model.engine.run import Run
from model.population.table import Population
from ui.cache import is_cached, run_cached
from ui.formats import plain
from ui.i18n import t
from ui.state import Slot


def compute_runs(population: Population, slots: list[Slot], lang: str) -> dict[str, Run]:
    """Every slot's run by slot name, in slot order; a progress bar covers the ones that must be simulated."""
    missing = [s for s in slots if not is_cached(population, s.scenario)]
    bar = st.progress(0.0, text=t("page.running", lang, count=len(missing))) if missing else None
    runs: dict[str, Run] = {}
    done = 0
    for slot in slots:
        if bar is not None and slot in missing:

            def tick(fraction: float, slot: Slot = slot, done: int = done) -> None:
                bar.progress(
                    min(1.0, (done + fraction) / len(missing)),
                    text=t("page.running_one", lang, name=plain(slot.name), done=done + 1, count=len(missing)),
                )

            runs[slot.name] = run_cached(population, slot.scenario, progress=tick)
            done += 1
        else:
            runs[slot.name] = run_cached(population, slot.scenario)
    if bar is not None:
        bar.empty()
    return runs
