"""Fuzz the share-link entrance (old one-scenario links, the comparison format, noise): a link, nothing, or a
ScenarioError with a short message, checked against the full-scale population's work budget."""

from __future__ import annotations

from hypothesis import given, settings

from model.schema.scenario import ScenarioError
from tests.fuzz_inputs import CI, link_params
from ui.session import share

FULL_SCALE_HOUSEHOLDS = 252_514
MAX_MESSAGE_CHARS = 2_500


@settings(CI, max_examples=800)
@given(link_params())
def test_any_link_is_opened_ignored_or_refused_with_a_bounded_message(params):
    try:
        link = share.decode_link(params, households=FULL_SCALE_HOUSEHOLDS)
    except ScenarioError as refused:
        for lang in ("zh", "en"):
            assert 0 < len(refused.message(lang)) < MAX_MESSAGE_CHARS
        return
    assert link is None or 1 <= len(link.slots) <= share.MAX_SLOTS
