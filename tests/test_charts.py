import json

import altair as alt
import numpy as np
import pandas as pd
import pytest

from model.engine.result import CITY
from model.engine.targets import CHANNELS
from model.reports import charts, export
from model.reports.chart_text import TEXTS, place, text
from model.schema.fieldspec import COUNTIES

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _chart_rows(chart: alt.TopLevelMixin) -> int:
    spec = chart.to_dict()
    return sum(len(rows) for rows in spec.get("datasets", {}).values())


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name", list(charts.CHARTS))
def test_every_chart_builds_from_few_aggregated_rows(small_runs, name, lang):
    chart = charts.CHARTS[name](small_runs, lang)
    spec = chart.to_dict()
    assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/")
    assert 0 < _chart_rows(chart) < 2_000
    title = json.dumps(spec.get("title"), ensure_ascii=False)
    has_cjk = any("\u4e00" <= ch <= "\u9fff" for ch in title)
    assert has_cjk == (lang == "zh")


def test_income_bands_match_the_models_quarterly_table(small_runs):
    data = charts.income_bands_data(small_runs)
    assert list(data.columns) == ["scenario", "quarter", "mean", "p10", "p50", "p90", "unit"]
    assert len(data) == 2 * 12
    assert (data["p10"] <= data["p50"]).all() and (data["p50"] <= data["p90"]).all()
    name, run = next(iter(small_runs.items()))
    table = run.result.quarterly_table()
    city = table[(table["scope"] == CITY) & (table["metric"] == "net_income_per_capita")]
    mine = data[data["scenario"] == name]
    np.testing.assert_allclose(mine["mean"].to_numpy(), city["mean"].to_numpy())
    np.testing.assert_allclose(mine["p90"].to_numpy(), city["p90"].to_numpy())


def test_components_add_up_to_net_income(small_runs):
    parts = charts.components_data(small_runs, "en")
    assert set(parts["component"]) == {"Production/operating", "Wages", "Property", "Transfers"}
    summed = parts.groupby(["scenario", "quarter"], sort=False)["mean"].sum().to_numpy()
    np.testing.assert_allclose(summed, charts.income_bands_data(small_runs)["mean"].to_numpy())


def test_county_growth_city_row_is_the_n1_value(small_runs):
    data = charts.county_growth_data(small_runs, "zh")
    assert len(data) == 2 * (1 + len(COUNTIES))
    for name, run in small_runs.items():
        city = data[(data["scenario"] == name) & (data["county"] == "全市")]
        assert city["mean"].item() == pytest.approx(run.targets["N1"].value)
    assert (data["target"] == 0.20).all()
    english = charts.county_growth_data(small_runs, "en")
    assert english["county"].iloc[:2].tolist() == ["City", "Qilin"]


def test_county_growth_outside_the_horizon_is_empty(small_runs):
    assert charts.county_growth_data(small_runs, "en", year=2031).empty


def test_falling_share_city_and_counties(small_runs):
    data = charts.falling_share_data(small_runs, "zh")
    assert len(data) == 2 * 10 * 12
    name, run = next(iter(small_runs.items()))
    city = data[(data["scenario"] == name) & (data["scope"] == "全市")]
    np.testing.assert_allclose(city["mean"].to_numpy(), run.result.city_falling.mean(axis=-1))
    assert (city["limit"] == run.scenario.targets.falling_share_max).all()
    assert data.loc[data["scope"] != "全市", "limit"].isna().all()
    assert data["mean"].between(0, 1).all()


def test_points_lost_match_the_assessment_table(small_runs):
    data = charts.points_lost_data(small_runs, "zh")
    name, run = next(iter(small_runs.items()))
    mine = data[data["scenario"] == name].sort_values(["quarter", "county"]).reset_index(drop=True)
    table = run.result.assessment_table().sort_values(["quarter", "county"]).reset_index(drop=True)
    np.testing.assert_allclose(mine["points_lost"], table["points_lost"])
    np.testing.assert_allclose(mine["excess_pp"], table["excess_pp"])
    assert (mine["wudan"] == table["wudan"]).all()
    # 0.5 points per percentage point above the city share, never negative
    assert (data["points_lost"] >= 0).all()


def test_contributions_and_yield_come_from_the_runs_table(small_runs):
    data = charts.contributions_data(small_runs, "en")
    name, run = next(iter(small_runs.items()))
    c = run.contributions
    expected = c[(c["year"] == 2023) & (c["unit"] == "元/人/年")]
    mine = data[data["scenario"] == name]
    assert len(mine) == len(expected) == 1 + len(CHANNELS)  # organic and every channel
    np.testing.assert_allclose(mine["value"].to_numpy(), expected["value"].to_numpy())
    assert "Organic growth (no new measures, with shocks)" in set(data["channel"])
    yields = charts.yield_per_10k_data(small_runs, "zh")
    assert len(yields) == 2 * 2
    assert set(yields["basis"]) == {text("per_10k_yuan_all_funds", "zh"), text("per_10k_yuan_industry_funds", "zh")}


def test_distribution_counts_every_household(small_runs, small_population):
    data = charts.distribution_data(small_runs)
    assert len(data) == 2 * 101
    total_households = small_population.households_by_county().sum()
    for _, rows in data.groupby("scenario"):
        assert rows["households"].sum() == pytest.approx(total_households, rel=1e-6)
        assert rows["bin_end_yuan"].isna().sum() == 1
    assert (data["monitoring_line_yuan"] == 7100.0).all()


def test_scenario_colours_follow_the_runs_order(small_runs):
    spec = charts.income_bands_chart(small_runs, "en").to_dict()
    domain = spec["layer"][0]["encoding"]["color"]["scale"]["domain"]
    assert domain == list(small_runs)


def test_chart_labels_have_both_languages():
    for key, (zh, en) in TEXTS.items():
        assert zh and en, key
    assert place(CITY, "en") == "City" and place("会泽县", "en") == "Huize" and place("会泽县", "zh") == "会泽县"


def test_png_export_has_the_signature(small_runs):
    png = export.chart_png(charts.county_growth_chart(small_runs, "zh"), scale=1)
    assert png.startswith(PNG_SIGNATURE)
    assert len(png) > 10_000


def test_svg_export_keeps_chinese_text_with_the_cjk_font(small_runs):
    assert export.register_cjk_fonts()
    svg = export.chart_svg(charts.yield_per_10k_chart(small_runs, "zh"))
    assert svg.lstrip().startswith("<svg")
    assert "每万元" in svg
    assert "Noto Sans CJK SC" in svg


def test_csv_has_a_byte_order_mark_for_excel():
    frame = pd.DataFrame({"county": ["麒麟区"], "value": [1.5]})
    raw = export.frame_csv(frame)
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw.decode("utf-8-sig").splitlines() == ["county,value", "麒麟区,1.5"]
