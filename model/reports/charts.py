"""Altair charts of one or more runs, side by side; used by the page and by the dispatch-meeting brief.

Each chart has a ``*_data`` function that reduces the runs to the few aggregated rows it draws (never one row per
household: Streamlit ships every row to the browser). The frames double as the page's CSV downloads. Scenario
names are the keys of ``runs``, in order; category labels (counties, components, measures) are in ``lang``.
"""

from __future__ import annotations

import re

import altair as alt
import numpy as np
import pandas as pd

from model.engine.result import CITY, HIST_BIN_YUAN, HIST_BINS, POINTS_PER_PP
from model.engine.run import Run
from model.engine.targets import ASSESSMENT_YEAR, CHANNELS
from model.population.table import INCOME_COMPONENTS
from model.reports.chart_text import place, text
from model.schema.fieldspec import COUNTIES

N1_TARGET = 0.20
YIELD_CHANNELS = ("per_10k_yuan_all_funds", "per_10k_yuan_industry_funds")
CHART_WIDTH = 640
FACET_WIDTH = 170


def _reported(run: Run) -> list[int]:
    """Indices of the run's reported quarters in its internal quarter list."""
    result = run.result
    return [result.quarters.index(q) for q in result.reported_quarters]


def _quantiles(x: np.ndarray) -> dict[str, np.ndarray]:
    """Mean, P10, P50, P90 over the last axis (draws)."""
    p10, p50, p90 = np.percentile(x, (10, 50, 90), axis=-1)
    return {"mean": x.mean(axis=-1), "p10": p10, "p50": p50, "p90": p90}


def _scenario_color(runs: dict[str, Run], lang: str, legend: bool = True) -> alt.Color:
    """The same colour for a scenario in every chart (bands pass ``legend=False`` so the legend shows lines)."""
    return alt.Color(
        "scenario:N",
        title=text("scenario", lang),
        scale=alt.Scale(domain=list(runs)),
        legend=alt.Legend(orient="bottom") if legend else None,
    )


def _title(key: str, lang: str, **values: object) -> list[str]:
    """A chart title in ``lang``, broken into lines at its semicolons so long titles fit."""
    return re.split(r"；|; ", text(key, lang, **values))


def _tip(shorthand: str, lang: str, **options: object) -> alt.Tooltip:
    """A tooltip entry titled in ``lang`` from the chart texts (the title key is the data column's name)."""
    return alt.Tooltip(shorthand, title=text(shorthand.split(":")[0], lang), **options)


def _places(lang: str) -> list[str]:
    """County labels in the canonical order, city first."""
    return [place(CITY, lang)] + [place(c, lang) for c in COUNTIES]


# ------------------------------------------------------------------------------------- income over time
def income_bands_data(runs: dict[str, Run]) -> pd.DataFrame:
    """City per-capita net income per quarter and scenario: mean, P10, P50, P90 over draws (yuan/person/quarter)."""
    frames = []
    for name, run in runs.items():
        r = run.result
        idx = _reported(run)
        total = sum(r.income[k][:, idx].sum(axis=0) for k in INCOME_COMPONENTS) / r.persons.sum()
        frames.append(
            pd.DataFrame(
                {"scenario": name, "quarter": [r.quarters[i] for i in idx], **_quantiles(total), "unit": "元/人/季度"}
            )
        )
    return pd.concat(frames, ignore_index=True)


def income_bands_chart(runs: dict[str, Run], lang: str) -> alt.LayerChart:
    """P10–P90 band and median line of city per-capita net income, one colour per scenario."""
    data = income_bands_data(runs)
    color = _scenario_color(runs, lang)
    x = alt.X("quarter:O", title=text("quarter", lang))
    base = alt.Chart(data).encode(x=x, color=color)
    band = base.mark_area(opacity=0.18).encode(
        y=alt.Y("p10:Q", title=text("income_axis", lang), scale=alt.Scale(zero=False)),
        y2="p90:Q",
        color=_scenario_color(runs, lang, legend=False),
    )
    line = base.mark_line(point=True).encode(
        y=alt.Y("p50:Q", title=text("income_axis", lang)),
        tooltip=[
            _tip("scenario:N", lang),
            _tip("quarter:O", lang),
            alt.Tooltip("p10:Q", format=",.0f", title=text("p10", lang)),
            alt.Tooltip("p50:Q", format=",.0f", title=text("p50", lang)),
            alt.Tooltip("p90:Q", format=",.0f", title=text("p90", lang)),
        ],
    )
    return (
        (band + line)
        .resolve_legend(color="independent")
        .properties(title=_title("income_title", lang), width=CHART_WIDTH, height=300)
    )


