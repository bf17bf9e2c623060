"""Target cards: for each scenario, the notice's key targets with value, unit, target, met and probability.

A slot still showing a preview (few draws on a sample of the households) says so in its header and on every
card's label; the page redraws the cards with the full run's values when it is done.

Beneath a card: its details (ui/draw/card_details.py: N1/N2's growth by source, N1 if 2022 repeated, the below-line
share before assistance); beneath a scenario's cards: its levers beyond what the city can absorb. To add one,
write a function ``draw(check, slot, lang)`` that draws into the current column and list it under the target's
key in ``CARD_DETAILS``; it is drawn on every rerun of the cards, so keep it cheap (cache what it computes by
``slot.key``) and mark preview values (``slot.final`` is False).
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from model.engine.targets import TargetCheck, p_met_text
from model.schema.text import either
from ui.draw.card_details import DETAILS, draw_capacity
from ui.language.formats import is_share_unit, number, unit_text, with_unit
from ui.language.i18n import t
from ui.session.runs import SlotRun

CARD_KEYS = ("N1", "N2", "N3", "N7", "N11", "below_line")
COMPARISONS = {">=": "≥", "<=": "≤", "==": "="}
CardDetail = Callable[[TargetCheck, SlotRun, str], None]
CARD_DETAILS: dict[str, tuple[CardDetail, ...]] = DETAILS


def card_label(check: TargetCheck, lang: str) -> str:
    """The card's title: notice id, what is measured and its period."""
    key = "" if check.key == "below_line" else f"{check.key} "
    return t("cards.label", lang, notice=key, label=check.label(lang))


def card_value(check: TargetCheck, lang: str) -> str:
    """The value with its unit (mean over draws for outcomes)."""
    return with_unit(check.value, check.unit, lang) if check.value is not None else "–"


def card_caption(check: TargetCheck, lang: str) -> str:
    """Target, met / not met, probability of meeting it and the P10–P90 range."""
    parts = [t("cards.period", lang, period=either(check.period, lang))]
    if check.target is not None:
        parts.append(
            t(
                "cards.target",
                lang,
                comparison=COMPARISONS.get(check.comparison, check.comparison),
                target=with_unit(check.target, check.unit, lang),
            )
        )
    if check.met is not None:
        parts.append(t("cards.met" if check.met else "cards.not_met", lang))
    if check.probability is not None and check.kind == "result" and check.p10 is not None:
        parts.append(t("cards.probability", lang, probability=p_met_text(check)))
        parts.append(
            t(
                "cards.range",
                lang,
                p10=number(check.p10, check.unit),
                p90=number(check.p90, check.unit),
                unit="" if is_share_unit(check.unit) else unit_text(check.unit, lang),
            )
        )
    parts.append(t("cards.unit", lang, unit=unit_text(check.unit, lang)))
    return " · ".join(parts)


def column_header(name: str, slot: SlotRun, active: str, lang: str) -> None:
    """The slot's name (plain text: user text is never markdown), badges and what its values rest on."""
    st.text(name)
    badges = [t("cards.editing", lang)] if name == active else []
    if not slot.final:
        badges.append(t("cards.preview_badge", lang))
    draws = slot.run.result.draws
    note = t("cards.draws", lang, draws=draws) if slot.final else t("cards.preview_note", lang, draws=draws)
    st.caption(" ".join([*badges, note]))


def draw_card(check: TargetCheck, slot: SlotRun, lang: str) -> None:
    """One target card: the metric, its caption and the details registered for its target."""
    label = card_label(check, lang) if slot.final else t("cards.preview_label", lang, label=card_label(check, lang))
    st.metric(label, card_value(check, lang), border=True)
    st.caption(card_caption(check, lang))
    for detail in CARD_DETAILS.get(check.key, ()):
        detail(check, slot, lang)


def draw_heading(lang: str) -> None:
    """The cards' heading, with what a card's value and verdict mean."""
    st.markdown(t("cards.heading", lang), help=t("cards.help", lang))


def draw_cards(runs: dict[str, SlotRun], active: str, lang: str) -> None:
    """One column per scenario, one bordered card per target (under :func:`draw_heading`)."""
    columns = st.columns(len(runs))
    for column, (name, slot) in zip(columns, runs.items(), strict=True):
        with column:
            column_header(name, slot, active, lang)
            for key in CARD_KEYS:
                check = slot.run.targets.get(key)
                if check is not None:
                    draw_card(check, slot, lang)
            draw_capacity(slot, lang)
