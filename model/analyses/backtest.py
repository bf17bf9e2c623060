"""The back-test: start from 2021 levels, run 2022's policy, compare 2022 with what was published.

The 2021 population is the default one at 2021 levels (the same households, incomes scaled to Yunnan's 2021
components); the scenario is 2022's programmes from calibration.toml ``[programmes_2022]`` (money rules, lending,
binding, tourism, training, collective payouts, purchases), each acting against its 2021 level. Every published
figure in shared/CALIBRATION.md the model can produce is compared: published value, model mean, P10–P90, inside
the band or not. Three figures are *fitted* (the organic growth rates are chosen to meet them, model/analyses/
calibrate.py); the others are *held out*: nothing was tuned to them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass

import numpy as np

from model.engine.run import Run, run_scenario
from model.population.synth import default_population, sample_population
from model.population.table import Population
from model.schema import calibration as cal
from model.schema.scenario import Scenario

BACKTEST_BASE_YEAR = 2021
YEAR = BACKTEST_BASE_YEAR + 1
BACKTEST_DRAWS = 256


@dataclass(frozen=True)
class Check:
    """One published figure against the model."""

    key: str
    label_zh: str
    label_en: str
    unit: str
    published: float
    model_mean: float
    p10: float
    p90: float
    role: str  # "fitted" or "held out"
    source: str

    @property
    def inside(self) -> bool:
        """The published value lies inside the model's P10–P90."""
        return self.p10 <= self.published <= self.p90

    @property
    def distance(self) -> float:
        """Model mean minus published value (in the figure's unit)."""
        return self.model_mean - self.published

    def label(self, lang: str) -> str:
        """The figure's label in ``lang``."""
        return self.label_zh if lang == "zh" else self.label_en

    def as_dict(self) -> dict:
        """JSON-ready, with ``inside`` and ``distance``."""
        return {**asdict(self), "inside": self.inside, "distance": self.distance}


FITTED_RATES = ("organic_growth_production", "organic_growth_wage", "organic_growth_transfer")


def backtest_scenario(overrides: dict | None = None) -> Scenario:
    """2022's programmes as a scenario over 2022, to run on the 2021 population (``overrides``: path → value).

    The organic rates are 2022's fitted ones (``[fitted] *_2022``), not the projection's: the back-test asks
    whether the model reproduces 2022 with what 2022 was.
    """
    p = cal.programmes(YEAR)
    changes = {
        **{f"assumptions.{name}": cal.value(f"fitted.{name}_{YEAR}") for name in FITTED_RATES},
        "name": "回测：2022年政策（2021年起点）",
        "description": "2022 policy from 2021 levels (back-test)",
        "funds.central_10k_yuan": p["central_10k_yuan"],
        "funds.provincial_10k_yuan": p["provincial_10k_yuan"],
        "funds.city_county_10k_yuan": p["city_county_10k_yuan"],
        "funds.industry_share_central": p["industry_share_central"],
        "funds.industry_share_provincial": p["industry_share_provincial"],
        "funds.industry_share_city_county": p["industry_share_city_county"],
        "linking.households_per_million_yuan": p["households_per_million_yuan"],
        "dual_binding.coverage_target": p["dual_binding_coverage"],
        "dual_binding.target_quarter": f"{YEAR}Q4",
        "microcredit.new_lending_10k_yuan": p["microcredit_new_lending_10k_yuan"],
        "tourism.households_reached": int(p["tourism_households"]),
        "training.person_times": int(p["training_person_times"]),
        "collective.dividends_10k_yuan": p["collective_dividends_10k_yuan"],
        "collective.share_first_to_poverty_alleviated": p["collective_share_first"],
        "consumption.purchases_10k_yuan": p["consumption_purchases_10k_yuan"],
        "simulation.start_quarter": f"{YEAR}Q1",
        "simulation.end_quarter": f"{YEAR}Q4",
        "simulation.draws": BACKTEST_DRAWS,
        "simulation.max_standard_error": 0.0,
        "simulation.monitoring_line_yuan": float(cal.value(f"income.line_{YEAR}_yuan")),
    }
    return Scenario().with_changes({**changes, **(overrides or {})})


