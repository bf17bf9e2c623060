"""The scenario and quarter pickers shared by the assessment and brief panels."""

from __future__ import annotations

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from model.engine.run import Run
from model.reports.brief import default_quarter
from ui.draw.context import PageContext
from ui.language.formats import plain


def choose(key: str, options: list[str], default: str) -> None:
    """Keep a selector's state valid before it is drawn (slots can be renamed, horizons can change)."""
    if st.session_state.get(key) not in options:
        st.session_state[key] = default


def scenario_and_quarter(
    ctx: PageContext, part: str, quarter_help: str | None = None
) -> tuple[str, Run, str, DeltaGenerator]:
    """Draw the scenario and quarter selectors of panel ``part``.

    Returns the scenario's display name, its run, the quarter and the free third column.

    Widget keys and labels are ``{part}.scenario`` and ``{part}.quarter``. A scenario still showing a preview
    says so (the page reruns with the full run when it is done).
    """
    names = list(ctx.runs)
    choose(f"{part}.scenario", names, ctx.active)
    left, middle, right = st.columns([2, 1, 1])
    with left:
        name = st.selectbox(ctx.t(f"{part}.scenario"), names, key=f"{part}.scenario")
    run = ctx.runs[name]
    if ctx.is_preview(name):
        st.info(ctx.t("page.preview_note", name=plain(name), draws=run.result.draws))
    quarters = run.result.reported_quarters
    choose(f"{part}.quarter", quarters, default_quarter(quarters))
    with middle:
        quarter = st.selectbox(ctx.t(f"{part}.quarter"), quarters, key=f"{part}.quarter", help=quarter_help)
    return name, run, quarter, right
