"""Fit 2022's organic growth to the back-test, and derive the organic growth a projection draws.

**The 2022 fit.** Growth of each component is close to linear in its own organic rate (the channels and shocks add
what they add), so two back-test runs on the same draws (common random numbers) and a secant step solve the three
rates at once — production, wage, and transfer given the (elicited) property rate, since property and transfer
income are published together — and a third run checks the fit. The rate's standard deviation is the back-test's
spread over draws at the fitted rates, with every other assumption drawn: what one year of prices, weather and
behaviour leaves open.

**The projection.** 2022 was a year of recovery; nothing says it repeats. A projected year's organic rate is
ρ·g₂₀₂₂ + (1 − ρ)·g_long_run + ε with ρ = ``income.organic_persistence`` (elicited, triangular), g_long_run =
``income.organic_long_run`` (NBS, poverty-alleviated counties 2021 → 22: only data for years before the projected
one), for production times ``income.production_long_run_ratio`` (elicited, triangular), and ε the year-to-year
variation (``income.organic_year_to_year_sd``). Its mean and standard deviation are recorded in calibration.toml
``[fitted]``, from which the scenario fields take their defaults and spreads.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from model.analyses.backtest import FITTED_RATES, YEAR, backtest_population, published_growth, run_backtest
from model.population.table import Population
from model.schema import calibration as cal

RATES = dict(zip(("production", "wage", "transfer"), FITTED_RATES, strict=True))
LONG_RUN, RATIO = "income.organic_long_run", "income.production_long_run_ratio"
PERSISTENCE = "income.organic_persistence"
YEAR_TO_YEAR = "income.organic_year_to_year_sd"
# The figures whose uncertainty (sd or half width) this module folds into the projection's organic growth, an
# assumption drawn in every verdict and varied by the sensitivity analysis: their ranges are drawn, through it.
SPREAD_FIGURES = (LONG_RUN, RATIO, PERSISTENCE)
# Figures the projection's spread in ``[fitted]`` is derived from (by :func:`projection_prior`) whose range is not
# folded in: a figure at either end of its range re-derives that spread, the 2022 fit held.
PROJECTION_INPUTS = (YEAR_TO_YEAR,)
COMPONENTS = {"production": ("production",), "wage": ("wage",), "transfer": ("property", "transfer")}
STEP = 0.02


@dataclass(frozen=True)
class Fit:
    """Fitted 2022 rates with their spread, the back-test growth they give, and the projection's rates."""

    rates: dict[str, float]
    fit_sd: dict[str, float]
    growth: dict[str, float]
    published: dict[str, float]
    projection: dict[str, float]
    projection_sd: dict[str, float]
    draws: int


def _growth(pop: Population, rates: dict[str, float]) -> dict[str, np.ndarray]:
    """Back-test growth per fitted component and draw, with the organic rates held at ``rates``."""
    overrides = {f"assumptions.{RATES[k]}": v for k, v in rates.items()}
    run, _ = run_backtest(pop, overrides)
    r = run.result
    out = {}
    for key, components in COMPONENTS.items():
        now = sum(r.annual_income(k, YEAR).sum(axis=0) for k in components)
        out[key] = now / sum(r.income_base[k].sum() for k in components) - 1
    return out


def triangular_variance(half_width: float) -> float:
    """Variance of a symmetric triangular distribution on value ± ``half_width``."""
    return half_width**2 / 6


def long_run_rate(key: str) -> tuple[float, float]:
    """Mean and standard deviation of a component's long-run organic rate: the total's, × the ratio for production.

    Production's rate is the product of two independent uncertain figures, g·f: its variance is
    f²·sd_g² + g²·var_f + sd_g²·var_f.
    """
    total = cal.figures()[LONG_RUN]
    if key != "production":
        return total.value, total.sd
    ratio = cal.figures()[RATIO]
    var_f = triangular_variance(ratio.half_width)
    var = (ratio.value * total.sd) ** 2 + total.value**2 * var_f + total.sd**2 * var_f
    return ratio.value * total.value, math.sqrt(var)


