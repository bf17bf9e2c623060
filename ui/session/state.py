"""The page's session state: up to four named scenario slots, the one being edited, and pending messages.

The slots are the truth; lever widgets only mirror the edited slot. Widget state is written only here, in
callbacks or before the widgets are drawn, never after (Streamlit refuses that).
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from model.schema import fieldspec
from model.schema.budget import check_work_budget
from model.schema.fieldspec import FieldSpec
from model.schema.scenario import MAX_FILE_BYTES, Scenario, ScenarioError, parse_scenario_bytes
from ui.language.i18n import DEFAULT_LANG, t
from ui.server.cache import current_population
from ui.server.scenarios import DEFAULT_BASE, MAX_SLOTS, shipped
from ui.session import lever_values, linking, share, uploads

DEFAULT_SLOTS = ("baseline", "policy_floor", "notice_2023")
MAX_UPLOAD_MB = MAX_FILE_BYTES // (1024 * 1024)  # the uploader's limit is the scenario files' own

SLOTS = "slots"
ACTIVE = "active_slot"
LANG_SWITCH = "lang_en"
ERRORS = "page_errors"
NOTICES = "page_notices"
UPLOAD_KEY = "scenario_upload"
START_KEY = "start_scenario"
NAME_KEY = "slot_name"


@dataclass(frozen=True)
class Slot:
    """One scenario on screen: the scenario and the shipped file it started from (the base of share links)."""

    scenario: Scenario
    base: str

    @property
    def name(self) -> str:
        """The slot's display name (the scenario's name)."""
        return self.scenario.name


# ------------------------------------------------------------------------------------------ reading
def lang() -> str:
    """The page language: Chinese unless the English switch is on."""
    return "en" if st.session_state.get(LANG_SWITCH) else DEFAULT_LANG


def slots() -> list[Slot]:
    """The slots in display order."""
    return st.session_state[SLOTS]


def active_index() -> int:
    """Index of the slot being edited."""
    return st.session_state[ACTIVE]


def active_slot() -> Slot:
    """The slot being edited."""
    return slots()[active_index()]


def errors() -> dict[str, tuple[str, ScenarioError | None]]:
    """Messages to show, by place: (text key, scenario problems or None)."""
    return st.session_state.setdefault(ERRORS, {})


def notices() -> dict[str, str]:
    """Success notes to show once, by place: text key."""
    return st.session_state.setdefault(NOTICES, {})


# ------------------------------------------------------------------------------------------ seeding
def _unique_name(name: str, taken: list[str]) -> str:
    """``name``, or ``name (2)``, ``name (3)``... when another slot already uses it."""
    if name not in taken:
        return name
    n = 2
    while f"{name} ({n})" in taken:
        n += 1
    return f"{name} ({n})"


def _named(scenario: Scenario, others: list[Slot]) -> Scenario:
    """``scenario`` renamed if its name collides with another slot's."""
    name = _unique_name(scenario.name, [s.name for s in others])
    return scenario if name == scenario.name else scenario.with_changes({"name": name})


def within_budget(scenario: Scenario) -> Scenario:
    """``scenario`` if the page's population can simulate it within the work budget, else ScenarioError."""
    check_work_budget(scenario, current_population().n)
    return scenario


def over_budget(households: int) -> ScenarioError | None:
    """Why a population of ``households`` records cannot simulate every slot within the budget, or None."""
    for slot in st.session_state.get(SLOTS, []):
        try:
            check_work_budget(slot.scenario, households)
        except ScenarioError as exc:
            return exc
    return None


def init_session() -> None:
    """Seed the session once: default slots, then a share link from the URL if there is one."""
    if SLOTS in st.session_state:
        lever_values.seed_missing(active_slot().scenario)
        st.session_state.setdefault(NAME_KEY, active_slot().name)
        return
    params = dict(st.query_params.to_dict())
    st.session_state[LANG_SWITCH] = params.get(share.LANG_PARAM) == "en"
    ships = shipped()
    start = [Slot(ships[stem], stem) for stem in DEFAULT_SLOTS]
    edited = ships[DEFAULT_BASE].with_changes({"name": t("page.edited_name", lang())})
    start.append(Slot(_named(edited, start), DEFAULT_BASE))
    st.session_state[SLOTS] = start
    st.session_state[ACTIVE] = len(start) - 1
    try:
        link = share.decode_link(params, households=current_population().n)
    except ScenarioError as exc:
        errors()["link"] = ("page.link_error", exc)
    else:
        if link is not None:
            _open_link(link)
            notices()["link"] = "page.link_loaded"
    _reseed()


def _open_link(link: share.Link) -> None:
    """Show a link's slots: all of them (a comparison) or, for an old one-scenario link, in the edited slot."""
    if not link.replaces_all:
        _replace_active(Slot(link.slots[0].scenario, link.slots[0].base))
        return
    opened: list[Slot] = []
    for linked in link.slots:
        opened.append(Slot(_named(linked.scenario, opened), linked.base))
    st.session_state[SLOTS] = opened
    st.session_state[ACTIVE] = link.active


