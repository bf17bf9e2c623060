"""What the lever widgets hold in the session: their keys, values in the widgets' terms, and the notice's minimum.

Shares are shown as percentages (0.6 ↔ 60). Only a moved widget writes its value back (see ui.session.state.on_lever),
so values that were never touched keep their exact file value. The widgets themselves are drawn by
:mod:`ui.draw.widgets`; the session state seeds them from here, in callbacks or before they are drawn.
"""

from __future__ import annotations

import streamlit as st

from model.schema import fieldspec
from model.schema.fieldspec import FieldSpec
from model.schema.scenario import Scenario
from ui.language.formats import PERCENT, is_share

KEY_PREFIX = "lever:"
DIGITS = 9


def key(path: str) -> str:
    """Session-state key of a lever widget."""
    return KEY_PREFIX + path


def editable(spec: FieldSpec) -> bool:
    """Fields with a widget (per-county fund shares are set in a scenario file)."""
    return spec.type != "county_shares"


def to_widget(spec: FieldSpec, value: object) -> object:
    """A scenario value in the widget's terms."""
    if is_share(spec):
        return round(float(value) * PERCENT, DIGITS)
    if spec.type == "float":
        return float(value)
    return value


def from_widget(spec: FieldSpec, shown: object) -> object:
    """The scenario value for what the widget shows (exact for anything typed or stepped to)."""
    if is_share(spec):
        return round(float(shown) / PERCENT, DIGITS + 2)
    if spec.type == "float":
        return float(shown)
    if spec.type == "int":
        return int(shown)
    return shown


def read(spec: FieldSpec) -> object:
    """The scenario value the widget of ``spec`` holds now."""
    return from_widget(spec, st.session_state[key(spec.path)])


def seed_field(spec: FieldSpec, value: object) -> None:
    """Show ``value`` in the field's widget."""
    st.session_state[key(spec.path)] = to_widget(spec, value)


def seed_all(scenario: Scenario) -> None:
    """Show every value of ``scenario`` in the levers."""
    for spec in fieldspec.fields():
        if editable(spec):
            seed_field(spec, scenario.value(spec.path))


def seed_missing(scenario: Scenario) -> None:
    """Restore widgets Streamlit dropped while they were not drawn (e.g. on another page)."""
    for spec in fieldspec.fields():
        if editable(spec) and key(spec.path) not in st.session_state:
            seed_field(spec, scenario.value(spec.path))


def requirement(spec: FieldSpec) -> tuple[str, float] | None:
    """The notice's minimum for a field: ("floor" | "target", value), or None."""
    if spec.floor is not None:
        return "floor", spec.floor
    if spec.target is not None:
        return "target", spec.target
    return None


def breached(spec: FieldSpec, value: object) -> bool:
    """True when ``value`` is below the notice's floor or target."""
    need = requirement(spec)
    return need is not None and float(value) < need[1] - 1e-12
