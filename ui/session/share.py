"""Share links: the URL carries every scenario on screen, so a colleague opens the same comparison.

The page writes one versioned parameter, ``compare``::

    ?compare=1.<base64url of JSON>           (short comparisons)
    ?compare=1z.<base64url of deflated JSON> (when compression makes the link shorter)

with JSON ``{"active": 3, "slots": [{"base": "baseline", "changes": {"funds.industry_share_central": 0.7}}]}``:
each slot is a shipped scenario (``base``, a file stem) and the fields that differ from it (dotted paths, plus
``name`` / ``description``), typed exactly as in a JSON scenario file; ``active`` is the slot being edited.

Links sent before this format carry one scenario as ``?base=notice_2023&name=...&funds.industry_share_central=0.7``
(text values); they are still read and replace the edited slot.

Both pass one guarded entrance, :func:`decode_link`: the parameter's length is limited before base64 decoding and
decompression, decompression stops at :data:`MAX_LINK_JSON_BYTES` (a small link cannot inflate into gigabytes),
the JSON passes :mod:`model.schema.guard`'s limits, every slot is validated like a scenario file and checked
against the work budget. Whatever the parameters, it returns a :class:`Link`, None, or raises ScenarioError naming
the slot, the field and the allowed range. Parameters without a dot other than the ones below belong to other
parts of the page and are ignored.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from model.schema import fieldspec, guard
from model.schema.budget import check_work_budget
from model.schema.fieldspec import FieldSpec
from model.schema.scenario import Problem, Scenario, ScenarioError
from ui.language.i18n import t
from ui.server.scenarios import DEFAULT_BASE, MAX_SLOTS, SHIPPED, shipped

COMPARE_PARAM = "compare"
BASE_PARAM = "base"
NAME_PARAM = "name"
DESCRIPTION_PARAM = "description"
LANG_PARAM = "lang"
TEXT_PARAMS = (NAME_PARAM, DESCRIPTION_PARAM)
OWN_PARAMS = (COMPARE_PARAM, BASE_PARAM, *TEXT_PARAMS, LANG_PARAM)
VERSION = "1"
PLAIN, DEFLATED = f"{VERSION}.", f"{VERSION}z."
MAX_LINK_CHARS = 64 * 1024  # the compare parameter, before base64 decoding
MAX_LINK_JSON_BYTES = 256 * 1024  # its JSON once inflated: four slots with every field changed take ~40 kB
MAX_PARAMS = 200  # old format: parameters per link (a scenario has ~90 fields)
MAX_PARAM_CHARS = 4_000  # old format: one value (a description may be 2,000 characters)
MAX_NUMBER_PARAM_CHARS = 40  # old format: a number's text (floats are written repr-exact, ≤ 24 characters)
NUMBER_TEXT = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", re.ASCII)


@dataclass(frozen=True)
class LinkedSlot:
    """One scenario of a link: the shipped file it changes and the validated scenario."""

    base: str
    scenario: Scenario


@dataclass(frozen=True)
class Link:
    """What a link asks the page to show.

    ``replaces_all`` is True for the comparison format (the slots replace every slot on screen, ``active`` is
    edited) and False for an old one-scenario link (its one slot replaces the edited slot).
    """

    slots: tuple[LinkedSlot, ...]
    active: int
    replaces_all: bool


# ------------------------------------------------------------------------------------------- writing
def changes(scenario: Scenario, base: str) -> dict[str, object]:
    """The scenario's differences from the shipped scenario ``base``: dotted path (or name) → typed value."""
    shipped_base = shipped()[base]
    out: dict[str, object] = {
        k: getattr(scenario, k) for k in TEXT_PARAMS if getattr(scenario, k) != getattr(shipped_base, k)
    }
    out.update(scenario.changes_from(shipped_base))
    return out


def encode_link(slots: Sequence[tuple[Scenario, str]], active: int) -> dict[str, str]:
    """Query parameters for every (scenario, base) on screen, ``active`` the one being edited."""
    content = {"active": active, "slots": [{"base": base, "changes": changes(s, base)} for s, base in slots]}
    raw = json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    plain = PLAIN + _b64(raw)
    deflated = DEFLATED + _b64(zlib.compress(raw, 9))
    return {COMPARE_PARAM: deflated if len(deflated) < len(plain) else plain}


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


# ------------------------------------------------------------------------------------------- reading
def has_scenario(params: Mapping[str, str]) -> bool:
    """True when the URL carries a scenario (the comparison, or an old link's base, name or a field)."""
    return any(k in (COMPARE_PARAM, BASE_PARAM, *TEXT_PARAMS) or "." in k for k in params)


def decode_link(params: Mapping[str, str], households: int | None = None) -> Link | None:
    """The guarded entrance for links: the slots a link describes, None without one, or ScenarioError.

    ``households`` (records of the population the page simulates) enables the work-budget check.
    """
    if COMPARE_PARAM in params:
        return _decode_comparison(params[COMPARE_PARAM], households)
    if not has_scenario(params):
        return None
    base, scenario = decode(params)
    if households is not None:
        check_work_budget(scenario, households)
    return Link((LinkedSlot(base, scenario),), 0, replaces_all=False)


def _both(key: str, **values: object) -> str:
    """A text in both languages as a Problem's detail ("zh|en")."""
    return f"{t(key, 'zh', **values)}|{t(key, 'en', **values)}"


def _refusal(key: str, **values: object) -> ScenarioError:
    return ScenarioError([Problem(COMPARE_PARAM, None, "custom", _both(key, **values))])