def components_data(runs: dict[str, Run], lang: str) -> pd.DataFrame:
    """City per-capita income by component, quarter and scenario: mean, P10, P90 (yuan/person/quarter)."""
    frames = []
    for name, run in runs.items():
        r = run.result
        idx = _reported(run)
        for k in INCOME_COMPONENTS:
            q = _quantiles(r.income[k][:, idx].sum(axis=0) / r.persons.sum())
            frames.append(
                pd.DataFrame(
                    {
                        "scenario": name,
                        "quarter": [r.quarters[i] for i in idx],
                        "component": text(f"component.{k}", lang),
                        "mean": q["mean"],
                        "p10": q["p10"],
                        "p90": q["p90"],
                        "unit": "元/人/季度",
                    }
                )
            )
    return pd.concat(frames, ignore_index=True)


def components_chart(runs: dict[str, Run], lang: str) -> alt.FacetChart:
    """The four income components over time, one panel each, one line per scenario."""
    data = components_data(runs, lang)
    order = [text(f"component.{k}", lang) for k in INCOME_COMPONENTS]
    base = alt.Chart(data).encode(x=alt.X("quarter:O", title=text("quarter", lang)), color=_scenario_color(runs, lang))
    band = base.mark_area(opacity=0.15).encode(y=alt.Y("p10:Q", title=text("components_axis", lang)), y2="p90:Q")
    line = base.mark_line(point=True).encode(
        y=alt.Y("mean:Q", title=text("components_axis", lang)),
        tooltip=[
            _tip("scenario:N", lang),
            _tip("component:N", lang),
            _tip("quarter:O", lang),
            _tip("mean:Q", lang, format=",.0f"),
        ],
    )
    return (
        (band + line)
        .properties(width=300, height=180)
        .facet(
            facet=alt.Facet("component:N", title=text("component", lang), sort=order),
            columns=2,
        )
        .resolve_scale(y="independent")
        .properties(title=_title("components_title", lang))
    )


# ------------------------------------------------------------------------------------- counties
def county_growth_data(runs: dict[str, Run], lang: str, year: int = ASSESSMENT_YEAR) -> pd.DataFrame:
    """Production-income growth of ``year`` by county and for the city, per scenario (share, mean/P10/P90)."""
    rows = []
    for name, run in runs.items():
        r = run.result
        if year not in r.years:
            continue
        for c, label in [(None, CITY), *enumerate(COUNTIES)]:
            q = _quantiles(r.growth("production", year, c))
            rows.append(
                {
                    "scenario": name,
                    "county": place(label, lang),
                    "year": year,
                    **{k: float(v) for k, v in q.items()},
                    "target": N1_TARGET,
                    "unit": "share, year on year",
                }
            )
    return pd.DataFrame(rows, columns=["scenario", "county", "year", "mean", "p10", "p50", "p90", "target", "unit"])


