"""The sensitivity panel: which assumptions and levers N1, N2, N3 and the below-line share depend on.

The full analysis takes minutes (``python -m model sensitivity``), so the page never starts it on a visit: it
shows a result stored by the command (``out/sensitivity/*.json``, read through the guarded parser), or runs a
small analysis of the scenario being edited on a weighted sample when asked, with a progress bar; pressing Stop
(any widget) interrupts it at the next point. The sentence "N1's verdict depends mostly on …" is plain text; the
chart is a tornado of total-order indices or μ*.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from model.analyses.sensitivity import (
    OUTPUTS,
    SensitivityError,
    all_factors,
    default_budget,
    depends_mostly_on,
    ranking,
    read_result,
    run_sensitivity,
    stored_results,
    with_budget,
)
from model.population.table import weighted_sample
from model.reports.sensitivity_charts import MEASURES, tornado_chart
from model.schema.units import unit_text
from model.sweep.runner import InProcess
from ui.draw.context import PageContext

SOURCE_KEY, OUTPUT_KEY, MEASURE_KEY = "sensitivity.source", "sensitivity.output", "sensitivity.measure"
PAGE_RESULT_KEY, SHOW_PAGE_KEY = "sensitivity.page_result", "sensitivity.show_page"
PAGE_SOURCE = "page"
SMALL_HOUSEHOLDS = 2_000
SMALL_BUDGET = {"trajectories": 2, "draws": 4, "base_samples": 8, "sobol_factors": 4, "sample_households": 0}


@st.cache_data(max_entries=8, show_spinner=False)
def _load(path: str, modified: float) -> dict | SensitivityError:
    """A stored result, parsed once per file version (the modification time is part of the key)."""
    try:
        return read_result(Path(path))
    except SensitivityError as exc:
        return exc


def small_budget():
    """The budget of an analysis on the page."""
    return with_budget(default_budget(), **SMALL_BUDGET)


def _run_small(ctx: PageContext) -> None:
    scenario = ctx.active_run.scenario
    budget = small_budget()
    st.markdown(f"#### {ctx.t('sensitivity.small_header')}")
    factors = len(all_factors(scenario))
    points = budget.trajectories * (factors + 1) + budget.base_samples * (budget.sobol_factors + 2)
    households = min(SMALL_HOUSEHOLDS, ctx.population.n)
    st.caption(
        ctx.t(
            "sensitivity.small_help",
            scenario=scenario.name,
            households=households,
            trajectories=budget.trajectories,
            base_samples=budget.base_samples,
            draws=budget.draws,
            points=points,
        )
    )
    left, right = st.columns(2)
    start = left.button(ctx.t("sensitivity.run"), key="sensitivity.run", type="primary")
    right.button(ctx.t("sensitivity.stop"), key="sensitivity.stop")  # a click reruns the page: the run stops
    if not start:
        return
    sample = weighted_sample(ctx.population, households)
    bar = st.progress(0.0)

    def progress(stage: str, done: int, total: int) -> None:
        text = ctx.t("sensitivity.running", stage=ctx.t(f"sensitivity.stage.{stage}"), done=done, total=total)
        bar.progress(done / total, text=text)

    st.session_state[PAGE_RESULT_KEY] = run_sensitivity(scenario, sample, InProcess(), budget, progress=progress)
    st.session_state[SHOW_PAGE_KEY] = True
    st.rerun()  # the result is drawn above the button, where the chooser picks it


def _choose(ctx: PageContext) -> dict | None:
    """The result to show: a stored one or the page's own run."""
    files = {p.name: p for p in stored_results()}
    options = list(files) + ([PAGE_SOURCE] if PAGE_RESULT_KEY in st.session_state else [])
    if not options:
        st.info(ctx.t("sensitivity.none_stored"))
        return None
    if st.session_state.pop(SHOW_PAGE_KEY, False):
        st.session_state[SOURCE_KEY] = PAGE_SOURCE
    if st.session_state.get(SOURCE_KEY) not in options:
        st.session_state[SOURCE_KEY] = options[0]
    source = st.selectbox(
        ctx.t("sensitivity.stored"),
        options,
        key=SOURCE_KEY,
        format_func=lambda o: ctx.t("sensitivity.small_header") if o == PAGE_SOURCE else o,
    )
    if source == PAGE_SOURCE:
        return st.session_state[PAGE_RESULT_KEY]
    path = files[source]
    loaded = _load(str(path), path.stat().st_mtime)
    if isinstance(loaded, SensitivityError):
        st.error(ctx.t("sensitivity.refused"))
        st.text(loaded.message(ctx.lang))
        return None
    return loaded


def _show(ctx: PageContext, result: dict) -> None:
    labels = {k: result["outputs"][k]["label_zh" if ctx.lang == "zh" else "label_en"] for k in OUTPUTS}
    st.session_state.setdefault(OUTPUT_KEY, OUTPUTS[0])
    st.session_state.setdefault(MEASURE_KEY, MEASURES[0])
    left, right = st.columns(2)
    output = left.radio(ctx.t("sensitivity.output"), OUTPUTS, key=OUTPUT_KEY, format_func=lambda k: f"{k} {labels[k]}")
    measure = right.radio(
        ctx.t("sensitivity.measure"), MEASURES, key=MEASURE_KEY, format_func=lambda m: ctx.t(f"sensitivity.measure.{m}")
    )
    st.text(depends_mostly_on(result, output, ctx.lang))
    st.altair_chart(tornado_chart(result, output, ctx.lang, measure), width="stretch")
    st.caption(
        ctx.t(
            "sensitivity.showing",
            scenario=result["scenario"],
            date=result["date"],
            morris=result["morris"]["points"],
            morris_population=result["morris"]["population"],
            sobol=result["sobol"]["points"],
            sobol_population=result["sobol"]["population"],
            draws=result["budget"]["draws"],
            se=result["morris"]["noise"][output]["point_se_median"] * 100,
        )
    )
    with st.expander(ctx.t("sensitivity.table")):
        name = "label_zh" if ctx.lang == "zh" else "label_en"
        st.dataframe(
            [
                {
                    ctx.t("sensitivity.col.factor"): r[name],
                    ctx.t("sensitivity.col.role"): ctx.t(f"sensitivity.role.{r['role']}"),
                    ctx.t("sensitivity.col.unit"): unit_text(r["unit"], ctx.lang),
                    ctx.t("sensitivity.col.mu_star"): r["mu_star"] * 100,
                    ctx.t("sensitivity.col.mu_star_conf"): r["mu_star_conf"] * 100,
                    "S1": r.get("S1"),
                    "ST": r.get("ST"),
                }
                for r in ranking(result, output)
            ],
            hide_index=True,
            width="stretch",
        )


def render(ctx: PageContext) -> None:
    """Draw the panel."""
    st.subheader(ctx.t("sensitivity.title"))
    st.caption(ctx.t("sensitivity.intro"))
    result = _choose(ctx)
    if result is not None:
        _show(ctx, result)
    _run_small(ctx)