def _comparison_json(value: object) -> object:
    """The comparison's JSON from the parameter: size, version, base64, bounded inflation, guarded parsing."""
    if not isinstance(value, str) or len(value) > MAX_LINK_CHARS:
        raise _refusal("share.too_long", limit=MAX_LINK_CHARS)
    version, dot, payload = value.partition(".")
    if not dot or version not in (VERSION, f"{VERSION}z"):
        raise _refusal("share.unknown_format")
    try:
        raw = base64.b64decode(payload + "=" * (-len(payload) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError):
        raise _refusal("share.undecodable") from None
    if version.endswith("z"):
        raw = _inflate(raw)
    try:
        return guard.load_json(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise _refusal("share.not_utf8") from None
    except guard.InputRefused as refusal:
        raise ScenarioError.from_refusal(refusal, COMPARE_PARAM) from None


def _inflate(raw: bytes) -> bytes:
    """Deflated bytes inflated, stopping at :data:`MAX_LINK_JSON_BYTES` (a decompression bomb is refused)."""
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(raw, MAX_LINK_JSON_BYTES + 1)
    except zlib.error:
        raise _refusal("share.uninflatable") from None
    if len(out) > MAX_LINK_JSON_BYTES or inflater.unconsumed_tail:
        raise _refusal("share.inflates_too_far", kb=MAX_LINK_JSON_BYTES // 1024)
    if not inflater.eof:
        raise _refusal("share.cut_short")
    return out


def _decode_comparison(value: object, households: int | None) -> Link:
    content = _comparison_json(value)
    slots = content.get("slots") if isinstance(content, dict) else None
    active = content.get("active") if isinstance(content, dict) else None
    if (
        not isinstance(content, dict)
        or set(content) != {"active", "slots"}
        or not isinstance(slots, list)
        or not 1 <= len(slots) <= MAX_SLOTS
        or isinstance(active, bool)
        or not isinstance(active, int)
        or not 0 <= active < len(slots)
    ):
        raise _refusal("share.shape", slots=MAX_SLOTS)
    problems: list[Problem] = []
    decoded: list[LinkedSlot] = []
    for number, slot in enumerate(slots, start=1):
        try:
            decoded.append(_slot(slot, households))
        except ScenarioError as exc:
            problems += [Problem(COMPARE_PARAM, None, "custom", _both("share.slot", number=number)), *exc.problems]
    if problems:
        raise ScenarioError(problems)
    return Link(tuple(decoded), active, replaces_all=True)


def _slot(slot: object, households: int | None) -> LinkedSlot:
    """One slot of a comparison: a shipped base and typed changes, validated like a scenario file."""
    if not isinstance(slot, dict) or set(slot) != {"base", "changes"} or not isinstance(slot["changes"], dict):
        raise _refusal("share.slot_shape")
    base = slot["base"]
    if base not in SHIPPED:
        raise ScenarioError([_base_problem(base)])
    scenario = shipped()[base].with_changes(slot["changes"])
    if households is not None:
        check_work_budget(scenario, households)
    return LinkedSlot(base, scenario)


def _base_problem(base: object) -> Problem:
    return Problem(BASE_PARAM, base, "custom", _both("share.base_allowed", allowed=", ".join(SHIPPED)))


# ------------------------------------------------------------------------------- the one-scenario format
def _parse(spec: FieldSpec, text: str) -> object:
    """The typed value of one old-format parameter; raises ValueError when it is not of the field's type."""
    if spec.type in ("float", "int"):
        if len(text) > MAX_NUMBER_PARAM_CHARS or not NUMBER_TEXT.fullmatch(text):
            raise ValueError(text)
        value = int(text) if spec.type == "int" and text.lstrip("+-").isdigit() else float(text)
        if not math.isfinite(value):
            raise ValueError(text)
        return value  # a whole-number field's "12000.0" (links written when it was decimal) is read as 12000
    if spec.type == "bool":
        if text not in ("true", "false"):
            raise ValueError(text)
        return text == "true"
    if spec.type == "county_shares":
        value = guard.load_json(text)
        if not isinstance(value, dict):
            raise ValueError(text)
        return value
    return text


def decode(params: Mapping[str, str]) -> tuple[str, Scenario]:
    """An old one-scenario link: the base's stem and the scenario; raises ScenarioError listing every bad one."""
    base = params.get(BASE_PARAM, DEFAULT_BASE)
    problems: list[Problem] = []
    if len(params) > MAX_PARAMS:
        raise ScenarioError([Problem("(link)", None, "custom", _both("share.too_many_params", limit=MAX_PARAMS))])
    if base not in SHIPPED:
        problems.append(_base_problem(base))
    specs = fieldspec.by_path()
    found: dict[str, object] = {}
    for key, text in params.items():
        if key in OWN_PARAMS or "." not in key:
            continue
        spec = specs.get(key)
        if spec is None:
            problems.append(Problem(key, text, "unknown"))
            continue
        try:
            if not isinstance(text, str) or len(text) > MAX_PARAM_CHARS:
                raise ValueError(key)
            found[key] = _parse(spec, text)
        except (ValueError, guard.InputRefused):  # InputRefused is a ValueError too; named for the reader
            problems.append(Problem(key, text, "type"))
    found.update({key: params[key] for key in TEXT_PARAMS if key in params})
    if base in SHIPPED:
        try:
            scenario = shipped()[base].with_changes(found)
            if not problems:
                return base, scenario
        except ScenarioError as exc:  # ranges and cross-field rules, reported with the type problems
            problems.extend(exc.problems)
    raise ScenarioError(problems)
