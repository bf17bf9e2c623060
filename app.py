"""The planners' page: `streamlit run app.py`. Wiring only; the parts live in ui/, the model in model/.

Order matters for speed: the page's content (target cards first) is drawn before the sidebar's levers, so the
cards reach the browser first; the cards, the charts and the refinement progress are fragments that a lever move
reruns on their own (ui/draw/fragments.py).
"""

import logging
from functools import partial

import streamlit as st

from ui.draw.context import PageContext
from ui.draw.fragments import note_page, refine_status
from ui.draw.pages import build_pages, population_caption
from ui.draw.sidebar import draw_sidebar
from ui.language.i18n import t
from ui.server.cache import current_population
from ui.server.jobs import run_now
from ui.server.warmup import warm_up
from ui.session import state
from ui.session.runs import remember_shown, session_owner, slot_runs


def main() -> None:
    """Seed the session, simulate (or preview) the slots, run the chosen page, then draw the sidebar."""
    state.init_session()
    lang = state.lang()
    warm_up()
    st.title(t("app.title", lang))
    population = current_population()
    runs = slot_runs(population, state.slots(), session_owner())
    remember_shown(runs)
    context = PageContext(
        lang=lang,
        population=population,
        runs={name: slot.run for name, slot in runs.items()},
        active=state.active_slot().name,
        run_cached=partial(run_now, population),
        previews=frozenset(name for name, slot in runs.items() if not slot.final),
    )
    navigation = st.navigation(build_pages(context), position="top")
    note_page(navigation.url_path)
    st.caption(population_caption(context))
    refine_status(runs)
    try:
        navigation.run()
    except Exception:
        draw_sidebar(lang)  # a failing panel must not take the levers (and their state) with it
        raise
    draw_sidebar(lang)


st.set_page_config(page_title=t("app.title"), page_icon=":material/monitoring:", layout="wide")
try:
    main()
except Exception:  # the last line of defence: a short message in the page's language, the traceback to the log only
    logging.getLogger("app").exception("the page failed")
    st.error(t("app.unexpected", state.lang()))
