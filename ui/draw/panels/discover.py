"""The scenario-discovery panel: start a small sweep here or load a sweep's results, then read the rule.

A small sweep (a Latin hypercube over up to three levers of the scenario being edited, 2023 only, few draws) runs
in this process through the sweep runner, on the page's population; a larger one runs on a cluster
(``python -m model sweep``) and its ``results.parquet`` is uploaded here. The upload is read in the uploader's
callback through the one guarded reader (:func:`model.sweep.store.parse_results_bytes`); a refusal shows a
bilingual message, never a traceback. The rule is shown as plain text; the chart is PRIM's coverage/density
trade-off.
"""

from __future__ import annotations

import streamlit as st

from model.analyses.discover import DEFAULT_DENSITY, DIMENSIONS, DiscoverError, discover
from model.analyses.seek import seek_scenario
from model.reports.discover_charts import trajectory_chart
from model.schema import fieldspec
from model.schema.scenario import Scenario, quarter_index, quarter_label
from model.schema.units import unit_text
from model.sweep.design import Design, DesignError, design_from_dict, lever_fields
from model.sweep.runner import InProcess, TargetsMeasure, evaluate_frame, sweep_manifest
from model.sweep.store import MAX_UPLOAD_BYTES, ResultsError, SweepResults, parse_results_bytes, results_bytes
from ui.draw.context import PageContext

LEVERS_KEY, POINTS_KEY, DRAWS_KEY = "discover.levers", "discover.points", "discover.draws"
UPLOAD_KEY, RESULTS_KEY, REFUSAL_KEY = "discover.upload", "discover.results", "discover.refusal"
TARGETS_KEY, DENSITY_KEY, DIMENSIONS_KEY = "discover.targets", "discover.density", "discover.dimensions"
MAX_LEVERS = 3
MAX_POINTS = 64
LAST_QUARTER = "2024Q4"
DEFAULT_LEVERS = ("microcredit.new_lending_10k_yuan", "dual_binding.target_quarter")
MAX_UPLOAD_MB = MAX_UPLOAD_BYTES // (1024 * 1024)


def range_key(path: str) -> str:
    """Session key of the range slider of one lever."""
    return f"discover.range.{path}"


def default_range(spec: fieldspec.FieldSpec, scenario: Scenario) -> tuple | list:
    """Half to one and a half times the scenario's value (within the field's range); quarters: 2023Q1–2023Q4."""
    if spec.type == "quarter":
        return [quarter_label(i) for i in range(quarter_index(spec.min), quarter_index("2023Q4") + 1)]
    value = float(scenario.value(spec.path))
    low, high = float(spec.min), float(spec.max)
    lo, hi = (max(low, 0.5 * value), min(high, 1.5 * value)) if value > 0 else (low, low + (high - low) / 4)
    if spec.type == "int":
        return round(lo), round(hi)
    step = float(spec.step or 0.01)
    return round(round(lo / step) * step, 6), round(round(hi / step) * step, 6)


def _seed(scenario: Scenario) -> None:
    st.session_state.setdefault(LEVERS_KEY, list(DEFAULT_LEVERS))
    st.session_state.setdefault(POINTS_KEY, 24)
    st.session_state.setdefault(DRAWS_KEY, min(8, scenario.simulation.draws))
    st.session_state.setdefault(DENSITY_KEY, DEFAULT_DENSITY)
    st.session_state.setdefault(DIMENSIONS_KEY, DIMENSIONS[0])
    for spec in lever_fields():
        st.session_state.setdefault(range_key(spec.path), default_range(spec, scenario))


def read_upload() -> None:
    """Callback: read an uploaded results.parquet through the guarded reader; keep the results or the refusal."""
    upload = st.session_state.get(UPLOAD_KEY)
    if upload is None:
        return
    try:
        st.session_state[RESULTS_KEY] = parse_results_bytes(upload.getvalue())
        st.session_state.pop(REFUSAL_KEY, None)
    except ResultsError as exc:
        st.session_state[REFUSAL_KEY] = exc


def small_design(scenario: Scenario, levers: list[str], points: int, draws: int) -> Design:
    """The page's design: an LHS over the chosen levers' ranges, 2023 only; validated like a design file."""
    vary = []
    for path in levers:
        chosen = st.session_state[range_key(path)]
        if fieldspec.by_path()[path].type == "quarter":
            vary.append({"field": path, "values": list(chosen)})
        else:
            vary.append({"field": path, "min": chosen[0], "max": chosen[1]})
    return design_from_dict(
        {"method": "lhs", "points": points, "seed": 1, "name": "page", "vary": vary},
        base=seek_scenario(scenario, draws),
    )


def run_small_sweep(ctx: PageContext, design: Design) -> SweepResults:
    """Evaluate the design in this process on the page's population, with a progress bar."""
    bar = st.progress(0.0)
    frame = evaluate_frame(
        InProcess(),
        ctx.population,
        ((p.index, p.values, p.scenario) for p in design.design_points()),
        TargetsMeasure(),
        progress=lambda done, total: bar.progress(done / total, text=ctx.t("discover.running", done=done, total=total)),
    )
    bar.empty()
    manifest = sweep_manifest(design, ctx.population, ctx.population.fingerprint)
    return SweepResults(frame, manifest, design.factors)


