"""The comparison page (方案比较): up to four scenarios side by side — target cards, then charts."""

from __future__ import annotations

from ui.cards import draw_cards
from ui.context import PageContext
from ui.results import draw_results
from ui.sidebar import show_error, show_notice


def render(ctx: PageContext) -> None:
    """Draw the comparison for the runs in ``ctx``."""
    show_error("link", ctx.lang)
    show_notice("link", ctx.lang)
    draw_cards(ctx.runs, ctx.active, ctx.lang)
    draw_results(ctx.runs, ctx.lang, ctx.population.fingerprint)