def county_growth_chart(runs: dict[str, Run], lang: str, year: int = ASSESSMENT_YEAR) -> alt.LayerChart:
    """Growth bars with P10–P90 whiskers per county and scenario, against the notice's 20% line (N1)."""
    data = county_growth_data(runs, lang, year)
    y = alt.Y("county:N", title=text("county", lang), sort=_places(lang))
    base = alt.Chart(data).encode(
        y=y, yOffset=alt.YOffset("scenario:N", sort=list(runs)), color=_scenario_color(runs, lang)
    )
    bars = base.mark_bar().encode(
        x=alt.X("mean:Q", title=text("growth_axis", lang), axis=alt.Axis(format=".0%")),
        tooltip=[
            _tip("scenario:N", lang),
            _tip("county:N", lang),
            _tip("mean:Q", lang, format=".1%"),
            alt.Tooltip("p10:Q", format=".1%", title=text("p10", lang)),
            alt.Tooltip("p90:Q", format=".1%", title=text("p90", lang)),
        ],
    )
    whiskers = base.mark_rule(color="black", opacity=0.6).encode(
        x=alt.X("p10:Q", title=text("growth_axis", lang)), x2="p90:Q"
    )
    line = (
        alt.Chart(pd.DataFrame({"target": [N1_TARGET]}))
        .mark_rule(strokeDash=[6, 4], color="firebrick")
        .encode(x=alt.X("target:Q", title=text("growth_axis", lang)))
    )
    return (bars + whiskers + line).properties(
        title=_title("growth_title", lang, year=year, base=year - 1), width=CHART_WIDTH, height=36 * 10 + 20
    )


def falling_share_data(runs: dict[str, Run], lang: str) -> pd.DataFrame:
    """Quarterly share of households whose YTD production income fell, city and counties (share 0–1)."""
    frames = []
    for name, run in runs.items():
        r = run.result
        idx = _reported(run)
        quarters = [r.quarters[i] for i in idx]
        limit = r.scenario.targets.falling_share_max
        shares = np.concatenate([r.city_falling[None, idx], r.county_falling[:, idx]])  # scope × quarter × draw
        q = _quantiles(shares)
        for s, label in enumerate((CITY, *COUNTIES)):
            frames.append(
                pd.DataFrame(
                    {
                        "scenario": name,
                        "scope": place(label, lang),
                        "quarter": quarters,
                        "mean": q["mean"][s],
                        "p10": q["p10"][s],
                        "p90": q["p90"][s],
                        "limit": limit if label == CITY else np.nan,
                        "unit": "share 0–1 of households",
                    }
                )
            )
    return pd.concat(frames, ignore_index=True)


def falling_share_chart(runs: dict[str, Run], lang: str) -> alt.FacetChart:
    """One small panel per area (city first), one line per scenario; the city panel shows the planner's limit."""
    data = falling_share_data(runs, lang)
    base = alt.Chart().encode(x=alt.X("quarter:O", title=text("quarter", lang)), color=_scenario_color(runs, lang))
    band = base.mark_area(opacity=0.15).encode(
        y=alt.Y("p10:Q", title=text("falling_axis", lang), axis=alt.Axis(format=".0%")), y2="p90:Q"
    )
    line = base.mark_line(point=True).encode(
        y=alt.Y("mean:Q", title=text("falling_axis", lang)),
        tooltip=[
            _tip("scenario:N", lang),
            _tip("scope:N", lang),
            _tip("quarter:O", lang),
            _tip("mean:Q", lang, format=".1%"),
            _tip("p10:Q", lang, format=".1%"),
            _tip("p90:Q", lang, format=".1%"),
        ],
    )
    limit = (
        alt.Chart()
        .mark_rule(strokeDash=[6, 4])
        .encode(
            y=alt.Y("limit:Q", title=text("falling_axis", lang)),
            color=_scenario_color(runs, lang),
            tooltip=[alt.Tooltip("limit:Q", format=".0%", title=text("threshold", lang))],
        )
        .transform_filter("isValid(datum.limit)")
    )
    return (
        alt.layer(band, line, limit, data=data)
        .properties(width=FACET_WIDTH, height=130)
        .facet(
            facet=alt.Facet("scope:N", title=None, sort=_places(lang)),
            columns=5,
        )
        .properties(title=_title("falling_title", lang))
    )


