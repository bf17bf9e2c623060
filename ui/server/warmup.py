"""Start-up work: the default population and the shipped scenarios' full runs, ready before visitors need them.

Streamlit runs no code of the app when its server starts, only when a browser session runs the script. The first
script run of a process therefore calls :func:`warm_up` (once per process): it takes the population and the
shipped scenarios' results from the disk cache and queues the missing results as pinned full runs, which are
written to the disk cache when done. A session arriving meanwhile shows previews and then the refined values.

``python -m ui.server.warmup`` fills the disk cache before a server starts (e.g. after a calibration change), so even
the first visitor finds every shipped result ready.
"""

from __future__ import annotations

import time
from functools import partial

import streamlit as st

from model.engine.run import run_scenario
from model.population import synth
from ui.server import disk_cache
from ui.server.cache import default_population, run_store, simulation_key
from ui.server.jobs import full_runs
from ui.server.scenarios import shipped


@st.cache_resource(show_spinner=False)
def warm_up() -> int:
    """Load or queue the shipped scenarios' full runs on the default population; the number queued."""
    population = default_population()
    queued = 0
    for scenario in shipped().values():
        key = simulation_key(population, scenario)
        if key in run_store():
            continue
        stored = disk_cache.load_result(key)
        if stored is not None:
            run_store().put(key, stored)
            continue
        full_runs().pin(key, population, scenario, on_done=partial(disk_cache.save_result, key))
        queued += 1
    return queued


def main() -> None:
    """Fill the disk cache: the default population and every shipped scenario's full run."""
    start = time.perf_counter()
    population = disk_cache.population(synth.default_population)
    print(f"population {population.fingerprint}: {time.perf_counter() - start:.1f} s")
    for stem, scenario in shipped().items():
        start = time.perf_counter()
        key = simulation_key(population, scenario)
        if disk_cache.load_result(key) is None:
            disk_cache.save_result(key, run_scenario(population, scenario).result)
        print(f"{stem}: {time.perf_counter() - start:.1f} s")
    print(f"disk cache: {disk_cache.directory()}")


if __name__ == "__main__":
    main()
