"""Charts as PNG/SVG files and tables as Excel-friendly CSV, for downloads and the printed brief."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import altair as alt
import pandas as pd
import vl_convert as vlc

from model.io.spreadsheet import csv_bytes

CJK_FONT_DIRS = (
    Path("/usr/share/fonts/opentype/noto"),
    Path("/usr/share/fonts/truetype/noto"),
    Path("/usr/share/fonts/opentype/noto-cjk"),
)
CJK_FONT = "Noto Sans CJK SC"


@cache
def register_cjk_fonts() -> bool:
    """Register the Noto CJK fonts with vl-convert once, so Chinese labels are not drawn as empty boxes.

    Returns False when no Noto directory exists (install ``fonts-noto-cjk``; scripts/install_browser.sh does).
    """
    found = False
    for directory in CJK_FONT_DIRS:
        if directory.is_dir():
            vlc.register_font_directory(str(directory))
            found = True
    return found


def _spec(chart: alt.TopLevelMixin) -> dict:
    """The chart's Vega-Lite spec with the CJK font as the default for every text."""
    spec = chart.to_dict()
    config = spec.setdefault("config", {})
    config.setdefault("font", CJK_FONT)
    return spec


def chart_png(chart: alt.TopLevelMixin, scale: float = 2) -> bytes:
    """The chart as PNG bytes (``scale`` × its size in pixels)."""
    register_cjk_fonts()
    return vlc.vegalite_to_png(_spec(chart), scale=scale)


def chart_svg(chart: alt.TopLevelMixin) -> str:
    """The chart as SVG text."""
    register_cjk_fonts()
    return vlc.vegalite_to_svg(_spec(chart))


def frame_csv(frame: pd.DataFrame) -> bytes:
    """A table as UTF-8 CSV with a byte-order mark (Excel opens the Chinese text); text never starts a formula."""
    return csv_bytes(frame)
