"""The page's parts that rerun on their own (Streamlit fragments), and which of them a lever change reruns.

A lever's callback reruns only the parts that show the edited scenario — the target cards first, then the
charts, the refinement progress and the scenario's file and link — not the sidebar's fifty widgets
(:func:`rerun_after_lever`). While the page waits for full runs behind its previews, the refinement progress
polls every ``POLL_S`` seconds while one of them runs and every ``QUEUED_POLL_S`` while they only queue (twenty
pages polling each second took as much of a 2-core server as the runs they waited for): it shows how far they
are and, when one is done, reruns the page to show the refined values. A page that waits for nothing does not
poll (twenty idle tabs would otherwise cost twenty reruns a second); a lever move that makes an idle page wait
therefore reruns the whole page once, which starts the poll.

Keys of the fragments that draw results (others can add theirs to ``RESULT_PARTS`` when they draw results on
the comparison page; a key named here must be drawn on that page, or Streamlit refuses the rerun).
"""

from __future__ import annotations

import time

import streamlit as st

from ui.language.formats import plain
from ui.language.i18n import t
from ui.session.runs import SlotRun, current_slot_runs, shown_previews, waiting_keys
from ui.session.state import lang as page_lang

CARDS = "cards"
RESULTS = "results"
REFINE = "refine"
FILES = "scenario_files"
RESULT_PARTS = (CARDS, RESULTS, REFINE, FILES)
COMPARE_PAGE = "compare"
PAGE_KEY = "page.current"
POLL_S = 1.0  # while one of the page's full runs is running: its progress moves
QUEUED_POLL_S = 3.0  # while they only wait in the queue: a poll costs the server and the browser (~0.1 s of CPU)
PAINT_PAUSE_S = 0.15
PAINTED = "page.cards_painted"
POLLING = "refine.polling"
WAITING = ("queued", "running")


def note_page(url_path: str) -> None:
    """Remember which page this run draws (the lever callbacks rerun its parts only on the comparison page)."""
    st.session_state[PAGE_KEY] = url_path


def let_cards_paint() -> None:
    """On a session's first run and after each lever move, pause briefly after the target cards, before the rest.

    A browser renders the messages of one burst together: sent in one go, the cards wait until the charts and
    fifty widgets are rendered too (2–5 s on a loaded 2-core machine). A pause of a tenth of a second splits
    the burst so the cards are painted first (bench/bench_page.py: open → first cards; key → card 0.24 → 0.16 s
    when a lever move's rerun pauses too). The script thread sleeps; no core is taken.
    """
    if not st.session_state.get(PAINTED):
        st.session_state[PAINTED] = True
        time.sleep(PAINT_PAUSE_S)


def rerun_after_lever(waits: bool) -> None:
    """From a lever's callback: rerun only the result parts, or do nothing (the whole page reruns).

    Only on the comparison page, where those parts are drawn (another page's panels read the runs too), and only
    when the page polls already or ``waits`` for no full run (otherwise the whole page reruns to start the poll).
    """
    st.session_state[PAINTED] = False  # the moved lever's cards paint before the charts and the levers follow
    if st.session_state.get(PAGE_KEY) == COMPARE_PAGE and (st.session_state.get(POLLING) or not waits):
        st.rerun(list(RESULT_PARTS))


def refine_status(runs: dict[str, SlotRun]) -> None:
    """The refinement progress of ``runs`` (this full run's), polling while any full run is queued or running."""
    states = {slot.status.state for slot in runs.values() if slot.status is not None}
    polling = bool(states & set(WAITING))
    st.session_state[POLLING] = polling
    every = (POLL_S if "running" in states else QUEUED_POLL_S) if polling else None
    st.fragment(_refine, run_every=every, key=REFINE)()


def _refine() -> None:
    """Progress of the full runs behind the previews on screen; reruns the page once one of them is done."""
    runs = current_slot_runs()
    if shown_previews() - waiting_keys(runs):
        st.rerun()
    lang = page_lang()
    for shown, slot in runs.items():
        if slot.final or slot.status is None:
            continue
        name, status = plain(shown), slot.status
        if status.state == "failed":
            st.error(t("refine.failed", lang, name=name, error=plain(status.error)))
        elif status.state == "running":
            st.progress(status.fraction, text=t("refine.running", lang, name=name, percent=f"{status.fraction:.0%}"))
        else:
            st.progress(0.0, text=t("refine.queued", lang, name=name, ahead=status.ahead))
