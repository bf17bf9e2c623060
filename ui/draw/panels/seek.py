"""The goal-seeking panel: least lever value for a target, the two-lever frontier, the county split of funds.

Searches run only when a button is pressed; each answer is kept in the session under the exact inputs it was
computed for (population, scenario content, target, lever, probability, level), so reruns redraw it for free
and a changed input never shows a stale answer. The evaluations go straight to the model rather than through the
page's run store (a search's ~12 runs would push the scenarios on screen out of it), each in a slot of the
process's bounded heavy simulations; a search shows its progress and can be cancelled (ui/server/long_work.py).
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pandas as pd
import streamlit as st

from model.analyses import seek as sk
from model.reports.export import frame_csv
from model.reports.seek_charts import allocation_chart, frontier_chart
from model.schema.fieldspec import COUNTY_NAMES_EN
from model.schema.scenario import Scenario, ScenarioError, dump_scenario_toml
from model.schema.units import unit_text
from ui.draw.context import PageContext
from ui.language.formats import plain, plain_lines
from ui.language.i18n import t as translate
from ui.server.long_work import LongWork, show_cancelled

TARGET_KEY, LEVER_KEY, PROBABILITY_KEY = "seek.target", "seek.lever", "seek.probability"
LEVER_Y_KEY, POINTS_KEY, FRONTIER_DRAWS_KEY = "seek.lever_y", "seek.points", "seek.frontier_draws"
ANSWERS_KEY = "seek.answers"
MAX_ANSWERS = 6


def level_key(target: str) -> str:
    """Session key of the level input for ``target`` (one per target, each seeded with its own default)."""
    return f"seek.level.{target}"


def show(value: float, unit: str) -> str:
    """A lever or level value with the unit's natural format."""
    if unit.startswith("share") or unit.startswith("probability"):
        return f"{value:.0%}" if abs(value * 100 - round(value * 100)) < 1e-9 else f"{value:.1%}"
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:g}"


def _signature(ctx: PageContext, scenario: Scenario, *parts: object) -> str:
    content = scenario.model_dump(exclude={"name", "description"})
    return json.dumps([ctx.population.fingerprint, content, *parts], sort_keys=True, ensure_ascii=False, default=str)


def _remember(signature: str, value: object) -> None:
    answers = st.session_state.setdefault(ANSWERS_KEY, {})
    answers[signature] = value
    while len(answers) > MAX_ANSWERS:
        answers.pop(next(iter(answers)))


def _recall(signature: str) -> object | None:
    return st.session_state.get(ANSWERS_KEY, {}).get(signature)


def _work(ctx: PageContext, key: str) -> tuple[LongWork, sk.Runner, sk.Progress]:
    """A cancellable progress bar for the search of ``key``, its runner and its progress callback."""
    work = LongWork(key, ctx.lang)
    count = {"n": 0}

    def update(fraction: float, _text: str) -> None:
        count["n"] += 1
        work.update(fraction, ctx.t("seek.running", n=count["n"]))

    return work, work.runner(ctx.population), update


def _compute(ctx: PageContext, key: str, signature: str, compute: Callable[[sk.Runner, sk.Progress], object]) -> None:
    """Run the search of ``key`` under a cancellable progress bar and remember its answer.

    A search beyond the work budget is refused with the budget's message before any work.
    """
    work, runner, update = _work(ctx, key)
    try:
        _remember(signature, compute(runner, update))
    except ScenarioError as exc:
        st.error(plain_lines(exc.message(ctx.lang)))
    work.done()


def _seed(scenario: Scenario) -> None:
    """Seed the widgets once per session (widgets have keys and no value=)."""
    st.session_state.setdefault(TARGET_KEY, "N1")
    st.session_state.setdefault(LEVER_KEY, "dual_binding_coverage")
    st.session_state.setdefault(PROBABILITY_KEY, float(scenario.targets.required_probability))
    for name, target in sk.TARGETS.items():
        st.session_state.setdefault(level_key(name), float(target.default_level(scenario)))
    st.session_state.setdefault(LEVER_Y_KEY, "microcredit")
    st.session_state.setdefault(POINTS_KEY, 5)
    st.session_state.setdefault(FRONTIER_DRAWS_KEY, min(8, scenario.simulation.draws))


