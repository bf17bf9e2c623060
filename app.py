"""The planners' page: `streamlit run app.py`. Wiring only; the parts live in ui/, the model in model/."""

import logging
from functools import partial

import streamlit as st

from ui import state
from ui.cache import current_population, run_cached
from ui.context import PageContext
from ui.i18n import t
from ui.pages import build_pages, population_caption
from ui.runs import compute_runs
from ui.sidebar import draw_sidebar, sync_url


def main() -> None:
    """Seed the session, draw the sidebar, simulate the slots and run the chosen page."""
    state.init_session()
    lang = state.lang()
    st.title(t("app.title", lang))
    draw_sidebar(lang)
    population = current_population()
    runs = compute_runs(population, state.slots(), lang)
    context = PageContext(
        lang=lang,
        population=population,
        runs=runs,
        active=state.active_slot().name,
        run_cached=partial(run_cached, population),
    )
    navigation = st.navigation(build_pages(context), position="top")
    st.caption(population_caption(context))
    sync_url(lang)
    navigation.run()


st.set_page_config(page_title=t("app.title"), page_icon=":material/monitoring:", layout="wide")
try:
    main()
except Exception:  # the last line of defence: a short message in the page's language, the traceback to the log only
    logging.getLogger("app").exception("the page failed")
    st.error(t("app.unexpected", state.lang()))
