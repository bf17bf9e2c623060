"""The shipped scenario files the page starts from, read once per process (they never change at run time)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from model.schema.scenario import Scenario, load_scenario

SCENARIO_DIR = Path(__file__).resolve().parents[2] / "scenarios"
SHIPPED = ("baseline", "policy_floor", "notice_2023", "breadth_first", "depth_first")
DEFAULT_BASE = "notice_2023"
MAX_SLOTS = 4  # scenarios side by side on the page (and in a share link)


@cache
def shipped() -> dict[str, Scenario]:
    """Every shipped scenario by file stem, in a fixed order."""
    return {stem: load_scenario(SCENARIO_DIR / f"{stem}.toml") for stem in SHIPPED}
