"""The quarterly county assessment panel: pick a scenario and a quarter, see the county table and charts (N3, N4)."""

from __future__ import annotations

import streamlit as st

from model.engine.run import Run
from model.reports import assessment
from model.reports.chart_text import place
from model.reports.export import frame_csv
from model.schema.fieldspec import COUNTIES
from ui.draw.context import PageContext
from ui.draw.panels.selection import choose, scenario_and_quarter

VIEW_KEY = "assessment.view"
VIEWS = ("quarter", "all")


def _column_config(table_columns: list[str], lang: str) -> dict:
    """Number formats of the page table, keyed by the translated headers."""
    formats = {"share": "%.1f%%", "pp": "%.2f", "points": "%.2f", "count": "%,.0f", "rank": "%d"}
    config = {}
    for key in assessment.PAGE_COLUMNS:
        how = assessment.COLUMNS[key][2]
        header = assessment.label(key, lang)
        if how in formats and header in table_columns:
            config[header] = st.column_config.NumberColumn(header, format=formats[how])
    return config


def _year_summary(ctx: PageContext, run: Run, quarter: str) -> None:
    """N4 over the quarter's year: counties whose average points per quarter reach the threshold."""
    result = run.result
    year = quarter[:4]
    threshold = result.scenario.targets.wudan_points_threshold
    summary = assessment.period_points(result, [f"{year}Q{k}" for k in range(1, 5)])
    flagged = summary[summary["flag_probability"] >= 0.5]
    sep = "、" if ctx.lang == "zh" else ", "
    if flagged.empty:
        st.caption(ctx.t("assessment.year_none", year=year, threshold=threshold))
        return
    counties = sep.join(
        f"{place(c, ctx.lang)} ({p:.2f}, {q * 100:.0f}%)"
        for c, p, q in zip(flagged["county"], flagged["mean_points"], flagged["flag_probability"], strict=True)
    )
    st.warning(ctx.t("assessment.year_list", year=year, counties=counties))


def render(ctx: PageContext) -> None:
    """Draw the panel."""
    lang = ctx.lang
    st.subheader(ctx.t("assessment.title"))
    name, run, quarter, right = scenario_and_quarter(ctx, "assessment")
    result = run.result
    choose(VIEW_KEY, list(VIEWS), VIEWS[0])
    with right:
        view = st.radio(
            ctx.t("assessment.view"),
            VIEWS,
            key=VIEW_KEY,
            horizontal=True,
            format_func=lambda v: ctx.t(f"assessment.view.{v}"),
        )
    st.caption(ctx.t("assessment.intro", draws=result.draws))

    table = assessment.quarter_assessment(result, quarter)
    c1, c2, c3 = st.columns(3)
    c1.metric(ctx.t("assessment.city_share", quarter=quarter), f"{table['city_share'].iloc[0] * 100:.1f}%")
    c2.metric(ctx.t("assessment.flagged"), f"{int(table['wudan'].sum())} {ctx.t('assessment.counties_unit')}")
    c3.metric(ctx.t("assessment.points_total"), f"{table['points_lost'].sum():.2f} {ctx.t('assessment.points_unit')}")
    _year_summary(ctx, run, quarter)

    shown = assessment.display_table(table, lang)
    st.markdown(f"**{ctx.t('assessment.table', quarter=quarter)}**")
    st.dataframe(shown, hide_index=True, width="stretch", column_config=_column_config(list(shown.columns), lang))
    missing = [place(c, lang) for c, n in zip(COUNTIES, result.households, strict=True) if n <= 0]
    if missing:
        st.caption(ctx.t("assessment.missing", counties=("、" if lang == "zh" else ", ").join(missing)))
    st.altair_chart(assessment.assessment_chart(result, lang, quarter if view == "quarter" else None))
    every_quarter = assessment.display_table(result.assessment_table(), lang, ("quarter", *assessment.PAGE_COLUMNS))
    st.download_button(
        ctx.t("assessment.download"),
        frame_csv(every_quarter),
        file_name=f"assessment_{name}.csv",
        mime="text/csv",
        key="assessment.download",
        on_click="ignore",
    )
