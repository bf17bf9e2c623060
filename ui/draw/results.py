"""The comparison's charts and tables, one view at a time (only the chosen view is built on a rerun)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable

import altair as alt
import pandas as pd
import streamlit as st

from model.engine.run import Run
from model.reports import charts
from model.reports.chart_text import place
from model.reports.export import chart_png, chart_svg, frame_csv
from model.schema.fieldspec import COUNTIES
from model.schema.scenario import dump_scenario_json
from ui.language.formats import unit_text
from ui.language.i18n import t
from ui.session.runs import SlotRun

VIEWS = ("income", "components", "counties", "channels", "distribution")  # one chart first: a browser renders it
VIEW_KEY = "results_view"
CHART_CACHE_SIZE = 32


def units_in(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A chart's rows for download, with the unit column written in ``lang``."""
    if "unit" not in frame:
        return frame
    return frame.assign(unit=[unit_text(u, lang) for u in frame["unit"]])


def _downloads(name: str, chart: alt.TopLevelMixin, table: Callable[[], pd.DataFrame], lang: str) -> None:
    """CSV of the chart's rows, PNG and SVG of the chart; built only when clicked."""
    csv, png, svg = st.columns(3)
    common = {"on_click": "ignore", "width": "stretch", "icon": ":material/download:"}
    downloads = (
        (csv, "csv", lambda: frame_csv(units_in(table(), lang)), "text/csv"),
        (png, "png", lambda: chart_png(chart), "image/png"),
        (svg, "svg", lambda: chart_svg(chart), "image/svg+xml"),
    )
    for column, kind, data, mime in downloads:
        column.download_button(
            t(f"results.{kind}", lang), data=data, file_name=f"{name}.{kind}", mime=mime, key=f"{kind}_{name}", **common
        )


class ChartStore:
    """Built charts and their Vega-Lite specs by (chart, language, scenarios on screen); least recently used dropped.

    A rerun that changes no scenario (another view, a download, a rename elsewhere) rebuilds nothing.
    """

    def __init__(self, capacity: int = CHART_CACHE_SIZE):
        self.capacity = capacity
        self._entries: OrderedDict[tuple, tuple[alt.TopLevelMixin, dict]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, name: str, identity: tuple, lang: str, build: Callable[[], alt.TopLevelMixin]):
        """The chart and its spec, built on first use; ``identity`` names the runs' content (see runs_identity)."""
        key = (name, lang, identity)
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
                return entry
        chart = build()
        spec = {**chart.to_dict(validate=False), "autosize": {"type": "pad"}}  # sizes are the plot's, as in PNGs
        spec["usermeta"] = {"embedOptions": {"renderer": "canvas"}}  # one canvas, not thousands of SVG nodes
        with self._lock:
            self._entries[key] = (chart, spec)
            while len(self._entries) > self.capacity:
                self._entries.popitem(last=False)
        return chart, spec


@st.cache_resource(show_spinner=False)
def chart_store() -> ChartStore:
    """The process-wide chart store."""
    return ChartStore()


def runs_identity(runs: dict[str, Run], population_fingerprint: str) -> tuple:
    """What the charts of ``runs`` depend on: the population, slot names, scenario contents, full run or preview."""
    return population_fingerprint, tuple(
        (name, run.population_label, dump_scenario_json(run.scenario)) for name, run in runs.items()
    )


def _chart(
    name: str, identity: tuple, lang: str, build: Callable[[], alt.TopLevelMixin], table: Callable[[], pd.DataFrame]
) -> None:
    chart, spec = chart_store().get(name, identity, lang, build)
    st.vega_lite_chart(spec, key=f"chart_{name}", theme=None, width="content")
    _downloads(name, chart, table, lang)


