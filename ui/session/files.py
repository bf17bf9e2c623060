"""Scenario files the page offers for download (the same schema as scenarios/*.toml)."""

from __future__ import annotations

import re

from model.schema.scenario import Scenario, dump_scenario_toml

UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')


def scenario_file_name(scenario: Scenario) -> str:
    """A file name from the scenario's name, safe on Windows and Linux."""
    stem = UNSAFE.sub("_", scenario.name).strip("._") or "scenario"
    return f"{stem}.toml"


def scenario_file_bytes(scenario: Scenario) -> bytes:
    """The scenario as a commented TOML file, UTF-8."""
    return dump_scenario_toml(scenario).encode("utf-8")