def projection_prior(rate_2022: float, sd_2022: float, key: str) -> tuple[float, float]:
    """Mean and standard deviation of a projected year's organic rate (module docstring)."""
    rho = cal.figures()[PERSISTENCE]
    g_lr, sd_lr = long_run_rate(key)
    var_rho = triangular_variance(rho.half_width)
    year = cal.value(YEAR_TO_YEAR)[key]
    mean = rho.value * rate_2022 + (1 - rho.value) * g_lr
    var = (rho.value * sd_2022) ** 2 + ((1 - rho.value) * sd_lr) ** 2 + (rate_2022 - g_lr) ** 2 * var_rho + year**2
    return mean, math.sqrt(var)


def fit(pop: Population | None = None, progress: Callable[[str], None] | None = None) -> Fit:
    """Solve the three 2022 organic rates (secant on common random numbers), their spread and the projection."""
    pop = pop if pop is not None else backtest_population()
    target = published_growth()
    say = progress or (lambda _: None)
    say("back-test at the published growth")
    x0 = {k: target[k] for k in RATES}
    g0 = {k: v.mean() for k, v in _growth(pop, x0).items()}
    say("back-test one step higher")
    g1 = {k: v.mean() for k, v in _growth(pop, {k: x0[k] + STEP for k in RATES}).items()}
    rates = {k: float(x0[k] + (target[k] - g0[k]) * STEP / (g1[k] - g0[k])) for k in RATES}
    say("check the fit")
    final = _growth(pop, rates)
    fit_sd = {k: float(final[k].std(ddof=1)) for k in RATES}
    priors = {k: projection_prior(rates[k], fit_sd[k], k) for k in RATES}
    return Fit(
        rates=rates,
        fit_sd=fit_sd,
        growth={k: float(v.mean()) for k, v in final.items()},
        published=target,
        projection={k: mean for k, (mean, _) in priors.items()},
        projection_sd={k: sd for k, (_, sd) in priors.items()},
        draws=len(final["production"]),
    )


LABELS = {
    "production": "production/operating income growth +21.5%",
    "wage": "wage income growth +16.4%",
    "transfer": "property + transfer income 1,616 → 1,618 yuan per capita (given the property rate)",
}


def _line(name: str, value: float, sd: float, year: str, source: str, confidence: str) -> str:
    return (
        f'{name} = {{ value = {value:.4f}, sd = {sd:.4f}, unit = "share 0–1 per year", year = "{year}", '
        f'source = "{source}", confidence = "{confidence}" }}'
    )


def write_fit(result: Fit, path=cal.CALIBRATION_PATH) -> None:
    """Rewrite calibration.toml's ``[fitted]`` entries with ``result`` (the rest of the file untouched)."""
    text = path.read_text(encoding="utf-8")
    rho = cal.figures()[PERSISTENCE]
    for key, name in RATES.items():
        lines = {
            f"{name}_{YEAR}": _line(
                f"{name}_{YEAR}",
                result.rates[key],
                result.fit_sd[key],
                str(YEAR),
                f"fitted to Yunnan {YEAR} {LABELS[key]} by the 2021→22 back-test (python -m model calibrate, "
                f"{result.draws} draws); sd: the back-test's spread over draws",
                "M",
            ),
            name: _line(
                name,
                result.projection[key],
                result.projection_sd[key],
                f"{YEAR + 1}–",
                f"ρ·({result.rates[key]:.4f}) + (1 − ρ)·long run {long_run_rate(key)[0]:.4f} (2022 data only), "
                f"ρ = {rho.value} ± {rho.half_width} (income.organic_persistence); sd combines the fit, the long "
                "run, ρ and the year-to-year variation",
                "L",
            ),
        }
        for key_name, line in lines.items():
            text, n = re.subn(rf"^{key_name} = \{{.*\}}$", line, text, flags=re.MULTILINE)
            if n != 1:
                raise cal.CalibrationError(f"{path.name}: [fitted] {key_name} not found once")
    path.write_text(text, encoding="utf-8")