def wudan_table(runs: dict[str, Run], lang: str) -> pd.DataFrame:
    """Per county and scenario: 2023 average points lost per quarter and the probability of “五单式”."""
    rows = []
    for name, run in runs.items():
        n4 = run.targets.get("N4")
        if n4 is None:
            continue
        n3 = run.targets["N3"]
        for county in COUNTIES:
            probability = n4.detail["probability_by_county"][county]
            rows.append(
                {
                    t("results.col.scenario", lang): name,
                    t("results.col.county", lang): place(county, lang),
                    t("results.col.points_q4", lang): n3.detail["points_lost_by_county"][county],
                    t("results.col.wudan_probability", lang): probability,
                    t("results.col.wudan", lang): t(
                        "common.yes" if county in n4.detail["counties"] else "common.no", lang
                    ),
                }
            )
    return pd.DataFrame(rows)


def _income(runs: dict[str, Run], lang: str, ident: tuple) -> None:
    _chart(
        "income_bands",
        ident,
        lang,
        lambda: charts.income_bands_chart(runs, lang),
        lambda: charts.income_bands_data(runs),
    )


def _components(runs: dict[str, Run], lang: str, ident: tuple) -> None:
    _chart(
        "components",
        ident,
        lang,
        lambda: charts.components_chart(runs, lang),
        lambda: charts.components_data(runs, lang),
    )


def _counties(runs: dict[str, Run], lang: str, ident: tuple) -> None:
    _chart(
        "county_growth",
        ident,
        lang,
        lambda: charts.county_growth_chart(runs, lang),
        lambda: charts.county_growth_data(runs, lang),
    )
    _chart(
        "falling_share",
        ident,
        lang,
        lambda: charts.falling_share_chart(runs, lang),
        lambda: charts.falling_share_data(runs, lang),
    )
    _chart(
        "points_lost",
        ident,
        lang,
        lambda: charts.points_lost_chart(runs, lang),
        lambda: charts.points_lost_data(runs, lang),
    )
    st.markdown(t("results.wudan_heading", lang))
    table = wudan_table(runs, lang)
    st.dataframe(
        table,
        hide_index=True,
        column_config={
            t("results.col.points_q4", lang): st.column_config.NumberColumn(format="%.2f"),
            t("results.col.wudan_probability", lang): st.column_config.ProgressColumn(
                min_value=0.0, max_value=1.0, format="percent"
            ),
        },
    )
    st.download_button(
        t("results.csv", lang),
        data=lambda: frame_csv(table),
        file_name="wudan.csv",
        mime="text/csv",
        key="csv_wudan",
        on_click="ignore",
        icon=":material/download:",
    )


def _channels(runs: dict[str, Run], lang: str, ident: tuple) -> None:
    _chart(
        "contributions",
        ident,
        lang,
        lambda: charts.contributions_chart(runs, lang),
        lambda: charts.contributions_data(runs, lang),
    )
    _chart(
        "yield_per_10k",
        ident,
        lang,
        lambda: charts.yield_per_10k_chart(runs, lang),
        lambda: charts.yield_per_10k_data(runs, lang),
    )
    st.caption(t("results.channels_note", lang))


def _distribution(runs: dict[str, Run], lang: str, ident: tuple) -> None:
    _chart(
        "distribution",
        ident,
        lang,
        lambda: charts.distribution_chart(runs, lang),
        lambda: charts.distribution_data(runs),
    )


DRAW = {
    "income": _income,
    "components": _components,
    "counties": _counties,
    "channels": _channels,
    "distribution": _distribution,
}


def draw_results(slot_runs: dict[str, SlotRun], lang: str, population_fingerprint: str) -> None:
    """A view picker and the chosen view's charts with their downloads (previews said so above the charts)."""
    runs = {name: slot.run for name, slot in slot_runs.items()}
    st.markdown(t("results.heading", lang))
    if not all(slot.final for slot in slot_runs.values()):
        st.caption(t("results.preview", lang))
    view = st.segmented_control(
        t("results.view", lang),
        VIEWS,
        format_func=lambda v: t(f"results.view.{v}", lang),
        key=VIEW_KEY,
        default=VIEWS[0],
    )
    DRAW[view or VIEWS[0]](runs, lang, runs_identity(runs, population_fingerprint))