def _range_widget(ctx: PageContext, spec: fieldspec.FieldSpec) -> None:
    label = f"{spec.label(ctx.lang)} ({unit_text(spec.unit, ctx.lang)}; {ctx.t('discover.input')})"
    if spec.type == "quarter":
        quarters = [quarter_label(i) for i in range(quarter_index(spec.min), quarter_index(LAST_QUARTER) + 1)]
        st.multiselect(label, quarters, key=range_key(spec.path))
        return
    st.slider(
        label,
        min_value=int(spec.min) if spec.type == "int" else float(spec.min),
        max_value=int(spec.max) if spec.type == "int" else float(spec.max),
        step=int(spec.step or 1) if spec.type == "int" else float(spec.step or 0.01),
        key=range_key(spec.path),
    )


def _start(ctx: PageContext, scenario: Scenario) -> None:
    st.markdown(f"#### {ctx.t('discover.start_header')}")
    st.caption(ctx.t("discover.start_help", scenario=scenario.name))
    specs = {s.path: s for s in lever_fields()}
    levers = st.multiselect(
        ctx.t("discover.levers"),
        list(specs),
        key=LEVERS_KEY,
        max_selections=MAX_LEVERS,
        format_func=lambda p: specs[p].label(ctx.lang),
    )
    for path in levers:
        _range_widget(ctx, specs[path])
    cols = st.columns(2)
    points = cols[0].number_input(ctx.t("discover.points"), min_value=8, max_value=MAX_POINTS, step=8, key=POINTS_KEY)
    draws = cols[1].number_input(
        ctx.t("discover.draws"), min_value=1, max_value=scenario.simulation.draws, step=1, key=DRAWS_KEY
    )
    if st.button(ctx.t("discover.run"), key="discover.run", type="primary", disabled=not levers):
        try:
            design = small_design(scenario, levers, int(points), int(draws))
            st.session_state[RESULTS_KEY] = run_small_sweep(ctx, design)
            st.session_state.pop(REFUSAL_KEY, None)
        except DesignError as exc:
            st.error(ctx.t("discover.design_refused"))
            st.text(exc.message(ctx.lang))


def _load(ctx: PageContext) -> None:
    st.markdown(f"#### {ctx.t('discover.load_header')}")
    st.file_uploader(
        ctx.t("discover.upload"),
        type=["parquet"],
        key=UPLOAD_KEY,
        on_change=read_upload,
        max_upload_size=MAX_UPLOAD_MB,
        help=ctx.t("discover.upload_help", mb=MAX_UPLOAD_MB),
    )
    refusal = st.session_state.get(REFUSAL_KEY)
    if isinstance(refusal, ResultsError):
        st.error(ctx.t("discover.upload_refused"))
        st.text(refusal.message(ctx.lang))


def _rule(ctx: PageContext, results: SweepResults) -> None:
    st.markdown(f"#### {ctx.t('discover.rule_header')}")
    st.caption(
        ctx.t(
            "discover.results_line",
            points=len(results.frame),
            factors=len(results.factors),
            required=results.required_probability,
        )
    )
    available = list(results.target_keys)
    current = st.session_state.get(TARGETS_KEY)
    if current is None or any(k not in available for k in current):
        st.session_state[TARGETS_KEY] = [k for k in (current or ["N1"]) if k in available] or available[:1]
    cols = st.columns(3)
    targets = cols[0].multiselect(ctx.t("discover.targets"), available, key=TARGETS_KEY)
    density = cols[1].number_input(ctx.t("discover.density"), min_value=0.05, max_value=1.0, step=0.05, key=DENSITY_KEY)
    dimensions = cols[2].radio(
        ctx.t("discover.dimensions"),
        DIMENSIONS,
        key=DIMENSIONS_KEY,
        format_func=lambda d: ctx.t(f"discover.dimensions.{d}"),
        horizontal=True,
    )
    if not targets:
        st.info(ctx.t("discover.pick_target"))
        return
    try:
        found = discover(results, targets, float(density), dimensions)
    except DiscoverError as exc:
        st.error(ctx.t("discover.cannot"))
        st.text(exc.message(ctx.lang))
        return
    st.text(found.message(ctx.lang))
    left, middle, right = st.columns(3)
    left.metric(ctx.t("discover.metric_density"), f"{found.box.density:.0%}")
    middle.metric(ctx.t("discover.metric_coverage"), f"{found.box.coverage:.0%}")
    right.metric(ctx.t("discover.metric_points"), f"{found.box.points} / {found.points}")
    st.altair_chart(trajectory_chart(found, ctx.lang), width="stretch")
    st.download_button(
        ctx.t("discover.download"),
        results_bytes(results.frame, results.manifest),
        file_name="results.parquet",
        mime="application/octet-stream",
        key="discover.download",
    )


def render(ctx: PageContext) -> None:
    """Draw the panel for the scenario being edited."""
    scenario = ctx.active_run.scenario
    _seed(scenario)
    st.subheader(ctx.t("discover.title"))
    st.caption(ctx.t("discover.intro"))
    _start(ctx, scenario)
    _load(ctx)
    results = st.session_state.get(RESULTS_KEY)
    if isinstance(results, SweepResults):
        _rule(ctx, results)