def backtest_population(sample: int | None = None) -> Population:
    """The default population at 2021 levels, or a weighted sample of ``sample`` households of it (for tests)."""
    if sample is None:
        return default_population(BACKTEST_BASE_YEAR)
    return sample_population(sample, BACKTEST_BASE_YEAR)


def _growth_check(run: Run, key: str, components: tuple[str, ...], published: float, zh: str, en: str, source: str):
    r = run.result
    now = sum(r.annual_income(k, YEAR).sum(axis=0) for k in components)
    before = sum(r.income_base[k].sum() for k in components)
    growth = now / before - 1
    return Check(key, zh, en, "share, year on year", published, float(growth.mean()), *_band(growth), "fitted", source)


def _band(values: np.ndarray) -> tuple[float, float]:
    p10, p90 = np.percentile(values, [10, 90])
    return float(p10), float(p90)


def published_growth() -> dict[str, float]:
    """The growth figures the organic rates are fitted to (2022 over 2021, share).

    Property and transfer income are published together; the transfer rate is fitted to their sum, given the
    property rate (an elicited assumption).
    """
    now, before = cal.income_components(YEAR), cal.income_components(BACKTEST_BASE_YEAR)
    return {
        "production": now["production"] / before["production"] - 1,
        "wage": now["wage"] / before["wage"] - 1,
        "transfer": (now["property"] + now["transfer"]) / (before["property"] + before["transfer"]) - 1,
    }


def checks(run: Run) -> list[Check]:
    """Every published figure the back-test run can be compared with."""
    r = run.result
    fitted = published_growth()
    source = "People's Daily 2023-02-22; China Daily 2022-09-06 (Yunnan 脱贫人口)"
    out = [
        _growth_check(
            run,
            "production_growth",
            ("production",),
            fitted["production"],
            "2022年生产经营性收入增幅",
            "2022 growth of production/operating income",
            source,
        ),
        _growth_check(
            run, "wage_growth", ("wage",), fitted["wage"], "2022年工资性收入增幅", "2022 growth of wage income", source
        ),
        _growth_check(
            run,
            "property_transfer_growth",
            ("property", "transfer"),
            fitted["transfer"],
            "2022年财产性和转移性收入增幅",
            "2022 growth of property and transfer income",
            source,
        ),
    ]
    persons = r.persons.sum()
    total = sum(r.annual_income(k, YEAR).sum(axis=0) for k in r.income) / persons
    out.append(
        Check(
            "net_income_2022",
            "2022年人均纯收入",
            "2022 net income per capita",
            "元/人/年",
            float(cal.value("income.per_capita_net_2022")),
            float(total.mean()),
            *_band(total),
            "follows from the fitted three",
            "People's Daily 2023-02-22",
        )
    )
    below = r.below[:, 0].sum(axis=0) / r.households.sum()
    out.append(
        Check(
            "below_line_after_assistance_2022",
            "2022年帮扶后低于7000元的户占比",
            "2022 share of households below 7,000 yuan after assistance",
            "share 0–1 of households",
            float(cal.value("income.below_line_after_assistance_2022")),
            float(below.mean()),
            *_band(below),
            "held out",
            cal.figures()["income.below_line_after_assistance_2022"].source,
        )
    )
    q1 = sum(r.income[k][:, r.quarters.index(f"{YEAR}Q1")].sum(axis=0) for k in r.income)
    share_q1 = q1 / (total * persons)
    out.append(
        Check(
            "q1_share_of_year",
            "一季度收入占全年比例",
            "Q1 share of the year's net income",
            "share 0–1",
            float(cal.value("income.q1_share_of_year_2021")),
            float(share_q1.mean()),
            *_band(share_q1),
            "held out",
            cal.figures()["income.q1_share_of_year_2021"].source + " (all rural residents, 2021)",
        )
    )
    return out


def run_backtest(
    pop: Population | None = None,
    overrides: dict | None = None,
    progress: Callable[[float], None] | None = None,
    held: frozenset[str] = frozenset(),
) -> tuple[Run, list[Check]]:
    """Run 2022's policy from the 2021 population and compare with the published figures."""
    pop = pop if pop is not None else backtest_population()
    run = run_scenario(pop, backtest_scenario(overrides), progress, held | frozenset(FITTED_RATES))
    return run, checks(run)
