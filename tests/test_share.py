"""Share links: the comparison format (every slot, compressed when that is shorter) and the old one-scenario
format, both through one guarded entrance that refuses damaged, oversized, inflating and tampered links."""

from __future__ import annotations

import base64
import json
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from model.schema import fieldspec
from model.schema.scenario import Scenario, ScenarioError
from ui.server.scenarios import MAX_SLOTS, SHIPPED, shipped
from ui.session import share

NUMERIC = [s for s in fieldspec.fields() if s.type in ("float", "int")]
FULL_SCALE_HOUSEHOLDS = 252_514


@st.composite
def edited_scenarios(draw):
    base = draw(st.sampled_from(SHIPPED))
    changes: dict[str, object] = {}
    for spec in draw(st.lists(st.sampled_from(NUMERIC), max_size=4, unique_by=lambda s: s.path)):
        if spec.type == "int":
            changes[spec.path] = draw(st.integers(int(spec.min), int(spec.max)))
        else:
            changes[spec.path] = draw(st.floats(float(spec.min), float(spec.max), allow_nan=False))
    if draw(st.booleans()):
        changes["name"] = draw(st.text(min_size=1, max_size=80))
    try:
        scenario = shipped()[base].with_changes(changes)
    except ScenarioError:  # a cross-field rule (e.g. link modes adding up) refused the combination
        scenario = shipped()[base]
    return scenario, base


def old_link(scenario: Scenario, base: str) -> dict[str, str]:
    """A link as the page wrote it before the comparison format: text values, changes from ``base``."""
    params = {"base": base}
    for key in ("name", "description"):
        if getattr(scenario, key) != getattr(shipped()[base], key):
            params[key] = getattr(scenario, key)
    for path, value in scenario.changes_from(shipped()[base]).items():
        if isinstance(value, bool):
            params[path] = "true" if value else "false"
        elif isinstance(value, dict):
            params[path] = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
        else:
            params[path] = str(value)
    return params


def payload(params: dict[str, str]) -> dict:
    """The JSON a comparison link carries."""
    value = params[share.COMPARE_PARAM]
    version, _, data = value.partition(".")
    raw = base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))
    return json.loads(zlib.decompress(raw) if version.endswith("z") else raw)


def comparison(content: object, deflate: bool = False) -> dict[str, str]:
    raw = json.dumps(content, ensure_ascii=False).encode("utf-8")
    if deflate:
        return {"compare": "1z." + base64.urlsafe_b64encode(zlib.compress(raw)).decode().rstrip("=")}
    return {"compare": "1." + base64.urlsafe_b64encode(raw).decode().rstrip("=")}


def refusal(params: dict[str, str], lang: str = "en", households: int | None = None) -> str:
    with pytest.raises(ScenarioError) as refused:
        share.decode_link(params, households)
    return refused.value.message(lang)


# --------------------------------------------------------------------------------------- the comparison
@settings(max_examples=60, deadline=None)
@given(st.lists(edited_scenarios(), min_size=1, max_size=MAX_SLOTS), st.data())
def test_comparison_link_round_trips_every_slot_exactly(slots, data):
    active = data.draw(st.integers(0, len(slots) - 1))
    params = share.encode_link(slots, active)
    assert list(params) == ["compare"] and all(c.isascii() for c in params["compare"])
    link = share.decode_link(params)
    assert link.replaces_all and link.active == active
    assert [(s.scenario, s.base) for s in link.slots] == slots


def test_unchanged_slots_carry_only_their_base():
    params = share.encode_link([(shipped()["baseline"], "baseline"), (shipped()["depth_first"], "depth_first")], 1)
    assert payload(params) == {
        "active": 1,
        "slots": [{"base": "baseline", "changes": {}}, {"base": "depth_first", "changes": {}}],
    }
    assert share.encode_link([(shipped()["baseline"], "baseline")], 0)["compare"].startswith("1.")  # plain is shorter


def test_long_comparisons_are_compressed_and_short_enough_to_share():
    edited = [
        (s.with_changes({"description": "说明" * 400, "funds.industry_share_central": 0.7}), stem)
        for stem, s in list(shipped().items())[:MAX_SLOTS]
    ]
    params = share.encode_link(edited, 3)
    assert params["compare"].startswith("1z.")
    assert len(params["compare"]) < len(json.dumps(payload(params), ensure_ascii=False).encode()) / 3
    assert [s.scenario for s in share.decode_link(params).slots] == [s for s, _ in edited]


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"compare": "1." + "A" * (share.MAX_LINK_CHARS + 1)}, "longer than 65,536 characters"),
        ({"compare": "9.e30"}, "unknown link format"),
        ({"compare": "no dot"}, "unknown link format"),
        ({"compare": "1.@@@"}, "damaged"),
        ({"compare": "1z.AAAA"}, "cannot be inflated"),
        (comparison([1, 2]), "wrong shape"),
        (comparison({"active": 0, "slots": []}), "wrong shape"),
        (comparison({"active": 5, "slots": [{"base": "baseline", "changes": {}}]}), "wrong shape"),
        (comparison({"active": True, "slots": [{"base": "baseline", "changes": {}}]}), "wrong shape"),
        (comparison({"active": 0, "slots": [{"base": "baseline", "changes": {}}] * 5}), "wrong shape"),
        (comparison({"active": 0, "slots": [{"base": "baseline"}]}), "must be {base, changes}"),
        (comparison({"active": 0, "slots": [{"base": "x", "changes": {}}]}), "must be one of the shipped"),
        ({"compare": "1." + base64.urlsafe_b64encode(b"\xff\xfe").decode()}, "not UTF-8"),
        ({"compare": "1." + base64.urlsafe_b64encode(b'{"active":0,"active":1}').decode()}, "a key appears twice"),
        ({"compare": "1." + base64.urlsafe_b64encode(b"[" * 5000).decode()}, "nested deeper than 8"),
    ],
)
def test_damaged_or_tampered_comparisons_are_refused_with_a_reason(params, words):
    assert words in refusal(params)


