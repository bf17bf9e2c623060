"""The dispatch-meeting brief panel (N20): choose a scenario and a quarter, download the brief and the workbook.

Both files are built only when their button is clicked (a callable ``data=``): the brief's chart images take
seconds, which no rerun of the page should pay.
"""

from __future__ import annotations

from functools import partial

import streamlit as st

from model.engine.run import Run
from model.reports.brief import brief_filename, brief_html
from model.reports.workbook import SHEETS, sheet_name, workbook_bytes, workbook_filename
from ui.draw.context import PageContext
from ui.draw.panels.selection import choose, scenario_and_quarter

LANG_KEY = "brief.lang"
COMPARE_KEY = "brief.compare"
BRIEF_LANGS = ("zh", "en")
HTML_MIME = "text/html"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def brief_bytes(run: Run, quarter: str, lang: str, runs: dict[str, Run]) -> bytes:
    """The brief as UTF-8 bytes (called by the download button, outside the session)."""
    return brief_html(run, quarter, lang, runs=runs).encode("utf-8")


def render(ctx: PageContext) -> None:
    """Draw the panel."""
    st.subheader(ctx.t("brief.title"))
    st.caption(ctx.t("brief.intro"))
    name, run, quarter, right = scenario_and_quarter(ctx, "brief", quarter_help=ctx.t("brief.quarter_help"))
    choose(LANG_KEY, list(BRIEF_LANGS), ctx.lang)
    with right:
        lang = st.radio(
            ctx.t("brief.lang"),
            BRIEF_LANGS,
            key=LANG_KEY,
            horizontal=True,
            format_func=lambda v: ctx.t(f"brief.lang.{v}"),
        )
    compare = False
    if len(ctx.runs) > 1:
        compare = st.checkbox(ctx.t("brief.compare"), key=COMPARE_KEY)
    runs = dict(ctx.runs) if compare else {name: run}
    preview = any(ctx.is_preview(n) for n in runs)  # a brief is kept: it waits for the full runs

    st.markdown(ctx.t("brief.contents", sections=ctx.t("brief.sections", quarter=quarter)))
    st.download_button(
        ctx.t("brief.download_html"),
        partial(brief_bytes, run, quarter, lang, runs),
        file_name=brief_filename(run, quarter, lang),
        mime=HTML_MIME,
        key="brief.download_html",
        on_click="ignore",
        disabled=preview,
        type="primary",
        icon=":material/description:",
    )
    st.caption(ctx.t("brief.preparing"))
    sep = "、" if ctx.lang == "zh" else ", "
    st.markdown(ctx.t("brief.sheets", sheets=sep.join(sheet_name(k, lang) for k in SHEETS)))
    st.download_button(
        ctx.t("brief.download_xlsx"),
        partial(workbook_bytes, run, lang),
        file_name=workbook_filename(run, lang),
        mime=XLSX_MIME,
        key="brief.download_xlsx",
        on_click="ignore",
        disabled=preview,
        icon=":material/table:",
    )
