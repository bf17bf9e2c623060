"""The sidebar: which scenarios are on screen, the one being edited, its file and link, and its levers."""

from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st

from ui.draw import widgets
from ui.draw.fragments import FILES, rerun_after_lever
from ui.language.formats import plain, plain_lines
from ui.language.i18n import t
from ui.server.cache import current_population, full_run
from ui.server.scenarios import SHIPPED, shipped
from ui.session import share, state
from ui.session.files import scenario_file_bytes, scenario_file_name

CHOICE_KEY = "active_slot_choice"


def _on_choice() -> None:
    st.session_state[state.ACTIVE] = st.session_state[CHOICE_KEY]
    state.on_select_slot()


def show_error(place: str, lang: str) -> None:
    """The pending error of ``place`` (link, upload, lever, name) in ``lang``, naming fields and ranges."""
    entry = state.errors().get(place)
    if entry is None:
        return
    key, problem = entry
    st.error(plain_lines(t(key, lang), problem.message(lang) if problem is not None else ""))


def show_notice(place: str, lang: str) -> None:
    """A one-time success note."""
    key = state.notices().pop(place, None)
    if key is not None:
        st.success(t(key, lang))


def draw_slots(lang: str) -> None:
    """Slot picker, name, add/remove and starting scenario."""
    slots = state.slots()
    st.session_state[CHOICE_KEY] = state.active_index()
    st.radio(
        t("page.slots", lang, count=len(slots), max=state.MAX_SLOTS),
        list(range(len(slots))),
        format_func=lambda i: plain(slots[i].name),  # radio options render markdown
        key=CHOICE_KEY,
        on_change=_on_choice,
    )
    st.text_input(t("page.slot_name", lang), key=state.NAME_KEY, on_change=state.on_rename, max_chars=80)
    show_error("name", lang)
    add, remove = st.columns(2)
    add.button(
        t("page.add_slot", lang),
        on_click=state.on_add_slot,
        disabled=len(slots) >= state.MAX_SLOTS,
        help=t("page.add_slot_help", lang, max=state.MAX_SLOTS),
        width="stretch",
        key="add_slot",
    )
    remove.button(
        t("page.remove_slot", lang),
        on_click=state.on_remove_slot,
        disabled=len(slots) <= 1,
        width="stretch",
        key="remove_slot",
    )
    st.session_state.setdefault(state.START_KEY, state.active_slot().base)
    st.selectbox(
        t("page.start_from", lang),
        list(SHIPPED),
        key=state.START_KEY,
        format_func=lambda stem: shipped()[stem].name,
        on_change=state.on_start_from_shipped,
        help=t("page.start_from_help", lang),
    )


FILES_OPEN = "page.files_open"


@st.fragment(key=FILES)
def scenario_files(shown: bool) -> None:
    """The address bar as a share link of the edited scenario and, when ``shown``, its download and link.

    Rerun after every lever move. ``shown`` is the files group's state at the page's last full run (opening or
    closing the group reruns the page).
    """
    lang = state.lang()
    sync_url(lang)
    if not shown:
        return
    slot = state.active_slot()
    st.download_button(
        t("page.download_scenario", lang),
        data=scenario_file_bytes(slot.scenario),
        file_name=scenario_file_name(slot.scenario),
        mime="application/toml",
        on_click="ignore",
        icon=":material/download:",
        width="stretch",
        key="download_scenario",
    )
    st.caption(t("page.share_help", lang))
    st.code("?" + urlencode(link_params(lang)), language=None, wrap_lines=True)


def draw_files(lang: str) -> None:
    """The edited scenario's file and link: download, share link, upload (drawn only while the group is open)."""
    group = st.expander(t("page.files", lang), key=FILES_OPEN, on_change="rerun", icon=":material/description:")
    with group:
        scenario_files(bool(group.open))
        if group.open:
            draw_upload(lang)
    show_error("upload", lang)
    show_notice("upload", lang)


def draw_upload(lang: str) -> None:
    """Upload of a scenario file into the edited slot."""
    st.file_uploader(
        t("page.upload_scenario", lang),
        type=["toml", "json"],
        key=state.UPLOAD_KEY,
        on_change=state.on_upload,
        max_upload_size=state.MAX_UPLOAD_MB,
        help=t("page.upload_help", lang, mb=state.MAX_UPLOAD_MB),
    )


def link_params(lang: str) -> dict[str, str]:
    """Query parameters reproducing every scenario on screen and the edited one (and the language when English)."""
    params = share.encode_link([(s.scenario, s.base) for s in state.slots()], state.active_index())
    if lang == "en":
        params[share.LANG_PARAM] = "en"
    return params


def sync_url(lang: str) -> None:
    """Keep the address bar a share link of the scenarios on screen (other parts' parameters are kept)."""
    wanted = link_params(lang)
    current = st.query_params.to_dict()
    foreign = {k: v for k, v in current.items() if "." not in k and k not in share.OWN_PARAMS}
    if current != {**foreign, **wanted}:
        st.query_params.from_dict({**foreign, **wanted})


def on_lever(path: str) -> None:
    """A lever's callback: apply the value; when nothing else in the sidebar changed, rerun only the results."""
    if state.on_lever(path):
        population = current_population()
        rerun_after_lever(waits=any(full_run(population, slot.scenario) is None for slot in state.slots()))


def draw_sidebar(lang: str) -> None:
    """Everything in the sidebar, in order."""
    with st.sidebar:
        st.toggle(t("lang.switch", lang), key=state.LANG_SWITCH)
        draw_slots(lang)
        draw_files(lang)
        st.divider()
        show_error("lever", lang)
        show_notice("lever", lang)
        widgets.draw_levers(state.active_slot().scenario, lang, on_lever)
