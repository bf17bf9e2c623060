"""Fuzz the scenario-file entrance: whatever the bytes, a scenario or a ScenarioError with a short message.

A derandomized sample runs in CI; ``bench/bench_fuzz.py`` runs ≥ 10,000 cases. Issue 11's reproducers are fixed
examples in tests/test_hostile_inputs.py.
"""

from __future__ import annotations

from hypothesis import given, settings

from model.schema.scenario import Scenario, ScenarioError, parse_scenario_bytes
from tests.fuzz_inputs import CI, scenario_files

MAX_MESSAGE_CHARS = 2_500


def parse_or_refuse(name: str, raw: bytes) -> Scenario | ScenarioError:
    """The entrance's answer; any other exception fails the test."""
    try:
        return parse_scenario_bytes(raw, name)
    except ScenarioError as refused:
        return refused


@settings(CI, max_examples=1000)
@given(scenario_files())
def test_any_scenario_file_is_read_or_refused_with_a_bounded_message(case):
    answer = parse_or_refuse(*case)
    if isinstance(answer, ScenarioError):
        for lang in ("zh", "en"):
            message = answer.message(lang)
            assert message and len(message) < MAX_MESSAGE_CHARS, len(message)
    else:
        assert isinstance(answer, Scenario)