def _replace_active(slot: Slot) -> None:
    others = [s for i, s in enumerate(slots()) if i != active_index()]
    slots()[active_index()] = Slot(_named(slot.scenario, others), slot.base)


def _reseed() -> None:
    """Put the edited slot's values into the lever widgets and its name into the name field."""
    slot = active_slot()
    lever_values.seed_all(slot.scenario)
    st.session_state[NAME_KEY] = slot.name


# ------------------------------------------------------------------------------------------ callbacks
def on_lever(path: str) -> bool:
    """A lever moved: apply it to the edited slot, or restore the widget and say why the value was refused.

    Returns True when nothing but the edited scenario changed — no message appeared or went, no other lever was
    adjusted, no floor note changed — so only the parts showing results need redrawing.
    """
    spec: FieldSpec = fieldspec.by_path()[path]
    slot = active_slot()
    value = lever_values.read(spec)
    had_message = errors().pop("lever", None) is not None
    had_message |= notices().pop("lever", None) is not None
    changes = linking.rebalanced(slot.scenario, path, value) if linking.is_link_share(path) else {path: value}
    try:
        scenario = within_budget(slot.scenario.with_changes(changes))
    except ScenarioError as exc:
        errors()["lever"] = ("page.lever_error", exc)
        lever_values.seed_field(spec, slot.scenario.value(path))
        return False
    slots()[active_index()] = Slot(scenario, slot.base)
    if len(changes) > 1:
        for other in changes:
            lever_values.seed_field(fieldspec.by_path()[other], scenario.value(other))
        notices()["lever"] = "page.link_shares_rebalanced"
        return False
    return not (
        had_message or lever_values.breached(spec, slot.scenario.value(path)) or lever_values.breached(spec, value)
    )


def on_rename() -> None:
    """The name field changed: rename the edited slot (names stay unique and within the allowed length)."""
    slot = active_slot()
    wanted = str(st.session_state.get(NAME_KEY, "")).strip()
    errors().pop("name", None)
    if not wanted:
        errors()["name"] = ("page.name_empty", None)
        st.session_state[NAME_KEY] = slot.name
        return
    others = [s for i, s in enumerate(slots()) if i != active_index()]
    try:
        scenario = slot.scenario.with_changes({"name": _unique_name(wanted, [s.name for s in others])})
    except ScenarioError as exc:
        errors()["name"] = ("page.name_error", exc)
        st.session_state[NAME_KEY] = slot.name
        return
    slots()[active_index()] = Slot(scenario, slot.base)
    st.session_state[NAME_KEY] = scenario.name


def on_select_slot() -> None:
    """Another slot is chosen for editing: show its values in the levers."""
    errors().pop("lever", None)
    _reseed()


def on_start_from_shipped() -> None:
    """Replace the edited slot with a shipped scenario (keeping the slot's name)."""
    stem = st.session_state.get(START_KEY)
    if stem not in shipped():
        return
    name = active_slot().name
    _replace_active(Slot(shipped()[stem].with_changes({"name": name}), stem))
    errors().pop("lever", None)
    _reseed()


def on_add_slot() -> None:
    """Add a copy of the edited slot (up to four) and edit the copy."""
    if len(slots()) >= MAX_SLOTS:
        return
    slot = active_slot()
    copy = _named(slot.scenario, slots())
    slots().append(Slot(copy, slot.base))
    st.session_state[ACTIVE] = len(slots()) - 1
    _reseed()


def on_remove_slot() -> None:
    """Remove the edited slot (one always stays)."""
    if len(slots()) <= 1:
        return
    del slots()[active_index()]
    st.session_state[ACTIVE] = min(active_index(), len(slots()) - 1)
    _reseed()


def on_upload() -> None:
    """A scenario file was uploaded: load it into the edited slot, or keep every slot as it was and say why not.

    The bytes are dropped once read (:func:`ui.session.uploads.take`).
    """
    uploaded = uploads.take(UPLOAD_KEY)
    errors().pop("upload", None)
    notices().pop("upload", None)
    if uploaded is None:
        return
    name, raw = uploaded
    try:
        scenario = within_budget(parse_scenario_bytes(raw, name))
    except ScenarioError as exc:
        errors()["upload"] = ("page.upload_error", exc)
        return
    _replace_active(Slot(scenario, active_slot().base))
    notices()["upload"] = "page.upload_loaded"
    errors().pop("lever", None)
    _reseed()


def apply_to_active(changes: dict[str, object]) -> Scenario:
    """Apply ``changes`` (dotted path → value) to the edited slot and show them in the levers.

    For other panels (e.g. goal seeking) — call it from a button's ``on_click`` callback, never after the levers
    are drawn. Raises ScenarioError, leaving everything unchanged, when a value is refused.
    """
    slot = active_slot()
    scenario = within_budget(slot.scenario.with_changes(changes))
    slots()[active_index()] = Slot(scenario, slot.base)
    errors().pop("lever", None)
    _reseed()
    return scenario
