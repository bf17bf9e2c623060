"""The quarterly county assessment of the notice (N3, N4, N20): tables with units in their headers, and charts.

Every number here is a model result, the mean over Monte Carlo draws unless the column says P10/P90. Counties
without households in the population (a partial upload) are left out: a share of nothing is not a share, and
ranking it would blame a county for data it never sent. Ranks are competition ranks (ties share the better
rank), 1 = the lowest share of households whose production income fell.
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from model.engine.result import POINTS_PER_PP, SimulationResult
from model.reports.chart_text import place
from model.schema.fieldspec import COUNTIES
from model.schema.text import pick

# key → (Chinese header, English header, how the value is shown). Units and "result"/"input" are in the header.
COLUMNS: dict[str, tuple[str, str, str]] = {
    "quarter": ("季度", "Quarter", "text"),
    "county": ("县（市、区）", "County", "text"),
    "households": ("农户数（户，输入）", "Households (households, input)", "count"),
    "falling_households": (
        "生产经营收入下降户数（户，结果，均值）",
        "Households whose production income fell (households, result, mean)",
        "count",
    ),
    "falling_share": (
        "下降户占比（%，结果，均值）",
        "Share of households with falling income (%, result, mean)",
        "share",
    ),
    "falling_share_p10": ("下降户占比P10（%，结果）", "Share falling, P10 (%, result)", "share"),
    "falling_share_p90": ("下降户占比P90（%，结果）", "Share falling, P90 (%, result)", "share"),
    "city_share": ("全市下降户占比（%，结果，均值）", "City share falling (%, result, mean)", "share"),
    "excess_pp": ("高于全市（百分点，结果，均值）", "Above the city share (percentage points, result, mean)", "pp"),
    "points_lost": ("扣分（分，结果，均值）", "Points lost (points, result, mean)", "points"),
    "points_lost_p90": ("扣分P90（分，结果）", "Points lost, P90 (points, result)", "points"),
    "rank": ("排名（1=下降户占比最低）", "Rank (1 = lowest share falling)", "rank"),
    "wudan_probability": ("纳入“五单式”概率（%，结果）", "Probability of five-list management (%, result)", "share"),
    "wudan": ("“五单式”管理（是/否，结果）", "Five-list management (yes/no, result)", "flag"),
}
PAGE_COLUMNS = (
    "county",
    "households",
    "falling_share",
    "falling_share_p10",
    "falling_share_p90",
    "city_share",
    "excess_pp",
    "points_lost",
    "points_lost_p90",
    "rank",
    "wudan_probability",
    "wudan",
)

TEXTS: dict[str, tuple[str, str]] = {
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "city": ("全市", "City"),
    "share_title": (
        "{quarter} 各县生产经营收入下降户占比（年度累计，结果，均值，须线为P10–P90）；虚线为全市占比",
        "{quarter} share of households whose year-to-date production income fell (result, mean, "
        "whiskers P10–P90); dashed: city share",
    ),
    "points_title": (
        "{quarter} 各县考核扣分（每高于全市1个百分点扣{per}分，结果，均值）",
        "{quarter} points lost by county ({per} per percentage point above the city share, result, mean)",
    ),
    "trend_title": (
        "各县下降户占比（年度累计，按季度，结果，均值）；黑色虚线为全市",
        "Share of households whose year-to-date production income fell, by quarter (result, mean); black dashed: city",
    ),
    "trend_points_title": ("各县每季度考核扣分（分，结果，均值）", "Points lost per quarter by county (result, mean)"),
    "share_axis": ("下降户占比", "Share of households"),
    "points_axis": ("扣分（分）", "Points lost"),
    "wudan_legend": ("“五单式”（扣分≥阈值）", "Five-list (points ≥ threshold)"),
    "review.Q1": ("一季度调度会：回顾{year}年全年", "Q1 meeting: review of {year}"),
    "review.Q3": ("三季度调度会：回顾{year}年上半年", "Q3 meeting: review of the first half of {year}"),
    "review.other": ("{quarter}调度会：本年截至本季度", "{quarter} meeting: the year to date"),
}


def label(key: str, lang: str, **values: object) -> str:
    """A column header or a label of this module in ``lang``."""
    return pick(COLUMNS[key][:2] if key in COLUMNS else TEXTS[key], lang, **values)


def quarter_assessment(result: SimulationResult, quarter: str) -> pd.DataFrame:
    """The assessment of one reported quarter, best-ranked county first (raw values)."""
    if quarter not in result.reported_quarters:
        raise ValueError(
            f"quarter {quarter} is not among the reported quarters "
            f"{result.reported_quarters[0]}–{result.reported_quarters[-1]}"
        )
    table = result.assessment_table()
    return table[table["quarter"] == quarter].reset_index(drop=True)


def shown_value(value: object, how: str, lang: str) -> object:
    """A raw value as the page shows it: shares as percentages, whole counts without decimals, flags as yes/no."""
    if how == "share":
        return round(float(value) * 100, 1)
    if how in ("pp", "points"):
        return round(float(value), 2)
    if how == "count":
        v = float(value)
        return int(v) if v.is_integer() else round(v, 1)
    if how == "flag":
        return label("yes" if value else "no", lang)
    return value


def display_table(table: pd.DataFrame, lang: str, columns: tuple[str, ...] = PAGE_COLUMNS) -> pd.DataFrame:
    """An assessment table for people: headers with units in ``lang``, shares in %, counties in ``lang``."""
    out = {}
    for key in columns:
        how = COLUMNS[key][2]
        values = table[key]
        if key == "county":
            values = values.map(lambda c: place(c, lang))
        else:
            values = values.map(lambda v, how=how: shown_value(v, how, lang))
        out[label(key, lang)] = values.to_list()
    return pd.DataFrame(out)


def assessment_view(result: SimulationResult, quarter: str, lang: str) -> pd.DataFrame:
    """The county table of one quarter as shown on the page and in the brief."""
    return display_table(quarter_assessment(result, quarter), lang)


# ------------------------------------------------------------------------------------- dispatch meetings (N20)
def review_period(quarter: str) -> tuple[str, str, list[str]]:
    """What the dispatch meeting of ``quarter`` reviews (N20): (text key, year, quarters reviewed).

    The Q1 meeting reviews the whole previous year, the Q3 meeting the first half; other meetings the year to
    date.
    """
    year, q = int(quarter[:4]), int(quarter[-1])
    if q == 1:
        return "review.Q1", str(year - 1), [f"{year - 1}Q{k}" for k in range(1, 5)]
    if q == 3:
        return "review.Q3", str(year), [f"{year}Q1", f"{year}Q2"]
    return "review.other", str(year), [f"{year}Q{k}" for k in range(1, q + 1)]


def period_points(result: SimulationResult, quarters: list[str]) -> pd.DataFrame:
    """Per county with households: average points lost per quarter over ``quarters`` (those simulated).

    ``flag_probability`` is the share of draws in which that average reaches the scenario's “五单式” threshold —
    the rule N4 applies to a year. Empty when none of ``quarters`` was simulated and reported.
    """
    shown = [q for q in quarters if q in result.reported_quarters]
    if not shown:
        return pd.DataFrame(columns=["county", "quarters", "mean_points", "flag_probability"])
    present = np.flatnonzero(result.households > 0)
    return pd.DataFrame(
        {
            "county": np.asarray(COUNTIES, dtype=object)[present],
            "quarters": f"{shown[0]}–{shown[-1]}",
            "mean_points": result.mean_points(shown)[present].mean(axis=1),
            "flag_probability": result.wudan_over(shown)[present].mean(axis=1),
        }
    )


# ------------------------------------------------------------------------------------- charts
def _quarter_chart(result: SimulationResult, quarter: str, lang: str) -> alt.VConcatChart:
    """Falling share per county with P10–P90 whiskers against the city share, and the points lost."""
    table = quarter_assessment(result, quarter)
    data = table.assign(
        place=table["county"].map(lambda c: place(c, lang)),
        flag=table["wudan"].map(lambda w: label("yes" if w else "no", lang)),
    )
    order = data["place"].to_list()
    y = alt.Y("place:N", title=label("county", lang), sort=order)
    flag = alt.Color(
        "flag:N",
        title=label("wudan_legend", lang),
        scale=alt.Scale(domain=[label("no", lang), label("yes", lang)], range=["#4c78a8", "#e45756"]),
        legend=alt.Legend(orient="bottom"),
    )
    base = alt.Chart(data).encode(y=y)
    bars = base.mark_bar().encode(
        x=alt.X("falling_share:Q", title=label("share_axis", lang), axis=alt.Axis(format=".0%")),
        color=flag,
        tooltip=[
            alt.Tooltip("place:N", title=label("county", lang)),
            alt.Tooltip("falling_share:Q", format=".1%", title=label("falling_share", lang)),
            alt.Tooltip("falling_share_p10:Q", format=".1%", title=label("falling_share_p10", lang)),
            alt.Tooltip("falling_share_p90:Q", format=".1%", title=label("falling_share_p90", lang)),
            alt.Tooltip("excess_pp:Q", format=".2f", title=label("excess_pp", lang)),
            alt.Tooltip("rank:Q", title=label("rank", lang)),
        ],
    )
    share_axis = label("share_axis", lang)
    whiskers = base.mark_rule(color="black", opacity=0.6).encode(
        x=alt.X("falling_share_p10:Q", title=share_axis), x2="falling_share_p90:Q"
    )
    city = (
        alt.Chart(data.head(1))
        .mark_rule(strokeDash=[6, 4], color="black")
        .encode(
            x=alt.X("city_share:Q", title=share_axis),
            tooltip=[alt.Tooltip("city_share:Q", format=".1%", title=label("city_share", lang))],
        )
    )
    height = 28 * len(data) + 10
    shares = (bars + whiskers + city).properties(
        title=label("share_title", lang, quarter=quarter).split("；"), width=520, height=height
    )
    points = (
        base.mark_bar()
        .encode(
            x=alt.X("points_lost:Q", title=label("points_axis", lang)),
            color=flag,
            tooltip=[
                alt.Tooltip("place:N", title=label("county", lang)),
                alt.Tooltip("points_lost:Q", format=".2f", title=label("points_lost", lang)),
                alt.Tooltip("points_lost_p90:Q", format=".2f", title=label("points_lost_p90", lang)),
                alt.Tooltip("wudan_probability:Q", format=".0%", title=label("wudan_probability", lang)),
            ],
        )
        .properties(title=label("points_title", lang, quarter=quarter, per=POINTS_PER_PP), width=520, height=height)
    )
    return alt.vconcat(shares, points).resolve_scale(color="shared")


def _trend_chart(result: SimulationResult, lang: str) -> alt.VConcatChart:
    """Falling share per county across quarters with the city share, and points lost per quarter."""
    table = result.assessment_table()
    data = table.assign(place=table["county"].map(lambda c: place(c, lang)))
    order = [place(c, lang) for c in COUNTIES if c in set(table["county"])]
    city = data.drop_duplicates("quarter")[["quarter", "city_share"]]
    x = alt.X("quarter:O", title=label("quarter", lang))
    color = alt.Color("place:N", title=label("county", lang), sort=order, legend=alt.Legend(orient="right"))
    lines = (
        alt.Chart(data)
        .mark_line(point=True)
        .encode(
            x=x,
            y=alt.Y("falling_share:Q", title=label("share_axis", lang), axis=alt.Axis(format=".0%")),
            color=color,
            tooltip=[
                alt.Tooltip("place:N", title=label("county", lang)),
                "quarter:O",
                alt.Tooltip("falling_share:Q", format=".1%", title=label("falling_share", lang)),
                alt.Tooltip("points_lost:Q", format=".2f", title=label("points_lost", lang)),
            ],
        )
    )
    city_line = (
        alt.Chart(city)
        .mark_line(strokeDash=[6, 4], color="black", strokeWidth=2.5)
        .encode(
            x=x,
            y="city_share:Q",
            tooltip=["quarter:O", alt.Tooltip("city_share:Q", format=".1%", title=label("city_share", lang))],
        )
    )
    shares = (lines + city_line).properties(title=label("trend_title", lang).split("；"), width=560, height=260)
    points = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=x,
            xOffset=alt.XOffset("place:N", sort=order),
            y=alt.Y("points_lost:Q", title=label("points_axis", lang)),
            color=color,
            tooltip=[
                alt.Tooltip("place:N", title=label("county", lang)),
                "quarter:O",
                alt.Tooltip("points_lost:Q", format=".2f", title=label("points_lost", lang)),
                alt.Tooltip("wudan_probability:Q", format=".0%", title=label("wudan_probability", lang)),
            ],
        )
        .properties(title=label("trend_points_title", lang), width=560, height=200)
    )
    return alt.vconcat(shares, points)


def assessment_chart(result: SimulationResult, lang: str, quarter: str | None = None) -> alt.VConcatChart:
    """The assessment of ``quarter`` (bars per county), or across every reported quarter when it is None."""
    return _trend_chart(result, lang) if quarter is None else _quarter_chart(result, quarter, lang)
