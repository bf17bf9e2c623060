"""The comparison page (方案比较): up to four scenarios side by side — target cards, then charts.

Cards and charts are fragments: a lever move reruns them (cards first) without the sidebar. Each computes the
slots' runs itself from the session state, because a fragment's rerun reuses the arguments of the page's last
full run.
"""

from __future__ import annotations

import streamlit as st

from ui.draw.cards import draw_cards, draw_heading
from ui.draw.context import PageContext
from ui.draw.fragments import CARDS, RESULTS, let_cards_paint
from ui.draw.results import draw_results
from ui.draw.sidebar import show_error, show_notice
from ui.server.cache import current_population
from ui.session.runs import current_slot_runs, remember_shown
from ui.session.state import active_slot
from ui.session.state import lang as page_lang


@st.fragment(key=CARDS)
def cards() -> None:
    """The target cards of every slot (previews marked).

    The heading goes out first: drawing it is where Streamlit stops this rerun if a newer lever value has
    arrived meanwhile (dragging a slider), before a preview nobody will see is computed.
    """
    lang = page_lang()
    draw_heading(lang)
    runs = current_slot_runs()
    remember_shown(runs)
    draw_cards(runs, active_slot().name, lang)
    let_cards_paint()


@st.fragment(key=RESULTS)
def results() -> None:
    """The charts of the chosen view, for the runs the cards show."""
    runs = current_slot_runs()
    draw_results(runs, page_lang(), current_population().fingerprint)


def render(ctx: PageContext) -> None:
    """Draw the comparison (the runs are read fresh by the fragments; ``ctx`` gives the language)."""
    show_error("link", ctx.lang)
    show_notice("link", ctx.lang)
    cards()
    results()
