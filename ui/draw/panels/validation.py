"""The model-validation panel (模型校验): the 2022 back-test against the published figures, and the fitted parameters.

The back-test on every household takes minutes with the reference engine, so a visit never starts it: the panel
shows the result the command keeps (``python -m model backtest --save``, ``out/backtest/backtest.json``, read
through the guarded parser), or runs it on a weighted sample of the 2021 population when asked, under the
cancellable progress bar of long work. It always says which population, how many households and draws the table
rests on. The fitted parameters come from calibration.toml ``[fitted]`` with their standard deviation and source.
"""

from __future__ import annotations

import re
import time

import pandas as pd
import streamlit as st

from model.analyses.backtest import BACKTEST_DRAWS, backtest_population, run_backtest
from model.analyses.backtest_record import (
    RECORD_FILE,
    BacktestRecord,
    BacktestRecordError,
    read_record,
    record_of,
    stored_record,
)
from model.reports.validation_charts import backtest_chart, role_text
from model.schema import calibration, fieldspec
from model.schema.text import either
from model.schema.units import unit_text
from ui.draw.context import PageContext
from ui.language.formats import number, plain
from ui.language.i18n import t
from ui.server.jobs import heavy_slots
from ui.server.long_work import LongWork, show_cancelled

SOURCE_KEY, SIZE_KEY, RUN_KEY = "validation.source", "validation.sample_size", "validation.run"
PAGE_RESULT_KEY, SHOW_PAGE_KEY = "validation.page_result", "validation.show_page"
STORED, PAGE = "stored", "page"
SAMPLE_SIZES = (6_000, 20_000, 60_000)
FITTED_YEAR = re.compile(r"_(\d{4})$")  # a fitted rate of one year (the back-test's); without: the projection's


def _choose(ctx: PageContext) -> tuple[BacktestRecord, str] | None:
    """The back-test to show and where it comes from: the stored one or the page's own run."""
    path = stored_record()
    options = ([STORED] if path is not None else []) + ([PAGE] if PAGE_RESULT_KEY in st.session_state else [])
    if not options:
        st.info(ctx.t("validation.none_stored"))
        return None
    if st.session_state.pop(SHOW_PAGE_KEY, False):
        st.session_state[SOURCE_KEY] = PAGE
    if st.session_state.get(SOURCE_KEY) not in options:
        st.session_state[SOURCE_KEY] = options[0]
    names = {STORED: ctx.t("validation.source.stored", file=RECORD_FILE), PAGE: ctx.t("validation.source.page")}
    source = st.selectbox(ctx.t("validation.source"), options, key=SOURCE_KEY, format_func=names.get)
    if source == PAGE:
        return st.session_state[PAGE_RESULT_KEY], names[PAGE]
    try:
        return read_record(path), names[STORED]
    except BacktestRecordError as exc:
        st.error(ctx.t("validation.refused"))
        st.text(exc.message(ctx.lang))
        return None


def backtest_table(record: BacktestRecord, lang: str) -> pd.DataFrame:
    """The back-test as the page's table: every value written in its unit (shares as percentages)."""
    return pd.DataFrame(
        [
            {
                t("validation.col.figure", lang): c.label(lang),
                t("validation.col.unit", lang): unit_text(c.unit, lang),
                t("validation.col.published", lang): number(c.published, c.unit),
                t("validation.col.mean", lang): number(c.model_mean, c.unit),
                t("validation.col.band", lang): f"{number(c.p10, c.unit)} – {number(c.p90, c.unit)}",
                t("validation.col.inside", lang): t("common.yes" if c.inside else "common.no", lang),
                t("validation.col.role", lang): role_text(c.role, lang),
                t("validation.col.source", lang): c.source,
            }
            for c in record.checks
        ]
    )


def _show_backtest(ctx: PageContext, record: BacktestRecord, source: str) -> None:
    rests_on = ctx.t(
        "validation.rests_on",
        source=source,
        population=either(record.population, ctx.lang),
        households=record.households,
        draws=record.draws,
        date=record.date,
        seconds=record.seconds,
    )
    st.caption(plain(rests_on + (ctx.t("validation.sample_note") if record.weighted_sample else "")))
    st.dataframe(backtest_table(record, ctx.lang), hide_index=True, width="stretch")
    st.altair_chart(backtest_chart(record.checks, ctx.lang), width="content")


def _run_on_page(ctx: PageContext) -> None:
    """A sample size, a button, and the back-test under the cancellable bar; its result is shown above."""
    st.markdown(f"**{ctx.t('validation.run_header')}**")
    size = st.selectbox(ctx.t("validation.sample_size"), SAMPLE_SIZES, key=SIZE_KEY, format_func="{:,}".format)
    st.caption(ctx.t("validation.run_help", draws=BACKTEST_DRAWS))
    if not st.button(ctx.t("validation.run"), key=f"{RUN_KEY}.start", type="primary"):
        return
    work = LongWork(RUN_KEY, ctx.lang, ctx.t("validation.running", households=size))
    start = time.perf_counter()
    with heavy_slots():
        population = backtest_population(size)
        work.tick()  # a Cancel pressed while the population was built stops here
        run, checks = run_backtest(population, progress=work.update)
    work.done()
    st.session_state[PAGE_RESULT_KEY] = record_of(run, checks, population.n, True, time.perf_counter() - start)
    st.session_state[SHOW_PAGE_KEY] = True
    st.rerun()  # the result is drawn above the button, where the chooser picks it


def fitted_table(lang: str) -> pd.DataFrame:
    """calibration.toml ``[fitted]``: each rate with its year, value, standard deviation, kind, confidence, source."""
    rows = []
    for key, figure in calibration.figures().items():
        if not key.startswith("fitted."):
            continue
        name = key.removeprefix("fitted.")
        fitted = FITTED_YEAR.search(name) is not None
        spec = fieldspec.by_path().get(f"assumptions.{FITTED_YEAR.sub('', name)}")
        rows.append(
            {
                t("validation.col.parameter", lang): spec.label(lang) if spec is not None else name,
                t("validation.col.year", lang): figure.year,
                t("validation.col.value", lang): number(figure.value, figure.unit),
                t("validation.col.sd", lang): "—" if figure.sd is None else number(figure.sd, figure.unit),
                t("validation.col.unit", lang): unit_text(figure.unit, lang),
                t("validation.col.kind", lang): t(
                    "validation.kind.fitted" if fitted else "validation.kind.projection", lang
                ),
                t("validation.col.confidence", lang): figure.confidence,
                t("validation.col.source", lang): figure.source,
            }
        )
    return pd.DataFrame(rows)


def render(ctx: PageContext) -> None:
    """Draw the panel."""
    st.subheader(ctx.t("validation.title"))
    st.caption(ctx.t("validation.intro"))
    st.markdown(ctx.t("validation.backtest_heading"))
    show_cancelled(RUN_KEY, ctx.lang)
    chosen = _choose(ctx)
    if chosen is not None:
        _show_backtest(ctx, *chosen)
    _run_on_page(ctx)
    st.markdown(ctx.t("validation.fitted_heading"))
    st.caption(ctx.t("validation.fitted_intro"))
    st.dataframe(fitted_table(ctx.lang), hide_index=True, width="stretch")
