"""Target cards: for each scenario, the notice's key targets with value, unit, target, met and probability."""

from __future__ import annotations

import streamlit as st

from model.engine.run import Run
from model.engine.targets import TargetCheck
from ui.formats import is_share_unit, number, plain, unit_text, with_unit
from ui.i18n import t

CARD_KEYS = ("N1", "N2", "N3", "N7", "N11", "below_line")
COMPARISONS = {">=": "≥", "<=": "≤", "==": "="}


def card_label(check: TargetCheck, lang: str) -> str:
    """The card's title: notice id, what is measured and its period."""
    key = "" if check.key == "below_line" else f"{check.key} "
    return t("cards.label", lang, notice=key, label=check.label(lang))


def card_value(check: TargetCheck, lang: str) -> str:
    """The value with its unit (mean over draws for outcomes)."""
    return with_unit(check.value, check.unit, lang) if check.value is not None else "–"


def card_caption(check: TargetCheck, lang: str) -> str:
    """Target, met / not met, probability of meeting it and the P10–P90 range."""
    parts = [t("cards.period", lang, period=check.period)]
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
        parts.append(t("cards.probability", lang, probability=f"{check.probability:.0%}"))
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


def draw_cards(runs: dict[str, Run], active: str, lang: str) -> None:
    """One column per scenario, one bordered card per target."""
    st.markdown(t("cards.heading", lang))
    columns = st.columns(len(runs))
    for column, (name, run) in zip(columns, runs.items(), strict=True):
        with column:
            badge = t("cards.editing", lang) if name == active else ""
            draws = t("cards.draws", lang, draws=run.scenario.simulation.draws)
            st.markdown(f"**{plain(name)}** {badge}  \n{draws}")
            for key in CARD_KEYS:
                check = run.targets.get(key)
                if check is None:
                    continue
                st.metric(
                    card_label(check, lang),
                    card_value(check, lang),
                    border=True,
                    help=t("cards.help", lang, notice=check.key),
                )
                st.caption(card_caption(check, lang))