def points_lost_data(runs: dict[str, Run], lang: str) -> pd.DataFrame:
    """Per scenario, county and quarter: points lost (mean and P90 over draws) and the “五单式” probability."""
    frames = []
    for name, run in runs.items():
        r = run.result
        idx = _reported(run)
        points = r.points_lost[:, idx]  # county × quarter × draw
        wudan = r.wudan[:, idx].mean(axis=-1)
        excess = ((r.county_falling[:, idx] - r.city_falling[None, idx]) * 100).mean(axis=-1)
        n_q = len(idx)
        frames.append(
            pd.DataFrame(
                {
                    "scenario": name,
                    "county": np.repeat([place(c, lang) for c in COUNTIES], n_q),
                    "quarter": np.tile([r.quarters[i] for i in idx], len(COUNTIES)),
                    "excess_pp": excess.ravel(),
                    "points_lost": points.mean(axis=-1).ravel(),
                    "points_lost_p90": np.percentile(points, 90, axis=-1).ravel(),
                    "wudan_probability": wudan.ravel(),
                    "wudan": (wudan >= 0.5).ravel(),
                    "unit": f"分/季度 ({POINTS_PER_PP} per percentage point above the city share)",
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def points_lost_chart(runs: dict[str, Run], lang: str) -> alt.FacetChart:
    """A county × quarter heat map of points lost per scenario, with the quarters flagged “五单式”."""
    data = points_lost_data(runs, lang)
    counties = [place(c, lang) for c in COUNTIES]
    base = alt.Chart().encode(
        x=alt.X("quarter:O", title=text("quarter", lang)),
        y=alt.Y("county:N", title=text("county", lang), sort=counties),
    )
    cells = base.mark_rect().encode(
        color=alt.Color("points_lost:Q", title=text("points_axis", lang), scale=alt.Scale(scheme="orangered")),
        tooltip=[
            _tip("county:N", lang),
            _tip("quarter:O", lang),
            _tip("points_lost:Q", lang, format=".2f"),
            _tip("excess_pp:Q", lang, format=".2f"),
            alt.Tooltip("wudan_probability:Q", format=".0%", title=text("wudan", lang)),
        ],
    )
    flags = (
        base.mark_text(fontSize=9, color="black")
        .encode(text=alt.value(text("wudan_mark", lang)))
        .transform_filter("datum.wudan")
    )
    return (
        alt.layer(cells, flags, data=data)
        .properties(width=CHART_WIDTH - 80, height=220)
        .facet(
            row=alt.Row("scenario:N", title=text("scenario", lang), sort=list(runs)),
        )
        .properties(title=_title("points_title", lang))
    )


# ------------------------------------------------------------------------------------- channels
def _channel_rows(runs: dict[str, Run], year: int, wanted: tuple[str, ...]) -> pd.DataFrame:
    frames = []
    for name, run in runs.items():
        c = run.contributions
        c = c[(c["year"] == year) & c["channel"].isin(wanted)]
        frames.append(c.assign(scenario=name))
    columns = ["scenario", "year", "channel", "value", "unit"]
    return pd.concat(frames, ignore_index=True)[columns] if frames else pd.DataFrame(columns=columns)


def contributions_data(runs: dict[str, Run], lang: str, year: int = ASSESSMENT_YEAR) -> pd.DataFrame:
    """Income each measure added per capita in ``year`` (yuan/person/year), per scenario."""
    data = _channel_rows(runs, year, ("organic", *CHANNELS))
    return data.assign(channel=[text(f"channel.{c}", lang) for c in data["channel"]])


def contributions_chart(runs: dict[str, Run], lang: str, year: int = ASSESSMENT_YEAR) -> alt.Chart:
    """Bars per measure, one per scenario."""
    data = contributions_data(runs, lang, year)
    order = [text(f"channel.{c}", lang) for c in ("organic", *CHANNELS)]
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y("channel:N", title=text("channel", lang), sort=order),
            yOffset=alt.YOffset("scenario:N", sort=list(runs)),
            x=alt.X("value:Q", title=text("contrib_axis", lang), axis=alt.Axis(format=",.0f")),
            color=_scenario_color(runs, lang),
            tooltip=[
                _tip("scenario:N", lang),
                _tip("channel:N", lang),
                alt.Tooltip("value:Q", format=",.0f", title=text("contrib_axis", lang)),
            ],
        )
        .properties(title=_title("contrib_title", lang, year=year), width=CHART_WIDTH, height=34 * len(order))
    )


def yield_per_10k_data(runs: dict[str, Run], lang: str, year: int = ASSESSMENT_YEAR) -> pd.DataFrame:
    """Income gained per 万元 of funds in ``year`` (yuan per 万元), on two bases, per scenario."""
    data = _channel_rows(runs, year, YIELD_CHANNELS)
    return data.rename(columns={"channel": "basis"}).assign(basis=[text(c, lang) for c in data["channel"]])


def yield_per_10k_chart(runs: dict[str, Run], lang: str, year: int = ASSESSMENT_YEAR) -> alt.Chart:
    """Bars of yuan gained per 万元: all connection funds and industry funds, one bar per scenario."""
    data = yield_per_10k_data(runs, lang, year)
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y("basis:N", title=text("yield_kind", lang), sort=[text(c, lang) for c in YIELD_CHANNELS]),
            yOffset=alt.YOffset("scenario:N", sort=list(runs)),
            x=alt.X("value:Q", title=text("yield_axis", lang), axis=alt.Axis(format=",.0f")),
            color=_scenario_color(runs, lang),
            tooltip=[
                _tip("scenario:N", lang),
                alt.Tooltip("basis:N", title=text("yield_kind", lang)),
                alt.Tooltip("value:Q", format=",.0f", title=text("yield_axis", lang)),
            ],
        )
        .properties(title=_title("yield_title", lang, year=year), width=CHART_WIDTH, height=140)
    )