def test_a_refused_slot_is_named_with_its_field_and_range():
    content = {
        "active": 0,
        "slots": [
            {"base": "baseline", "changes": {}},
            {"base": "notice_2023", "changes": {"funds.industry_share_central": 7, "simulation.draws": 2.5}},
        ],
    }
    message = refusal(comparison(content))
    assert "scenario 2 of the link" in message and "scenario 1 of" not in message
    assert "funds.industry_share_central" in message and "0 – 1" in message
    assert "simulation.draws" in message and "a whole number" in message
    assert "链接中第 2 个方案" in refusal(comparison(content), "zh")


def test_a_decompression_bomb_is_refused_without_inflating_it():
    bomb = zlib.compress(b"[" + b" " * (200 * 1024 * 1024) + b"]", 9)  # 200 MB of JSON in ~200 kB
    params = {"compare": "1z." + base64.urlsafe_b64encode(bomb).decode().rstrip("=")}
    assert len(params["compare"]) > share.MAX_LINK_CHARS  # refused on length alone
    assert "longer than" in refusal(params)
    small_bomb = zlib.compress(b" " * (share.MAX_LINK_JSON_BYTES * 8), 9)
    assert len(small_bomb) < share.MAX_LINK_CHARS
    assert "inflates beyond 256 KB" in refusal(comparison_bytes(small_bomb))


def test_a_cut_compressed_link_is_refused():
    params = share.encode_link([(shipped()["baseline"].with_changes({"description": "长" * 600}), "baseline")], 0)
    cut = {"compare": params["compare"][: len(params["compare"]) // 2]}
    assert "incomplete" in refusal(cut) or "damaged" in refusal(cut)


def comparison_bytes(deflated: bytes) -> dict[str, str]:
    return {"compare": "1z." + base64.urlsafe_b64encode(deflated).decode().rstrip("=")}


def test_links_beyond_the_work_budget_are_refused_before_any_work():
    runaway = shipped()["notice_2023"].with_changes({"simulation.draws": 1000, "simulation.end_quarter": "2030Q4"})
    params = share.encode_link([(shipped()["baseline"], "baseline"), (runaway, "notice_2023")], 0)
    assert share.decode_link(params) is not None  # valid as a file: each value is in its range
    message = refusal(params, households=FULL_SCALE_HOUSEHOLDS)
    assert "simulation.draws" in message and "2,000,000,000" in message and "simulation.end_quarter" in message
    old = old_link(runaway, "notice_2023")
    assert "2,000,000,000" in refusal(old, households=FULL_SCALE_HOUSEHOLDS)


# ------------------------------------------------------------------------------- the one-scenario format
@settings(max_examples=60, deadline=None)
@given(edited_scenarios())
def test_old_links_still_open_in_the_edited_slot(case):
    scenario, base = case
    link = share.decode_link(old_link(scenario, base))
    assert not link.replaces_all
    assert [(s.scenario, s.base) for s in link.slots] == [(scenario, base)]


def test_old_links_with_a_count_written_as_a_decimal_still_open():
    link = share.decode_link({"base": "baseline", "tourism.households_reached": "12000.0"})
    assert link.slots[0].scenario.tourism.households_reached == 12_000
    assert "a whole number" in refusal({"base": "baseline", "tourism.households_reached": "0.5"})


def test_an_old_link_naming_only_its_base_is_the_shipped_scenario():
    assert share.decode_link({"base": "baseline"}).slots[0].scenario == shipped()["baseline"]


@pytest.mark.parametrize(
    ("params", "field", "lang", "words"),
    [
        (
            {"funds.industry_share_central": "1.2"},
            "funds.industry_share_central",
            "en",
            "outside the allowed range 0 – 1",
        ),
        ({"simulation.draws": "many"}, "simulation.draws", "zh", "类型不对"),
        ({"simulation.draws": "0"}, "simulation.draws", "en", "1 – 1,000"),
        ({"simulation.draws": "9" * 5000}, "simulation.draws", "en", "wrong type"),
        ({"funds.nonsense": "1"}, "funds.nonsense", "en", "unknown field"),
        ({"base": "nope"}, "base", "en", "must be one of"),
        ({"simulation.draw_assumptions": "yes"}, "simulation.draw_assumptions", "en", "true or false"),
        ({"funds.industry_share_central": "inf"}, "funds.industry_share_central", "en", "wrong type"),
        ({"funds.industry_share_central": "１"}, "funds.industry_share_central", "en", "wrong type"),
        ({"funds.county_shares": "[" * 3000}, "funds.county_shares", "en", "wrong type"),
    ],
)
def test_tampered_old_links_are_refused_naming_the_field(params, field, lang, words):
    message = refusal(params, lang)
    assert field in message and words in message
    assert len(message) < 400  # values are quoted at most 60 characters long


def test_parameters_of_other_page_parts_are_ignored():
    assert share.decode_link({"tab": "x", "lang": "en"}) is None
    assert share.decode_link({"base": "baseline", "tab": "x"}).slots[0].scenario == shipped()["baseline"]


def test_too_many_parameters_are_refused_before_reading_them():
    params = {f"funds.x{i}": "1" for i in range(share.MAX_PARAMS + 1)}
    assert "more than 200 parameters" in refusal(params)
