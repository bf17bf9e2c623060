"""The page's parts as Streamlit pages (st.navigation)."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from model.schema.text import either
from ui.draw import compare
from ui.draw.context import PageContext
from ui.draw.panels import assessment, brief, discover, households, seek, sensitivity, validation
from ui.language.formats import plain

RENDERS: dict[str, Callable[[PageContext], None]] = {
    "compare": compare.render,
    "assessment": assessment.render,
    "seek": seek.render,
    "discover": discover.render,
    "sensitivity": sensitivity.render,
    "validation": validation.render,
    "households": households.render,
    "brief": brief.render,
}
ICONS = {
    "compare": ":material/compare:",
    "assessment": ":material/leaderboard:",
    "seek": ":material/target:",
    "discover": ":material/travel_explore:",
    "sensitivity": ":material/tune:",
    "validation": ":material/fact_check:",
    "households": ":material/upload_file:",
    "brief": ":material/description:",
}


def population_caption(ctx: PageContext) -> str:
    """The line every page shows: which population the results are for."""
    pop = ctx.population
    return ctx.t(
        "page.population",
        label=plain(either(pop.label, ctx.lang)),
        households=f"{pop.households_by_county().sum():,.0f}",
        fingerprint=pop.fingerprint,
    )


def build_pages(ctx: PageContext) -> list[st.Page]:
    """The comparison first (default), then the other panels in the order of ``RENDERS``."""
    return [
        st.Page(
            lambda render=render: render(ctx),
            title=ctx.t(f"page.nav.{name}"),
            icon=ICONS[name],
            url_path=name,
            default=name == "compare",
        )
        for name, render in RENDERS.items()
    ]
