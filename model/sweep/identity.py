"""Names that say what determines a result, so a sweep resumes by content and never by row order.

A point's id hashes its scenario (the base with the design's settings and the point's values, name and
description left out), the population's fingerprint and the model's fingerprint (the engine, population, schema
and parameter files). The same id therefore means the same numbers; a changed model, population or base scenario
gives new ids and nothing stale is reused.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path
from typing import Any

from model.schema.scenario import Scenario

MODEL_ROOT = Path(__file__).resolve().parents[1]
MODEL_PARTS = ("engine", "population", "schema", "parameters")
ID_LENGTH = 20


def _digest(payload: Any) -> str:
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:ID_LENGTH]


@cache
def model_fingerprint() -> str:
    """Hash of every file that decides a run's numbers (engine, population, schema, parameters)."""
    h = hashlib.sha256()
    for part in MODEL_PARTS:
        for path in sorted((MODEL_ROOT / part).rglob("*")):
            if path.suffix in (".py", ".toml") and path.is_file():
                h.update(str(path.relative_to(MODEL_ROOT)).encode())
                h.update(path.read_bytes())
    return h.hexdigest()[:ID_LENGTH]


def scenario_content(scenario: Scenario) -> dict:
    """What of a scenario decides its numbers: everything but its name and description."""
    return scenario.model_dump(exclude={"name", "description"})


def point_id(scenario: Scenario, population_fingerprint: str) -> str:
    """The stable id of one point: its scenario content, the population and the model."""
    return _digest([scenario_content(scenario), population_fingerprint, model_fingerprint()])


def content_id(payload: Any) -> str:
    """A stable short hash of any JSON-ready payload (designs, manifests)."""
    return _digest(payload)
