"""Shared fixtures: a small weighted sample of the default population, so model-level tests stay fast."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SMALL_HOUSEHOLDS = 3_000


@pytest.fixture(scope="session")
def small_population():
    """3,000 households drawn from the default table, weighted up to the city's household count."""
    from model.population.synth import sample_population

    return sample_population(SMALL_HOUSEHOLDS)


@pytest.fixture(scope="session")
def small_runs(small_population):
    """Baseline and the notice's scenario with 8 draws, keyed by display name as the page does."""
    from model.engine.run import run_scenario
    from model.schema.scenario import load_scenario

    runs = {}
    for name in ("baseline", "notice_2023"):
        scenario = load_scenario(ROOT / "scenarios" / f"{name}.toml").with_changes({"simulation.draws": 8})
        runs[scenario.name] = run_scenario(small_population, scenario)
    return runs
