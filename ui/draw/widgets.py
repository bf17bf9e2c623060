"""Lever widgets built from the scenario's field specs: label, unit, range, step and the notice's floor or target.

What a widget holds, and how it is seeded from a scenario, is :mod:`ui.session.lever_values`. A value below the
notice's floor or target is allowed and shown as a breach.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from model.schema import fieldspec
from model.schema.fieldspec import FieldSpec
from model.schema.scenario import Scenario, quarter_index, quarter_label
from ui.language.formats import PERCENT, field_value, is_share, number, unit_text
from ui.language.i18n import t
from ui.session.lever_values import DIGITS, breached, editable, key, requirement

NUMBER_INPUT_SECTIONS = ("simulation",)
NUMBER_INPUT_NAME_SUFFIX = "_yuan"  # money amounts are typed, not slid
SETTINGS_SECTIONS = ("targets", "simulation")
ASSUMPTION_SECTIONS = ("assumptions",)
OPEN_CHANNELS = ("funds", "linking")


def _bound(spec: FieldSpec, value: object) -> float | int:
    if spec.type == "int":
        return int(value)
    return round(float(value) * PERCENT, DIGITS) if is_share(spec) else float(value)


def _format(spec: FieldSpec) -> str:
    step = _bound(spec, spec.step) if spec.step is not None else 1
    decimals = 0 if float(step).is_integer() else len(f"{step}".split(".")[1])
    return f"%.{decimals}f%%" if is_share(spec) else f"%.{decimals}f"


def is_money(spec: FieldSpec) -> bool:
    """Money amounts (yuan or 万元, not rates such as households per million yuan) are typed, not slid."""
    return spec.name.endswith(NUMBER_INPUT_NAME_SUFFIX) and "_per_" not in spec.name


def label(spec: FieldSpec, lang: str) -> str:
    """Widget label: the field's name and unit."""
    return t("levers.label", lang, label=spec.label(lang), unit=unit_text(spec.unit, lang))


def allowed_range(spec: FieldSpec) -> str:
    """The field's allowed range as its widget shows it (shares as percentages)."""
    if is_share(spec):
        return f"{number(float(spec.min), spec.unit)} – {number(float(spec.max), spec.unit)}"
    return spec.allowed()


def help_text(spec: FieldSpec, lang: str) -> str:
    """Tooltip: kind, path, allowed range, the notice's requirement and the source of an assumption."""
    lines = [
        t(
            "levers.help",
            lang,
            kind=t(f"kind.{spec.kind}", lang),
            path=spec.path,
            allowed=allowed_range(spec),
            unit=unit_text(spec.unit, lang),
        )
    ]
    if spec.notice_id:
        lines.append(t("levers.help_notice", lang, notice=spec.notice_id))
    if spec.source:
        lines.append(t("levers.help_source", lang, source=spec.source, confidence=spec.confidence or "-"))
    return "\n\n".join(lines)


def draw_field(spec: FieldSpec, lang: str, on_change: Callable[[str], None], scenario: Scenario) -> None:
    """One lever widget, its notice requirement and, when broken, the breach."""
    k = key(spec.path)
    common = {"key": k, "help": help_text(spec, lang), "on_change": on_change, "args": (spec.path,)}
    text = label(spec, lang)
    if spec.type == "bool":
        st.toggle(text, **common)
    elif spec.type == "quarter":
        lo, hi = quarter_index(spec.min), quarter_index(spec.max)
        st.selectbox(text, [quarter_label(i) for i in range(lo, hi + 1)], **common)
    elif spec.type in ("int", "float"):
        bounds = {
            "min_value": _bound(spec, spec.min),
            "max_value": _bound(spec, spec.max),
            "step": _bound(spec, spec.step if spec.step is not None else 1),
        }
        if spec.section in NUMBER_INPUT_SECTIONS or is_money(spec):
            number_format = _format(spec).replace("%%", "") if spec.type == "float" else None
            st.number_input(text, format=number_format, **bounds, **common)
        else:
            st.slider(text, format=_format(spec), **bounds, **common)
    else:
        st.text_input(text, **common)
    need = requirement(spec)
    if need is None:
        return
    kind, minimum = need
    value = scenario.value(spec.path)
    shown = field_value(spec, minimum, lang)
    if breached(spec, value):
        st.warning(
            t(
                f"levers.breach_{kind}",
                lang,
                notice=spec.notice_id,
                minimum=shown,
                value=field_value(spec, value, lang),
            ),
            icon="⚠️",
        )
    else:
        st.caption(t(f"levers.{kind}", lang, notice=spec.notice_id, minimum=shown))


def draw_section(
    section: fieldspec.SectionSpec, lang: str, on_change: Callable[[str], None], scenario: Scenario
) -> None:
    """The widgets of one section of the scenario."""
    for spec in fieldspec.section_fields(section.name):
        if editable(spec):
            draw_field(spec, lang, on_change, scenario)
        else:
            st.caption(
                t(
                    "levers.in_file_only",
                    lang,
                    label=spec.label(lang),
                    value=field_value(spec, scenario.value(spec.path), lang) or "{}",
                )
            )


def group_key(name: str) -> str:
    """Session-state key of a lever group's expander (True while it is open)."""
    return f"levers.open.{name}"


def draw_levers(scenario: Scenario, lang: str, on_change: Callable[[str], None]) -> None:
    """Every lever, grouped by the notice's channels; settings and assumptions collapsed and marked.

    A closed group's levers are not drawn at all: fifty sliders are most of what a browser renders when the page
    opens. Opening a group reruns the page with its levers, their values taken from the edited scenario
    (:func:`ui.session.lever_values.seed_missing`); ``st.session_state[group_key(name)]`` is True while group
    ``name`` is open.
    """
    st.markdown(t("levers.inputs_heading", lang))
    channels: dict[str, list[fieldspec.SectionSpec]] = {}
    for section in fieldspec.sections():
        if section.name not in SETTINGS_SECTIONS + ASSUMPTION_SECTIONS:
            channels.setdefault(section.channel, []).append(section)
    groups = [
        (channel, t(f"levers.channel.{channel}", lang), channel in OPEN_CHANNELS, members)
        for channel, members in channels.items()
    ]
    groups += [
        (s.name, t("levers.settings_heading", lang, section=s.label(lang)), False, [s])
        for s in fieldspec.sections()
        if s.name in SETTINGS_SECTIONS
    ]
    groups += [
        (s.name, t("levers.assumptions_heading", lang, section=s.label(lang)), False, [s])
        for s in fieldspec.sections()
        if s.name in ASSUMPTION_SECTIONS
    ]
    for name, label_text, expanded, members in groups:
        box = st.expander(label_text, expanded=expanded, key=group_key(name), on_change="rerun")
        if not box.open:
            continue
        with box:
            if name in ASSUMPTION_SECTIONS:
                st.caption(t("levers.assumptions_note", lang))
            for section in members:
                if len(members) > 1:
                    st.markdown(f"**{section.label(lang)}**")
                draw_section(section, lang, on_change, scenario)
