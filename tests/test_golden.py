"""Golden summaries of the five shipped scenarios on the full embedded population.

A failure here means the model's numbers moved. If that was intended, regenerate with
``.venv/bin/python tests/regen_golden.py`` and review the diff of tests/golden/; otherwise it is a regression.
Tolerances: inputs rel 1e-6, Monte Carlo results rel 1e-4 (float32 rounding stays far inside), probabilities and
met flags exactly.
"""

from __future__ import annotations

import json

import pytest

from model.engine.run import run_scenario
from model.population.synth import default_population
from model.schema import fieldspec
from model.schema.scenario import load_scenario
from tests.regen_golden import golden_path, shipped, summarize

REL_INPUTS = 1e-6
REL_RESULTS = 1e-4
ABS_FLOOR = 1e-9  # for values that are exactly 0 in the golden file


def _compare(expected, actual, rel: float, where: str = "") -> list[str]:
    """Every difference beyond the tolerance, as readable lines (numbers compared with ``rel``)."""
    if isinstance(expected, dict):
        if set(expected) != set(actual):
            return [f"{where}: keys {sorted(set(expected) ^ set(actual))} differ"]
        return [line for k in expected for line in _compare(expected[k], actual[k], rel, f"{where}/{k}")]
    if isinstance(expected, bool) or expected is None or isinstance(expected, str | list):
        return [] if expected == actual else [f"{where}: {actual!r} != golden {expected!r}"]
    if actual != pytest.approx(expected, rel=rel, abs=ABS_FLOOR):
        return [f"{where}: {actual!r} != golden {expected!r} (rel {rel:g})"]
    return []


@pytest.fixture(scope="module")
def summaries():
    pop = default_population()
    return {path.stem: json.loads(json.dumps(summarize(run_scenario(pop, load_scenario(path))))) for path in shipped()}


def test_every_shipped_scenario_has_a_golden_file():
    assert [p.stem for p in shipped()] == sorted(
        ["baseline", "policy_floor", "notice_2023", "breadth_first", "depth_first"]
    )
    for path in shipped():
        assert golden_path(path).exists(), f"missing {golden_path(path)}: run .venv/bin/python tests/regen_golden.py"


@pytest.mark.parametrize("name", [p.stem for p in shipped()])
def test_golden_summary(summaries, name):
    path = next(p for p in shipped() if p.stem == name)
    golden = json.loads(golden_path(path).read_text(encoding="utf-8"))
    actual = summaries[name]
    assert golden["schema_version"] == fieldspec.schema_version()
    assert golden["population"]["fingerprint"] == actual["population"]["fingerprint"], (
        "the embedded population changed (generator, calibration or seed)"
    )
    problems = (
        _compare(golden["inputs"], actual["inputs"], REL_INPUTS, "inputs")
        + _compare(golden["results"], actual["results"], REL_RESULTS, "results")
        + _compare(golden["outcomes"], actual["outcomes"], 0.0, "outcomes")
    )
    assert not problems, "\n".join(problems[:30])


def test_golden_files_tell_the_scenarios_apart():
    """The goldens are not all the same numbers: the notice's scenario beats the baseline on N5 and N11."""
    read = {p.stem: json.loads(golden_path(p).read_text(encoding="utf-8")) for p in shipped()}
    assert read["baseline"]["inputs"]["checks"]["N5"]["value"] < read["notice_2023"]["inputs"]["checks"]["N5"]["value"]
    growth = {k: v["results"]["checks"]["N1"]["value"] for k, v in read.items()}
    assert len(set(growth.values())) == len(growth)