def _answer(ctx: PageContext, result: sk.SeekResult) -> None:
    lever = sk.LEVERS[result.lever]
    unit = unit_text(lever.unit, ctx.lang)
    box = st.warning if result.status == "none_in_range" else st.success
    box(result.message(ctx.lang))
    if result.value is not None:
        left, right = st.columns(2)
        left.metric(f"{ctx.t('seek.answer_value')} · {unit}", show(result.value, lever.unit))
        right.metric(ctx.t("seek.answer_probability"), f"{result.probability:.0%}")
    with st.expander(ctx.t("seek.evaluations", n=len(result.evaluations))):
        st.dataframe(
            pd.DataFrame(
                {
                    f"{ctx.t('seek.col.value')} ({unit})": [e.value for e in result.evaluations],
                    ctx.t("seek.col.probability"): [f"{e.probability:.0%}" for e in result.evaluations],
                    ctx.t("seek.col.draws"): [e.draws for e in result.evaluations],
                }
            ),
            hide_index=True,
            width="stretch",
        )


def _search(ctx: PageContext, scenario: Scenario, target: str, lever: str, probability: float, level: float) -> None:
    lv = sk.LEVERS[lever]
    st.caption(
        ctx.t(
            "seek.lever_range",
            low=show(lv.low, lv.unit),
            high=show(lv.high, lv.unit),
            unit=unit_text(lv.unit, ctx.lang),
            step=show(lv.tolerance, lv.unit),
            current=show(lv.current(scenario), lv.unit),
        )
    )
    signature = _signature(ctx, scenario, "seek", target, lever, probability, level)
    show_cancelled("seek.run", ctx.lang)
    if st.button(ctx.t("seek.run"), key="seek.run", type="primary"):
        _compute(
            ctx,
            "seek.run",
            signature,
            lambda runner, update: sk.seek(
                ctx.population,
                scenario,
                target,
                lever,
                required_probability=probability,
                level=level,
                runner=runner,
                progress=update,
            ),
        )
    result = _recall(signature)
    if isinstance(result, sk.SeekResult):
        _answer(ctx, result)


def _frontier(ctx: PageContext, scenario: Scenario, target: str, lever: str, probability: float, level: float) -> None:
    st.markdown(f"#### {ctx.t('seek.frontier_header')}")
    st.caption(ctx.t("seek.frontier_help"))
    others = [n for n, lv in sk.LEVERS.items() if not set(lv.paths) & set(sk.LEVERS[lever].paths)]
    if st.session_state.get(LEVER_Y_KEY) not in others:
        st.session_state[LEVER_Y_KEY] = others[0]
    cols = st.columns(3)
    lever_y = cols[0].selectbox(
        ctx.t("seek.lever_y"), others, key=LEVER_Y_KEY, format_func=lambda n: sk.LEVERS[n].label(ctx.lang)
    )
    points = cols[1].slider(ctx.t("seek.points"), min_value=3, max_value=6, step=1, key=POINTS_KEY)
    draws = cols[2].number_input(
        ctx.t("seek.frontier_draws"), min_value=1, max_value=scenario.simulation.draws, step=1, key=FRONTIER_DRAWS_KEY
    )
    signature = _signature(ctx, scenario, "frontier", target, lever, lever_y, points, draws, probability, level)
    show_cancelled("seek.frontier_run", ctx.lang)
    if st.button(ctx.t("seek.frontier_run"), key="seek.frontier_run"):
        _compute(
            ctx,
            "seek.frontier_run",
            signature,
            lambda _runner, update: sk.frontier(
                ctx.population,
                scenario,
                target,
                lever,
                lever_y,
                points=int(points),
                draws=int(draws),
                required_probability=probability,
                level=level,
                progress=update,
            ),
        )
    grid = _recall(signature)
    if isinstance(grid, pd.DataFrame):
        st.altair_chart(frontier_chart(grid, ctx.lang), width="stretch")
        st.download_button(
            ctx.t("seek.frontier_download"),
            frame_csv(grid),
            file_name=f"frontier-{target}-{lever}-{lever_y}.csv",
            mime="text/csv",
            key="seek.frontier_download",
        )


