"""Fit the organic growth rates so that the 2021→22 back-test lands on Yunnan's published 2022 growth.

Growth of each component is close to linear in its own organic rate (the channels and shocks add what they add),
so two back-test runs on the same draws (common random numbers) and a secant step solve the three rates at once;
a third run checks the fit. The fitted rate's uncertainty is not a point: its standard deviation combines what
one year of prices, weather and behaviour leaves open (the spread of the back-test's growth over draws at the fitted
rates, with the assumptions drawn) and how much organic growth moves from one year to the next, which one year
cannot show (``income.organic_year_to_year_sd``, elicited). ``python -m model calibrate --write`` records both in
calibration.toml's ``[fitted]`` table, from which the scenario fields take their defaults.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from model.analyses.backtest import YEAR, backtest_population, published_growth, run_backtest
from model.population.table import Population
from model.schema import calibration as cal

RATES = {
    "production": "organic_growth_production",
    "wage": "organic_growth_wage",
    "property_transfer": "organic_growth_property_transfer",
}
STEP = 0.02


@dataclass(frozen=True)
class Fit:
    """Fitted organic rates with their standard deviations and the back-test growth they give."""

    rates: dict[str, float]
    sd: dict[str, float]
    fit_sd: dict[str, float]
    growth: dict[str, float]
    published: dict[str, float]
    draws: int


def _growth(pop: Population, rates: dict[str, float], progress) -> dict[str, np.ndarray]:
    """Back-test growth per component and draw, with the organic rates fixed at ``rates`` (not drawn)."""
    overrides = {f"assumptions.{RATES[k]}": v for k, v in rates.items()}
    run, _ = run_backtest(pop, overrides, progress, held=frozenset(RATES.values()))
    r = run.result
    out = {}
    for key, components in (
        ("production", ("production",)),
        ("wage", ("wage",)),
        ("property_transfer", ("property", "transfer")),
    ):
        now = sum(r.annual_income(k, YEAR).sum(axis=0) for k in components)
        out[key] = now / sum(r.income_base[k].sum() for k in components) - 1
    return out


def fit(pop: Population | None = None, progress: Callable[[str], None] | None = None) -> Fit:
    """Solve the three organic rates (secant on common random numbers) and their uncertainty."""
    pop = pop if pop is not None else backtest_population()
    target = published_growth()
    say = progress or (lambda _: None)
    x0 = {k: target[k] for k in RATES}
    say("back-test at the published growth")
    g0 = {k: v.mean() for k, v in _growth(pop, x0, None).items()}
    x1 = {k: x0[k] + STEP for k in RATES}
    say("back-test one step higher")
    g1 = {k: v.mean() for k, v in _growth(pop, x1, None).items()}
    rates = {k: x0[k] + (target[k] - g0[k]) * STEP / (g1[k] - g0[k]) for k in RATES}
    say("check the fit")
    final = _growth(pop, rates, None)
    yty = cal.value("income.organic_year_to_year_sd")
    fit_sd = {k: float(final[k].std(ddof=1)) for k in RATES}
    return Fit(
        rates={k: float(v) for k, v in rates.items()},
        sd={k: float(np.hypot(fit_sd[k], yty[k])) for k in RATES},
        fit_sd=fit_sd,
        growth={k: float(v.mean()) for k, v in final.items()},
        published=target,
        draws=len(final["production"]),
    )


def write_fit(result: Fit, path=cal.CALIBRATION_PATH) -> None:
    """Rewrite calibration.toml's ``[fitted]`` entries with ``result`` (the rest of the file untouched)."""
    text = path.read_text(encoding="utf-8")
    labels = {
        "production": "production/operating income growth +21.5%",
        "wage": "wage income growth +16.4%",
        "property_transfer": "property + transfer income 1,616 → 1,618 yuan per capita",
    }
    for key, name in RATES.items():
        line = (
            f'{name} = {{ value = {result.rates[key]:.4f}, sd = {result.sd[key]:.4f}, unit = "share 0–1 per year", '
            f'year = "{YEAR}", source = "fitted to Yunnan {YEAR} {labels[key]} by the 2021→22 back-test '
            f"(python -m model calibrate, {result.draws} draws); sd = fit {result.fit_sd[key]:.4f} ⊕ year-to-year "
            f'{cal.value("income.organic_year_to_year_sd")[key]:.4f}", confidence = "M" }}'
        )
        text, n = re.subn(rf"^{name} = \{{.*\}}$", line, text, flags=re.MULTILINE)
        if n != 1:
            raise cal.CalibrationError(f"{path.name}: [fitted] {name} not found once")
    path.write_text(text, encoding="utf-8")