# ------------------------------------------------------------------------------------- distribution
def distribution_data(runs: dict[str, Run], year: int = ASSESSMENT_YEAR) -> pd.DataFrame:
    """Households per 500-yuan bin of per-capita net income in ``year`` (mean over draws); last bin is open."""
    frames = []
    for name, run in runs.items():
        r = run.result
        if year not in r.years:
            continue
        start = np.arange(HIST_BINS + 1) * HIST_BIN_YUAN
        frames.append(
            pd.DataFrame(
                {
                    "scenario": name,
                    "year": year,
                    "bin_start_yuan": start,
                    "bin_end_yuan": np.where(start < HIST_BINS * HIST_BIN_YUAN, start + HIST_BIN_YUAN, np.nan),
                    "households": r.hist[r.years.index(year)],
                    "monitoring_line_yuan": r.scenario.simulation.monitoring_line_yuan,
                }
            )
        )
    columns = ["scenario", "year", "bin_start_yuan", "bin_end_yuan", "households", "monitoring_line_yuan"]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)


def distribution_chart(runs: dict[str, Run], lang: str, year: int = ASSESSMENT_YEAR) -> alt.LayerChart:
    """Step lines of the household distribution per scenario, with each scenario's monitoring line dashed."""
    data = distribution_data(runs, year)
    color = _scenario_color(runs, lang)
    steps = (
        alt.Chart(data)
        .mark_line(interpolate="step-after")
        .encode(
            x=alt.X("bin_start_yuan:Q", title=text("dist_x", lang), axis=alt.Axis(format=",.0f")),
            y=alt.Y("households:Q", title=text("dist_y", lang)),
            color=color,
            tooltip=[
                _tip("scenario:N", lang),
                _tip("bin_start_yuan:Q", lang, format=",.0f"),
                _tip("bin_end_yuan:Q", lang, format=",.0f"),
                alt.Tooltip("households:Q", format=",.0f", title=text("dist_y", lang)),
            ],
        )
    )
    lines = data.drop_duplicates("scenario")[["scenario", "monitoring_line_yuan"]]
    rule = (
        alt.Chart(lines)
        .mark_rule(strokeDash=[6, 4])
        .encode(
            x=alt.X("monitoring_line_yuan:Q", title=text("dist_x", lang)),
            color=color,
            tooltip=[
                _tip("scenario:N", lang),
                alt.Tooltip("monitoring_line_yuan:Q", format=",.0f", title=text("monitoring_line", lang)),
            ],
        )
    )
    return (steps + rule).properties(title=_title("dist_title", lang, year=year), width=CHART_WIDTH, height=280)


CHARTS = {
    "income": income_bands_chart,
    "components": components_chart,
    "county_growth": county_growth_chart,
    "falling_share": falling_share_chart,
    "points_lost": points_lost_chart,
    "contributions": contributions_chart,
    "yield_per_10k": yield_per_10k_chart,
    "distribution": distribution_chart,
}