def allocation_view(comparison: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The county comparison with the planner's column names and units (shares as percentages)."""

    def t(key: str) -> str:
        return translate(key, lang)

    yes, no = t("seek.yes"), t("seek.no")
    return pd.DataFrame(
        {
            t("seek.col.county"): comparison["county"] if lang == "zh" else comparison["county"].map(COUNTY_NAMES_EN),
            t("seek.col.share_default"): comparison["share_default"].map("{:.1%}".format),
            t("seek.col.share_proposed"): comparison["share_proposed"].map("{:.1%}".format),
            t("seek.col.growth_change"): (comparison["production_growth_2023_change"] * 100).map("{:+.2f}".format),
            t("seek.col.falling_default"): comparison["falling_share_2023q4_default"].map("{:.1%}".format),
            t("seek.col.falling_proposed"): comparison["falling_share_2023q4_proposed"].map("{:.1%}".format),
            t("seek.col.points_default"): comparison["points_lost_2023_default"].round(2),
            t("seek.col.points_proposed"): comparison["points_lost_2023_proposed"].round(2),
            t("seek.col.wudan_default"): comparison["wudan_default"].map({True: yes, False: no}),
            t("seek.col.wudan_proposed"): comparison["wudan_proposed"].map({True: yes, False: no}),
        }
    )


def _allocation(ctx: PageContext, scenario: Scenario) -> None:
    st.markdown(f"#### {ctx.t('seek.allocation_header')}")
    st.caption(ctx.t("seek.allocation_help"))
    signature = _signature(ctx, scenario, "allocation")
    show_cancelled("seek.allocation_run", ctx.lang)
    if st.button(ctx.t("seek.allocation_run"), key="seek.allocation_run"):
        _compute(
            ctx,
            "seek.allocation_run",
            signature,
            lambda runner, update: sk.propose_county_split(ctx.population, scenario, runner=runner, progress=update),
        )
    alloc = _recall(signature)
    if not isinstance(alloc, sk.AllocationResult):
        return
    st.info(
        ctx.t(
            "seek.allocation_summary",
            default=alloc.counties_losing_default,
            proposed=alloc.counties_losing_proposed,
            points_default=alloc.default["points_lost_2023"].sum(),
            points_proposed=alloc.proposed["points_lost_2023"].sum(),
            draws=scenario.simulation.draws,
        )
    )
    if alloc.rounds == 0:
        st.caption(ctx.t("seek.allocation_none"))
    table = alloc.comparison()
    st.dataframe(allocation_view(table, ctx.lang), hide_index=True, width="stretch")
    st.altair_chart(allocation_chart(table, ctx.lang), width="stretch")
    proposed = alloc.proposed_scenario(scenario)
    st.download_button(
        ctx.t("seek.allocation_download"),
        dump_scenario_toml(proposed).encode("utf-8"),
        file_name="scenario-county-split.toml",
        mime="application/toml",
        key="seek.allocation_download",
    )


def render(ctx: PageContext) -> None:
    """Draw the panel for the scenario being edited."""
    scenario = ctx.active_run.scenario
    _seed(scenario)
    st.subheader(ctx.t("seek.title"))
    st.caption(ctx.t("seek.intro", scenario=plain(scenario.name), draws=scenario.simulation.draws))
    cols = st.columns(2)
    target = cols[0].selectbox(
        ctx.t("seek.target"),
        list(sk.TARGETS),
        key=TARGET_KEY,
        format_func=lambda n: f"{n} · {sk.TARGETS[n].label(ctx.lang)}",
    )
    lever = cols[1].selectbox(
        ctx.t("seek.lever"),
        list(sk.LEVERS),
        key=LEVER_KEY,
        format_func=lambda n: f"{sk.LEVERS[n].label(ctx.lang)} ({unit_text(sk.LEVERS[n].unit, ctx.lang)})",
    )
    tgt = sk.TARGETS[target]
    cols = st.columns(2)
    probability = cols[0].number_input(
        ctx.t("seek.probability"), min_value=0.0, max_value=1.0, step=0.05, key=PROBABILITY_KEY
    )
    level = cols[1].number_input(
        f"{ctx.t('seek.level', unit=unit_text(tgt.unit, ctx.lang))} {tgt.comparison}",
        step=0.01,
        min_value=0.0,
        key=level_key(target),
    )
    note = tgt.note_zh if ctx.lang == "zh" else tgt.note_en
    if note:
        st.caption(note)
    _search(ctx, scenario, target, lever, float(probability), float(level))
    _frontier(ctx, scenario, target, lever, float(probability), float(level))
    _allocation(ctx, scenario)
